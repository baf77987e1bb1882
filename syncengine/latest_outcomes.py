"""Each record's latest outcome (outside dry runs), which is its current state; the records failing now;
and the links to the outcome list that show them.

A record that failed once and synced later is not failing. The engine counts and retries failing records
with these (``services``) and links its failure notices to them (``notifications``); the ops pages (health,
the connections list, the outcome list's filters) show them.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import Case, CharField, Exists, F, Func, IntegerField, Max, OuterRef, Q, QuerySet, Subquery, When
from django.db.models.functions import Coalesce
from django.urls import reverse

from .choices import FAILING_OUTCOMES, SyncDirection
from .models import RecordOutcome

# --- the latest outcome of each record ----------------------------------------------------------------------


def latest_outcome_ids(outcomes: QuerySet | None = None) -> QuerySet:
    """Ids of the latest non-dry-run outcome of each record, per connection and direction (a subquery).

    A record is its source side's id: the NetSuite id for NetSuite → app,
    the app id for app → NetSuite. (A GROUP BY over every outcome: the pages use :func:`is_latest`, which
    says the same of each outcome without grouping them all.)
    """
    outcomes = RecordOutcome.objects.all() if outcomes is None else outcomes
    return (
        outcomes.filter(run__dry_run=False)
        .annotate(
            source_id=Case(
                When(direction=SyncDirection.TO_APP, then=F("netsuite_id")),
                default=F("app_id"),
                output_field=CharField(),
            )
        )
        .values("run__connection_id", "direction", "source_id")
        .annotate(latest=Max("id"))
        .values("latest")
    )


def _later_outcomes(source_field: str, direction: Q) -> Exists:
    """Whether a later real outcome exists for the same record as the outer outcome (same connection, same
    direction, same source id ``source_field``), for outer outcomes of ``direction`` only: found through the
    ``outcome_*_record`` index of that id, whatever the table's size."""
    return Exists(
        RecordOutcome.objects.filter(
            direction,
            **{source_field: OuterRef(source_field)},
            direction=OuterRef("direction"),
            id__gt=OuterRef("id"),
            run__connection_id=OuterRef("run__connection_id"),
            run__dry_run=False,
        )
    )


def is_latest() -> Q:
    """The latest non-dry-run outcome of its record (per connection and direction), as a filter of outcomes:
    the same outcomes as :func:`latest_outcome_ids`, found as those with no later real outcome of their record.
    A page of the outcome list, or the few failing outcomes of a connection, each cost one index probe,
    where grouping every outcome cost a scan of the table (seconds at 100,000 outcomes).

    Each direction's record id is checked by its own NOT EXISTS (the inner query's direction equals the outer
    one's, so the other direction's check is empty), joined by AND rather than OR: PostgreSQL turns each into
    an anti-join when the whole list is counted.
    """
    to_app = Q(direction=SyncDirection.TO_APP)
    return Q(run__dry_run=False) & ~_later_outcomes("netsuite_id", to_app) & ~_later_outcomes("app_id", ~to_app)


def latest_outcomes(connection_id: int) -> QuerySet:
    """The latest outcome of each record of one connection."""
    return RecordOutcome.objects.filter(run__connection_id=connection_id).filter(is_latest())


# --- the records failing now, and the outcome list that shows them --------------------------------------------


def outcome_list_url(connection_id: int, **filters: str) -> str:
    """The outcome list of one connection, filtered (``latest="yes"``: each record's latest outcome only)."""
    params = {"run__connection__id__exact": str(connection_id), **filters}
    return reverse("admin:syncengine_recordoutcome_changelist") + "?" + urlencode(params)


# The outcome list's "latest outcome per record" filter (``ops.health.LatestOutcomeFilter``).
LATEST = {"latest": "yes"}
# Every failing outcome (a comma-separated ``__in`` filter of the admin list).
FAILING = {"outcome__in": ",".join(FAILING_OUTCOMES)}


def failing_records_url(connection_id: int) -> str:
    """The outcome list of the connection's failing records (each record's latest outcome)."""
    return outcome_list_url(connection_id, **FAILING, **LATEST)


def failing_count(connection_id: int) -> int:
    """How many records of the connection are failing: their latest real outcome is a failing one."""
    return latest_outcomes(connection_id).filter(outcome__in=FAILING_OUTCOMES).count()


def failing_count_annotation(connection_ref=None) -> Subquery:
    """The failing count of each connection of a queryset, as one correlated subquery (no N+1):
    ``Connection.objects.annotate(failing=failing_count_annotation())``."""
    connection_ref = OuterRef("pk") if connection_ref is None else connection_ref
    failing = (
        RecordOutcome.objects.filter(run__connection_id=connection_ref, outcome__in=FAILING_OUTCOMES)
        .filter(is_latest())
        .order_by()
        .annotate(n=Func(F("id"), function="COUNT"))
        .values("n")
    )
    return Coalesce(Subquery(failing, output_field=IntegerField()), 0)
