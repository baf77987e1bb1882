"""A pair whose write fails is attempted once per run and recorded once, over HTTP against the sandboxes.

Both of its records stay pending, and the next run (the fault lifted) writes it. Before issue 16 the failed
pair was dropped from the run's handled set, so when its other half was pending too, that half's own turn
planned and sent the pair again: one failing pair was written twice and its failure recorded twice.
"""

from __future__ import annotations

import pytest

from syncengine.choices import Outcome, RunStatus, SyncDirection
from syncengine.models import MirrorRecord, RecordLink, RecordOutcome

from .harness import sync
from .helpers import g_by_email, ns_person, seed, writes

pytestmark = pytest.mark.django_db

EMAIL = "al@example.com"


def test_a_failing_pair_with_both_records_pending_is_written_once_recorded_once_and_stays_pending(
    sandboxes, connection
):
    (ns_id,), _ = seed(sandboxes, netsuite=[ns_person("Al", "Test", EMAIL)])
    assert sync(connection).status == RunStatus.SUCCEEDED
    (person,) = g_by_email(sandboxes)[EMAIL]
    # Both halves change: NetSuite's title (a write to Google), and Google's contact is touched (read as a
    # change of its own, with nothing for NetSuite), while Google refuses every write.
    sandboxes.netsuite.touch("customer", ns_id, title="CFO")
    sandboxes.google.touch(person["resourceName"])
    sandboxes.google.faults.update({"error_rate": 1.0, "error_status": 403, "methods": ["POST"]})
    sandboxes.clear_logs()

    run = sync(connection)

    assert run.status == RunStatus.PARTIALLY_FAILED, run.error
    failed = RecordOutcome.objects.filter(run=run, outcome=Outcome.FAILED)
    assert list(failed.values_list("email", "direction")) == [(EMAIL, SyncDirection.TO_APP)]
    google_writes = [r for r in writes(sandboxes.google.requests()) if "contactGroups" not in r["path"]]
    assert len(google_writes) == 1, google_writes
    link = RecordLink.objects.get(connection=connection, match_key=EMAIL)
    pending = MirrorRecord.objects.filter(connection=connection, pending=True)
    assert set(pending.values_list("side", "record_id")) == {("netsuite", link.netsuite_id), ("app", link.app_id)}

    sandboxes.google.faults.update({"error_rate": 0.0})
    assert sync(connection).status == RunStatus.SUCCEEDED
    (person,) = g_by_email(sandboxes)[EMAIL]
    assert person["organizations"][0]["title"] == "CFO"
    assert not MirrorRecord.objects.filter(connection=connection, pending=True).exists()
