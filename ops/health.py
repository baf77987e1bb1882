"""The health of a connection at a glance: records in sync, excluded (and why),
duplicates, failing (grouped by cause) and recent conflicts, each with a link
to the list of the records concerned.

"Excluded", "duplicate" and "failing" are about each record's *latest*
outcome (outside dry runs): a record that failed once and synced later is
not failing (``syncengine.latest_outcomes``). A fixed number of queries whatever the number of records.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import admin
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from connections.models import Connection
from syncengine.choices import FAILING_OUTCOMES, WARNING_MARK, LinkState, Outcome
from syncengine.failure_causes import group_by_cause, meaningful_message, reason_regex
from syncengine.latest_outcomes import (
    FAILING,
    LATEST,
    failing_records_url,
    is_latest,
    latest_outcomes,
    outcome_list_url,
)
from syncengine.models import RecordLink, RecordOutcome

CONFLICT_WINDOW = timedelta(days=7)
TOP_REASONS = 10

# --- the health of one connection -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One number of the health overview and the list that shows its records."""

    label: str
    count: int
    url: str
    help: str = ""


@dataclass(frozen=True)
class FailureGroup:
    """Records whose latest outcome failed for the same cause."""

    reason: str  # the normalised cause (the grouping key, with placeholders)
    count: int
    example: str  # one full message of the group (already redacted by the engine)
    url: str

    @property
    def headline(self) -> str:
        """What the group shows: the API's real words, from an example message (not the placeholders)."""
        return meaningful_message(self.example) or self.reason


@dataclass
class Health:
    """A connection's health: what the overview shows (see :func:`connection_health`)."""

    connection: Connection
    in_sync: Figure
    excluded: list[Figure]
    duplicates: Figure
    failing: Figure
    warnings: Figure
    failure_groups: list[FailureGroup] = field(default_factory=list)
    more_failure_groups: int = 0
    conflicts: Figure | None = None
    conflict_days: int = CONFLICT_WINDOW.days
    alerts_reach_nobody: bool = False  # no active owner with an email: failure notices are only logged

    @property
    def excluded_url(self) -> str:
        """The list of every excluded record (all the reasons at once)."""
        outcomes = ",".join(outcome for outcome, _, _ in EXCLUSION_REASONS)
        return outcome_list_url(self.connection.pk, outcome__in=outcomes, **LATEST)

    @property
    def owners_url(self) -> str:
        """Where owners are added: the connection's page, at its Owners field."""
        return reverse("admin:connections_connection_change", args=[self.connection.pk]) + "#id_owners"

    @property
    def excluded_total(self) -> int:
        return sum(c.count for c in self.excluded)

    @property
    def healthy(self) -> bool:
        return self.failing.count == 0


# The outcome list's "with a warning" filter (WarningFilter below).
WARNINGS = {"warnings": "yes"}
WARNED = Q(message__contains=WARNING_MARK)


EXCLUSION_REASONS: tuple[tuple[str, str, str], ...] = (
    (Outcome.SKIPPED_BY_RULES, "No rule matched", "Not synced: none of the direction's rules matches the record."),
    (
        Outcome.EXCLUDED_BY_RULES,
        "No rule matches any more",
        "Synced before; no rule matches it now, so it is left as it is.",
    ),
    (Outcome.EXCLUDED_NO_EMAIL, "No email", "Records without an email are not synced (to avoid duplicates)."),
    (
        Outcome.EXCLUDED_OTHER_CONNECTION,
        "Linked by another connection",
        "Another connection sharing the account already links this person: not created a second time.",
    ),
    (
        Outcome.EXCLUDED_OUT_OF_SCOPE,
        "Outside the connection's scope",
        "The record belongs elsewhere (e.g. a contact whose company is of another subsidiary): not synced.",
    ),
    (
        Outcome.EXCLUDED_REFUSED,
        "Refused by the app",
        "The app refuses the record as it is, for good (e.g. an address deleted there for good, which it may "
        "never take again): not tried again until it changes.",
    ),
    (
        Outcome.SKIPPED_BY_OPERATOR,
        "Skipped by an operator",
        "A failing record someone chose to skip: left out until it changes (see the change history).",
    ),
)


def alerts_reach_nobody(connection: Connection) -> bool:
    """Whether the connection's failure notices would reach nobody: no active owner has an email
    (``notifications`` then only logs "no owner with an email to tell")."""
    return not connection.owners.filter(is_active=True).exclude(email="").exists()


def connection_health(connection: Connection, *, top_reasons: int = TOP_REASONS) -> Health:
    """Count the connection's records by state. Five queries, whatever the number of records."""
    pk = connection.pk
    in_sync = RecordLink.objects.filter(connection_id=pk, state=LinkState.LINKED).count()
    latest = latest_outcomes(pk)
    # Per outcome: how many records, and how many of them carry a field warning (one query for both).
    counted = latest.values_list("outcome").annotate(n=Count("id"), warned=Count("id", filter=WARNED)).order_by()
    by_outcome = {outcome: n for outcome, n, _ in counted}
    warnings = sum(warned for outcome, _, warned in counted if outcome not in FAILING_OUTCOMES)
    failing = latest.filter(outcome__in=FAILING_OUTCOMES)
    messages = list(failing.values_list("message").annotate(n=Count("id")).order_by("-n"))
    since = timezone.now() - CONFLICT_WINDOW
    conflicts = RecordOutcome.objects.filter(
        run__connection_id=pk, run__dry_run=False, outcome=Outcome.CONFLICT_RESOLVED, created_at__gte=since
    ).count()

    ordered = group_by_cause(("", message, n) for message, n in messages)
    failure_groups = [
        FailureGroup(
            reason=reason or "(no message)",
            count=n,
            example=example,
            url=outcome_list_url(pk, **FAILING, reason=reason, **LATEST),
        )
        for (_, reason), n, example in ordered[:top_reasons]
    ]
    links_url = (
        reverse("admin:syncengine_recordlink_changelist")
        + "?"
        + urlencode({"connection__id__exact": str(pk), "state__exact": LinkState.LINKED})
    )
    return Health(
        connection=connection,
        in_sync=Figure("In sync", in_sync, links_url, "Linked pairs of records, kept in step."),
        excluded=[
            Figure(label, by_outcome.get(outcome, 0), outcome_list_url(pk, outcome__exact=outcome, **LATEST), help_text)
            for outcome, label, help_text in EXCLUSION_REASONS
        ],
        duplicates=Figure(
            "Duplicates",
            by_outcome.get(Outcome.DUPLICATE, 0),
            outcome_list_url(pk, outcome__exact=Outcome.DUPLICATE, **LATEST),
            "Another record with the same email is the one synced.",
        ),
        failing=Figure(
            "Failing",
            sum(by_outcome.get(outcome, 0) for outcome in FAILING_OUTCOMES),
            failing_records_url(pk),
            "Retried on every run until they go through.",
        ),
        warnings=Figure(
            "Warnings",
            warnings,
            outcome_list_url(pk, **WARNINGS, **LATEST),
            "Synced, but with a warning about a field (e.g. a value the other side refused): see the message.",
        ),
        failure_groups=failure_groups,
        alerts_reach_nobody=alerts_reach_nobody(connection),
        more_failure_groups=max(0, len(ordered) - top_reasons),
        conflicts=Figure(
            f"Conflicts (last {CONFLICT_WINDOW.days} days)",
            conflicts,
            outcome_list_url(
                pk,
                outcome__exact=Outcome.CONFLICT_RESOLVED,
                run__dry_run__exact="0",
                created_at__gte=since.isoformat(),
            ),
            "Fields changed on both sides, resolved by the connection's conflict policy.",
        ),
    )


# --- the outcome list's filters the health links use -----------------------------------------------------------


class LatestOutcomeFilter(admin.SimpleListFilter):
    """Only the latest outcome of each record (outside dry runs): the records' current state."""

    title = "records"
    parameter_name = "latest"

    def lookups(self, request, model_admin):
        return [("yes", "Latest outcome of each record")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(is_latest())
        return queryset


class WarningFilter(admin.SimpleListFilter):
    """Outcomes that are not failures but whose message carries a field warning (health's "Warnings")."""

    title = "warnings"
    parameter_name = "warnings"

    def lookups(self, request, model_admin):
        return [("yes", "With a warning")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(outcome__in=FAILING_OUTCOMES).filter(WARNED)
        return queryset


class FailureReasonFilter(admin.SimpleListFilter):
    """Failures of one cause (a :func:`failure_reason`); shown only when a health link sets it."""

    title = "failure reason"
    parameter_name = "reason"

    def lookups(self, request, model_admin):
        reason = request.GET.get(self.parameter_name)
        return [(reason, reason)] if reason else []

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(message__regex=reason_regex(self.value()))
        return queryset
