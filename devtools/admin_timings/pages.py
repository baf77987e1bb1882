"""The admin pages worth timing: every list, a change page of each model, a connection's own views."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.urls import reverse

from changelog.models import ChangeRecord
from connections.models import Connection
from mappings.models import FieldCatalog, FieldMapping
from rules.models import Rule
from syncengine.choices import FAILING_OUTCOMES
from syncengine.models import RecordLink, RecordOutcome, SyncRun, WorkerHeartbeat


@dataclass(frozen=True)
class Page:
    """One admin request: a label, the URL, and POST data (None for a GET)."""

    label: str
    url: str
    post: dict | None = None


def _first(model, **filters):
    return model.objects.filter(**filters).order_by("pk").first()


def admin_pages(connection: Connection) -> list[Page]:
    """Every admin page worth timing, about ``connection`` where a page is about one connection: the index,
    every registered model's list (with the outcome list's filters and search), a change page of each, the
    connection's own views, and *Run now*."""
    from django.contrib import admin

    pages = [Page("index", reverse("admin:index"))]
    for model in admin.site._registry:
        meta = model._meta
        pages.append(
            Page(f"{meta.verbose_name_plural} (list)", reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        )
    outcomes = reverse("admin:syncengine_recordoutcome_changelist")
    connection_filter = f"run__connection__id__exact={connection.pk}"
    failing = ",".join(FAILING_OUTCOMES)
    pages += [
        Page("outcomes: latest of each record", f"{outcomes}?latest=yes"),
        Page("outcomes: latest, one connection", f"{outcomes}?{connection_filter}&latest=yes"),
        Page("outcomes: failing (latest)", f"{outcomes}?{connection_filter}&outcome__in={failing}&latest=yes"),
        Page("outcomes: all failing", f"{outcomes}?outcome__in={failing}"),
        Page("outcomes: search 'rosa'", f"{outcomes}?q=rosa"),
        Page("outcomes: page 2", f"{outcomes}?p=2"),
        Page(
            "runs: one connection",
            reverse("admin:syncengine_syncrun_changelist") + f"?connection__id__exact={connection.pk}",
        ),
        Page(
            "links: one connection",
            reverse("admin:syncengine_recordlink_changelist") + f"?connection__id__exact={connection.pk}",
        ),
        Page("connections: needs attention", reverse("admin:connections_connection_changelist") + "?attention=yes"),
    ]
    run = SyncRun.objects.filter(connection=connection).order_by("-pk").first()
    outcome = (
        RecordOutcome.objects.filter(run__connection=connection, outcome__in=FAILING_OUTCOMES).order_by("-pk").first()
    )
    outcome = outcome or RecordOutcome.objects.filter(run__connection=connection).order_by("-pk").first()
    link = _first(RecordLink, connection=connection)
    change = ChangeRecord.objects.filter(connection_id=connection.pk).order_by("-pk").first() or _first(ChangeRecord)
    objects = [
        ("connection page", connection),
        ("run page", run),
        ("outcome page", outcome),
        ("record link page", link),
        ("change history entry", change),
        ("NetSuite account page", connection.netsuite_account),
        ("Google account page", connection.app_account),
        ("subsidiary page", connection.subsidiary),
        ("field mapping page", _first(FieldMapping, connection=connection)),
        ("field catalog page", _first(FieldCatalog, account=connection.netsuite_account)),
        ("rule page", _first(Rule, connection=connection)),
        ("user page", _first(get_user_model(), is_superuser=True)),
        ("worker heartbeat page", _first(WorkerHeartbeat)),
    ]
    for label, obj in objects:
        if obj is not None:
            meta = obj._meta
            pages.append(Page(label, reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])))
    pages += [
        Page("rule: add (start links)", reverse("admin:rules_rule_add")),
        Page(
            "rule: add for a connection",
            reverse("admin:rules_rule_add") + f"?connection={connection.pk}&direction=to_app",
        ),
        Page("connection: add", reverse("admin:connections_connection_add")),
        Page("health page", reverse("admin:connections_connection_health", args=[connection.pk])),
        Page("progress (JSON)", reverse("admin:connections_connection_progress", args=[connection.pk])),
        Page("wizard: start", reverse("admin:connections_connection_wizard")),
        Page("Run now (POST)", reverse("admin:connections_connection_run", args=[connection.pk]), post={}),
        Page("Dry run (POST)", reverse("admin:connections_connection_dry_run", args=[connection.pk]), post={}),
        Page(
            "Full resync: its confirmation (POST)",
            reverse("admin:connections_connection_full_resync", args=[connection.pk]),
            post={},
        ),
    ]
    return pages
