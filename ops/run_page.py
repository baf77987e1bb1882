"""The page of one sync run: what it did per direction, each count a link to the outcomes behind it,
and its failures grouped by cause (as the health page groups them). Two queries whatever the run's size:
the counts per direction and outcome, and the failure messages counted."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse

from syncengine.choices import FAILING_OUTCOMES, Outcome, SyncDirection
from syncengine.failure_causes import group_by_cause
from syncengine.models import RecordOutcome, SyncRun

from .health import FailureGroup

TOP_CAUSES = 20


def run_outcomes_url(run: SyncRun, **filters: str) -> str:
    """The outcome list of one run, filtered (``direction__exact``, ``outcome__exact``, ``reason``…)."""
    return (
        reverse("admin:syncengine_recordoutcome_changelist")
        + "?"
        + urlencode({"run__id__exact": str(run.pk), **filters})
    )


@dataclass(frozen=True)
class OutcomeCount:
    """One line of a direction's table: how many records of the run ended with ``outcome``."""

    outcome: str
    label: str
    count: int
    url: str

    @property
    def failing(self) -> bool:
        return self.outcome in FAILING_OUTCOMES


@dataclass(frozen=True)
class DirectionTable:
    """What a run did in one direction: a line per outcome that occurred, in the order of ``Outcome``."""

    direction: str
    label: str  # "NetSuite → Google Contacts"
    rows: list[OutcomeCount]
    url: str  # every outcome of the run in this direction

    @property
    def total(self) -> int:
        return sum(row.count for row in self.rows)


@dataclass(frozen=True)
class RunFailureGroup:
    """The run's failures of one cause in one direction (``group.headline`` is the API's own words)."""

    direction_label: str
    group: FailureGroup


@dataclass
class RunReport:
    """Everything the run page shows beyond the run's own fields."""

    run: SyncRun
    tables: list[DirectionTable]
    failure_groups: list[RunFailureGroup] = field(default_factory=list)
    more_causes: int = 0
    outcomes_url: str = ""

    @property
    def failed(self) -> int:
        return sum(failure.group.count for failure in self.failure_groups)


def direction_label(direction: str, app_label: str) -> str:
    """``NetSuite → Google Contacts`` or ``Google Contacts → NetSuite``."""
    return f"NetSuite → {app_label}" if direction == SyncDirection.TO_APP else f"{app_label} → NetSuite"


def run_report(run: SyncRun, app_label: str, *, top_causes: int = TOP_CAUSES) -> RunReport:
    """Count the run's outcomes per direction and group its failures by cause (two queries)."""
    counted = RecordOutcome.objects.filter(run=run).values_list("direction", "outcome").annotate(n=Count("id"))
    counts = {(direction, outcome): n for direction, outcome, n in counted.order_by()}
    tables = [
        DirectionTable(
            direction=direction,
            label=direction_label(direction, app_label),
            rows=[
                OutcomeCount(
                    outcome,
                    label,
                    counts[(direction, outcome)],
                    run_outcomes_url(run, direction__exact=direction, outcome__exact=outcome),
                )
                for outcome, label in Outcome.choices
                if counts.get((direction, outcome))
            ],
            url=run_outcomes_url(run, direction__exact=direction),
        )
        for direction in SyncDirection.values
    ]

    # Failures by direction and cause: identical causes (ids, emails, numbers aside) make one group.
    failing = (
        RecordOutcome.objects.filter(run=run, outcome__in=FAILING_OUTCOMES)
        .values_list("direction", "message")
        .annotate(n=Count("id"))
        .order_by("-n")
    )
    ordered = group_by_cause(failing)
    failure_groups = [
        RunFailureGroup(
            direction_label(direction, app_label),
            FailureGroup(
                reason=reason or "(no message)",
                count=n,
                example=example,
                url=run_outcomes_url(
                    run, direction__exact=direction, outcome__in=",".join(FAILING_OUTCOMES), reason=reason
                ),
            ),
        )
        for (direction, reason), n, example in ordered[:top_causes]
    ]
    return RunReport(
        run=run,
        tables=tables,
        failure_groups=failure_groups,
        more_causes=max(0, len(ordered) - top_causes),
        outcomes_url=run_outcomes_url(run),
    )
