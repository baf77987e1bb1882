"""Running the Mailchimp scenarios and looking at both sandboxes afterwards (issue 19): a run through the real
engine, its outcomes, the audience's members as Mailchimp's API renders them, NetSuite's subscription status,
and the writes each sandbox received (counted from its request log, not from our counters)."""

from __future__ import annotations

from connections.models import Connection
from syncengine.choices import Outcome, RunStatus
from syncengine.models import RecordOutcome, SyncRun

from .helpers import ns_by_email, writes
from .hubspot_setup import run as run_once

SOFT_OPT_IN, SOFT_OPT_OUT = {"id": "2"}, {"id": "1"}  # the NetSuite sandbox's subscription statuses
STATUS = "globalSubscriptionStatus"


def run(connection: Connection, status: str = RunStatus.SUCCEEDED) -> SyncRun:
    """One run of ``connection`` through :func:`syncengine.runner.run_sync`, which must end with ``status``."""
    sync = run_once(connection)
    failed = RecordOutcome.objects.filter(run=sync, outcome=Outcome.FAILED).values_list("email", "message")
    assert sync.status == status, (sync.error, list(failed))
    return sync


def outcomes(sync: SyncRun) -> set[tuple[str, str, str]]:
    """The run's ``(direction, outcome, email)``, but "unchanged" (a pair read again in an overlap window)."""
    logged = RecordOutcome.objects.filter(run=sync).exclude(outcome=Outcome.UNCHANGED)
    return set(logged.values_list("direction", "outcome", "email"))


def message(sync: SyncRun, email: str, outcome: str) -> str:
    return RecordOutcome.objects.get(run=sync, email=email, outcome=outcome).message


def members(app) -> dict[str, dict]:
    """The demo audience's members by lower-cased email (any status, archived too), as the API renders them."""
    audience = app.account.lists[app.config.default_list_id]
    return {m.email.lower(): app.member(m.id) for m in audience.members.values()}


def status_of(app, email: str) -> str:
    """A member's status in the sandbox."""
    return app.member(email)["status"]


def app_writes(app, since: int = 0) -> list[dict]:
    """The requests after the ``since``-th of the Mailchimp sandbox's log that change something (every
    Mailchimp read is a GET)."""
    return [r for r in app.requests()[since:] if r["method"] != "GET"]


def netsuite_writes(sandboxes, since: int = 0) -> list[dict]:
    """The requests after the ``since``-th of the NetSuite sandbox's log that change something."""
    return writes(sandboxes.netsuite.requests()[since:])


def ns_record(sandboxes, email: str) -> dict:
    """The one NetSuite customer with ``email`` (a duplicate fails the test)."""
    (record,) = ns_by_email(sandboxes)[email]
    return record


def ns_status(sandboxes, email: str) -> str:
    return ns_record(sandboxes, email)[STATUS]["refName"]


def ns_set_status(sandboxes, email: str, status: dict) -> None:
    """Someone in NetSuite changes the customer's global subscription status."""
    sandboxes.netsuite.touch("customer", int(ns_record(sandboxes, email)["id"]), **{STATUS: status})


def quiet_run(connection: Connection, sandboxes, app) -> SyncRun:
    """A run that finds nothing to do: no outcome but "unchanged", no write to either sandbox."""
    ns_mark, app_mark = len(sandboxes.netsuite.requests()), len(app.requests())
    sync = run(connection)
    assert outcomes(sync) == set()
    assert netsuite_writes(sandboxes, ns_mark) == []
    assert app_writes(app, app_mark) == []
    return sync
