"""Full syncs under injected faults end as a fault-free run does, within a few runs.

Both sandboxes inject faults into their API (5xx, 429, timeouts, malformed JSON bodies, dropped
connections; Google access tokens that expire mid-run) while a few hundred records sync both ways.
Each scenario runs the engine until a run succeeds and both sides equal the end state of a fault-free
run on the same seed: the same emails on each side, none twice, the same mapped values. Along the way
every run either logs each failure per record (a failed outcome with the API's message) or fails as a
whole with a clear error, never with a crash.

Refusals (4xx, never retried) are checked apart: refused writes fail their records only, and the
next run writes them although nothing changed on them since (the cursors moved, the mirror kept them
pending); a refused read stops the run with a clear error, moves no cursor, and the next run catches up.
"""

from __future__ import annotations

import pytest

from syncengine.choices import Outcome, RunStatus, SyncDirection, Trigger
from syncengine.models import ConnectionState, MirrorRecord, RecordLink, RecordOutcome, SyncRun
from syncengine.runner import run_sync

from ..engine.bulk_data import end_state, twins
from ..engine.harness import make_connection, sync
from ..engine.helpers import writes
from .fault_injection import clear_faults, injected, set_faults
from .seed_data import GOOGLE_COUNT, UNIQUE_EMAILS, seed_records

MAX_RUNS = 5
# Google access tokens live this long in the token test (the client refreshes them halfway).
TOKEN_TTL_SECONDS = 4.0
# A "timeout" fault: the sandbox hangs this long, then answers 504. The clients the engine builds wait
# 30 s for an answer (connections.clients.client_for sets no timeout and nothing lets a test shorten
# it), so here the hang ends in a 504 the client retries rather than in a client-side timeout; that one
# is proven on the client itself (tests/provider_netsuite/test_governance_http.py).
HANG_SECONDS = 0.5

# Each scenario: the faults each sandbox injects (rates per API request), and the kinds that must show
# up in the request logs (all of them in NetSuite's, one at least in Google's): a scenario that injected
# nothing would prove nothing. NetSuite gets one request per record written, Google one per batch of up
# to 200: the seed makes about 180 NetSuite requests but only a dozen Google ones, hence Google's
# higher rates.
ALL_AT_ONCE_NETSUITE = {
    "error_rate": 0.10,
    "rate_limit_rate": 0.05,
    "timeout_rate": 0.01,
    "timeout_seconds": HANG_SECONDS,
    "malformed_rate": 0.02,
    "drop_rate": 0.02,
}
ALL_AT_ONCE_GOOGLE = {
    "error_rate": 0.10,
    "rate_limit_rate": 0.10,
    "timeout_rate": 0.05,
    "timeout_seconds": HANG_SECONDS,
    "malformed_rate": 0.05,
    "drop_rate": 0.05,
}
SCENARIOS = {
    "5xx": ({"error_rate": 0.10}, {"error_rate": 0.30}, {"5xx"}),
    "429": ({"rate_limit_rate": 0.05}, {"rate_limit_rate": 0.30}, {"429"}),
    "timeouts": (
        {"timeout_rate": 0.03, "timeout_seconds": HANG_SECONDS},
        {"timeout_rate": 0.30, "timeout_seconds": HANG_SECONDS},
        {"timeout"},
    ),
    "malformed JSON": ({"malformed_rate": 0.05}, {"malformed_rate": 0.30}, {"malformed"}),
    "dropped connections": ({"drop_rate": 0.05}, {"drop_rate": 0.30}, {"drop"}),
    "everything at once": (ALL_AT_ONCE_NETSUITE, ALL_AT_ONCE_GOOGLE, {"5xx", "429"}),
}

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def reference_cache() -> dict:
    return {}


@pytest.fixture
def reference(running_sandboxes, settings, reference_cache) -> dict:
    """Both sides after one fault-free run on a fresh copy of the seed (made once per module)."""
    if not reference_cache:
        seed_records(running_sandboxes)
        connection = make_connection(running_sandboxes, settings)
        run = sync(connection)
        assert run.status == RunStatus.SUCCEEDED, run.error
        state = end_state(running_sandboxes)
        assert {side: len(by_email) for side, by_email in state.items()} == {
            "netsuite": UNIQUE_EMAILS,
            "google": UNIQUE_EMAILS,
        }
        reference_cache.update(state)
        # The faulty run's connection needs these accounts (unique per provider and account id).
        accounts = [connection.netsuite_account, connection.app_account]
        connection.delete()
        for account in accounts:
            account.delete()
    return reference_cache


def differences(state: dict, reference: dict) -> dict[str, list[str]]:
    """Per side, the emails missing, extra, or holding other values than in the reference."""
    found = {}
    for side in ("netsuite", "google"):
        emails = set(state[side]) | set(reference[side])
        found[side] = sorted(e for e in emails if state[side].get(e) != reference[side].get(e))
    return found


def assert_failures_are_reported(run: SyncRun) -> None:
    """A run under faults ends in one of three ways, each of them explained."""
    failed = list(RecordOutcome.objects.filter(run=run, outcome=Outcome.FAILED))
    if run.status == RunStatus.SUCCEEDED:
        assert failed == [] and run.error == ""
    elif run.status == RunStatus.PARTIALLY_FAILED:
        assert failed, "a partially failed run names the records that failed"
        assert all(outcome.message.strip() for outcome in failed), [o.pk for o in failed if not o.message]
        assert f"{len(failed)} record(s) failed" in run.error
    else:
        assert run.status == RunStatus.FAILED, run.status
        assert run.error.startswith("The run stopped: ") or run.error.startswith("Authentication failed: "), run.error
        assert "Traceback" not in run.error


def assert_no_duplicates(sandboxes, connection) -> None:
    state = end_state(sandboxes)
    assert twins(state) == {"netsuite": [], "google": []}
    links = RecordLink.objects.filter(connection=connection)
    for field in ("netsuite_id", "app_id", "match_key"):
        values = [v for v in links.values_list(field, flat=True) if v]
        assert len(values) == len(set(values)), f"two links share a {field}"


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_a_full_sync_under_faults_converges_to_the_fault_free_end_state(
    running_sandboxes, settings, reference, scenario
):
    sandboxes = running_sandboxes
    seed_records(sandboxes)
    connection = make_connection(sandboxes, settings)
    sandboxes.clear_logs()
    netsuite_faults, google_faults, expected_kinds = SCENARIOS[scenario]
    set_faults(sandboxes, netsuite={**netsuite_faults, "seed": 11}, google={**google_faults, "seed": 12})

    runs, diff = [], None
    while len(runs) < MAX_RUNS:
        runs.append(sync(connection))
        assert_failures_are_reported(runs[-1])
        assert_no_duplicates(sandboxes, connection)
        diff = differences(end_state(sandboxes), reference)
        if runs[-1].status == RunStatus.SUCCEEDED and diff == {"netsuite": [], "google": []}:
            break
    trail = "; ".join(f"run {i + 1}: {r.status} {r.error[:200]}" for i, r in enumerate(runs))
    assert diff == {"netsuite": [], "google": []}, f"{ {k: v[:5] for k, v in diff.items()} } after {trail}"
    faults_seen = injected(sandboxes)
    print(f"\n{scenario}: {len(runs)} run(s) to converge ({trail}); faults injected: {dict(faults_seen)}")
    assert expected_kinds <= set(faults_seen["netsuite"]), f"NetSuite injected only {dict(faults_seen['netsuite'])}"
    assert expected_kinds & set(faults_seen["google"]), f"Google injected only {dict(faults_seen['google'])}"


def test_access_tokens_expiring_mid_run_are_refreshed_and_the_sync_converges(running_sandboxes, settings, reference):
    sandboxes = running_sandboxes
    seed_records(sandboxes)
    connection = make_connection(sandboxes, settings)
    sandboxes.google.config.access_token_ttl = TOKEN_TTL_SECONDS
    expired = []

    def expire_tokens(stage: str, done: int, total: int | None) -> None:
        # Every progress step (a page read, a chunk written) kills the live access tokens.
        expired.append(sandboxes.google.expire_access_tokens())

    try:
        run = run_sync(SyncRun.objects.create(connection=connection, trigger=Trigger.MANUAL).pk, progress=expire_tokens)
    finally:
        sandboxes.google.config.access_token_ttl = 3600.0
    assert run.status == RunStatus.SUCCEEDED, run.error  # not even one record failed
    assert differences(end_state(sandboxes), reference) == {"netsuite": [], "google": []}
    assert_no_duplicates(sandboxes, connection)
    token_calls = [r for r in sandboxes.requests()["google"] if r["path"] == "/token"]
    refused = [r for r in sandboxes.requests()["google"] if r["status"] == 401]
    assert sum(expired) >= 1 and refused, "no access token expired while the run used it"
    print(
        f"\ntoken expiry: {sum(expired)} tokens expired mid-run, {len(refused)} requests answered 401, "
        f"{len(token_calls)} token refreshes; converged in 1 run"
    )


# What NetSuite's error message says per refusal status (connections/providers/netsuite/error_mapping.py).
REFUSALS = {
    400: ("NetSuite refused the request", "HTTP 400"),
    401: ("NetSuite refused the credentials", "HTTP 401"),
    403: ("refused the operation", "HTTP 403"),
    404: ("NetSuite has no such record",),
}


@pytest.mark.parametrize("status", [400, 403, 404])
def test_changes_whose_write_was_refused_are_written_by_the_next_run_without_changing_again(
    running_sandboxes, settings, reference, status
):
    sandboxes = running_sandboxes
    seed_records(sandboxes)
    connection = make_connection(sandboxes, settings)
    refusals = {"error_rate": 0.3, "error_status": status, "seed": 7}

    def refuse_writes(stage: str, done: int, total: int | None) -> None:
        # Once both sides are read, NetSuite refuses 30% of the requests (a 4xx is never retried).
        if stage == "reading app" and done >= GOOGLE_COUNT:
            set_faults(sandboxes, netsuite=refusals)

    run = SyncRun.objects.create(connection=connection, trigger=Trigger.MANUAL)
    first = run_sync(run.pk, progress=refuse_writes)
    assert first.status == RunStatus.PARTIALLY_FAILED, first.error
    assert_failures_are_reported(first)
    failed = RecordOutcome.objects.filter(run=first, outcome=Outcome.FAILED)
    failed_emails = set(failed.values_list("email", flat=True))
    assert len(failed_emails) >= 10
    for outcome in failed:
        assert all(part in outcome.message for part in REFUSALS[status]), outcome.message
    state = ConnectionState.objects.get(connection=connection)
    assert state.netsuite_cursor and state.app_cursor  # both cursors moved past the failed changes...
    still_pending = MirrorRecord.objects.filter(connection=connection, pending=True)
    assert failed_emails <= set(still_pending.values_list("email_key", flat=True))  # ...which wait in the mirror

    clear_faults(sandboxes)
    second = sync(connection)  # nothing changed on either side since
    assert second.status == RunStatus.SUCCEEDED, second.error
    written = RecordOutcome.objects.filter(
        run=second, email__in=failed_emails, outcome__in=[Outcome.CREATED, Outcome.UPDATED, Outcome.CONFLICT_RESOLVED]
    )
    assert set(written.values_list("email", flat=True)) == failed_emails
    assert differences(end_state(sandboxes), reference) == {"netsuite": [], "google": []}
    assert_no_duplicates(sandboxes, connection)
    assert not MirrorRecord.objects.filter(connection=connection, pending=True).exists()


@pytest.mark.parametrize(("status", "code"), [(400, "INVALID_ARGUMENT"), (403, "PERMISSION_DENIED")])
def test_google_writes_refused_are_written_by_the_next_run(running_sandboxes, settings, reference, status, code):
    sandboxes = running_sandboxes
    seed_records(sandboxes)
    connection = make_connection(sandboxes, settings)

    def refuse_writes(stage: str, done: int, total: int | None) -> None:
        # Once both sides are read, Google refuses every request (a 4xx is never retried).
        if stage == "reading app" and done >= GOOGLE_COUNT:
            set_faults(sandboxes, google={"error_rate": 1.0, "error_status": status})

    first = run_sync(SyncRun.objects.create(connection=connection, trigger=Trigger.MANUAL).pk, progress=refuse_writes)
    assert first.status == RunStatus.PARTIALLY_FAILED, first.error
    failed = RecordOutcome.objects.filter(run=first, outcome=Outcome.FAILED, direction=SyncDirection.TO_APP)
    assert failed.exists()
    for outcome in failed:
        assert f"HTTP {status} {code}" in outcome.message, outcome.message
    refused = [r for r in sandboxes.requests()["google"] if r["status"] == status]
    assert refused and all(r["method"] != "GET" for r in refused)  # the writes were refused, not the reads

    clear_faults(sandboxes)
    second = sync(connection)
    assert second.status == RunStatus.SUCCEEDED, second.error
    assert differences(end_state(sandboxes), reference) == {"netsuite": [], "google": []}
    assert_no_duplicates(sandboxes, connection)


@pytest.mark.parametrize("status", [401, 403, 404])
def test_a_refused_read_stops_the_run_with_a_clear_error_and_the_next_run_catches_up(
    running_sandboxes, settings, reference, status
):
    sandboxes = running_sandboxes
    seed_records(sandboxes)
    connection = make_connection(sandboxes, settings)
    set_faults(sandboxes, netsuite={"error_rate": 1.0, "error_status": status})
    refused = sync(connection)
    assert refused.status == RunStatus.FAILED
    assert_failures_are_reported(refused)
    assert all(part in refused.error for part in REFUSALS[status]), refused.error
    assert not RecordOutcome.objects.filter(run=refused).exists()
    state = ConnectionState.objects.get(connection=connection)
    assert (state.netsuite_cursor, state.app_cursor) == ("", "")  # nothing covered, nothing moved
    assert writes(sandboxes.requests()["google"]) == []

    clear_faults(sandboxes)
    connection.refresh_from_db()
    if connection.paused:  # an authentication failure pauses the connection until someone looks
        connection.paused = False
        connection.save()
    caught_up = sync(connection)
    assert caught_up.status == RunStatus.SUCCEEDED, caught_up.error
    assert differences(end_state(sandboxes), reference) == {"netsuite": [], "google": []}
    assert_no_duplicates(sandboxes, connection)
