"""The health of a connection at a glance: records in sync, excluded (and why),
duplicates, failing (grouped by cause) and recent conflicts, each with a link
to the list of the records concerned.

"Excluded", "duplicate" and "failing" are about each record's *latest*
outcome (outside dry runs): a record that failed once and synced later is
not failing. A fixed number of queries whatever the number of records.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import admin
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    When,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from connections.models import Connection

from .choices import FAILING_OUTCOMES, WARNING_MARK, LinkState, Outcome, SyncDirection
from .models import RecordLink, RecordOutcome

CONFLICT_WINDOW = timedelta(days=7)
TOP_REASONS = 10

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


# --- failure messages, grouped by cause ----------------------------------------------------------------------

# What varies from record to record inside an API's message, and the placeholder it becomes. The patterns
# are written in the subset of regular expressions that Python (SQLite's REGEXP) and PostgreSQL share.
_VARIABLE_PARTS: tuple[tuple[str, str, str], ...] = (
    ("dquoted", r'"[^"]*"', '"…"'),
    ("squoted", r"'[^']*'", "'…'"),
    ("email", r"[A-Za-z0-9_.+-]+@[A-Za-z0-9_.-]*", "<email>"),  # valid or not (an invalid one often is the cause)
    ("hexid", r"[0-9a-fA-F]{12,}", "<id>"),
    ("number", r"[0-9]+", "<n>"),
)
_FINDER = re.compile("|".join(f"(?P<{name}>{pattern})" for name, pattern, _ in _VARIABLE_PARTS))
_PLACEHOLDER_OF = {name: placeholder for name, _, placeholder in _VARIABLE_PARTS}
_PATTERN_OF = {placeholder: pattern for _, pattern, placeholder in _VARIABLE_PARTS}
_PLACEHOLDERS = re.compile("(" + "|".join(re.escape(p) for p in _PATTERN_OF) + ")")


def failure_reason(message: str) -> str:
    """The cause of a failure without what varies per record (ids, emails, quoted values, numbers),
    so that identical causes group: "Invalid email 'x@'" and "Invalid email 'y@'" are one reason.
    Only the first line counts."""
    lines = (message or "").strip().splitlines()
    first = lines[0].strip() if lines else ""
    return _FINDER.sub(lambda m: _PLACEHOLDER_OF[m.lastgroup], first)


# What precedes an API's own words in our messages: "… : HTTP 400 USER_ERROR: <the API's text>" (NetSuite),
# "Google People API: <the API's text> (HTTP 400 INVALID_ARGUMENT)" (Google).
_AFTER_STATUS = re.compile(r"HTTP [0-9]{3}\s+(?:[A-Z][A-Z0-9_.]+:\s*)?(?P<text>\S.*)$")
_BEFORE_STATUS = re.compile(r"^[^:]{0,80}:\s*(?P<text>\S.*?)\s*\(HTTP [0-9]{3}[^)]*\)\.?$")


def meaningful_message(message: str) -> str:
    """The part of a failure message an operator reads first: the API's own text, without our prefixes
    ("NetSuite refused the request (…): HTTP 400 USER_ERROR: ") or suffixes ("(HTTP 400 …)"). Only the
    first line; the whole message stays on the outcome's page."""
    lines = (message or "").strip().splitlines()
    first = lines[0].strip() if lines else ""
    for pattern in (_BEFORE_STATUS, _AFTER_STATUS):
        found = pattern.search(first)
        if found and found.group("text").strip():
            return found.group("text").strip()
    return first


def reason_regex(reason: str) -> str:
    """A regular expression matching the messages whose :func:`failure_reason` is ``reason``
    (for ``message__regex``; the same on SQLite and PostgreSQL)."""
    parts = _PLACEHOLDERS.split(reason)
    # re.escape only escapes punctuation, which a backslash makes literal in PostgreSQL too.
    body = "".join(_PATTERN_OF.get(part) or re.escape(part) for part in parts)
    return "^\\s*" + body + "\\s*($|[\\r\\n])"


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


def outcome_list_url(connection_id: int, **filters: str) -> str:
    """The outcome list of one connection, filtered (``latest="yes"``: each record's latest outcome only)."""
    params = {"run__connection__id__exact": str(connection_id), **filters}
    return reverse("admin:syncengine_recordoutcome_changelist") + "?" + urlencode(params)


# The outcome list's "latest outcome per record" filter (see syncengine.admin).
LATEST = {"latest": "yes"}
# Every failing outcome (a comma-separated ``__in`` filter of the admin list).
FAILING = {"outcome__in": ",".join(FAILING_OUTCOMES)}
# The outcome list's "with a warning" filter (WarningFilter below).
WARNINGS = {"warnings": "yes"}
WARNED = Q(message__contains=WARNING_MARK)


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
        Outcome.SKIPPED_BY_OPERATOR,
        "Skipped by an operator",
        "A failing record someone chose to skip: left out until it changes (see the change history).",
    ),
)


def alerts_reach_nobody(connection: Connection) -> bool:
    """Whether the connection's failure notices would reach nobody: no active owner has an email
    (``notifications`` then only logs "no owner with an email to tell")."""
    return not connection.owners.filter(is_active=True).exclude(email="").exists()


def group_by_cause(counted: Iterable[tuple[str, str, int]]) -> list[tuple[tuple[str, str], int, str]]:
    """Failure counts ``(scope, message, n)`` grouped by cause (pure): ``[((scope, reason), n, example
    message)]``, most records first. Messages that differ only in ids, emails and numbers are one cause
    (:func:`failure_reason`); ``scope`` keeps causes apart (a direction), or is the same for all."""
    groups: dict[tuple[str, str], list] = {}
    for scope, message, n in counted:
        group = groups.setdefault((scope, failure_reason(message)), [0, message])
        group[0] += n
    return sorted(((key, n, example) for key, (n, example) in groups.items()), key=lambda item: (-item[1], item[0]))


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
