"""Tell a connection's owners, by email, when it needs them.

Three problems are worth an email (dry runs never are):

- a run failed (as a whole: the engine could not run; single records that
  fail are on the health overview instead);
- authentication failed three runs in a row: the connection then pauses
  itself, with a reason asking for re-authorization;
- the deletion safety valve held a run's deletions back;
- records fail in a way that needs someone (see :func:`failures_to_report`): a
  new kind of failure (a cause the previous real run did not have), or a record
  failing for the second real run in a row. A record's first failure of a known
  kind is left to the next run's retry, and a run with the same failures as the
  one before says nothing new, so it sends nothing.

Not a problem, but news the owners get too: a run was undone (who asked for it, when, and what it did).

No email twice for the same ongoing problem: a problem is new when the
connection's previous finished run did not have it. The run history is the
memory, so nothing else has to be kept in step (and a restart forgets
nothing). Nothing secret goes into an email: the text is built from the run's
error (already redacted by the engine) and redacted once more.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse

from changelog.actor import acting_as
from config.redaction import redact
from connections.choices import AccountStatus
from connections.models import Connection

from .choices import FAILING_OUTCOMES, RunStatus, SyncDirection, Trigger
from .failure_causes import failure_reason
from .latest_outcomes import FAILING, outcome_list_url
from .models import RecordOutcome, SyncRun

logger = logging.getLogger(__name__)

AUTH_FAILURES_BEFORE_PAUSE = 3
# The beginnings of SyncRun.error the runner writes (syncengine.runner.run_sync).
AUTH_ERROR_PREFIX = "Authentication failed"
VALVE_ERROR_PREFIX = "Deletion safety valve"
# The reason a connection paused by the engine carries; the admin flags such a connection "Needs attention".
AUTH_PAUSE_PREFIX = "Paused after repeated authentication failures"

FAILED, AUTHENTICATION, VALVE, AUTH_PAUSED = "failed", "authentication", "valve", "auth_paused"
RECORDS_FAILING = "records_failing"
UNDONE = "undone"  # not a problem: the news that a run was undone (issue 20)
FINISHED = (RunStatus.SUCCEEDED, RunStatus.PARTIALLY_FAILED, RunStatus.FAILED)


@dataclass(frozen=True)
class Notice:
    """An email sent (or due: ``recipients`` may be empty) about a connection's problem."""

    problem: str
    subject: str
    body: str
    recipients: tuple[str, ...]


def problem_of(run: SyncRun) -> str | None:
    """The problem a finished run shows: ``failed``, ``authentication``, ``valve`` or None."""
    if run.dry_run or run.status != RunStatus.FAILED:
        return None
    if run.error.startswith(VALVE_ERROR_PREFIX):
        return VALVE
    if run.error.startswith(AUTH_ERROR_PREFIX):
        return AUTHENTICATION
    return FAILED


def notify_run_finished(run: SyncRun) -> Notice | None:
    """React to a finished run: pause the connection after repeated authentication
    failures, and email its owners about a new problem. Never raises (it runs at the
    end of every sync, whose outcome is already saved)."""
    try:
        return _react(run)
    except Exception:
        logger.exception("notifying the owners of connection %s about run %s failed", run.connection_id, run.pk)
        return None


def _previous_runs(run: SyncRun, count: int) -> list[SyncRun]:
    """The connection's ``count`` finished runs before ``run`` (newest first, dry runs left out)."""
    return list(
        SyncRun.objects.filter(connection_id=run.connection_id, dry_run=False, status__in=FINISHED)
        .exclude(pk=run.pk)
        .filter(finished_at__lte=run.finished_at)
        .order_by("-finished_at", "-pk")[:count]
    )


def _react(run: SyncRun) -> Notice | None:
    if run.trigger == Trigger.UNDO and not run.dry_run and run.status in FINISHED:
        _tell_undone(run)  # an undo is news to the owners, whatever else the run says
    problem = problem_of(run)
    if problem is None:
        return _react_to_failing_records(run)
    connection = Connection.objects.select_related("netsuite_account", "app_account").get(pk=run.connection_id)
    previous = _previous_runs(run, AUTH_FAILURES_BEFORE_PAUSE - 1)
    if (
        problem == AUTHENTICATION
        and not connection.paused
        and len(previous) == AUTH_FAILURES_BEFORE_PAUSE - 1
        and all(problem_of(p) == AUTHENTICATION for p in previous)
    ):
        _pause_for_reauthorization(connection)
        return _send(connection, run, AUTH_PAUSED)
    if previous and problem_of(previous[0]) == problem:
        return None  # the same problem as the run before: its owners know already
    return _send(connection, run, problem)


def _pause_for_reauthorization(connection: Connection) -> None:
    accounts_of = (connection.netsuite_account, connection.app_account)
    unverified = [a for a in accounts_of if a.status != AccountStatus.VERIFIED]
    accounts = ", ".join(a.label for a in unverified) or "its accounts"
    connection.paused = True
    connection.paused_reason = (
        f"{AUTH_PAUSE_PREFIX} ({AUTH_FAILURES_BEFORE_PAUSE} runs in a row): re-authorize {accounts}, "
        "then resume the connection."
    )[:500]
    with acting_as(via="sync engine"):
        connection.save(update_fields=["paused", "paused_reason", "updated_at"])


def _first_line(text: str, limit: int = 500) -> str:
    line = (text or "").strip().splitlines()[0] if (text or "").strip() else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"


def connection_url(connection: Connection) -> str:
    """The connection's admin page; absolute when ``SITE_URL`` is set."""
    path = reverse("admin:connections_connection_change", args=[connection.pk])
    return getattr(settings, "SITE_URL", "").rstrip("/") + path


def _message(connection: Connection, run: SyncRun, problem: str) -> tuple[str, str]:
    error = _first_line(run.error)
    if problem == AUTH_PAUSED:
        subject = f"Contact sync paused: {connection.name} needs re-authorization"
        what = (
            f"The last {AUTH_FAILURES_BEFORE_PAUSE} runs of the connection could not authenticate, so it paused "
            f"itself.\nLast error: {error}\n\nRe-authorize the account (connected accounts in the admin), "
            "then resume the connection."
        )
    elif problem == VALVE:
        subject = f"Contact sync: deletions held back on {connection.name}"
        what = (
            f"{error}\n\nReview the deletions (the run's outcomes), then confirm them on the connection's page; "
            "until then the connection's runs delete nothing."
        )
    elif problem == AUTHENTICATION:
        subject = f"Contact sync failed: {connection.name} cannot authenticate"
        what = (
            f"{error}\n\nAfter {AUTH_FAILURES_BEFORE_PAUSE} failed runs in a row the connection pauses itself "
            "until the account is re-authorized."
        )
    else:
        subject = f"Contact sync failed: {connection.name}"
        what = f"{error}\n\nThe next run tries again; the run's page in the admin has the details."
    body = (
        f"Connection: {connection.name}\nRun: {run.pk} ({run.get_trigger_display()}), "
        f"finished {run.finished_at:%Y-%m-%d %H:%M} UTC\n\n{what}\n\n{connection_url(connection)}\n\n"
        "You receive this email because you own this connection. You will not be emailed again "
        "until the problem changes."
    )
    return redact(subject), redact(body)


def _send(connection: Connection, run: SyncRun, problem: str, message: tuple[str, str] | None = None) -> Notice:
    subject, body = message or _message(connection, run, problem)
    recipients = tuple(sorted({u.email for u in connection.owners.filter(is_active=True) if u.email}))
    if recipients:
        send_mail(subject, body, None, list(recipients))
    else:
        logger.warning("connection %s has a problem (%s) but no owner with an email to tell", connection.pk, problem)
    return Notice(problem, subject, body, recipients)


def _tell_undone(run: SyncRun) -> Notice:
    """Email the owners that ``run`` undid a run: who asked for it, when, and what it did."""
    connection = Connection.objects.get(pk=run.connection_id)
    who = run.requested_by.get_username() if run.requested_by_id else "the command line"
    when = run.finished_at.strftime("%Y-%m-%d %H:%M:%S UTC") if run.finished_at else ""
    counts = {direction: dict(run.counters.get(direction) or {}) for direction in SyncDirection.values}
    lines = [
        f"- {SyncDirection(direction).label}: " + ", ".join(f"{n} {outcome}" for outcome, n in sorted(found.items()))
        for direction, found in counts.items()
        if found
    ]
    site = getattr(settings, "SITE_URL", "").rstrip("/")
    url = site + reverse("admin:syncengine_syncrun_change", args=[run.pk])
    subject = f"[{connection.name}] Run {run.undoes_id} was undone by {who}"
    body = (
        f"Run {run.pk} undid run {run.undoes_id} of the connection “{connection.name}”, asked for by {who}, "
        f"finished {when} ({run.get_status_display().lower()}).\n\n"
        + "\n".join(lines or ["- nothing to put back"])
        + f"\n\nEach record's outcome says what was put back and what was kept: {url}\n"
    )
    return _send(connection, run, UNDONE, (redact(subject), redact(body)))


# --- records that fail ----------------------------------------------------------------------------------------

RecordKey = tuple[str, str]  # (direction, the source record's id): one record in one direction


def failing_records(run: SyncRun) -> dict[RecordKey, str]:
    """The records that failed in ``run``, each with its :func:`~syncengine.failure_causes.failure_reason`."""
    rows = RecordOutcome.objects.filter(run=run, outcome__in=FAILING_OUTCOMES).values_list(
        "direction", "netsuite_id", "app_id", "message"
    )
    return {
        (direction, netsuite_id if direction == SyncDirection.TO_APP else app_id): failure_reason(message)
        for direction, netsuite_id, app_id, message in rows
    }


def failures_to_report(
    current: dict[RecordKey, str], previous: dict[RecordKey, str], before: dict[RecordKey, str]
) -> dict[RecordKey, str]:
    """The failures of a run its owners have not been told about (pure).

    ``current``, ``previous`` and ``before`` are the failing records of the run and
    of the two real runs before it. A failure is news when its cause is new (the
    previous run had no failure of that cause) or when its record fails for the
    second run in a row, unless the owners heard of that record with the previous
    run already: it failed in the run before that too, or its cause was new then.
    So each problem is told once, and a run with the same failures as the one
    before tells nothing.
    """
    previous_reasons, before_reasons = set(previous.values()), set(before.values())
    news = {}
    for key, reason in current.items():
        if reason not in previous_reasons:
            news[key] = reason  # a new kind of failure
        elif key in previous and key not in before and previous[key] in before_reasons:
            news[key] = reason  # failing twice in a row, and not told with the previous run
    return news


def _react_to_failing_records(run: SyncRun) -> Notice | None:
    if run.dry_run or run.status not in FINISHED:
        return None
    current = failing_records(run)
    if not current:
        return None
    earlier = _previous_runs(run, 2)
    previous = failing_records(earlier[0]) if earlier else {}
    before = failing_records(earlier[1]) if len(earlier) > 1 else {}
    news = failures_to_report(current, previous, before)
    if not news:
        return None
    connection = Connection.objects.get(pk=run.connection_id)
    return _send(connection, run, RECORDS_FAILING, _failing_records_message(connection, run, current, news, previous))


def _failing_records_message(
    connection: Connection,
    run: SyncRun,
    current: dict[RecordKey, str],
    news: dict[RecordKey, str],
    previous: dict[RecordKey, str],
) -> tuple[str, str]:
    """The email about failing records: each cause that is news, with its count in the run and a link to
    the run's failing outcomes of that cause."""
    counts: dict[str, int] = {}
    for reason in current.values():
        counts[reason] = counts.get(reason, 0) + 1
    previous_reasons = set(previous.values())
    site = getattr(settings, "SITE_URL", "").rstrip("/")
    lines = []
    for reason in sorted(set(news.values()), key=lambda r: (-counts[r], r)):
        n = counts[reason]
        repeated = sum(1 for key, r in news.items() if r == reason and key in previous)
        why = (
            "a new kind of failure"
            if reason not in previous_reasons
            else f"{repeated} of them failing for the second run in a row"
        )
        url = site + outcome_list_url(connection.pk, run__id__exact=str(run.pk), reason=reason, **FAILING)
        lines.append(f"- {reason or '(no message)'}: {n} record{'s' if n != 1 else ''} ({why})\n  {url}")
    total = len(current)
    subject = f"Contact sync: {total} record{'s' if total != 1 else ''} failing on {connection.name}"
    body = (
        f"Connection: {connection.name}\nRun: {run.pk} ({run.get_trigger_display()}), "
        f"{run.get_status_display().lower()}, finished {run.finished_at:%Y-%m-%d %H:%M} UTC\n\n"
        f"Records that failed in this run, by cause:\n\n" + "\n".join(lines) + "\n\n"
        "Failing records are retried on every run; the connection's page can retry them now "
        f"(Retry failed records).\n{connection_url(connection)}\n\n"
        "You receive this email because you own this connection. You will not be emailed again about "
        "these failures; a new kind of failure, or another record failing twice in a row, is told again."
    )
    return redact(subject), redact(body)
