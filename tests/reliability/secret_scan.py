"""Where secrets could leak to, gathered as text: every database table, admin pages, outgoing mail."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.sessions.models import Session
from django.db import connection as db
from django.urls import NoReverseMatch, reverse

# The only place a secret may be: encrypted, in this column.
ENCRYPTED_COLUMN = ("connections_connectedaccount", "credentials_encrypted")


def database_text() -> dict[str, str]:
    """Every row of every table as text, per table (the encrypted credentials column left out), plus the
    decoded session data (stored base64-encoded)."""
    dump = {}
    with db.cursor() as cursor:
        for table in db.introspection.table_names(cursor):
            columns = [c.name for c in db.introspection.get_table_description(cursor, table)]
            shown = [c for c in columns if (table, c) != ENCRYPTED_COLUMN]
            quoted = ", ".join(db.ops.quote_name(c) for c in shown)
            cursor.execute(f"SELECT {quoted} FROM {db.ops.quote_name(table)}")  # noqa: S608 - names from introspection
            dump[table] = "\n".join(" | ".join(str(value) for value in row) for row in cursor.fetchall())
    dump["django_session (decoded)"] = "\n".join(str(s.get_decoded()) for s in Session.objects.all())
    return dump


def admin_pages(objects_per_model: int = 5) -> list[str]:
    """The changelist, and the change and history pages of the latest few objects, of every admin model."""
    urls = []
    for model in admin.site._registry:
        meta = model._meta
        prefix = f"admin:{meta.app_label}_{meta.model_name}"
        urls.append(reverse(f"{prefix}_changelist"))
        for pk in model.objects.order_by("-pk").values_list("pk", flat=True)[:objects_per_model]:
            for page in ("change", "history"):
                try:
                    urls.append(reverse(f"{prefix}_{page}", args=[pk]))
                except NoReverseMatch:
                    continue
    return urls


def hits(secrets: dict[str, str], places: dict[str, str]) -> list[str]:
    """``"<secret name> in <place>"`` for every secret found in a place (an empty list is the goal)."""
    return [f"{name} in {place}" for place, text in places.items() for name, value in secrets.items() if value in text]
