"""``{% connection_run_chart connection %}`` and ``{% changelist_run_chart cl %}``: the chart of the
last real runs (see :mod:`ops.run_chart`) on the connection page and above the runs list."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.safestring import mark_safe

from syncengine.services import REAL_FINISHED, last_real_runs

from ..run_chart import chart_svg, run_figures

register = template.Library()

CHART_RUNS = 30


def _app_label(connection) -> str:
    return connection.app_account.provider_info.label


def _svg(runs, title: str, *, with_connection: bool, app_label: str | None = None) -> str:
    runs = list(reversed(runs))  # oldest left
    figures = [
        run_figures(
            run,
            reverse("admin:syncengine_syncrun_change", args=[run.pk]),
            label=str(run.connection) if with_connection else "",
            app_label=app_label or _app_label(run.connection),
        )
        for run in runs
    ]
    count = f"last {len(figures)} run{'s' if len(figures) != 1 else ''}" if figures else "last runs"
    # Built from numbers and escaped text only (chart_svg escapes every string it is given).
    return mark_safe(chart_svg(figures, f"{title}: {count}"))  # noqa: S308


@register.simple_tag
def connection_run_chart(connection):
    """The connection's last 30 real (not dry, finished) runs."""
    runs = last_real_runs(connection.pk).only(
        "pk", "queued_at", "started_at", "finished_at", "counters", "connection_id"
    )[:CHART_RUNS]
    return _svg(runs, "Records changed, failures and duration", with_connection=False, app_label=_app_label(connection))


@register.simple_tag
def changelist_run_chart(cl):
    """The last 30 real runs among those the runs list shows (its filters and search apply)."""
    runs = (
        cl.queryset.filter(dry_run=False, status__in=REAL_FINISHED)
        .select_related("connection__app_account")
        .order_by("-queued_at", "-pk")[:CHART_RUNS]
    )
    return _svg(runs, "Records changed, failures and duration", with_connection=True)
