"""Admin of field mappings and cached field catalogs.

The mappings are edited inline on the connection page
(:class:`FieldMappingInline`, composed into the connection admin by
``ops/connection_admin.py``, since ``connections`` may not import this
app); they are also listed on their own, for a view across connections.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_safe

from connections.models import Connection

from .catalog_cache import ConnectionCatalogs, connection_catalogs, refresh_catalog_of
from .choices import Direction
from .compatibility import TYPE_WORDS, allowed_directions
from .forms import FieldMappingForm, FieldMappingFormSet
from .mapping_checks import ARROWS, unknown_field_message, verdict_summary
from .models import FieldCatalog, FieldMapping

REFRESH_PERMISSION = "mappings.change_fieldcatalog"


def can_refresh_catalogs(request) -> bool:
    """Refreshing writes the catalog cache: administrators only (operators view)."""
    return request.user.has_perm(REFRESH_PERMISSION)


def report_refresh(model_admin: admin.ModelAdmin, request, outcomes) -> None:
    """One message per refreshed catalog: success, or the provider's error in words."""
    for outcome in outcomes:
        model_admin.message_user(request, outcome.message, messages.SUCCESS if outcome.ok else messages.ERROR)


def directions_html(mapping: FieldMapping, catalogs: ConnectionCatalogs):
    """Beside a saved pair: the directions it may take (with their caveats) and why the others are refused."""
    netsuite_spec = catalogs.netsuite.fields.get(mapping.netsuite_field)
    app_spec = catalogs.app.fields.get(mapping.app_field)
    missing = []
    if netsuite_spec is None:
        missing.append(unknown_field_message(mapping.netsuite_field, catalogs.netsuite.description))
    if app_spec is None:
        missing.append(unknown_field_message(mapping.app_field, catalogs.app.description))
    if missing:
        return format_html('<span class="errornote-inline">{}</span>', " ".join(missing))
    allowed, refused = verdict_summary(netsuite_spec, app_spec, catalogs.app.app_label)
    parts = []
    if allowed:
        parts.append(format_html("<strong>Allowed:</strong> {}", "; ".join(allowed)))
    else:
        parts.append(format_html("<strong>{}</strong>", "Not compatible."))
    if refused:
        parts.append(
            format_html(
                " <strong>Not allowed:</strong> {}",
                format_html_join(" ", '<span class="refused">{}</span>', ((reason,) for reason in refused)),
            )
        )
    return format_html('<span class="mapping-directions">{}</span>', format_html_join("", "{}", ((p,) for p in parts)))


@dataclass(frozen=True)
class DirectionsVerdict:
    """What the "allowed directions" cell of a mapping row shows: a short ``headline``, the
    ``allowed_values`` the direction select may offer, and in words the ``allowed`` directions (with
    their caveats), the ``refused`` ones (with why) or the ``problem`` (an unknown field)."""

    headline: str
    allowed_values: list[str]
    allowed: list[str]
    refused: list[str]
    problem: str = ""

    def as_json(self) -> dict:
        """For the page's script (``mapping_directions.js``), which shows it as text."""
        return {
            "headline": self.headline,
            "allowed_values": self.allowed_values,
            "allowed": self.allowed,
            "refused": self.refused,
            "problem": self.problem,
        }


def directions_verdict(netsuite_field: str, app_field: str, catalogs: ConnectionCatalogs) -> DirectionsVerdict:
    """The verdict of the compatibility table (``mapping_checks.verdict_summary``) on one pair of fields,
    as the mapping inline shows it: for saved rows when the page is drawn, for rows being edited
    through :meth:`FieldMappingAdmin.directions_view`."""
    netsuite_spec = catalogs.netsuite.fields.get(netsuite_field)
    app_spec = catalogs.app.fields.get(app_field)
    if netsuite_spec is None or app_spec is None:
        missing = [
            unknown_field_message(field_id, side.description)
            for field_id, spec, side in (
                (netsuite_field, netsuite_spec, catalogs.netsuite),
                (app_field, app_spec, catalogs.app),
            )
            if spec is None
        ]
        return DirectionsVerdict("unknown field", [], [], [], " ".join(missing))
    allowed, refused = verdict_summary(netsuite_spec, app_spec, catalogs.app.app_label)
    verdict = allowed_directions(netsuite_spec, app_spec, app_label=catalogs.app.app_label)
    # "not compatible" alone when nothing is allowed: every direction is refused, and the cell stays narrow.
    if not allowed:
        headline = "not compatible"
    elif refused:
        headline = f"{len(allowed)} allowed · {len(refused)} not"
    else:
        headline = f"{len(allowed)} allowed"
    values = [direction for direction in Direction.values if verdict.allows(direction)]
    return DirectionsVerdict(headline, values, allowed, refused)


def directions_details(mapping: FieldMapping, catalogs: ConnectionCatalogs):
    """In the mapping inline, one line per mapping: a short verdict ("3 allowed", "1 allowed · 2 not")
    that opens, on demand, the directions with their caveats and why the others are refused.
    ``data-allowed`` lists the directions the row's select may offer (read by ``mapping_directions.js``)."""
    verdict = directions_verdict(mapping.netsuite_field, mapping.app_field, catalogs)
    return format_html(
        '<details class="allowed-directions" data-allowed="{}"><summary>{}</summary><div class="reason">{}</div>'
        "</details>",
        " ".join(verdict.allowed_values),
        verdict.headline,
        directions_html(mapping, catalogs),
    )


class _SidesCache:
    """The connection's catalogs, read once per page: for inline admins only, which are built per request."""

    _catalogs: dict[int, ConnectionCatalogs]

    def catalogs_for(self, connection: Connection) -> ConnectionCatalogs:
        cache = self.__dict__.setdefault("_catalogs", {})
        if connection.pk not in cache:
            cache[connection.pk] = connection_catalogs(connection)
        return cache[connection.pk]


class FieldMappingInline(_SidesCache, admin.TabularInline):
    """The mappings of a connection, on its page: fields picked from the cached catalogs."""

    model = FieldMapping
    form = FieldMappingForm
    formset = FieldMappingFormSet
    # Errors in a row of their own under the invalid row's fields, and the page's script that shows the allowed
    # directions while fields are chosen (see the template).
    template = "admin/edit_inline/tabular_row_errors.html"
    extra = 1
    fields = ("netsuite_field", "app_field", "direction", "enabled", "order", "kind", "allowed_directions")
    readonly_fields = ("kind", "allowed_directions")
    verbose_name = "field mapping"
    verbose_name_plural = "field mappings"

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        catalogs = self.catalogs_for(obj) if obj is not None and obj.pk else None
        directions_url = reverse("admin:mappings_fieldmapping_directions", args=[obj.pk]) if catalogs else ""
        return type(formset.__name__, (formset,), {"catalogs": catalogs, "directions_url": directions_url})

    class Media:
        js = ("mappings/mapping_directions.js",)

    @admin.display(description="kind")
    def kind(self, obj: FieldMapping) -> str:
        if not obj.pk:
            return ""
        return "default" if obj.is_default else "custom"

    @admin.display(description="allowed directions")
    def allowed_directions(self, obj: FieldMapping):
        if not (obj.netsuite_field and obj.app_field and obj.connection_id):
            # A new row: filled in by mapping_directions.js as soon as both fields are chosen.
            return format_html('<span class="allowed-directions-pending">{}</span>', "Choose both fields.")
        # The page's connection is in the cache already: looked up by id, not by loading it again for each row.
        catalogs = self.__dict__.get("_catalogs", {}).get(obj.connection_id) or self.catalogs_for(obj.connection)
        return directions_details(obj, catalogs)


@admin.register(FieldMapping)
class FieldMappingAdmin(admin.ModelAdmin):
    """All mappings across connections; they are added on their connection's page."""

    form = FieldMappingForm
    list_display = ("__str__", "connection", "direction_arrow", "enabled", "is_default", "order")
    list_filter = ("connection", "enabled", "is_default", "direction")
    list_select_related = ("connection",)
    search_fields = ("netsuite_field", "app_field", "connection__name")
    fields = ("connection", "netsuite_field", "app_field", "direction", "enabled", "order", "is_default", "allowed")
    readonly_fields = ("connection", "is_default", "allowed")

    @admin.display(description="direction")
    def direction_arrow(self, obj: FieldMapping) -> str:
        return f"{ARROWS.get(obj.direction, '?')} {obj.get_direction_display()}"

    @admin.display(description="allowed directions")
    def allowed(self, obj: FieldMapping):
        # A model admin lives as long as the process: the catalogs are read per call, never kept on it.
        return directions_html(obj, connection_catalogs(obj.connection)) if obj.pk else ""

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None:
            return form
        catalogs = connection_catalogs(obj.connection)

        class MappingFormWithSides(form):
            def __init__(self, *args, **form_kwargs):
                form_kwargs.setdefault("catalogs", catalogs)
                super().__init__(*args, **form_kwargs)

        return MappingFormWithSides

    def has_add_permission(self, request):
        return False  # added inline on the connection page, where the catalogs of both sides are known

    def get_urls(self):
        own = [
            path(
                "directions/<int:connection_id>/",
                self.admin_site.admin_view(require_safe(self.directions_view)),
                name="mappings_fieldmapping_directions",
            )
        ]
        return own + super().get_urls()

    def directions_view(self, request, connection_id: int):
        """The allowed directions of a pair of fields of a connection (``?netsuite_field=…&app_field=…``), as
        JSON: what the connection page shows beside a row while its fields are being chosen, decided by the
        compatibility table in Python (the script only shows it)."""
        if not self.has_view_or_change_permission(request):
            return JsonResponse({"error": "You may not view field mappings."}, status=403)
        connection = get_object_or_404(
            Connection.objects.select_related("netsuite_account", "app_account"), pk=connection_id
        )
        verdict = directions_verdict(
            request.GET.get("netsuite_field", ""), request.GET.get("app_field", ""), connection_catalogs(connection)
        )
        return JsonResponse(verdict.as_json())

    def add_view(self, request, form_url="", extra_context=None):
        # Opened directly (a bookmark, a typed URL): the clean 403 page says where mappings are added.
        raise PermissionDenied("Field mappings are added on their connection's page (Connections → a connection).")


@admin.register(FieldCatalog)
class FieldCatalogAdmin(admin.ModelAdmin):
    """The cached catalogs: what each provider last said its fields are. Refreshed, never typed in."""

    list_display = ("account", "object_type", "fetched_at", "field_count", "custom_field_count")
    list_filter = ("account__provider", "object_type")
    list_select_related = ("account",)
    fields = ("account", "object_type", "fetched_at", "field_table")
    readonly_fields = fields
    actions = ("refresh_catalogs",)

    @admin.display(description="fields")
    def field_count(self, obj: FieldCatalog) -> int:
        return obj.field_count

    @admin.display(description="custom fields")
    def custom_field_count(self, obj: FieldCatalog) -> int:
        return obj.custom_field_count

    @admin.display(description="fields")
    def field_table(self, obj: FieldCatalog):
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    spec.label,
                    spec.id,
                    TYPE_WORDS.get(spec.type, spec.type),
                    "custom" if spec.custom else "standard",
                    "yes" if spec.writable else "read-only",
                    ", ".join(option.name for option in spec.options[:20])
                    + (f" … ({len(spec.options)} in all)" if len(spec.options) > 20 else ""),
                )
                for spec in obj.specs()
            ),
        )
        return format_html(
            "<table><thead><tr><th>label</th><th>id</th><th>type</th><th>kind</th><th>writable</th>"
            "<th>options</th></tr></thead><tbody>{}</tbody></table>",
            rows,
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # a catalog is what the provider says: refresh it instead

    def has_refresh_permission(self, request) -> bool:
        return can_refresh_catalogs(request)

    @admin.action(description="Refresh the selected field catalogs", permissions=["refresh"])
    def refresh_catalogs(self, request, queryset):
        catalogs = queryset.select_related("account")
        outcomes = [refresh_catalog_of(catalog.account, catalog.object_type) for catalog in catalogs]
        report_refresh(self, request, outcomes)
