"""The connection page, composed: the foundation's connection admin plus field mappings and rules.

``connections`` may not import ``mappings`` or ``rules`` (arrows point down),
so the page that shows all three is put together here, at the top layer:
the registered ``Connection`` admin is replaced by a subclass with the
mapping and rule inlines and a "Refresh field catalogs" action and button.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, Subquery
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST, require_safe

from config.admin_display import clipped, moment
from connections.admin import ConnectionAdmin
from connections.models import Connection
from mappings.admin import FieldMappingInline, can_refresh_catalogs, report_refresh
from mappings.catalog_cache import connection_catalogs, refresh_connection_catalogs
from rules.admin import RulesToAppInline, RulesToNetSuiteInline
from syncengine.latest_outcomes import failing_count_annotation, failing_records_url
from syncengine.models import ConnectionState, SyncRun
from syncengine.notifications import AUTH_PAUSE_PREFIX
from syncengine.replan import stale_link_count
from syncengine.services import (
    ACTIVE,
    TROUBLED,
    attention_label,
    confirm_deletions,
    connection_status,
    enqueue_run,
    last_real_runs,
    retry_failed,
    run_trouble,
)

from .health import connection_health
from .run_progress import describe
from .wizard.urls import wizard_urls

STATUS_COLOURS = {
    "active": "#2e7d32",
    "syncing": "#1565c0",
    "scanning": "#1565c0",
    "paused": "#757575",
    "attention": "#c62828",
}

BROKEN_ACCOUNT = ("error", "needs_reauth")

admin.site.unregister(Connection)


class NeedsAttentionFilter(admin.SimpleListFilter):
    """Connections flagged "Needs attention" in the status column: a failed or partially failed last real
    run, failing records, held deletions, a broken account, or paused by the engine after repeated
    authentication failures (the rule of ``services.run_trouble``, in SQL)."""

    title = "attention"
    parameter_name = "attention"

    def lookups(self, request, model_admin):
        return [("yes", "Needs attention")]

    def queryset(self, request, queryset):
        if self.value() != "yes":
            return queryset
        trouble = (
            Q(netsuite_account__status__in=BROKEN_ACCOUNT)
            | Q(app_account__status__in=BROKEN_ACCOUNT)
            | Q(sync_state__deletions_awaiting_confirmation__gt=0)
            | Q(last_status__in=TROUBLED)
            | Q(failing__gt=0)
        )
        return queryset.filter(
            (Q(paused=False) & trouble) | Q(paused=True, paused_reason__startswith=AUTH_PAUSE_PREFIX)
        )


@dataclass(frozen=True)
class RowError:
    """One invalid inline row, as the list under "Please correct the errors below" names it: ``where``
    (``Field mappings, row 10 (email → birthday)``), its first ``message``, and the ``anchor`` of the row
    of messages right above its fields (see ``admin/edit_inline/tabular_row_errors.html``)."""

    where: str
    message: str
    anchor: str


def row_errors(inline_admin_formsets) -> list[RowError]:
    """The invalid rows of the page's inlines, in page order, so the top of the page says which they are."""
    found = []
    for inline in inline_admin_formsets:
        formset = inline.formset
        title = str(inline.opts.verbose_name_plural).capitalize()
        for index, form in enumerate(formset.forms):
            if not form.errors:
                continue
            fields = [str(form[name].value()) for name in ("netsuite_field", "app_field") if name in form.fields]
            pair = " → ".join(value for value in fields if value)
            texts = [*form.non_field_errors(), *(e for f in form if f.name in form.errors for e in f.errors)]
            found.append(
                RowError(
                    where=f"{title}, row {index + 1}" + (f" ({pair})" if pair else ""),
                    message=texts[0] if texts else "",
                    anchor=f"{formset.prefix}-{index}-errors",
                )
            )
    return found


@admin.register(Connection)
class SyncConnectionAdmin(ConnectionAdmin):
    """Connections with their field mappings and rules (added with the connection's defaults, edited here)."""

    change_form_template = "ops/connection/change_form.html"
    change_list_template = "ops/connection/change_list.html"  # + "New connection (wizard)"
    # One line per connection at 1400 px: name, then what an operator looks for first (status, failing,
    # last run), then the accounts; long names are cut, the whole on hover.
    list_display = (
        "connection_name",
        "sync_status",
        "failing_records",
        "last_run_at",
        "kind",
        "netsuite_side",
        "app_side",
        "every",
    )
    list_display_links = ("connection_name",)
    inlines = (FieldMappingInline, RulesToAppInline, RulesToNetSuiteInline)
    actions = (*ConnectionAdmin.actions, "refresh_field_catalogs")
    list_filter = (NeedsAttentionFilter, *ConnectionAdmin.list_filter)

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

    # --- status in the list (annotated: a fixed number of queries) -------------------------
    def get_queryset(self, request):
        runs = SyncRun.objects.filter(connection=OuterRef("pk"))
        finished = last_real_runs(OuterRef("pk"))  # dry and skipped runs never stand in for the last run
        return (
            super()
            .get_queryset(request)
            .select_related("netsuite_account", "app_account", "subsidiary", "sync_state")
            .annotate(
                last_status=Subquery(finished.values("status")[:1]),
                last_run_at=Subquery(finished.values("finished_at")[:1]),
                running=Exists(runs.filter(status__in=ACTIVE)),
                failing=failing_count_annotation(),
                alerted=Exists(  # an active owner with an email: failure alerts reach someone
                    Connection.owners.through.objects.filter(
                        connection_id=OuterRef("pk"), user__is_active=True
                    ).exclude(user__email="")
                ),
            )
        )

    @admin.display(description="status")
    def sync_status(self, obj):
        state = getattr(obj, "sync_state", None) if hasattr(obj, "sync_state") else None
        broken = any(a.status in BROKEN_ACCOUNT for a in (obj.netsuite_account, obj.app_account))
        paused_by_engine = obj.paused and obj.paused_reason.startswith(AUTH_PAUSE_PREFIX)
        if obj.paused and not paused_by_engine:
            code, label = "paused", "Paused"
        elif (
            paused_by_engine
            or broken
            or (state and state.deletions_awaiting_confirmation)
            or run_trouble(obj.last_status, obj.failing)
        ):
            code, label = "attention", attention_label(obj.failing)
        elif obj.running:
            code, label = ("syncing", "Syncing") if obj.last_status else ("scanning", "Scanning")
        else:
            code, label = "active", "Active"
        status = format_html('<strong style="color:{}">{}</strong>', STATUS_COLOURS[code], label)
        if getattr(obj, "alerted", True):
            return status
        owners = reverse("admin:connections_connection_change", args=[obj.pk]) + "#id_owners"
        return format_html(
            # A sign, not words: the list keeps one short line per row (the words are in the title and on the page).
            '{} <a href="{}" class="alerts-reach-nobody" title="No owner with an email: failure alerts reach nobody.'
            ' Add an owner." aria-label="Failure alerts reach nobody: add an owner">⚠</a>',
            status,
            owners,
        )

    @admin.display(description="failing", ordering="failing")
    def failing_records(self, obj):
        if not obj.failing:
            return 0
        return format_html(
            '<a href="{}" style="color:#c62828;font-weight:bold">{}</a>', failing_records_url(obj.pk), obj.failing
        )

    @admin.display(description="last run", ordering="last_run_at")
    def last_run_at(self, obj):
        return moment(obj.last_run_at)

    @admin.display(description="name", ordering="name")
    def connection_name(self, obj):
        return clipped(obj.name, "l")

    @admin.display(description="type", ordering="contact_type")
    def kind(self, obj):
        return clipped(obj.get_contact_type_display(), "s")

    @admin.display(description="NetSuite", ordering="netsuite_account__label")
    def netsuite_side(self, obj):
        return clipped(f"{obj.netsuite_account} · {obj.subsidiary}", "s")

    @admin.display(description="every", ordering="interval_minutes")
    def every(self, obj) -> str:
        return f"{obj.interval_minutes} min"

    @admin.display(description="app account", ordering="app_account__label")
    def app_side(self, obj):
        return clipped(str(obj.app_account), "s")

    # --- run now, dry run, full resync, confirm deletions -------------------------------------
    def _run_view(self, request, pk: int, *, dry_run: bool = False, full: bool = False):
        if not self.has_run_permission(request):
            raise PermissionDenied
        connection = get_object_or_404(Connection, pk=pk)
        change_url = reverse("admin:connections_connection_change", args=[pk])
        if full and request.POST.get("confirm") != "yes":
            context = {
                **self.admin_site.each_context(request),
                "title": f"Full resync of {connection}",
                "opts": self.model._meta,
                "original": connection,
                "change_url": change_url,
            }
            return TemplateResponse(request, "ops/connection/confirm_full_resync.html", context)
        run, created = enqueue_run(connection, dry_run=dry_run, full=full)
        kind = "Full resync" if full else "Dry run" if dry_run else "Run"
        if created:
            messages.success(request, f"{kind} {run.pk} queued; the background worker starts it shortly.")
        else:
            messages.warning(
                request,
                f"Run {run.pk} is already {run.get_status_display().lower()}: no other {kind.lower()} was queued. "
                "Try again when it has finished.",
            )
        return HttpResponseRedirect(change_url)

    def run_now_view(self, request, pk: int):
        return self._run_view(request, pk)

    def dry_run_view(self, request, pk: int):
        return self._run_view(request, pk, dry_run=True)

    def full_resync_view(self, request, pk: int):
        return self._run_view(request, pk, full=True)

    def retry_failed_view(self, request, pk: int):
        """*Retry failed records* of one connection (the button on its page): operators may, like Run now."""
        if not self.has_run_permission(request):
            raise PermissionDenied
        connection = get_object_or_404(Connection, pk=pk)
        retry = retry_failed(connection)
        level = messages.SUCCESS if retry.queued else messages.WARNING if retry.run else messages.INFO
        self.message_user(request, retry.describe(), level)
        return HttpResponseRedirect(reverse("admin:connections_connection_change", args=[pk]))

    def confirm_deletions_view(self, request, pk: int):
        if not request.user.has_perm("connections.change_connection"):
            raise PermissionDenied
        connection = get_object_or_404(Connection, pk=pk)
        count = confirm_deletions(connection)
        messages.success(request, f"{count} held deletions confirmed: the next run carries them out.")
        return HttpResponseRedirect(reverse("admin:connections_connection_change", args=[pk]))

    # --- health: on the connection page and a page of its own ----------------------------------------------
    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return (*fields, "health_overview") if obj is not None else fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        rest = [
            (name, {**opts, "fields": [f for f in opts["fields"] if f != "health_overview"]})
            for name, opts in fieldsets
        ]
        return [("Health", {"fields": ["health_overview"]}), *rest]

    @admin.display(description="records")
    def health_overview(self, obj):
        html = render_to_string("ops/health/overview.html", {"health": connection_health(obj), "compact": True})
        # Escaped by the template; one line, or the admin would add a <br> per line.
        return mark_safe(html.replace("\n", " "))  # noqa: S308

    def health_view(self, request, pk: int):
        connection = get_object_or_404(Connection, pk=pk)
        if not self.has_view_permission(request, connection):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": f"Health of {connection}",
            "opts": self.model._meta,
            "original": connection,
            "health": connection_health(connection, top_reasons=50),
            "status": connection_status(connection),
        }
        return TemplateResponse(request, "ops/health/page.html", context)

    def progress_view(self, request, pk: int):
        """The banner's figures as JSON, polled by ``run_progress.js`` while the page is open:
        the status in words and, while a run is queued or running, its stage and counts."""
        connection = get_object_or_404(Connection.objects.select_related("netsuite_account", "app_account"), pk=pk)
        if not self.has_view_permission(request, connection):
            return JsonResponse({"error": "You may not view this connection."}, status=403)
        active = SyncRun.objects.filter(connection=connection, status__in=ACTIVE).order_by("queued_at").first()
        status = connection_status(connection, active_run=active)
        last = status.last_run
        return JsonResponse(
            {
                "status": {
                    "code": status.code,
                    "label": status.label,
                    "detail": status.detail,
                    "colour": STATUS_COLOURS[status.code],
                },
                "active_run": active
                and {
                    "id": active.pk,
                    "status": active.status,
                    "stage": active.progress.get("stage", ""),
                    "stages": active.progress.get("stages", {}),
                    "text": describe(active.progress, connection.app_account.provider_info.label)
                    or ("Waiting for a worker…" if active.status == "queued" else "Starting…"),
                },
                "last_run": last
                and {
                    "id": last.pk,
                    "status": last.get_status_display(),
                    "finished_at": last.finished_at and timezone.localtime(last.finished_at).strftime("%Y-%m-%d %H:%M"),
                    "url": reverse("admin:syncengine_syncrun_change", args=[last.pk]),
                },
            }
        )

    def get_urls(self):
        def post(route, view, name):
            return path(route, self.admin_site.admin_view(require_POST(view)), name=name)

        own = [
            path(
                "<int:pk>/health/",
                self.admin_site.admin_view(require_safe(self.health_view)),
                name="connections_connection_health",
            ),
            path(
                "<int:pk>/progress/",
                self.admin_site.admin_view(require_safe(self.progress_view)),
                name="connections_connection_progress",
            ),
            post("<int:pk>/refresh-catalogs/", self.refresh_catalogs_view, "connections_connection_refresh_catalogs"),
            post("<int:pk>/run/", self.run_now_view, "connections_connection_run"),
            post("<int:pk>/dry-run/", self.dry_run_view, "connections_connection_dry_run"),
            post("<int:pk>/full-resync/", self.full_resync_view, "connections_connection_full_resync"),
            post("<int:pk>/retry-failed/", self.retry_failed_view, "connections_connection_retry_failed"),
            post(
                "<int:pk>/confirm-deletions/", self.confirm_deletions_view, "connections_connection_confirm_deletions"
            ),
        ]
        return own + wizard_urls(self) + super().get_urls()

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        context["can_refresh_catalogs"] = self.has_refresh_catalogs_permission(request)
        context["row_errors"] = row_errors(context.get("inline_admin_formsets", ()))
        if obj is not None and obj.pk:
            catalogs = connection_catalogs(obj)
            context["side_catalogs"] = [catalogs.netsuite, catalogs.app]
            status = connection_status(obj)
            context["sync_status"] = status
            context["status_colour"] = STATUS_COLOURS[status.code]
            context["recent_runs"] = SyncRun.objects.filter(connection=obj).order_by("-queued_at")[:5]
            context["sync_state"] = ConnectionState.objects.filter(connection=obj).first()
            context["config_stale_links"] = stale_link_count(obj)
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)
