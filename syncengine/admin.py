"""Admin of the sync engine: the audit log (runs and per-record outcomes),
record links with their timeline, and worker heartbeats. All read-only."""

from __future__ import annotations

import json

from django.contrib import admin, messages
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from . import connection_admin  # noqa: F401  (the connection page with its mappings, rules and run buttons)
from .admin_index import install as order_admin_index
from .choices import Outcome
from .health import FailureReasonFilter, LatestOutcomeFilter, WarningFilter
from .models import RecordLink, RecordOutcome, SyncRun, WorkerHeartbeat
from .services import retry_failed_outcomes

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
    if isinstance(value, dict) and len(value) == 1 and next(iter(value)).startswith("$"):
        return str(next(iter(value.values())))
    if value in (None, ""):
        return "—"
    return _short(value, 200)


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


@admin.register(SyncRun)
class SyncRunAdmin(ReadOnlyAdmin):
    """Every run of every connection."""

    list_display = (
        "id",
        "connection",
        "trigger",
        "dry_run",
        "status",
        "queued_at",
        "duration_s",
        "summary",
        "outcomes",
    )
    list_filter = ("status", "trigger", "dry_run", "connection", "queued_at")
    search_fields = ("connection__name", "error")
    list_select_related = ("connection",)
    date_hierarchy = "queued_at"
    show_full_result_count = False
    fields = (
        "connection",
        "trigger",
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

    @admin.display(description="seconds")
    def duration_s(self, obj: SyncRun):
        return round(obj.duration.total_seconds(), 1) if obj.duration else "—"

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
    """What happened to each record, run by run; filter by run, outcome, direction, connection and date."""

    list_display = (
        "created_at",
        "run_link",
        "direction",
        "outcome",
        "email",
        "netsuite_id",
        "app_id",
        "diff_html",
        "short_message",
        "timeline",
    )
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
    search_fields = ("=email", "=netsuite_id", "=app_id")
    list_select_related = ("run",)
    actions = ("retry_failed_records",)
    show_full_result_count = False
    fields = (
        "run_link",
        "direction",
        "outcome",
        "email",
        "netsuite_id",
        "app_id",
        "diff_html",
        "message",
        "rules",
        "timeline",
        "created_at",
    )
    readonly_fields = fields

    def has_retry_permission(self, request) -> bool:
        return request.user.has_perm("connections.run_connection")  # as Run now: operators may

    @admin.action(description="Retry failed records", permissions=["retry"])
    def retry_failed_records(self, request, queryset):
        """Re-queue the records of the selected failing outcomes (the others are left alone) and queue a run
        of each connection concerned."""
        retries = retry_failed_outcomes(queryset)
        if not retries:
            self.message_user(request, "None of the selected outcomes is a failure of a real run: nothing to retry.")
        for retry in retries:
            self.message_user(request, retry.describe(), messages.SUCCESS if retry.queued else messages.WARNING)

    def lookup_allowed(self, lookup, value, request=None):
        # Links from runs and link timelines filter by id.
        if lookup in ("run__id__exact", "link__id__exact"):
            return True
        return super().lookup_allowed(lookup, value, request)

    @admin.display(description="run")
    def run_link(self, obj: RecordOutcome):
        url = reverse("admin:syncengine_syncrun_change", args=[obj.run_id])
        label = f"{obj.run_id} (dry run)" if obj.run.dry_run else str(obj.run_id)
        return format_html('<a href="{}">{}</a>', url, label)

    @admin.display(description="field diff")
    def diff_html(self, obj: RecordOutcome):
        return render_diff(obj.diff)

    @admin.display(description="message")
    def short_message(self, obj: RecordOutcome) -> str:
        return _short(obj.message, 120)

    @admin.display(description="timeline")
    def timeline(self, obj: RecordOutcome):
        if not obj.link_id:
            return "—"
        url = reverse("admin:syncengine_recordoutcome_changelist") + f"?link__id__exact={obj.link_id}"
        return format_html('<a href="{}">all runs</a>', url)


@admin.register(RecordLink)
class RecordLinkAdmin(ReadOnlyAdmin):
    """Which NetSuite record is which app record, with the pair's history."""

    list_display = ("match_key", "connection", "netsuite_id", "app_id", "state", "updated_at", "timeline")
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

    @admin.display(description="last synced values")
    def snapshot(self, obj: RecordLink):
        return format_html(
            "NetSuite: <code>{}</code><br>App: <code>{}</code>",
            _short(obj.netsuite_snapshot, 400),
            _short(obj.app_snapshot, 400),
        )

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
