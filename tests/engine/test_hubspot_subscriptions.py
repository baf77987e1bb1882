"""Unsubscribes between NetSuite and HubSpot through the engine, over HTTP against both sandboxes (issue 18,
part 5): NetSuite's global subscription status ⇄ HubSpot's email subscription, per the connection's policy.
An unsubscribe is carried (NetSuite gets Soft Opt-Out), a resubscribe is refused and logged, a rule can test
the status, and the policy's off and one-way settings carry nothing, or only their way."""

from __future__ import annotations

import pytest
import requests
from django.core.exceptions import ValidationError

from connections.choices import SubscriptionSync
from connections.models import Connection
from mappings.models import FieldMapping
from rules.choices import Operator
from sandbox.hubspot import HubSpotSandbox
from syncengine.choices import Outcome, RunStatus, SyncDirection, Trigger
from syncengine.config_loader import ensure_catalogs, load_config
from syncengine.models import RecordOutcome, SyncRun
from syncengine.replan import stale_link_count
from syncengine.runner import run_sync

from .harness import make_connection
from .helpers import ns_by_email, ns_person, seed, writes
from .hubspot_setup import verified_hubspot_account
from .rule_setup import disable_default_rule, rule_from_admin_forms

pytestmark = pytest.mark.django_db(transaction=True)

SOFT_OPT_IN, SOFT_OPT_OUT, CONFIRMED_OPT_OUT = {"id": "2"}, {"id": "1"}, {"id": "4"}  # the sandbox's ids
STATUS = "globalSubscriptionStatus"
EMAIL_SUBSCRIPTION = "email_subscription"
TO_APP, TO_NS = SyncDirection.TO_APP, SyncDirection.TO_NETSUITE


@pytest.fixture
def connect(sandboxes, settings, hubspot):
    """Individual customers ⇄ HubSpot contacts with the given unsubscribe policy (default mappings)."""

    def make(policy: str = SubscriptionSync.BOTH) -> Connection:
        netsuite = make_connection(sandboxes, settings)
        account = verified_hubspot_account(hubspot, label="HubSpot")
        return Connection.objects.create(
            name="Sandbox ⇄ HubSpot",
            netsuite_account=netsuite.netsuite_account,
            subsidiary=netsuite.subsidiary,
            contact_type="individual_customers",
            app_account=account,
            subscription_sync=policy,
        )

    return make


def run(connection: Connection, status: str = RunStatus.SUCCEEDED) -> SyncRun:
    sync = SyncRun.objects.create(connection=connection, trigger=Trigger.MANUAL)
    run_sync(sync.pk)
    sync.refresh_from_db()
    assert sync.status == status, sync.error
    return sync


def outcomes(sync: SyncRun) -> set[tuple[str, str, str]]:
    """The run's outcomes but "unchanged" (a pair's other side read again within NetSuite's overlap window)."""
    logged = RecordOutcome.objects.filter(run=sync).exclude(outcome=Outcome.UNCHANGED)
    return set(logged.values_list("direction", "outcome", "email"))


def quiet_run(connection: Connection, sandboxes, hubspot) -> None:
    """A run that finds nothing to do: no outcome, and no write to either side."""
    app, _ = hubspot
    sandboxes.clear_logs()
    before = len(app.requests())
    assert outcomes(run(connection)) == set()
    assert writes(sandboxes.requests()["netsuite"]) == []
    reads = ("search", "/batch/read")  # a POST that reads (search; the contacts' company associations)
    changes = [
        r["path"] for r in app.requests()[before:] if r["method"] != "GET" and not any(k in r["path"] for k in reads)
    ]
    assert changes == []


def message(sync: SyncRun, email: str, outcome: str) -> str:
    return RecordOutcome.objects.get(run=sync, email=email, outcome=outcome).message


def preferences(app: HubSpotSandbox, server, path: str, body: dict | None = None) -> dict:
    """A call to HubSpot's communication preferences as the person's own clicks make it (not the sync's)."""
    url = f"{server.base_url}/communication-preferences/v3/{path}"
    headers = {"Authorization": f"Bearer {app.config.token}"}
    if body is None:
        answer = requests.get(url, headers=headers, timeout=5)
    else:
        answer = requests.post(url, json=body, headers=headers, timeout=5)
    answer.raise_for_status()
    return answer.json()


def hubspot_statuses(hubspot, email: str) -> dict[str, str]:
    app, server = hubspot
    answer = preferences(app, server, f"status/email/{email}")
    return {s["id"]: s["status"] for s in answer["subscriptionStatuses"]}


def person_subscribes(hubspot, email: str, *subscription_ids: str) -> None:
    app, server = hubspot
    for subscription_id in subscription_ids:
        preferences(app, server, "subscribe", {"emailAddress": email, "subscriptionId": subscription_id})


def person_unsubscribes(hubspot, email: str, subscription_id: str) -> None:
    app, server = hubspot
    preferences(app, server, "unsubscribe", {"emailAddress": email, "subscriptionId": subscription_id})


def ns_status(sandboxes, email: str) -> str:
    (record,) = ns_by_email(sandboxes)[email]
    return record[STATUS]["refName"]


def ns_set_status(sandboxes, email: str, status: dict) -> None:
    (record,) = ns_by_email(sandboxes)[email]
    sandboxes.netsuite.touch("customer", int(record["id"]), **{STATUS: status})


def calls(hubspot, path: str) -> int:
    app, _ = hubspot
    return sum(1 for r in app.requests() if r["method"] == "POST" and r["path"].endswith(path))


def test_an_unsubscribe_in_hubspot_reaches_netsuite_as_soft_opt_out_then_nothing_more(sandboxes, hubspot, connect):
    connection = connect(SubscriptionSync.BOTH)
    seed(sandboxes, netsuite=[ns_person("Ada", "Lovelace", "ada@example.com", **{STATUS: SOFT_OPT_IN})])
    assert outcomes(run(connection)) == {(TO_APP, Outcome.CREATED, "ada@example.com")}
    person_subscribes(hubspot, "ada@example.com", "8001", "8002")
    assert Outcome.UNSUBSCRIBED not in {o for _, o, _ in outcomes(run(connection))}  # subscribed on both sides

    person_unsubscribes(hubspot, "ada@example.com", "8001")  # from an email's footer
    carried = run(connection)

    assert outcomes(carried) == {(TO_NS, Outcome.UNSUBSCRIBED, "ada@example.com")}
    assert message(carried, "ada@example.com", Outcome.UNSUBSCRIBED) == (
        "Unsubscribed in HubSpot: set to Soft Opt-Out in NetSuite"
    )
    assert ns_status(sandboxes, "ada@example.com") == "Soft Opt-Out"  # never Confirmed Opt-Out
    assert hubspot_statuses(hubspot, "ada@example.com")["8002"] == "SUBSCRIBED"  # HubSpot's own choice, left
    quiet_run(connection, sandboxes, hubspot)  # our write read back: an echo, no flip-flop
    assert calls(hubspot, "/subscribe") == 2  # the person's own two; the sync never subscribes


def test_an_opt_out_in_netsuite_reaches_hubspot_as_unsubscribed(sandboxes, hubspot, connect):
    app, _ = hubspot
    connection = connect(SubscriptionSync.BOTH)
    app.seed(
        {
            "contacts": [
                {"properties": {"email": "grace@example.com", "firstname": "Grace", "lastname": "H"}},
                {"properties": {"email": "mia@example.com", "firstname": "Mia", "lastname": "N"}},  # no subscription
            ]
        }
    )
    person_subscribes(hubspot, "grace@example.com", "8001", "8002")
    seed(
        sandboxes,
        netsuite=[
            ns_person("Grace", "H", "grace@example.com", **{STATUS: SOFT_OPT_IN}),
            ns_person("Mia", "N", "mia@example.com", **{STATUS: SOFT_OPT_IN}),
            # Confirmed Opt-Out is set by the recipient in NetSuite: read as unsubscribed, created so in HubSpot.
            ns_person("Linus", "T", "linus@example.com", **{STATUS: CONFIRMED_OPT_OUT}),
        ],
    )
    person_subscribes(hubspot, "linus@example.com", "8001")  # statuses are per email, before any contact
    first = run(connection)
    assert (TO_APP, Outcome.CREATED, "linus@example.com") in outcomes(first)
    assert hubspot_statuses(hubspot, "linus@example.com") == {"8001": "NOT_SUBSCRIBED", "8002": "NOT_SUBSCRIBED"}

    ns_set_status(sandboxes, "grace@example.com", SOFT_OPT_OUT)
    ns_set_status(sandboxes, "mia@example.com", SOFT_OPT_OUT)
    carried = run(connection)

    # Mia is subscribed to nothing in HubSpot: nothing to unsubscribe her from, so no "unsubscribed" either.
    assert outcomes(carried) == {(TO_APP, Outcome.UNSUBSCRIBED, "grace@example.com")}
    assert message(carried, "grace@example.com", Outcome.UNSUBSCRIBED) == (
        "Unsubscribed in NetSuite: set to unsubscribed in HubSpot"
    )
    assert hubspot_statuses(hubspot, "grace@example.com") == {"8001": "NOT_SUBSCRIBED", "8002": "NOT_SUBSCRIBED"}
    quiet_run(connection, sandboxes, hubspot)
    assert ns_status(sandboxes, "linus@example.com") == "Confirmed Opt-Out"  # left as the recipient set it


def test_an_unsubscribed_hubspot_contact_is_created_in_netsuite_as_soft_opt_out(sandboxes, hubspot, connect):
    app, _ = hubspot
    connection = connect(SubscriptionSync.BOTH)
    app.seed({"contacts": [{"properties": {"email": "carol@example.com", "firstname": "Carol", "lastname": "K"}}]})
    app.opt_out_of_all("carol@example.com")
    assert outcomes(run(connection)) == {(TO_NS, Outcome.CREATED, "carol@example.com")}
    assert ns_status(sandboxes, "carol@example.com") == "Soft Opt-Out"
    quiet_run(connection, sandboxes, hubspot)


def test_netsuite_back_to_soft_opt_in_after_a_hubspot_unsubscribe_is_refused_and_logged(sandboxes, hubspot, connect):
    connection = connect(SubscriptionSync.BOTH)
    seed(sandboxes, netsuite=[ns_person("Ada", "Lovelace", "ada@example.com", **{STATUS: SOFT_OPT_IN})])
    run(connection)
    person_subscribes(hubspot, "ada@example.com", "8001")
    run(connection)
    person_unsubscribes(hubspot, "ada@example.com", "8001")
    assert outcomes(run(connection)) == {(TO_NS, Outcome.UNSUBSCRIBED, "ada@example.com")}

    ns_set_status(sandboxes, "ada@example.com", SOFT_OPT_IN)  # someone in NetSuite sets it back
    refused = run(connection)

    assert outcomes(refused) == {(TO_APP, Outcome.RESUBSCRIBE_REFUSED, "ada@example.com")}
    assert message(refused, "ada@example.com", Outcome.RESUBSCRIBE_REFUSED) == (
        "Resubscribed in NetSuite after unsubscribing; not carried to HubSpot, where the person is unsubscribed: "
        "the sync never re-subscribes anyone who opted out"
    )
    assert hubspot_statuses(hubspot, "ada@example.com")["8001"] == "NOT_SUBSCRIBED"
    assert calls(hubspot, "/subscribe") == 1  # the person's own
    assert ns_status(sandboxes, "ada@example.com") == "Soft Opt-In"  # NetSuite's choice is not undone either
    quiet_run(connection, sandboxes, hubspot)  # logged once


def test_a_rule_on_subscription_status_syncs_only_subscribed_records(sandboxes, hubspot, connect):
    app, _ = hubspot
    connection = connect(SubscriptionSync.BOTH)
    assert ensure_catalogs(connection) == []  # the option lists the rule editor picks names from
    disable_default_rule(connection, TO_APP)
    rule_from_admin_forms(
        connection,
        TO_APP,
        "Only people who want our email",
        conditions=[{"field_id": STATUS, "operator": Operator.IS, "value": "Soft Opt-In"}],
    )
    disable_default_rule(connection, TO_NS)
    rule_from_admin_forms(
        connection,
        TO_NS,
        "Not the unsubscribed",
        conditions=[{"field_id": EMAIL_SUBSCRIPTION, "operator": Operator.IS_NOT, "value": "Unsubscribed"}],
    )
    seed(
        sandboxes,
        netsuite=[
            ns_person("Ada", "In", "ada@example.com", **{STATUS: SOFT_OPT_IN}),
            ns_person("Bob", "Out", "bob@example.com", **{STATUS: SOFT_OPT_OUT}),
        ],
    )
    app.seed(
        {
            "contacts": [
                {"properties": {"email": "carol@example.com", "firstname": "Carol", "lastname": "Out"}},
                {"properties": {"email": "dan@example.com", "firstname": "Dan", "lastname": "In"}},
            ]
        }
    )
    app.opt_out_of_all("carol@example.com")

    first = run(connection)

    assert outcomes(first) == {
        (TO_APP, Outcome.CREATED, "ada@example.com"),
        (TO_APP, Outcome.SKIPPED_BY_RULES, "bob@example.com"),
        (TO_NS, Outcome.CREATED, "dan@example.com"),
        (TO_NS, Outcome.SKIPPED_BY_RULES, "carol@example.com"),
    }
    assert set(ns_by_email(sandboxes)) == {"ada@example.com", "bob@example.com", "dan@example.com"}

    # Ada opts out in NetSuite later: the rules exclude her now, but her unsubscribe still reaches HubSpot.
    person_subscribes(hubspot, "ada@example.com", "8001")
    run(connection)
    ns_set_status(sandboxes, "ada@example.com", SOFT_OPT_OUT)
    later = run(connection)
    assert {o for o in outcomes(later) if o[2] == "ada@example.com"} == {
        (TO_APP, Outcome.UNSUBSCRIBED, "ada@example.com")
    }
    assert "the rules exclude the rest of this record" in message(later, "ada@example.com", Outcome.UNSUBSCRIBED)
    assert hubspot_statuses(hubspot, "ada@example.com")["8001"] == "NOT_SUBSCRIBED"


@pytest.mark.parametrize(
    ("policy", "carried"),
    [
        (SubscriptionSync.OFF, set()),
        (SubscriptionSync.TO_APP, {(TO_APP, Outcome.UNSUBSCRIBED, "ada@example.com")}),
        (SubscriptionSync.TO_NETSUITE, {(TO_NS, Outcome.UNSUBSCRIBED, "grace@example.com")}),
    ],
)
def test_policy_off_carries_no_unsubscribe_and_a_one_way_policy_only_its_way(
    sandboxes, hubspot, connect, policy, carried
):
    connection = connect(policy)
    seed(
        sandboxes,
        netsuite=[
            ns_person("Ada", "L", "ada@example.com", **{STATUS: SOFT_OPT_IN}),
            ns_person("Grace", "H", "grace@example.com", **{STATUS: SOFT_OPT_IN}),
        ],
    )
    run(connection)
    person_subscribes(hubspot, "ada@example.com", "8001")
    person_subscribes(hubspot, "grace@example.com", "8001")
    run(connection)
    ns_set_status(sandboxes, "ada@example.com", SOFT_OPT_OUT)  # Ada opts out in NetSuite
    person_unsubscribes(hubspot, "grace@example.com", "8001")  # Grace in HubSpot

    later = run(connection)

    assert {o for o in outcomes(later) if o[1] in (Outcome.UNSUBSCRIBED, Outcome.RESUBSCRIBE_REFUSED)} == carried
    ada_reached = (TO_APP, Outcome.UNSUBSCRIBED, "ada@example.com") in carried
    grace_reached = (TO_NS, Outcome.UNSUBSCRIBED, "grace@example.com") in carried
    assert hubspot_statuses(hubspot, "ada@example.com")["8001"] == ("NOT_SUBSCRIBED" if ada_reached else "SUBSCRIBED")
    assert ns_status(sandboxes, "grace@example.com") == ("Soft Opt-Out" if grace_reached else "Soft Opt-In")
    assert calls(hubspot, "/unsubscribe") == 1 + (1 if ada_reached else 0) * 2  # Grace's own; the sync's for Ada
    assert {o for o in outcomes(run(connection)) if o[1] == Outcome.UNSUBSCRIBED} == set()


def test_turning_unsubscribes_on_carries_the_opt_outs_already_there(sandboxes, hubspot, connect):
    connection = connect(SubscriptionSync.OFF)
    seed(sandboxes, netsuite=[ns_person("Ada", "L", "ada@example.com", **{STATUS: SOFT_OPT_IN})])
    run(connection)
    person_subscribes(hubspot, "ada@example.com", "8001")
    person_unsubscribes(hubspot, "ada@example.com", "8001")
    run(connection)
    assert ns_status(sandboxes, "ada@example.com") == "Soft Opt-In"

    assert stale_link_count(connection) == 0
    connection.subscription_sync = SubscriptionSync.BOTH
    connection.save()
    assert stale_link_count(connection) == 1  # the next run re-plans the linked pair from the mirror
    turned_on = run(connection)

    assert outcomes(turned_on) == {(TO_NS, Outcome.UNSUBSCRIBED, "ada@example.com")}
    assert ns_status(sandboxes, "ada@example.com") == "Soft Opt-Out"
    quiet_run(connection, sandboxes, hubspot)


def test_no_mapping_nor_rule_action_writes_a_subscription_status_whatever_the_policy(sandboxes, hubspot, connect):
    app, _ = hubspot
    connection = connect(SubscriptionSync.OFF)
    assert ensure_catalogs(connection) == []
    refused = FieldMapping(
        connection=connection, netsuite_field=STATUS, app_field="lifecyclestage", direction="to_netsuite"
    )
    with pytest.raises(ValidationError, match="is the email subscription status: no mapping writes it"):
        refused.full_clean()  # the admin and an import refuse it on save
    refused.save()  # as a script might, past the checks
    rule_from_admin_forms(
        connection,
        TO_NS,
        "Everyone opted in (a bad idea)",
        actions=[{"field_id": STATUS, "value": "Soft Opt-In"}],
    )
    problems = load_config(connection).problems
    assert any("is the email subscription status: no mapping writes it" in p for p in problems), problems
    seed(sandboxes, netsuite=[ns_person("Ada", "L", "ada@example.com", **{STATUS: SOFT_OPT_OUT})])
    first = run(connection, RunStatus.PARTIALLY_FAILED)  # the configuration's problem is said on every run
    assert "is the email subscription status: no mapping writes it" in first.error
    (contact,) = app.portal.store("contacts").active()
    app.touch("contacts", contact.id, firstname="Adeline", lifecyclestage="customer")

    changed = run(connection, RunStatus.PARTIALLY_FAILED)

    assert (TO_NS, Outcome.UPDATED, "ada@example.com") in outcomes(changed)
    (ada,) = ns_by_email(sandboxes)["ada@example.com"]
    assert ada["firstName"] == "Adeline" and ada[STATUS]["refName"] == "Soft Opt-Out"
