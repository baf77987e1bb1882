"""Communication preferences v3 and ``hs_email_optout`` (reference B.10)."""

from __future__ import annotations

CP = "/communication-preferences/v3"


def _statuses(api, email):
    body = api.get(f"{CP}/status/email/{email}").json()
    return {s["id"]: s for s in body["subscriptionStatuses"]}


def test_definitions_and_status_of_a_new_email(api):
    definitions = api.get(f"{CP}/definitions").json()["subscriptionDefinitions"]
    assert [d["id"] for d in definitions] == ["8001", "8002"]
    statuses = _statuses(api, "new@example.org")
    assert {s["status"] for s in statuses.values()} == {"NOT_SUBSCRIBED"}


def test_subscribe_and_unsubscribe_move_the_status_and_the_contacts_flag(api):
    contact = api.create_contact(email="s@example.org")
    response = api.post(
        f"{CP}/subscribe", {"emailAddress": "s@example.org", "subscriptionId": "8001", "legalBasis": "NON_GDPR"}
    )
    assert response.status_code == 200 and response.json()["status"] == "SUBSCRIBED"
    assert _statuses(api, "s@example.org")["8001"]["status"] == "SUBSCRIBED"
    assert api.post(f"{CP}/subscribe", {"emailAddress": "s@example.org", "subscriptionId": "8001"}).status_code == 400
    api.post(f"{CP}/unsubscribe", {"emailAddress": "s@example.org", "subscriptionId": "8001"})
    props = api.get(f"/crm/v3/objects/contacts/{contact['id']}", properties="hs_email_optout_8001").json()["properties"]
    assert props == {"hs_email_optout_8001": "true"}
    assert api.post(f"{CP}/subscribe", {"emailAddress": "s@example.org", "subscriptionId": "9"}).status_code == 404
    bad_basis = {"emailAddress": "s@example.org", "subscriptionId": "8002", "legalBasis": "BECAUSE"}
    assert api.post(f"{CP}/subscribe", bad_basis).status_code == 400


def test_opted_out_of_all_shows_and_cannot_be_resubscribed_nor_written(sandbox, api):
    contact = api.create_contact(email="o@example.org")
    sandbox.opt_out_of_all("o@example.org")
    props = api.get(f"/crm/v3/objects/contacts/{contact['id']}", properties="hs_email_optout").json()["properties"]
    assert props == {"hs_email_optout": "true"}
    assert {s["sourceOfStatus"] for s in _statuses(api, "o@example.org").values()} == {"PORTAL_WIDE_STATUS"}
    assert api.post(f"{CP}/subscribe", {"emailAddress": "o@example.org", "subscriptionId": "8001"}).status_code == 400
    write = api.patch(f"/crm/v3/objects/contacts/{contact['id']}", {"properties": {"hs_email_optout": "false"}})
    assert write.status_code == 400 and '"error":"READ_ONLY_VALUE"' in write.json()["message"]
