"""The connection page, composed: the foundation's connection admin plus field mappings and rules.

``connections`` may not import ``mappings`` or ``rules`` (arrows point down),
so the page that shows all three is put together here, at the top layer:
the registered ``Connection`` admin is replaced by a subclass with the
mapping and rule inlines and a "Refresh field catalogs" action and button.
"""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from connections.admin import ConnectionAdmin
from connections.models import Connection
from mappings.admin import FieldMappingInline, can_refresh_catalogs, report_refresh
from mappings.catalog_cache import connection_sides, refresh_connection_catalogs
from rules.admin import RulesToAppInline, RulesToNetSuiteInline

admin.site.unregister(Connection)


@admin.register(Connection)
class SyncConnectionAdmin(ConnectionAdmin):
    """Connections with their field mappings and rules (added with the connection's defaults, edited here)."""

    change_form_template = "admin/mappings/connection/change_form.html"
    inlines = (FieldMappingInline, RulesToAppInline, RulesToNetSuiteInline)
    actions = (*ConnectionAdmin.actions, "refresh_field_catalogs")

    def get_inline_instances(self, request, obj=None):
        # A new connection gets its default mappings and rules when it is saved; they are edited afterwards.
        return super().get_inline_instances(request, obj) if obj is not None else []

    def has_refresh_catalogs_permission(self, request) -> bool:
        return can_refresh_catalogs(request)

    @admin.action(description="Refresh field catalogs", permissions=["refresh_catalogs"])
    def refresh_field_catalogs(self, request, queryset):
        connections = list(queryset.select_related("netsuite_account", "app_account"))
        report_refresh(self, request, refresh_connection_catalogs(connections))

    def refresh_catalogs_view(self, request, pk: int):
        if not self.has_refresh_catalogs_permission(request):
            raise PermissionDenied
        connection = get_object_or_404(Connection.objects.select_related("netsuite_account", "app_account"), pk=pk)
        report_refresh(self, request, refresh_connection_catalogs([connection]))
        return HttpResponseRedirect(reverse("admin:connections_connection_change", args=[pk]))

    def get_urls(self):
        own = [
            path(
                "<int:pk>/refresh-catalogs/",
                self.admin_site.admin_view(require_POST(self.refresh_catalogs_view)),
                name="connections_connection_refresh_catalogs",
            )
        ]
        return own + super().get_urls()

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        context["can_refresh_catalogs"] = self.has_refresh_catalogs_permission(request)
        if obj is not None and obj.pk:
            sides = connection_sides(obj)
            context["catalog_sides"] = [sides.netsuite, sides.app]
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)
