"""The HubSpot client against the HubSpot sandbox over real HTTP: the token check, the field catalog, reads
by id, and the rate limits (the reads of changes and the writes have their own modules)."""

import pytest
import requests

from connections.providers.errors import AuthenticationError, PermissionDenied, RateLimited
from connections.providers.fields import FieldType
from connections.providers.hubspot.api_errors import DailyLimitReached
from connections.providers.hubspot.client import TOKEN
from connections.providers.hubspot.objects import SYNC_KEY_PROPERTY
from connections.providers.hubspot.provider import INFO
from connections.providers.hubspot.translation import META_SYNC_KEY

CONTACTS_LIST = "/crm/v3/objects/contacts"


# --- verify --------------------------------------------------------------------------------------------
def test_verify_with_the_private_app_token_is_ok(hubspot):
    client = INFO.make_client(hubspot.context())
    assert client.verify() == {"account_id": hubspot.app.config.portal_id}
    [call] = hubspot.api_calls("GET", CONTACTS_LIST)
    assert call["status"] == 200


@pytest.mark.parametrize("interactive", [True, False])
def test_verify_with_a_bad_token_is_an_authentication_error_that_never_shows_the_token(hubspot, interactive):
    bad = "pat-na1-11111111-2222-3333-4444-555555555555"
    client = INFO.make_client(hubspot.context(token=bad, interactive=interactive))
    with pytest.raises(AuthenticationError) as caught:
        client.verify()
    assert caught.value.status == 401
    assert "invalid or has been revoked" in caught.value.message
    for text in (caught.value.message, str(caught.value), repr(caught.value), repr(client)):
        assert bad not in text and "555555555555" not in text
    # A 401 is not retried (B.1: not a refresh signal either).
    assert len(hubspot.api_calls("GET", CONTACTS_LIST)) == 1


def test_a_token_without_the_contacts_scope_is_refused_at_verify(hubspot):
    token = hubspot.app.issue_token(scopes=("crm.objects.companies.read",))
    with pytest.raises(PermissionDenied) as caught:
        hubspot.client(token).verify()
    assert token not in str(caught.value)


def test_an_account_without_a_token_never_calls_hubspot(hubspot):
    context = hubspot.context()
    context.credentials[TOKEN] = ""
    with pytest.raises(AuthenticationError):
        INFO.make_client(context)
    assert hubspot.api_calls() == []


# --- field catalog -------------------------------------------------------------------------------------
def _create_property(hubspot, body: dict) -> None:
    response = requests.post(
        f"{hubspot.base_url}/crm/v3/properties/contacts",
        json=body,
        headers={"Authorization": f"Bearer {hubspot.token}"},
        timeout=5,
    )
    assert response.status_code == 201, response.text


def test_field_catalog_has_the_standard_properties_and_a_custom_one(hubspot):
    _create_property(
        hubspot,
        {
            "name": "loyalty_tier",
            "label": "Loyalty tier",
            "type": "enumeration",
            "fieldType": "select",
            "groupName": "contactinformation",
            "options": [
                {"label": "Gold", "value": "gold", "hidden": False, "displayOrder": 0},
                {"label": "Silver", "value": "silver", "hidden": False, "displayOrder": 1},
            ],
        },
    )
    catalog = {f.id: f for f in hubspot.client().field_catalog("contacts")}

    assert catalog["email"].type == FieldType.EMAIL
    assert catalog["firstname"].label.lower() == "first name" and catalog["firstname"].writable
    assert catalog["postal_address"].type == FieldType.ADDRESS  # the five address properties as one field
    tier = catalog["loyalty_tier"]
    assert tier.label == "Loyalty tier" and tier.writable
    assert {(o.id, o.name) for o in tier.options} == {("gold", "Gold"), ("silver", "Silver")}
    # The system properties and our own key are not offered for mappings.
    assert "hs_object_id" not in catalog and "lastmodifieddate" not in catalog and SYNC_KEY_PROPERTY not in catalog
    assert hubspot.api_calls("GET", "/crm/v3/properties/contacts")


def test_a_custom_property_is_readable_and_writable_through_the_catalog(hubspot):
    _create_property(
        hubspot,
        {
            "name": "shoe_size",
            "label": "Shoe size",
            "type": "number",
            "fieldType": "number",
            "groupName": "contactinformation",
        },
    )
    [contact] = hubspot.seed_contacts({"email": "ada@example.com", "shoe_size": "41"})
    client = hubspot.client()
    [record] = client.get_many("contacts", [contact])
    assert record.values["shoe_size"] == 41


# --- get_many --------------------------------------------------------------------------------------------
def test_get_many_reads_by_id_in_the_asked_order_and_leaves_out_ids_not_found(hubspot):
    ids = hubspot.seed_contacts(
        {"email": "a@example.com", "firstname": "Ann"},
        {"email": "b@example.com", "firstname": "Ben"},
        {"email": "c@example.com", "firstname": "Chloe"},
    )
    hubspot.app.archive("contacts", ids[2])
    client = hubspot.client()

    records = client.get_many("contacts", [ids[1], "987654", ids[2], ids[0], ids[1]])

    assert [r.id for r in records] == [ids[1], ids[0]]
    assert [r.values["firstname"] for r in records] == ["Ben", "Ann"]
    assert records[0].values["email"] == "b@example.com" and not records[0].deleted
    [batch] = hubspot.api_calls("POST", "/crm/v3/objects/contacts/batch/read")
    assert batch["status"] == 207  # the two ids HubSpot could not read are listed in its errors


def test_get_many_of_250_ids_reads_in_batches_of_100(hubspot):
    hubspot.app.seed({"generate": {"contacts": 250, "companies": 0}})
    ids = [str(1001 + i) for i in range(250)]
    records = hubspot.client().get_many("contacts", ids)
    assert [r.id for r in records] == ids
    assert len(hubspot.api_calls("POST", "/crm/v3/objects/contacts/batch/read")) == 3
    assert records[0].meta.get(META_SYNC_KEY) in (None, "")


# --- rate limits -------------------------------------------------------------------------------------------
def test_a_burst_of_429s_from_the_fault_switch_is_absorbed_by_the_retry_policy(hubspot):
    hubspot.set_faults(burst_429=2)
    assert hubspot.client().verify()["account_id"] == hubspot.app.config.portal_id
    assert [c["status"] for c in hubspot.api_calls("GET", CONTACTS_LIST)] == [429, 429, 200]


def test_search_s_own_limit_of_5_a_second_is_absorbed_with_the_product_s_retry_policy(start_hubspot):
    # The client exactly as the product builds it (its backoff of 0.5 s, 5 retries); search's real limit.
    hubspot = start_hubspot(search_per_second=1)
    ids = hubspot.seed_contacts(*({"email": f"p{i}@example.com"} for i in range(3)))
    client = INFO.make_client(hubspot.context())
    client.ensure_sync_key_property("contacts")  # as a create does before it may search for its keys
    found = {}
    for key in ("k1", "k2", "k3"):  # three searches in a row: the second and third hit the 1-a-second limit
        found.update(client.find_by_keys("contacts", [key]))
    assert found == {}
    statuses = [c["status"] for c in hubspot.api_calls("POST", "/crm/v3/objects/contacts/search")]
    assert statuses.count(200) == 3 and 429 in statuses
    assert len(ids) == 3


def test_a_daily_limit_429_is_not_retried(start_hubspot):
    hubspot = start_hubspot(daily_limit=1)
    client = hubspot.client(max_retries=5)
    client.verify()
    with pytest.raises(DailyLimitReached) as caught:
        client.verify()
    assert isinstance(caught.value, RateLimited) and not caught.value.retryable
    assert [c["status"] for c in hubspot.api_calls("GET", CONTACTS_LIST)] == [200, 429]


# --- as the product builds it: a stored account ---------------------------------------------------------
@pytest.mark.django_db
def test_a_stored_account_is_verified_over_http_and_its_client_reads(hubspot):
    from connections.clients import client_for
    from connections.models import ConnectedAccount
    from connections.services import verify_account

    [contact] = hubspot.seed_contacts({"email": "ada@example.com", "firstname": "Ada"})
    account = ConnectedAccount(
        provider="hubspot",
        label="Sandbox HubSpot",
        account_id=hubspot.app.config.portal_id,
        api_base_url=hubspot.base_url,
    )
    account.set_credentials({TOKEN: hubspot.token})
    account.save()

    result = verify_account(account)

    assert result.ok, result.message
    client = client_for(account)
    assert [r.values["firstname"] for r in client.get_many("contacts", [contact])] == ["Ada"]

    account.set_credentials({TOKEN: "pat-na1-99999999-0000-0000-0000-000000000000"})
    account.save()
    result = verify_account(account)
    assert not result.ok
    assert "99999999" not in result.message
