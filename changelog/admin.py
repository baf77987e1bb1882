"""The change history in the admin: read-only for everyone, visible to whoever may view connections."""

from __future__ import annotations

from django.contrib import admin
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join

from config.admin_display import clipped, moment

from .models import ChangeAction, ChangeRecord


def _label(change: dict) -> str:
    return str(change.get("label") or change.get("field") or "?")


def _value(value) -> str:
    # The recorder stores values as shown to people (strings); a missing one is shown as a dash.
    return "—" if value in (None, "") else str(value)


def render_changes(changes: list[dict]):
    """The field-by-field changes as a table with a header (escaped): field, before, after."""
    if not changes:
        return "—"
    rows = format_html_join(
        "",
        "<tr><th scope='row'>{}</th><td>{}</td><td>{}</td></tr>",
        ((_label(c), _value(c.get("old")), _value(c.get("new"))) for c in changes),
    )
    return format_html(
        '<table class="change-diff"><thead><tr><th>Field</th><th>Before</th><th>After</th></tr></thead>'
        "<tbody>{}</tbody></table>",
        rows,
    )


def summarise_changes(changes: list[dict], shown: int = 3) -> str:
    """The changes in a few words for the list: ``3 fields: name, direction, order`` (the first
    ``shown`` labels, then "…")."""
    if not changes:
        return "—"
    labels = [_label(c) for c in changes]
    head = ", ".join(labels[:shown]) + (", …" if len(labels) > shown else "")
    noun = "field" if len(labels) == 1 else "fields"
    return f"{len(labels)} {noun}: {head}"


class ConnectionFilter(admin.SimpleListFilter):
    """The connection an entry belongs to (its mappings and rules included), also after the connection is gone."""

    title = "connection"
    parameter_name = "connection_id"

    def lookups(self, request, model_admin):
        pairs = (
            ChangeRecord.objects.exclude(connection_id=None)
            .values_list("connection_id", "connection_name")
            .order_by("connection_name", "connection_id")
            .distinct()
        )
        names: dict[int, str] = {}
        for connection_id, name in pairs:
            names.setdefault(connection_id, name)  # renamed connections: one entry per connection
        return [(str(pk), name or f"#{pk}") for pk, name in names.items()]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(connection_id=self.value())
        return queryset


@admin.register(ChangeRecord)
class ChangeRecordAdmin(admin.ModelAdmin):
    """Who changed which account, connection, mapping or rule, when, field by field."""

    # One line per entry at 1400 px: the diff summarised ("3 fields: …", the whole on hover and on the entry's page).
    list_display = ("when", "action", "model", "object_link", "connection", "author", "changes_summary")
    list_display_links = ("when",)
    list_filter = (
        "action",
        ("content_type", admin.RelatedOnlyFieldListFilter),
        ConnectionFilter,
        ("user", admin.RelatedOnlyFieldListFilter),
        "via",
        "created_at",
    )
    search_fields = ("object_repr", "=object_id", "username", "connection_name")
    list_select_related = ("content_type", "user")
    date_hierarchy = "created_at"
    show_full_result_count = False
    fields = (
        "created_at",
        "action",
        "content_type",
        "object_link",
        "connection_name",
        "author",
        "via",
        "changes_html",
    )
    readonly_fields = fields

    def lookup_allowed(self, lookup, value, request=None):
        # "History of this object" links filter by model and id.
        if lookup in ("object_id", "content_type__id__exact"):
            return True
        return super().lookup_allowed(lookup, value, request)

    # Nobody edits history, not even a superuser; whoever may view connections may read it.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) or request.user.has_perm("connections.view_connection")

    def has_module_permission(self, request):
        return super().has_module_permission(request) or request.user.has_perm("connections.view_connection")

    @admin.display(description="object", ordering="object_repr")
    def object_link(self, obj: ChangeRecord):
        if obj.action == ChangeAction.DELETED:
            return clipped(obj.object_repr, "s")
        try:
            url = reverse(f"admin:{obj.content_type.app_label}_{obj.content_type.model}_change", args=[obj.object_id])
        except NoReverseMatch:  # a model without an admin page of its own (conditions, actions)
            return clipped(obj.object_repr, "s")
        return format_html('<a href="{}">{}</a>', url, clipped(obj.object_repr, "s"))

    @admin.display(description="model", ordering="content_type__model")
    def model(self, obj: ChangeRecord) -> str:
        return obj.content_type.name  # "field mapping", not "Field mappings | field mapping"

    @admin.display(description="when", ordering="created_at")
    def when(self, obj: ChangeRecord):
        return moment(obj.created_at)

    @admin.display(description="connection", ordering="connection_name")
    def connection(self, obj: ChangeRecord):
        return clipped(obj.connection_name, "s")

    @admin.display(description="what changed")
    def changes_summary(self, obj: ChangeRecord):
        whole = "; ".join(f"{_label(c)}: {_value(c.get('old'))} → {_value(c.get('new'))}" for c in obj.changes or [])
        return clipped(summarise_changes(obj.changes), "l", title=whole or None)

    @admin.display(description="who", ordering="username")
    def author(self, obj: ChangeRecord) -> str:
        return obj.author

    @admin.display(description="what changed")
    def changes_html(self, obj: ChangeRecord):
        return render_changes(obj.changes)
