"""A HubSpot batch that fails for some of its records only, through the engine, over HTTP against both
sandboxes (issue 18): a batch update answered 207 Multi-Status names the ids it could not update; those
records, and only those, fail with HubSpot's message, the rest of the batch is updated, and the next run
retries the failed ones and succeeds once the cause is gone."""

from __future__ import annotations

import pytest

from syncengine.choices import Outcome, RunStatus, SyncDirection
from syncengine.models import RecordOutcome

from .helpers import ns_person, seed
from .hubspot_setup import run

pytestmark = pytest.mark.django_db(transaction=True)

EMAILS = [f"p{i}@example.com" for i in range(4)]


def _by_email(app) -> dict[str, object]:
    return {r.properties["email"]: r for r in app.portal.store("contacts").records.values()}


def test_a_207_fails_only_the_records_it_names_and_the_next_run_retries_them(sandboxes, hubspot, hubspot_connection):
    app, _ = hubspot
    ns_ids, _ = seed(sandboxes, netsuite=[ns_person(f"P{i}", "Batch", EMAILS[i]) for i in range(4)])
    first = run(hubspot_connection)
    assert first.status == RunStatus.SUCCEEDED, first.error
    contacts = _by_email(app)
    assert set(contacts) == set(EMAILS)

    for i, ns_id in enumerate(ns_ids):  # every one changes in NetSuite: one batch update of four
        sandboxes.netsuite.touch("customer", ns_id, title=f"Chief {i}")
    # Two of the HubSpot contacts are out of HubSpot's reach for a while (the sandbox stops finding them):
    # the batch update answers 207 with OBJECT_NOT_FOUND for their ids and updates the other two.
    store = app.portal.store("contacts")
    hidden = {contacts[e].id: store.records.pop(contacts[e].id) for e in EMAILS[2:]}
    try:
        second = run(hubspot_connection)
    finally:
        store.records.update(hidden)

    updates = [r for r in app.requests() if r["path"].endswith("/batch/update")]
    assert [r["status"] for r in updates] == [207]  # one batch, a partial answer: no retry, no split
    assert second.status == RunStatus.PARTIALLY_FAILED, second.error
    outcomes = {o.email: o for o in RecordOutcome.objects.filter(run=second, direction=SyncDirection.TO_APP)}
    assert {e: o.outcome for e, o in outcomes.items()} == {
        EMAILS[0]: Outcome.UPDATED,
        EMAILS[1]: Outcome.UPDATED,
        EMAILS[2]: Outcome.FAILED,
        EMAILS[3]: Outcome.FAILED,
    }
    for email in EMAILS[2:]:  # HubSpot's own words, for those records only
        assert "Could not update some CONTACT objects, they may be deleted or not exist" in outcomes[email].message
    for email in EMAILS[:2]:
        assert outcomes[email].message == ""
    contacts = _by_email(app)
    assert [contacts[e].properties.get("jobtitle") for e in EMAILS] == ["Chief 0", "Chief 1", None, None]

    third = run(hubspot_connection)  # the contacts are back: the failed ones are retried, and only they
    assert third.status == RunStatus.SUCCEEDED, third.error
    retried = {o.email: o.outcome for o in RecordOutcome.objects.filter(run=third, direction=SyncDirection.TO_APP)}
    assert retried == {EMAILS[2]: Outcome.UPDATED, EMAILS[3]: Outcome.UPDATED}
    contacts = _by_email(app)
    assert [contacts[e].properties.get("jobtitle") for e in EMAILS] == ["Chief 0", "Chief 1", "Chief 2", "Chief 3"]
    assert len(contacts) == 4  # nothing created twice

    fourth = run(hubspot_connection)  # and then nothing is left to do
    assert fourth.status == RunStatus.SUCCEEDED
    assert not RecordOutcome.objects.filter(run=fourth).exists()
