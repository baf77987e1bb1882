"""Admin of the sync engine's models (their app label stays ``syncengine``): the audit log (runs and
per-record outcomes), record links with their timeline, and worker heartbeats. All read-only."""

from __future__ import annotations

import json

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme

from config.admin_display import clipped, moment
from connections.models import Connection
from mappings.addresses import address_text
from syncengine.choices import Outcome, UndoCreated
from syncengine.failure_causes import meaningful_message, reason_regex
from syncengine.latest_outcomes import latest_outcomes
from syncengine.models import RecordLink, RecordOutcome, SyncRun, WorkerHeartbeat
from syncengine.services import queue_undo, retry_failed, retry_failed_outcomes, skip_outcomes

from . import connection_admin  # noqa: F401  (the connection page with its mappings, rules and run buttons)
from .admin_index import install as order_admin_index
from .health import FailureReasonFilter, LatestOutcomeFilter, WarningFilter
from .record_urls import record_urls
from .run_page import run_report
from .undo_panel import UNDO_PERMISSION, undo_panel

order_admin_index(admin.site)  # the product's apps above authentication and the task queue


class ReadOnlyAdmin(admin.ModelAdmin):
    """The audit log is written by the engine only."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _short(value, limit: int = 60) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=str, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _shown(value) -> str:
    if isinstance(value, dict) and set(value) >= {"name"}:
        return str(value.get("name"))
    address = address_text(value)
    if address is not None:  # one line, not the JSON of its parts
        return address or "—"
    if isinstance(value, dict) and len(value) == 1 and next(iter(value)).startswith("$"):
        return str(next(iter(value.values())))
    if value in (None, ""):
        return "—"
    return _short(value, 200)


def duration_words(duration) -> str:
    """A run's duration, short: ``4.2 s``, ``3 min 07 s``, ``1 h 02 min``; ``—`` while unknown."""
    if duration is None:
        return "—"
    seconds = duration.total_seconds()
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, secs = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def render_diff(diff: dict):
    """A field diff ``{field: [before, after]}`` as a small HTML table (escaped)."""
    if not diff:
        return "—"
    rows = format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td><td>→</td><td>{}</td></tr>",
        ((field, _shown(change[0]), _shown(change[1])) for field, change in diff.items()),
    )
    return format_html('<table class="field-diff"><tbody>{}</tbody></table>', rows)


def snapshot_rows(netsuite: dict, app: dict, pairs: list[tuple[str, str]]) -> list[tuple[str, object, object]]:
    """A link's last synced values as rows ``(fields, NetSuite value, app value)`` (pure): one row per
    mapped pair of fields (``pairs``: NetSuite field id, app field id), then the values of fields no
    mapping pairs any more, one side each."""
    netsuite, app = netsuite or {}, app or {}
    rows, seen_ns, seen_app = [], set(), set()
    for ns_field, app_field in pairs:
        if ns_field in netsuite or app_field in app:
            rows.append((f"{ns_field} ⇄ {app_field}", netsuite.get(ns_field), app.get(app_field)))
            seen_ns.add(ns_field)
            seen_app.add(app_field)
    rows += [(field, value, None) for field, value in netsuite.items() if field not in seen_ns]
    rows += [(field, None, value) for field, value in app.items() if field not in seen_app]
    return rows


def _readable(value) -> str:
    """A synced value in words: lists as "a, b", objects as "key: value; …", names by their name."""
    if isinstance(value, list):
        return ", ".join(_readable(item) for item in value) or "—"
    if isinstance(value, dict) and len(value) > 1 and "name" not in value:
        return "; ".join(f"{key}: {_readable(item)}" for key, item in value.items())
    return _shown(value)


def render_snapshots(netsuite: dict, app: dict, pairs: list[tuple[str, str]]):
    """The rows of :func:`snapshot_rows` as a table (escaped), never raw JSON."""
    rows = snapshot_rows(netsuite, app, pairs)
    if not rows:
        return "—"
    body = format_html_join(
        "",
        "<tr><th scope='row'>{}</th><td>{}</td><td>{}</td></tr>",
        ((fields, _readable(ns_value), _readable(app_value)) for fields, ns_value, app_value in rows),
    )
    return format_html(
        '<table class="snapshot-values"><thead><tr><th>Fields</th><th>NetSuite</th><th>App</th></tr></thead>'
        "<tbody>{}</tbody></table>",
        body,
    )


@admin.register(SyncRun)
class SyncRunAdmin(ReadOnlyAdmin):
    """Every run of every connection."""

    # What an operator reads first, on one line at 1400 px: status, when, how long, what it did.
    list_display = (
        "id",
        "run_status",
        "when",
        "duration",
        "summary_line",
        "connection_name",
        "trigger_text",
        "dry_run",
        "outcomes",
    )
    list_display_links = ("id", "when")
    list_filter = ("status", "trigger", "dry_run", "connection", "queued_at")
    actions = ("undo_selected_run",)
    search_fields = ("connection__name", "error")
    list_select_related = ("connection",)
    date_hierarchy = "queued_at"
    show_full_result_count = False
    fields = (
        "connection",
        "trigger_text",
        "dry_run",
        "full",
        "status",
        "queued_at",
        "started_at",
        "finished_at",
        "worker",
        "summary",
        "error",
        "outcomes",
    )
    readonly_fields = fields
    # A readable page rather than a form: times to the second, duration, the summary whole, and per direction a
    # table of outcome counts linking to the outcomes (see run_page.py).
    change_form_template = "admin/syncengine/syncrun/change_form.html"

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["report"] = run_report(obj, obj.connection.app_account.get_provider_display())
            context["duration_words"] = duration_words(obj.duration)
            context["summary_text"] = self.summary(obj)
            context["title"] = f"Run {obj.pk} of {obj.connection}" + (" (dry run)" if obj.dry_run else "")
            context["subtitle"] = None  # the title says it; the status is the page's first line
            context["undo"] = undo_panel(obj, request.user)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_urls(self):
        urls = [
            path(
                "<int:run_id>/undo/",
                self.admin_site.admin_view(self.undo_view),
                name="syncengine_syncrun_undo",
            )
        ]
        return urls + super().get_urls()

    def undo_view(self, request, run_id: int):
        """*Preview the undo…* (``action=preview``: a dry undo) and *Confirm undo* (``action=confirm``) of run
        ``run_id``, for sync administrators: POST, then to the undo run's page."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not request.user.has_perm(UNDO_PERMISSION):
            raise PermissionDenied
        run = get_object_or_404(SyncRun.objects.select_related("connection"), pk=run_id)
        created = request.POST.get("created") or UndoCreated.KEEP
        if created not in UndoCreated.values:
            created = UndoCreated.KEEP
        preview = request.POST.get("action") != "confirm"
        try:
            undo, made = queue_undo(run, user=request.user, created=created, dry_run=preview)
        except ValueError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:syncengine_syncrun_change", args=[run.pk]))
        if not made:
            self.message_user(
                request,
                f"Run {undo.pk} of {run.connection} is queued or running: ask for the undo again when it ends.",
                messages.WARNING,
            )
            return HttpResponseRedirect(reverse("admin:syncengine_syncrun_change", args=[run.pk]))
        what = "A preview of the undo" if preview else "The undo"
        self.message_user(request, f"{what} of run {run.pk} is queued (run {undo.pk}).", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:syncengine_syncrun_change", args=[undo.pk]))

    @admin.action(description="Undo this run…")
    def undo_selected_run(self, request, queryset):
        """One run at a time: to its page's undo panel."""
        runs = list(queryset[:2])
        if len(runs) != 1:
            self.message_user(request, "Choose one run to undo (one at a time).", messages.WARNING)
            return None
        return HttpResponseRedirect(reverse("admin:syncengine_syncrun_change", args=[runs[0].pk]) + "#run-undo")

    def get_object(self, request, object_id, from_field=None):
        # The page names the connection and its app: read with the run (one query, whatever the page shows).
        queryset = self.get_queryset(request).select_related("connection__app_account")
        try:
            return queryset.get(pk=SyncRun._meta.pk.to_python(object_id))
        except (SyncRun.DoesNotExist, ValidationError, ValueError):
            return None

    @admin.display(description="status", ordering="status")
    def run_status(self, obj: SyncRun):
        return format_html('<span class="run-status {}">{}</span>', obj.status, obj.get_status_display())

    @admin.display(description="queued", ordering="queued_at")
    def when(self, obj: SyncRun):
        return moment(obj.queued_at)

    @admin.display(description="trigger", ordering="trigger")
    def trigger_text(self, obj: SyncRun) -> str:
        """The trigger, and for a retry how many records it was limited to ("Retry of 2 records")."""
        return obj.trigger_text()

    @admin.display(description="duration")
    def duration(self, obj: SyncRun) -> str:
        return duration_words(obj.duration)

    @admin.display(description="summary")
    def summary_line(self, obj: SyncRun):
        """The summary on one line in the list; the whole on hover (and on the run's page)."""
        return clipped(self.summary(obj), "l")

    @admin.display(description="connection", ordering="connection__name")
    def connection_name(self, obj: SyncRun):
        return clipped(obj.connection.name, "s")

    @admin.display(description="summary")
    def summary(self, obj: SyncRun) -> str:
        parts = []
        for direction, label in (("to_app", "→ app"), ("to_netsuite", "→ NetSuite")):
            counts = obj.counters.get(direction) or {}
            if counts:
                parts.append(
                    f"{label}: "
                    + ", ".join(
                        f"{v} {Outcome(k).label.lower()}" for k, v in sorted(counts.items()) if k in Outcome.values
                    )
                )
        reapplied = (obj.counters.get("config_reapplied") or {}).get("links")
        if reapplied:
            parts.append(f"changed configuration re-applied to {reapplied} linked records")
        verb = "would overwrite" if obj.dry_run else "overwrote"
        for action, count in sorted((obj.counters.get("action_overwrites") or {}).items()):
            parts.append(f"rule action {action} {verb} {count} existing records")
        return "; ".join(parts) or "—"

    @admin.display(description="outcomes")
    def outcomes(self, obj: SyncRun):
        url = reverse("admin:syncengine_recordoutcome_changelist") + f"?run__id__exact={obj.pk}"
        return format_html('<a href="{}">outcomes</a>', url)


@admin.register(RecordOutcome)
class RecordOutcomeAdmin(ReadOnlyAdmin):
    """What happened to each record, run by run: the error console. One line per outcome (status, when,
    who, the API's reason, links to the record in NetSuite and Google); filter by run, outcome, direction,
    connection and date; search partial emails and names; retry or skip failing records."""

    list_display = (
        "outcome_label",
        "when",
        "record",
        "reason",
        "direction",
        "diff_summary",
        "links",
    )
    list_display_links = ("outcome_label",)

    class Media:
        css = {"all": ("ops/outcomes.css",)}

    list_filter = (
        "outcome",
        "direction",
        "run__connection",
        "run__dry_run",
        "created_at",
        LatestOutcomeFilter,  # the health overview's links: each record's current state
        FailureReasonFilter,
        WarningFilter,
    )
    # Partial and case-insensitive (icontains); PostgreSQL serves it from trigram indexes (migration 0004).
    search_fields = ("email", "name", "netsuite_id", "app_id")
    search_help_text = "Part of an email, a name or a record id (any case)."
    list_select_related = ("run__connection__netsuite_account", "run__connection__app_account")
    list_per_page = 50
    actions = ("retry_failed_records", "skip_records")
    show_full_result_count = False
    fields = (
        "outcome",
        "run_link",
        "direction",
        "name",
        "email",
        "netsuite_id",
        "app_id",
        "links",
        "diff_html",
        "full_message",
        "rules_list",
        "timeline",
        "created_at",
    )
    readonly_fields = fields

    def has_retry_permission(self, request) -> bool:
        return request.user.has_perm("connections.run_connection")  # as Run now: operators may

    has_skip_permission = has_retry_permission

    @admin.action(description="Retry selected (failed records)", permissions=["retry"])
    def retry_failed_records(self, request, queryset):
        """Re-queue the records of the selected failing outcomes (the others are left alone) and queue a run
        of each connection concerned."""
        retries = retry_failed_outcomes(queryset)
        if not retries:
            self.message_user(request, "None of the selected outcomes is a failure of a real run: nothing to retry.")
        for retry in retries:
            self.message_user(request, retry.describe(), messages.SUCCESS if retry.queued else messages.WARNING)

    @admin.action(description="Skip selected failed records until they change", permissions=["skip"])
    def skip_records(self, request, queryset):
        """Leave the selected failing records out until they change (see services.skip_outcomes); the change
        history records who skipped them and the failure they were skipped for."""
        skipped = skip_outcomes(queryset, request.user)
        if skipped:
            self.message_user(
                request,
                f"{skipped} record{'s' if skipped != 1 else ''} skipped until changed (see the change history).",
                messages.SUCCESS,
            )
        else:
            self.message_user(request, "None of the selected outcomes is a failure of a real run: nothing skipped.")

    def get_urls(self):
        urls = [
            path(
                "retry-group/<int:connection_id>/",
                self.admin_site.admin_view(self.retry_group_view),
                name="syncengine_recordoutcome_retry_group",
            )
        ]
        return urls + super().get_urls()

    def retry_group_view(self, request, connection_id: int):
        """*Retry now* of a failure group (the health page's button): POST with ``reason``, the group's
        normalised cause. Marks exactly the group's records pending and queues a run."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_retry_permission(request):
            raise PermissionDenied
        connection = get_object_or_404(Connection, pk=connection_id)
        outcomes = latest_outcomes(connection.pk)
        reason = request.POST.get("reason", "")
        if reason:
            outcomes = outcomes.filter(message__regex=reason_regex(reason))
        retry = retry_failed(connection, outcomes)
        self.message_user(request, retry.describe(), messages.SUCCESS if retry.queued else messages.WARNING)
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = reverse("admin:connections_connection_health", args=[connection.pk])
        return HttpResponseRedirect(target)

    def lookup_allowed(self, lookup, value, request=None):
        # Links from runs and link timelines filter by id.
        if lookup in ("run__id__exact", "link__id__exact"):
            return True
        return super().lookup_allowed(lookup, value, request)

    @admin.display(description="outcome", ordering="outcome")
    def outcome_label(self, obj: RecordOutcome):
        label = obj.get_outcome_display()
        return format_html('<span class="outcome outcome-{}" title="{}">{}</span>', obj.outcome, label, label)

    @admin.display(description="when", ordering="created_at")
    def when(self, obj: RecordOutcome):
        local = timezone.localtime(obj.created_at)
        return format_html('<span title="{}">{}</span>', local.isoformat(), local.strftime("%m-%d %H:%M:%S"))

    @admin.display(description="record")
    def record(self, obj: RecordOutcome):
        who = obj.email or obj.netsuite_id or obj.app_id or "—"
        if obj.name:
            return format_html(
                '<span class="record-cell" title="{} {}"><span class="record-name">{}</span> <small>{}</small></span>',
                obj.name,
                who,
                obj.name,
                who,
            )
        return who

    @admin.display(description="reason")
    def reason(self, obj: RecordOutcome):
        """The first 80 characters of the message's meaningful part; the whole message on hover."""
        if not obj.message:
            return "—"
        return format_html(
            '<span class="outcome-reason" title="{}">{}</span>',
            obj.message,
            _short(meaningful_message(obj.message), 80),
        )

    @admin.display(description="changes")
    def diff_summary(self, obj: RecordOutcome) -> str:
        n = len(obj.diff or {})
        return f"{n} field{'s' if n != 1 else ''}" if n else "—"

    @admin.display(description="links")
    def links(self, obj: RecordOutcome):
        items = [
            format_html('<a href="{}" target="_blank" rel="noopener" class="record-link">{}</a>', url, label)
            for label, url in record_urls(obj.run.connection, obj.netsuite_id, obj.app_id).items()
        ]
        items.append(
            format_html(
                '<a href="{}">run {}</a>',
                reverse("admin:syncengine_syncrun_change", args=[obj.run_id]),
                f"{obj.run_id} (dry)" if obj.run.dry_run else obj.run_id,
            )
        )
        if obj.link_id:
            url = reverse("admin:syncengine_recordoutcome_changelist") + f"?link__id__exact={obj.link_id}"
            items.append(format_html('<a href="{}">timeline</a>', url))
        return format_html_join(" · ", "{}", ((item,) for item in items))

    @admin.display(description="run")
    def run_link(self, obj: RecordOutcome):
        url = reverse("admin:syncengine_syncrun_change", args=[obj.run_id])
        label = f"{obj.run_id} (dry run)" if obj.run.dry_run else str(obj.run_id)
        return format_html('<a href="{}">{}</a>', url, label)

    @admin.display(description="field diff")
    def diff_html(self, obj: RecordOutcome):
        return render_diff(obj.diff)

    @admin.display(description="message")
    def full_message(self, obj: RecordOutcome):
        if not obj.message:
            return "—"
        return format_html('<div class="outcome-message" style="white-space:pre-wrap">{}</div>', obj.message)

    @admin.display(description="rules that matched")
    def rules_list(self, obj: RecordOutcome):
        rules = obj.rules if isinstance(obj.rules, list) else [obj.rules]
        if not rules:
            return "—"
        return format_html(
            '<ul class="outcome-rules">{}</ul>', format_html_join("", "<li>{}</li>", ((_shown(r),) for r in rules))
        )

    @admin.display(description="timeline")
    def timeline(self, obj: RecordOutcome):
        if not obj.link_id:
            return "—"
        url = reverse("admin:syncengine_recordoutcome_changelist") + f"?link__id__exact={obj.link_id}"
        return format_html('<a href="{}">all runs</a>', url)


@admin.register(RecordLink)
class RecordLinkAdmin(ReadOnlyAdmin):
    """Which NetSuite record is which app record, with the pair's history."""

    list_display = ("email", "connection_name", "netsuite_id", "app_record", "state", "updated", "timeline")
    list_display_links = ("email",)
    list_filter = ("state", "connection")
    search_fields = ("=match_key", "=netsuite_id", "=app_id", "=key")
    list_select_related = ("connection",)
    show_full_result_count = False
    fields = (
        "connection",
        "match_key",
        "netsuite_id",
        "app_id",
        "state",
        "key",
        "snapshot",
        "history",
        "created_at",
        "updated_at",
    )
    readonly_fields = fields

    @admin.display(description="email", ordering="match_key")
    def email(self, obj: RecordLink):
        return clipped(obj.match_key, "l")

    @admin.display(description="connection", ordering="connection__name")
    def connection_name(self, obj: RecordLink):
        return clipped(obj.connection.name, "s")

    @admin.display(description="app id", ordering="app_id")
    def app_record(self, obj: RecordLink):
        return clipped(obj.app_id, "s")

    @admin.display(description="updated", ordering="updated_at")
    def updated(self, obj: RecordLink):
        return moment(obj.updated_at)

    @admin.display(description="last synced values")
    def snapshot(self, obj: RecordLink):
        pairs = list(obj.connection.field_mappings.order_by("order", "pk").values_list("netsuite_field", "app_field"))
        return render_snapshots(obj.netsuite_snapshot, obj.app_snapshot, pairs)

    @admin.display(description="timeline")
    def timeline(self, obj: RecordLink):
        url = reverse("admin:syncengine_recordoutcome_changelist") + f"?link__id__exact={obj.pk}"
        return format_html('<a href="{}">outcomes</a>', url)

    @admin.display(description="history (latest 50)")
    def history(self, obj: RecordLink):
        rows = obj.outcomes.select_related("run").order_by("-id")[:50]
        return format_html(
            "<table><tbody>{}</tbody></table>",
            format_html_join(
                "",
                "<tr><td>{}</td><td>run {}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                (
                    (
                        timezone.localtime(o.created_at).strftime("%Y-%m-%d %H:%M"),
                        o.run_id,
                        o.get_direction_display(),
                        o.get_outcome_display(),
                        render_diff(o.diff),
                    )
                    for o in rows
                ),
            ),
        )


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(ReadOnlyAdmin):
    """Is background work running? One row per django-q2 cluster."""

    list_display = ("cluster", "host", "pid", "last_seen", "alive")
    readonly_fields = ("cluster", "host", "pid", "last_seen")

    @admin.display(boolean=True, description="alive (seen < 3 min ago)")
    def alive(self, obj: WorkerHeartbeat) -> bool:
        return (timezone.now() - obj.last_seen).total_seconds() < 180
