"""*Retry now* / *Retry selected* queue a run limited to the chosen failed records (issue 15), over HTTP against
the sandboxes.

The limited run reads those records (and their linked counterparts) again by id, syncs only them, leaves the
cursors and every other pending change alone (the next ordinary run syncs those), and takes the connection's
lease like any run. While an ordinary run is queued it covers the records; while one runs, the retry waits
behind it and is sent when it ends.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_q.models import OrmQ

from mappings.models import FieldMapping
from syncengine import lease
from syncengine.choices import Outcome, RunStatus, Side, SyncDirection, Trigger
from syncengine.models import ConnectionState, MirrorRecord, RecordLink, RecordOutcome, SyncRun
from syncengine.runner import run_sync
from syncengine.services import enqueue_run, retry_failed
from syncengine.tasks import reap_stale_runs

from .harness import sync
from .helpers import g_by_email, ns_by_email, ns_person, seed

pytestmark = pytest.mark.django_db

PEOPLE = (("Al", "al@example.com"), ("Cy", "cy@example.com"), ("Dee", "dee@example.com"), ("Kim", "kim@example.com"))


def _title(sandboxes, email: str) -> str | None:
    (person,) = g_by_email(sandboxes)[email]
    organizations = person.get("organizations") or []
    return organizations[0].get("title") if organizations else None


def _tasks() -> list[tuple]:
    return [task.task["args"] for task in OrmQ.objects.all()]


@pytest.fixture
def failed_updates(sandboxes, connection):
    """Four people synced NetSuite → Google; then Al's, Cy's and Dee's titles change in NetSuite while Google
    refuses every write (403, as a grant without write permission): their three updates failed."""
    ids, _ = seed(sandboxes, netsuite=[ns_person(first, "Test", email) for first, email in PEOPLE])
    assert sync(connection).status == RunStatus.SUCCEEDED
    ns = dict(zip((email for _, email in PEOPLE), ids, strict=True))
    for email in ("al@example.com", "cy@example.com", "dee@example.com"):
        sandboxes.netsuite.touch("customer", ns[email], title="CFO")
    sandboxes.google.faults.update({"error_rate": 1.0, "error_status": 403, "methods": ["POST"]})
    run = sync(connection)
    assert run.status == RunStatus.PARTIALLY_FAILED, run.error
    failed = RecordOutcome.objects.filter(run=run, outcome=Outcome.FAILED)
    # (One failed outcome each: a failing pair is attempted once per run, see test_failed_pair_once.py.)
    assert failed.count() == 3
    assert set(failed.values_list("email", flat=True)) == {"al@example.com", "cy@example.com", "dee@example.com"}
    assert "The caller does not have permission" in failed.first().message
    sandboxes.google.faults.update({"error_rate": 0.0})  # the fault is lifted
    return ns, run


def test_retry_selected_syncs_only_those_records_with_their_current_values(
    sandboxes, connection, failed_updates, django_capture_on_commit_callbacks
):
    ns, failing_run = failed_updates
    # After the failure, Al is edited again (the retry must write what NetSuite holds now, not the mirror's
    # old read), and Kim changes: an ordinary change the retry must leave for the next run.
    sandboxes.netsuite.touch("customer", ns["al@example.com"], title="CEO")
    sandboxes.netsuite.touch("customer", ns["kim@example.com"], title="Buyer")
    # And the configuration changed (a mapping switched off): every pair is due for re-planning, but a retry
    # re-plans its own pairs only.
    assert FieldMapping.objects.filter(connection=connection, netsuite_field="mobilePhone").update(enabled=False) == 1
    planned_with = RecordLink.objects.get(connection=connection, match_key="kim@example.com").config_fingerprint
    cursors = ConnectionState.objects.filter(connection=connection).values_list("netsuite_cursor", "app_cursor").get()
    chosen = RecordOutcome.objects.filter(
        run=failing_run, outcome=Outcome.FAILED, email__in=["al@example.com", "cy@example.com"]
    )

    with django_capture_on_commit_callbacks(execute=True):
        retry = retry_failed(connection, chosen)

    run = retry.run
    assert retry.queued and run.status == RunStatus.QUEUED and run.trigger == Trigger.RETRY
    assert run.scope == {Side.NETSUITE: sorted([str(ns["al@example.com"]), str(ns["cy@example.com"])], key=int)}
    assert run.trigger_text() == "Retry of 2 records"
    assert (
        retry.describe()
        == f"2 failed records of “{connection.name}” re-queued: run {run.pk} queued to retry only them."
    )
    assert _tasks() == [(run.pk,)]  # sent to the workers at once: nothing else is queued or running
    sandboxes.clear_logs()

    assert run_sync(run.pk).status == RunStatus.SUCCEEDED  # as the worker runs it
    run.refresh_from_db()

    # Only the two records got outcomes: both updated in Google, Al with his latest title (their Google halves,
    # read again as the pair's planning needs, had nothing new for NetSuite).
    outcomes = RecordOutcome.objects.filter(run=run)
    assert set(outcomes.values_list("email", flat=True)) == {"al@example.com", "cy@example.com"}
    assert sorted(outcomes.filter(direction=SyncDirection.TO_APP).values_list("email", "outcome")) == [
        ("al@example.com", Outcome.UPDATED),
        ("cy@example.com", Outcome.UPDATED),
    ]
    assert not outcomes.exclude(direction=SyncDirection.TO_APP).exclude(outcome=Outcome.UNCHANGED).exists()
    assert (_title(sandboxes, "al@example.com"), _title(sandboxes, "cy@example.com")) == ("CEO", "CFO")
    # Read by id (NetSuite's SuiteQL by id, Google's batchGet), never the change feeds.
    google_paths = [entry["path"] for entry in sandboxes.requests()["google"]]
    assert "/v1/people/me/connections" not in google_paths
    assert "/v1/people:batchGet" in google_paths
    # The cursors did not move; Dee (failed, not chosen) still waits in the mirror; Kim's change was not read.
    assert ConnectionState.objects.filter(connection=connection).values_list("netsuite_cursor", "app_cursor").get() == (
        cursors
    )
    dee = MirrorRecord.objects.get(connection=connection, side=Side.NETSUITE, record_id=str(ns["dee@example.com"]))
    assert dee.pending
    assert (_title(sandboxes, "dee@example.com"), _title(sandboxes, "kim@example.com")) == (None, None)
    assert run.counters["read"] == {Side.NETSUITE: 2, Side.APP: 2}  # the two records and their Google contacts
    fingerprints = dict(RecordLink.objects.filter(connection=connection).values_list("match_key", "config_fingerprint"))
    assert fingerprints["dee@example.com"] == fingerprints["kim@example.com"] == planned_with
    assert fingerprints["al@example.com"] == fingerprints["cy@example.com"] != planned_with
    assert "config_reapplied" not in run.counters

    # The next ordinary run syncs Dee and Kim; Al and Cy are not written again.
    sandboxes.clear_logs()
    after = sync(connection)
    assert after.status == RunStatus.SUCCEEDED, after.error
    assert {(o.email, o.outcome) for o in RecordOutcome.objects.filter(run=after, outcome=Outcome.UPDATED)} == {
        ("dee@example.com", Outcome.UPDATED),
        ("kim@example.com", Outcome.UPDATED),
    }
    assert (_title(sandboxes, "dee@example.com"), _title(sandboxes, "kim@example.com")) == ("CFO", "Buyer")
    # Nothing lost or duplicated: one record per person on each side, and no pending change left.
    assert {email: len(found) for email, found in ns_by_email(sandboxes).items()} == {e: 1 for _, e in PEOPLE}
    assert {email: len(found) for email, found in g_by_email(sandboxes).items()} == {e: 1 for _, e in PEOPLE}
    assert not MirrorRecord.objects.filter(connection=connection, pending=True).exists()


def test_an_ordinary_run_queued_already_covers_the_retry(sandboxes, connection, failed_updates):
    queued, created = enqueue_run(connection)
    assert created

    retry = retry_failed(connection)

    assert retry.run == queued and not retry.queued
    assert retry.describe() == (
        f"3 failed records of “{connection.name}” re-queued: run {queued.pk} is already queued and syncs them "
        "with every other pending change."
    )
    assert SyncRun.objects.filter(connection=connection, status=RunStatus.QUEUED).count() == 1
    assert run_sync(queued.pk).status == RunStatus.SUCCEEDED
    assert {_title(sandboxes, e) for e in ("al@example.com", "cy@example.com", "dee@example.com")} == {"CFO"}


def test_while_an_ordinary_run_runs_the_retry_waits_behind_it(
    sandboxes, connection, failed_updates, django_capture_on_commit_callbacks
):
    running, _ = enqueue_run(connection)
    SyncRun.objects.filter(pk=running.pk).update(status=RunStatus.RUNNING)  # a worker took it
    OrmQ.objects.all().delete()

    retry = retry_failed(connection)

    run = retry.run
    assert retry.queued and run.limited and run.after_id == running.pk
    assert retry.describe() == (
        f"3 failed records of “{connection.name}” re-queued: run {running.pk} is running, so run {run.pk} is queued "
        "behind it to retry only them."
    )
    assert _tasks() == []  # not sent: it would find the lease taken
    # A second click while it waits queues nothing more; Run now meanwhile answers with the running run.
    again = retry_failed(connection)
    assert again.run == run and not again.queued
    assert again.describe().endswith(f"run {run.pk} is already queued to retry them.")
    assert enqueue_run(connection) == (SyncRun.objects.get(pk=running.pk), False)

    # The running run ends (here: it really runs): the retry is sent to the workers, and runs.
    SyncRun.objects.filter(pk=running.pk).update(status=RunStatus.QUEUED)
    with django_capture_on_commit_callbacks(execute=True):
        assert run_sync(running.pk).status == RunStatus.SUCCEEDED
    run.refresh_from_db()
    assert run.after_id is None and _tasks() == [(run.pk,)]
    assert run_sync(run.pk).status == RunStatus.SUCCEEDED
    # The ordinary run had synced them already: the retry finds nothing left to write.
    assert not RecordOutcome.objects.filter(run=run, outcome__in=[Outcome.UPDATED, Outcome.FAILED]).exists()


def test_run_now_while_a_retry_is_queued_waits_behind_it(
    sandboxes, connection, failed_updates, django_capture_on_commit_callbacks
):
    retry = retry_failed(connection)
    assert retry.queued and retry.run.after_id is None
    OrmQ.objects.all().delete()

    run, created = enqueue_run(connection)

    assert created and run.after_id == retry.run.pk and not run.limited
    assert _tasks() == []
    with django_capture_on_commit_callbacks(execute=True):
        assert run_sync(retry.run.pk).status == RunStatus.SUCCEEDED
    assert _tasks() == [(run.pk,)]


def test_the_limited_run_takes_the_lease_like_any_run(sandboxes, connection, failed_updates):
    retry = retry_failed(connection)
    lease.acquire(connection.pk, "someone-else:1:abc")

    skipped = run_sync(retry.run.pk)

    assert skipped.status == RunStatus.SKIPPED and "another run holds this connection" in skipped.error
    assert not RecordOutcome.objects.filter(run=skipped).exists()
    # The records wait, pending, for the next run.
    assert MirrorRecord.objects.filter(connection=connection, side=Side.NETSUITE, pending=True).count() == 3


def test_a_record_deleted_since_stays_queued_and_the_run_says_so(sandboxes, connection, failed_updates):
    ns, failing_run = failed_updates
    sandboxes.netsuite.delete_record("customer", ns["cy@example.com"])
    chosen = RecordOutcome.objects.filter(
        run=failing_run, outcome=Outcome.FAILED, email__in=["al@example.com", "cy@example.com"]
    )

    run = run_sync(retry_failed(connection, chosen).run.pk)

    assert run.status == RunStatus.PARTIALLY_FAILED
    assert "1 of the records to retry could not be read again" in run.error
    outcomes = RecordOutcome.objects.filter(run=run)
    assert set(outcomes.values_list("email", flat=True)) == {"al@example.com"}
    assert outcomes.get(direction=SyncDirection.TO_APP).outcome == Outcome.UPDATED
    cy = MirrorRecord.objects.get(connection=connection, side=Side.NETSUITE, record_id=str(ns["cy@example.com"]))
    assert cy.pending and not cy.deleted  # the next ordinary run reads the deletion


def test_the_reaper_sends_a_retry_whose_run_ahead_died_and_never_reaps_one_still_waiting(
    sandboxes, connection, failed_updates, django_capture_on_commit_callbacks
):
    running, _ = enqueue_run(connection)
    SyncRun.objects.filter(pk=running.pk).update(
        status=RunStatus.RUNNING, worker="gone:1:abc", queued_at=timezone.now() - timedelta(hours=3)
    )
    lease.acquire(connection.pk, "gone:1:abc")  # the worker holds the lease: the run is alive
    retry = retry_failed(connection).run
    SyncRun.objects.filter(pk=retry.pk).update(queued_at=timezone.now() - timedelta(hours=2))
    OrmQ.objects.all().delete()

    assert reap_stale_runs() == 0  # waiting two hours behind a live run is not "never picked up"
    retry.refresh_from_db()
    assert retry.status == RunStatus.QUEUED and retry.after_id == running.pk

    lease.release(connection.pk, "gone:1:abc")  # the worker died: its lease is gone
    with django_capture_on_commit_callbacks(execute=True):
        assert reap_stale_runs() == 1
    retry.refresh_from_db()
    assert SyncRun.objects.get(pk=running.pk).status == RunStatus.FAILED
    assert retry.status == RunStatus.QUEUED and retry.after_id is None and _tasks() == [(retry.pk,)]
    assert timezone.now() - retry.queued_at < timedelta(minutes=1)  # the hour counts from when it was sent

    # A run left waiting behind one that ended without sending it (its worker died in between) is sent too.
    OrmQ.objects.all().delete()
    SyncRun.objects.filter(pk=retry.pk).update(after=running)
    with django_capture_on_commit_callbacks(execute=True):
        reap_stale_runs()
    assert _tasks() == [(retry.pk,)] and SyncRun.objects.get(pk=retry.pk).after_id is None
