"""The change history in the admin: read-only for everyone, visible to whoever may view connections."""

from __future__ import annotations

from django.contrib import admin
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join

from .models import ChangeAction, ChangeRecord


def render_changes(changes: list[dict]):
    """The field-by-field changes as a small table (escaped)."""
    if not changes:
        return "—"
    rows = format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td><td>→</td><td>{}</td></tr>",
        ((c.get("label") or c.get("field"), c.get("old"), c.get("new")) for c in changes),
    )
    return format_html('<table class="change-diff"><tbody>{}</tbody></table>', rows)


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

    list_display = ("created_at", "action", "content_type", "object_link", "connection_name", "author", "changes_html")
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
            return obj.object_repr
        try:
            url = reverse(f"admin:{obj.content_type.app_label}_{obj.content_type.model}_change", args=[obj.object_id])
        except NoReverseMatch:  # a model without an admin page of its own (conditions, actions)
            return obj.object_repr
        return format_html('<a href="{}">{}</a>', url, obj.object_repr)

    @admin.display(description="who", ordering="username")
    def author(self, obj: ChangeRecord) -> str:
        return obj.author

    @admin.display(description="what changed")
    def changes_html(self, obj: ChangeRecord):
        return render_changes(obj.changes)
