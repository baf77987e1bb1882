"""Tell a connection's owners, by email, when it needs them.

Three problems are worth an email (dry runs never are):

- a run failed (as a whole: the engine could not run; single records that
  fail are on the health overview instead);
- authentication failed three runs in a row: the connection then pauses
  itself, with a reason asking for re-authorization;
- the deletion safety valve held a run's deletions back.

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

from .choices import RunStatus
from .models import SyncRun

logger = logging.getLogger(__name__)

AUTH_FAILURES_BEFORE_PAUSE = 3
# The beginnings of SyncRun.error the runner writes (syncengine.runner.run_sync).
AUTH_ERROR_PREFIX = "Authentication failed"
VALVE_ERROR_PREFIX = "Deletion safety valve"
# The reason a connection paused by the engine carries; the admin flags such a connection "Needs attention".
AUTH_PAUSE_PREFIX = "Paused after repeated authentication failures"

FAILED, AUTHENTICATION, VALVE, AUTH_PAUSED = "failed", "authentication", "valve", "auth_paused"
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
    problem = problem_of(run)
    if problem is None:
        return None
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


def _send(connection: Connection, run: SyncRun, problem: str) -> Notice:
    subject, body = _message(connection, run, problem)
    recipients = tuple(sorted({u.email for u in connection.owners.filter(is_active=True) if u.email}))
    if recipients:
        send_mail(subject, body, None, list(recipients))
    else:
        logger.warning("connection %s has a problem (%s) but no owner with an email to tell", connection.pk, problem)
    return Notice(problem, subject, body, recipients)
