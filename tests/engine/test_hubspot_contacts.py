"""NetSuite ⇄ HubSpot contacts through the engine, over HTTP against both sandboxes (issue 18, first
scenarios): the app is the registered ``hubspot`` provider, a connection gets HubSpot's default mappings,
and the runs behave as with Google: created both ways, our own writes read back as echoes, a new contact
synced by the next run, and no duplicate on either side."""

from __future__ import annotations

import pytest

from mappings.models import FieldMapping
from sandbox.hubspot import HubSpotSandbox
from syncengine.choices import Outcome, RunStatus, SyncDirection
from syncengine.models import RecordOutcome, SyncRun

from .helpers import ns_by_email, ns_person, seed
from .hubspot_setup import run

pytestmark = pytest.mark.django_db(transaction=True)


def hubspot_contacts(app: HubSpotSandbox) -> dict[str, dict]:
    """HubSpot's live contacts by email, through the sandbox's own API answer shape."""
    found: dict[str, dict] = {}
    for record in app.portal.store("contacts").active():
        email = (record.properties.get("email") or "").lower()
        assert email not in found, f"two HubSpot contacts with {email}"
        found[email] = record.properties
    return found


def outcomes(sync: SyncRun) -> set[tuple[str, str, str]]:
    return set(RecordOutcome.objects.filter(run=sync).values_list("direction", "outcome", "email"))


def test_contacts_sync_both_ways_then_a_run_reads_its_own_writes_as_echoes(sandboxes, hubspot, hubspot_connection):
    app, _ = hubspot
    mapped = set(FieldMapping.objects.filter(connection=hubspot_connection).values_list("netsuite_field", "app_field"))
    assert {("firstName", "firstname"), ("lastName", "lastname"), ("email", "email")} <= mapped
    seed(sandboxes, netsuite=[ns_person("Ada", "Lovelace", "ada@example.com")])
    app.seed({"contacts": [{"properties": {"email": "grace@example.com", "firstname": "Grace", "lastname": "Hopper"}}]})

    first = run(hubspot_connection)
    assert first.status == RunStatus.SUCCEEDED, first.error
    # No mapping or rule uses a contact's company record here: no request reads the associations.
    assert not [r for r in app.requests() if "/associations/" in r["path"]]
    assert outcomes(first) == {
        (SyncDirection.TO_APP, Outcome.CREATED, "ada@example.com"),
        (SyncDirection.TO_NETSUITE, Outcome.CREATED, "grace@example.com"),
    }
    contacts = hubspot_contacts(app)
    assert set(contacts) == {"ada@example.com", "grace@example.com"}
    assert (contacts["ada@example.com"]["firstname"], contacts["ada@example.com"]["lastname"]) == ("Ada", "Lovelace")
    grace = ns_by_email(sandboxes)["grace@example.com"]
    assert len(grace) == 1 and (grace[0]["firstName"], grace[0]["lastName"]) == ("Grace", "Hopper")

    second = run(hubspot_connection)  # reads back what the first wrote: nothing to write
    assert second.status == RunStatus.SUCCEEDED, second.error
    assert outcomes(second) == set()
    assert len(hubspot_contacts(app)) == 2 and len(ns_by_email(sandboxes)) == 2


def test_a_contact_added_in_hubspot_later_reaches_netsuite_once(sandboxes, hubspot, hubspot_connection):
    app, _ = hubspot
    seed(sandboxes, netsuite=[ns_person("Ada", "Lovelace", "ada@example.com")])
    assert run(hubspot_connection).status == RunStatus.SUCCEEDED
    app.seed({"contacts": [{"properties": {"email": "linus@example.com", "firstname": "Linus", "lastname": "T"}}]})
    later = run(hubspot_connection)
    assert later.status == RunStatus.SUCCEEDED, later.error
    assert outcomes(later) == {(SyncDirection.TO_NETSUITE, Outcome.CREATED, "linus@example.com")}
    assert len(ns_by_email(sandboxes)["linus@example.com"]) == 1
    again = run(hubspot_connection)
    assert outcomes(again) == set() and len(hubspot_contacts(app)) == 2


def test_a_contact_hubspot_already_has_but_its_search_does_not_show_yet_is_linked_not_duplicated(
    sandboxes, hubspot, hubspot_connection
):
    # "Newly created or updated records take a few moments to appear in search" (reference B.3, B.6): the
    # run does not see Grace in HubSpot, creates her there, gets 409 "Contact already exists", and links.
    app, _ = hubspot
    assert run(hubspot_connection).status == RunStatus.SUCCEEDED  # both sides empty: the cursors are set
    app.config.search_lag_seconds = 600
    app.portal.reset()  # the stores take the lag when they are made (the portal was empty anyway)
    app.seed({"contacts": [{"properties": {"email": "grace@example.com", "firstname": "Grace", "lastname": "H"}}]})
    seed(sandboxes, netsuite=[ns_person("Grace", "Hopper", "grace@example.com")])
    try:
        later = run(hubspot_connection)
    finally:
        app.config.search_lag_seconds = 0.0
    assert later.status == RunStatus.SUCCEEDED, later.error
    ((direction, outcome, email),) = outcomes(later)
    assert (direction, outcome, email) == (SyncDirection.TO_APP, Outcome.LINKED, "grace@example.com")
    assert len(hubspot_contacts(app)) == 1  # linked to the one HubSpot had, not a second Grace
    assert 409 in [r["status"] for r in app.requests() if r["path"].endswith("/batch/create")]  # it tried, and was told
    assert "HubSpot already has this contact" in RecordOutcome.objects.get(run=later).message
    assert RecordOutcome.objects.get(run=later).app_id == str(next(iter(app.portal.store("contacts").active())).id)


def test_a_burst_of_429_from_hubspot_is_absorbed(sandboxes, hubspot, hubspot_connection):
    app, _ = hubspot
    seed(sandboxes, netsuite=[ns_person(f"P{i}", "Burst", f"p{i}@example.com") for i in range(3)])
    app.faults.burst_429 = 3
    try:
        first = run(hubspot_connection)
    finally:
        app.faults.burst_429 = 0
    assert first.status == RunStatus.SUCCEEDED, first.error
    assert {e for *_, e in outcomes(first)} == {f"p{i}@example.com" for i in range(3)}
    assert sum(1 for r in app.requests() if r["status"] == 429) == 3
    assert len(hubspot_contacts(app)) == 3
