"""A NetSuite contact's company ⇄ the HubSpot contact's primary company association (issue 18 part 4), through
real syncs over HTTP against both sandboxes.

A *Contacts* connection with HubSpot maps NetSuite's ``company`` to the HubSpot contact's associated company;
the company a contact links to is translated through the links of the *company connection* (NetSuite Company
Customers ⇄ HubSpot companies, same accounts and subsidiary), whose runs create and link the companies here.
A company not linked yet leaves the contact's company unwritten with a warning, and a later run sets it.
"""

from __future__ import annotations

import time

import pytest
import requests

from connections.models import Connection
from mappings.models import FieldMapping
from sandbox.hubspot import HubSpotSandbox
from syncengine.choices import LinkState, Outcome, RunStatus, SyncDirection
from syncengine.config_checks import connection_problems
from syncengine.models import MirrorRecord, RecordLink, RecordOutcome, SyncRun

from .companies import company, contact, seed_netsuite
from .harness import make_connection, sync
from .helpers import writes
from .hubspot_setup import verified_hubspot_account

pytestmark = pytest.mark.django_db(transaction=True)

COMPANY_FIELD = "associated_company"  # the HubSpot contacts catalog's association field
WAITS = "is not linked yet; the contact's company is set by a later run"


@pytest.fixture
def accounts(sandboxes, settings, hubspot):
    """The verified NetSuite account and subsidiary, and a verified HubSpot account."""
    netsuite = make_connection(sandboxes, settings)  # only for its NetSuite account and subsidiary
    return netsuite.netsuite_account, netsuite.subsidiary, verified_hubspot_account(hubspot)


@pytest.fixture
def contacts_connection(accounts) -> Connection:
    """NetSuite Contacts ⇄ HubSpot contacts with the default mappings: the company's name → HubSpot's company
    text (one way), and the company itself ⇄ the contact's associated company (two ways)."""
    netsuite, subsidiary, hubspot_account = accounts
    connection = Connection.objects.create(
        name="Contacts ⇄ HubSpot",
        netsuite_account=netsuite,
        subsidiary=subsidiary,
        contact_type="contacts",
        app_account=hubspot_account,
    )
    assert FieldMapping.objects.filter(connection=connection, is_default=True, app_field=COMPANY_FIELD).exists()
    # The defaults pass the checks the admin and an import apply (no field written by two mappings).
    assert connection_problems(connection) == []
    return connection


@pytest.fixture
def company_connection(accounts) -> Connection:
    """NetSuite Company Customers ⇄ HubSpot companies, default mappings (its runs create and link the companies)."""
    netsuite, subsidiary, hubspot_account = accounts
    connection = Connection.objects.create(
        name="Companies ⇄ HubSpot",
        netsuite_account=netsuite,
        subsidiary=subsidiary,
        contact_type="company_customers",
        app_object_type="companies",
        app_account=hubspot_account,
    )
    return connection


def linked_company(connection: Connection, netsuite_id: str) -> str:
    """The HubSpot company the company connection linked to NetSuite company ``netsuite_id``."""
    link = RecordLink.objects.get(connection=connection, netsuite_id=netsuite_id, state=LinkState.LINKED)
    return link.app_id


def hubspot_contact_id(app: HubSpotSandbox, email: str) -> int:
    (found,) = [r.id for r in app.portal.store("contacts").active() if r.properties.get("email") == email]
    return found


def primary_company(app: HubSpotSandbox, email: str) -> str | None:
    found = app.portal.associations.primary_company(hubspot_contact_id(app, email))
    return None if found is None else str(found)


def ns_contact(sandboxes, email: str) -> dict:
    rows = sandboxes.netsuite.store.db.execute("SELECT id FROM t_contact ORDER BY id").fetchall()
    found = [c for c in (sandboxes.netsuite.get_record("contact", r[0]) for r in rows) if c.get("email") == email]
    assert len(found) == 1, found
    return found[0]


def outcomes(run: SyncRun) -> list[tuple[str, str, str, str]]:
    return list(RecordOutcome.objects.filter(run=run).values_list("direction", "outcome", "email", "message"))


def written(run: SyncRun) -> list[tuple[str, str, str]]:
    """The outcomes of a run that are not "unchanged" (a HubSpot contact read again in the search's overlap,
    beside its NetSuite contact's change, is planned and found unchanged)."""
    return [(d, o, e) for d, o, e, _ in outcomes(run) if o != Outcome.UNCHANGED]


def clear_requests(app: HubSpotSandbox) -> None:
    with app._log_lock:
        app.request_log = []


def hubspot_writes(app: HubSpotSandbox) -> list[dict]:
    return [r for r in app.requests() if r["method"] in ("POST", "PUT", "PATCH", "DELETE") and not _read(r["path"])]


def _read(path: str) -> bool:
    return path.endswith(("/search", "/batch/read")) or "/properties/" in path


def ok(run: SyncRun) -> SyncRun:
    assert run.status == RunStatus.SUCCEEDED, (run.error, outcomes(run))
    return run


def test_a_netsuite_contacts_company_becomes_the_hubspot_contacts_primary_company_and_follows_a_move(
    sandboxes, hubspot, company_connection, contacts_connection
):
    app, _ = hubspot
    acme, beta = seed_netsuite(sandboxes, "customer", [company("Acme Ltd", "1"), company("Beta Inc", "1")])
    ok(sync(company_connection))
    hs_acme, hs_beta = linked_company(company_connection, acme), linked_company(company_connection, beta)
    (ada,) = seed_netsuite(sandboxes, "contact", [contact("Ada", "ada@example.com", acme)])

    first = ok(sync(contacts_connection))
    assert [(d, o, e) for d, o, e, _ in outcomes(first)] == [(SyncDirection.TO_APP, Outcome.CREATED, "ada@example.com")]
    assert primary_company(app, "ada@example.com") == hs_acme
    assert app.portal.store("contacts").get(hubspot_contact_id(app, "ada@example.com")).properties["company"] == (
        "Acme Ltd"
    )

    clear_requests(app)
    assert outcomes(ok(sync(contacts_connection))) == []  # our own association read back: an echo
    assert hubspot_writes(app) == []

    sandboxes.netsuite.touch("contact", int(ada), company={"id": beta})
    moved = ok(sync(contacts_connection))
    assert written(moved) == [(SyncDirection.TO_APP, Outcome.UPDATED, "ada@example.com")]
    assert primary_company(app, "ada@example.com") == hs_beta
    contact_id = hubspot_contact_id(app, "ada@example.com")
    # The old company's association was removed, not only demoted.
    assert [c for c, _ in app.portal.associations.targets("contacts", contact_id)] == [int(hs_beta)]
    clear_requests(app)
    assert outcomes(ok(sync(contacts_connection))) == [] and hubspot_writes(app) == []


def test_a_hubspot_contacts_primary_company_becomes_the_netsuite_contacts_company(
    sandboxes, hubspot, company_connection, contacts_connection
):
    app, server = hubspot
    (acme,) = seed_netsuite(sandboxes, "customer", [company("Acme Ltd", "1")])
    ok(sync(company_connection))
    hs_acme = linked_company(company_connection, acme)
    ok(sync(contacts_connection))  # nothing yet: the cursors are set
    (grace,) = app.seed({"contacts": [{"properties": {"email": "grace@example.com", "firstname": "Grace"}}]})["ids"][
        "contacts"
    ]
    # Grace is put at Acme as a HubSpot user (or integration) would: a primary association, over the API.
    token = app.print_config(server.base_url)["access_token"]
    answer = requests.put(
        f"{server.base_url}/crm/v4/objects/contacts/{grace}/associations/companies/{hs_acme}",
        json=[{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 1}],
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert answer.status_code == 201, answer.text

    created = ok(sync(contacts_connection))
    assert [(d, o, e) for d, o, e, _ in outcomes(created)] == [
        (SyncDirection.TO_NETSUITE, Outcome.CREATED, "grace@example.com")
    ]
    assert ns_contact(sandboxes, "grace@example.com")["company"]["id"] == acme

    sandboxes.clear_logs()
    clear_requests(app)
    assert outcomes(ok(sync(contacts_connection))) == []
    assert hubspot_writes(app) == [] and writes(sandboxes.netsuite.requests()) == []


def test_with_a_company_connection_the_association_sets_netsuites_company_and_the_name_only_goes_to_hubspot(
    sandboxes, hubspot, company_connection, contacts_connection
):
    # Grace's company text in HubSpot names a company NetSuite does not have, while her association points at
    # Acme: NetSuite's company is Acme (the link), with no "no company has that name" warning. The name
    # mapping is made two-way behind the admin's back (a script: the admin refuses two mappings writing one
    # field): the engine still narrows it to one way, so the link alone writes NetSuite's company.
    FieldMapping.objects.filter(connection=contacts_connection, netsuite_field="company", app_field="company").update(
        direction="two_way"
    )
    app, server = hubspot
    (acme,) = seed_netsuite(sandboxes, "customer", [company("Acme Ltd", "1")])
    ok(sync(company_connection))
    hs_acme = linked_company(company_connection, acme)
    ok(sync(contacts_connection))
    props = {"email": "grace@example.com", "firstname": "Grace", "company": "Nowhere Unlimited"}
    (grace,) = app.seed({"contacts": [{"properties": props}]})["ids"]["contacts"]
    token = app.print_config(server.base_url)["access_token"]
    answer = requests.put(
        f"{server.base_url}/crm/v4/objects/contacts/{grace}/associations/companies/{hs_acme}",
        json=[{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 1}],
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert answer.status_code == 201, answer.text
    created = ok(sync(contacts_connection))
    assert ns_contact(sandboxes, "grace@example.com")["company"]["id"] == acme
    assert all("Warning" not in message for *_, message in outcomes(created))

    # Someone then types another existing company's name into Grace's HubSpot company text, and leaves her
    # association: NetSuite keeps Acme (the link decides), no flip to Beta by name.
    (beta,) = seed_netsuite(sandboxes, "customer", [company("Beta Inc", "1")])
    answer = requests.patch(
        f"{server.base_url}/crm/v3/objects/contacts/{grace}",
        json={"properties": {"company": "Beta Inc"}},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    ok(sync(contacts_connection))
    assert ns_contact(sandboxes, "grace@example.com")["company"]["id"] == acme != beta


def test_a_company_linked_a_run_later_is_set_by_the_next_contacts_run_then_nothing_more(
    sandboxes, hubspot, company_connection, contacts_connection
):
    app, _ = hubspot
    (acme,) = seed_netsuite(sandboxes, "customer", [company("Acme Ltd", "1")])
    seed_netsuite(sandboxes, "contact", [contact("Ada", "ada@example.com", acme)])

    # The contact syncs first: the company connection has not linked Acme yet.
    first = ok(sync(contacts_connection))
    ((direction, outcome, email, message),) = outcomes(first)
    assert (direction, outcome, email) == (SyncDirection.TO_APP, Outcome.CREATED, "ada@example.com")
    assert f"Warning: the company Acme Ltd {WAITS}" in message
    assert primary_company(app, "ada@example.com") is None

    ok(sync(company_connection))  # Acme is created in HubSpot and linked
    hs_acme = linked_company(company_connection, acme)

    sandboxes.clear_logs()
    later = ok(sync(contacts_connection))
    assert written(later) == [(SyncDirection.TO_APP, Outcome.UPDATED, "ada@example.com")]
    assert writes(sandboxes.netsuite.requests()) == []
    assert primary_company(app, "ada@example.com") == hs_acme

    clear_requests(app)
    assert outcomes(ok(sync(contacts_connection))) == []
    assert hubspot_writes(app) == []
    assert outcomes(ok(sync(contacts_connection))) == []
    assert hubspot_writes(app) == []


def test_without_a_company_connection_the_default_waits_quietly_and_an_added_mapping_is_said_once(
    sandboxes, hubspot, contacts_connection
):
    app, _ = hubspot
    (acme,) = seed_netsuite(sandboxes, "customer", [company("Acme Ltd", "1")])
    (ada_id,) = seed_netsuite(sandboxes, "contact", [contact("Ada", "ada@example.com", acme)])
    quiet = sync(contacts_connection)  # the default association mapping: no company connection, no fuss
    assert quiet.status == RunStatus.SUCCEEDED, quiet.error
    assert primary_company(app, "ada@example.com") is None
    hubspot_ada = next(r for r in app.portal.store("contacts").active() if r.properties["email"] == "ada@example.com")
    assert hubspot_ada.properties["company"] == "Acme Ltd"  # the name still reaches HubSpot
    assert ada_id

    # The same mapping added by someone (not a default one) is said to be skipped, once per run.
    FieldMapping.objects.filter(connection=contacts_connection, app_field=COMPANY_FIELD).update(is_default=False)
    seed_netsuite(sandboxes, "contact", [contact("Bob", "bob@example.com", acme)])
    run = sync(contacts_connection)
    assert run.status == RunStatus.PARTIALLY_FAILED
    assert run.error.count("contacts' companies are not synced") == 1
    assert {(o, e) for _, o, e, _ in outcomes(run)} == {(Outcome.CREATED, "bob@example.com")}
    assert all(WAITS not in m for *_, m in outcomes(run))  # no per-record noise
    assert primary_company(app, "bob@example.com") is None


def test_a_waiting_company_link_stays_queued_when_neither_side_shows_the_contact_again(
    sandboxes, hubspot, company_connection, contacts_connection
):
    # Both contacts leave their side's read overlap (later changes move the cursors an hour on), and neither
    # changes: only the NetSuite record kept pending brings the company link back.
    app, _ = hubspot
    (acme,) = seed_netsuite(sandboxes, "customer", [company("Acme Ltd", "1")])
    (ada_id,) = seed_netsuite(sandboxes, "contact", [contact("Ada", "ada@example.com", acme)])
    assert WAITS in outcomes(ok(sync(contacts_connection)))[0][3]
    app.clock = lambda: time.time() + 3600
    sandboxes.netsuite.set_clock_offset(3600)
    try:
        app.seed({"contacts": [{"properties": {"email": "zed@example.com", "firstname": "Zed"}}]})
        seed_netsuite(sandboxes, "contact", [contact("Yan", "yan@example.com", None)])
        meanwhile = ok(sync(contacts_connection))
        assert (SyncDirection.TO_NETSUITE, Outcome.CREATED, "zed@example.com") in written(meanwhile)
        # Now both cursors are an hour on: Ada is read no more on either side; her NetSuite record waits.
        again = ok(sync(contacts_connection))
        assert [(d, e) for d, _, e, m in outcomes(again) if WAITS in m] == [(SyncDirection.TO_APP, "ada@example.com")]
        assert (SyncDirection.TO_NETSUITE, "ada@example.com") not in [(d, e) for d, _, e, _ in outcomes(again)]
        assert MirrorRecord.objects.get(connection=contacts_connection, side="netsuite", record_id=ada_id).pending

        ok(sync(company_connection))
        linked = ok(sync(contacts_connection))
        assert written(linked) == [(SyncDirection.TO_APP, Outcome.UPDATED, "ada@example.com")]
        assert primary_company(app, "ada@example.com") == linked_company(company_connection, acme)
    finally:
        app.clock = time.time
        sandboxes.netsuite.set_clock_offset(0)


def test_the_mapping_added_to_synced_contacts_sets_their_companies_and_the_unlinked_one_a_run_later(
    sandboxes, hubspot, company_connection, contacts_connection
):
    # Contacts synced before the company mapping existed: adding it re-plans them (no record changed), sets
    # the linked company, and queues the one whose company is not linked yet for the run after its link.
    app, _ = hubspot
    mapping = FieldMapping.objects.get(connection=contacts_connection, app_field=COMPANY_FIELD, is_default=True)
    mapping.enabled = False
    mapping.save()
    (acme,) = seed_netsuite(sandboxes, "customer", [company("Acme Ltd", "1")])
    ok(sync(company_connection))
    (beta,) = seed_netsuite(sandboxes, "customer", [company("Beta Inc", "1")])  # not linked yet
    seed_netsuite(
        sandboxes,
        "contact",
        [contact("Ada", "ada@example.com", acme), contact("Bob", "bob@example.com", beta)],
    )
    ok(sync(contacts_connection))
    app.clock = lambda: time.time() + 3600
    sandboxes.netsuite.set_clock_offset(3600)
    try:
        # Later changes move both cursors an hour on: Ada and Bob are read no more.
        app.seed({"contacts": [{"properties": {"email": "zed@example.com", "firstname": "Zed"}}]})
        seed_netsuite(sandboxes, "contact", [contact("Yan", "yan@example.com", None)])
        ok(sync(contacts_connection))
        ok(sync(contacts_connection))

        mapping.enabled = True
        mapping.save()
        replanned = ok(sync(contacts_connection))
        assert written(replanned) == [(SyncDirection.TO_APP, Outcome.UPDATED, "ada@example.com")]
        assert [e for _, _, e, m in outcomes(replanned) if WAITS in m] == ["bob@example.com"]
        assert primary_company(app, "ada@example.com") == linked_company(company_connection, acme)
        assert primary_company(app, "bob@example.com") is None

        ok(sync(company_connection))  # Beta is created in HubSpot and linked
        later = ok(sync(contacts_connection))
        assert written(later) == [(SyncDirection.TO_APP, Outcome.UPDATED, "bob@example.com")]
        assert primary_company(app, "bob@example.com") == linked_company(company_connection, beta)
        clear_requests(app)
        assert written(ok(sync(contacts_connection))) == [] and hubspot_writes(app) == []
    finally:
        app.clock = time.time
        sandboxes.netsuite.set_clock_offset(0)
