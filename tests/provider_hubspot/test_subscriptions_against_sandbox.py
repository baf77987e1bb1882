"""A contact's email subscription status against the HubSpot sandbox over real HTTP (reference B.10): one
catalog field read from the opt-out properties, written only as unsubscribe calls, never a subscribe."""

from __future__ import annotations

import requests

from connections.providers.base import WriteRequest
from connections.providers.hubspot.subscriptions import FIELD, UNSUBSCRIBED_VALUE
from connections.providers.registry import SUBSCRIBED, UNSUBSCRIBED, subscription_field

SUBSCRIBE = "/communication-preferences/v3/subscribe"
UNSUBSCRIBE = "/communication-preferences/v3/unsubscribe"


def subscribe(hubspot, email: str, subscription_id: str) -> None:
    """The person subscribes (as through a HubSpot form), over the API."""
    answer = requests.post(
        f"{hubspot.base_url}{SUBSCRIBE}",
        json={"emailAddress": email, "subscriptionId": subscription_id},
        headers={"Authorization": f"Bearer {hubspot.token}"},
        timeout=5,
    )
    answer.raise_for_status()


def statuses(hubspot, email: str) -> dict[str, str]:
    answer = requests.get(
        f"{hubspot.base_url}/communication-preferences/v3/status/email/{email}",
        headers={"Authorization": f"Bearer {hubspot.token}"},
        timeout=5,
    )
    return {s["id"]: s["status"] for s in answer.json()["subscriptionStatuses"]}


def states(client, ids) -> dict[str, str | None]:
    return {r.values["email"]: (r.values[FIELD] or {}).get("id") for r in client.get_many("contacts", ids)}


def test_contacts_carry_the_subscription_field_companies_do_not(hubspot):
    client = hubspot.client()
    contacts = {f.id: f for f in client.field_catalog("contacts")}
    assert contacts[FIELD].options and not contacts[FIELD].writable
    assert FIELD not in {f.id for f in client.field_catalog("companies")}
    assert subscription_field("hubspot", "contacts").field_id == FIELD
    assert subscription_field("hubspot", "companies") is None


def test_the_field_reads_subscribed_unsubscribed_or_no_status(hubspot):
    ids = hubspot.seed_contacts(
        {"email": "sub@example.com"}, {"email": "out@example.com"}, {"email": "all@example.com"}, {"email": "none@x.io"}
    )
    subscribe(hubspot, "sub@example.com", "8001")
    subscribe(hubspot, "out@example.com", "8001")
    subscribe(hubspot, "out@example.com", "8002")
    requests.post(
        f"{hubspot.base_url}{UNSUBSCRIBE}",
        json={"emailAddress": "out@example.com", "subscriptionId": "8002"},
        headers={"Authorization": f"Bearer {hubspot.token}"},
        timeout=5,
    ).raise_for_status()
    hubspot.app.opt_out_of_all("all@example.com")
    client = hubspot.client()
    client.field_catalog("contacts")  # the live catalog, as the engine caches it (before any opt-out property)

    assert states(client, ids) == {
        "sub@example.com": SUBSCRIBED,
        "out@example.com": UNSUBSCRIBED,  # one opt-out is enough
        "all@example.com": UNSUBSCRIBED,
        "none@x.io": None,  # HubSpot's "not specified"
    }
    changes = [r for page in client.read_changes("contacts", None) for r in page.records]
    assert {r.values["email"]: (r.values[FIELD] or {}).get("id") for r in changes} == states(client, ids)


def test_writing_unsubscribed_unsubscribes_every_subscription_and_never_subscribes(hubspot):
    (contact_id,) = hubspot.seed_contacts({"email": "ada@example.com", "firstname": "Ada"})
    subscribe(hubspot, "ada@example.com", "8001")
    client = hubspot.client()
    client.field_catalog("contacts")

    (result,) = client.update_many(
        "contacts",
        [WriteRequest(key="k", record_id=contact_id, values={FIELD: UNSUBSCRIBED_VALUE}, fields=[FIELD])],
    )

    assert result.ok and result.unwritten == [] and result.warnings == []
    assert statuses(hubspot, "ada@example.com") == {"8001": "NOT_SUBSCRIBED", "8002": "NOT_SUBSCRIBED"}
    assert states(client, [contact_id]) == {"ada@example.com": UNSUBSCRIBED}
    assert hubspot.api_calls("POST", "/crm/v3/objects/contacts/batch/update") == []  # nothing else to write
    assert len(hubspot.api_calls("POST", SUBSCRIBE)) == 1  # the person's own, above

    (again,) = client.update_many(
        "contacts", [WriteRequest(key="k", record_id=contact_id, values={FIELD: {"id": SUBSCRIBED}}, fields=[FIELD])]
    )
    assert again.ok and again.unwritten == [FIELD] and "never subscribes" in again.warnings[0]
    assert len(hubspot.api_calls("POST", SUBSCRIBE)) == 1
    assert states(client, [contact_id]) == {"ada@example.com": UNSUBSCRIBED}


def test_a_create_with_other_fields_writes_them_then_unsubscribes(hubspot):
    client = hubspot.client()
    client.field_catalog("contacts")
    subscribe(hubspot, "grace@example.com", "8002")  # statuses are per email: before the contact exists

    (result,) = client.create_many(
        "contacts", [WriteRequest(key="ns:1", values={"email": "grace@example.com", FIELD: UNSUBSCRIBED_VALUE})]
    )

    assert result.ok and result.unwritten == []
    assert statuses(hubspot, "grace@example.com")["8002"] == "NOT_SUBSCRIBED"
    assert states(client, [result.record_id]) == {"grace@example.com": UNSUBSCRIBED}


def test_an_email_subscribed_to_nothing_is_left_as_it_is_without_a_warning(hubspot):
    (contact_id,) = hubspot.seed_contacts({"email": "new@example.com"})
    client = hubspot.client()
    client.field_catalog("contacts")
    (result,) = client.update_many(
        "contacts",
        [WriteRequest(key="k", record_id=contact_id, values={FIELD: UNSUBSCRIBED_VALUE}, fields=[FIELD])],
    )
    assert result.ok and result.unwritten == [FIELD] and result.warnings == []
    assert states(client, [contact_id]) == {"new@example.com": None}
