"""Conformance: Mailchimp's official Python client (mailchimp-marketing 3.0.80, generated from
Mailchimp's published spec) talks to the sandbox, and its error handling reads the sandbox's errors.

The client builds ``https://<server>.api.mailchimp.com/3.0`` from the key's data center; pointing its
``host`` at the sandbox is the only change (the data center is then the sandbox's own setting).
"""

from __future__ import annotations

import json

import mailchimp_marketing  # requirements-dev.txt pins it: a missing client fails here rather than skipping
import pytest
from mailchimp_marketing.api_client import ApiClientError

from .helpers import md5

EMAIL = "keiko@northwind-mail.com"


def _client(config, key):
    client = mailchimp_marketing.Client()
    client.set_config({"api_key": key})  # the server (data center) is read from the key's suffix
    assert client.api_client.server == "us6"
    client.api_client.host = config["base_url"]
    return client


@pytest.fixture
def client(config):
    return _client(config, config["api_key"])


def _problem(error: ApiClientError) -> dict:
    """The client hands over an application/problem+json body as text: parse it."""
    return error.text if isinstance(error.text, dict) else json.loads(error.text)


def test_ping_and_lists(client, list_id):
    assert client.ping.get() == {"health_status": "Everything's Chimpy!"}
    lists = client.lists.get_all_lists()
    assert lists["total_items"] == 1 and lists["lists"][0]["id"] == list_id
    assert client.lists.get_list(list_id)["stats"]["member_count"] == 0


def test_add_upsert_update_read_members(client, list_id):
    added = client.lists.add_list_member(
        list_id, {"email_address": EMAIL, "status": "subscribed", "merge_fields": {"FNAME": "Keiko"}}
    )
    assert added["id"] == md5(EMAIL)
    upserted = client.lists.set_list_member(
        list_id, md5(EMAIL), {"email_address": EMAIL, "status_if_new": "pending", "merge_fields": {"LNAME": "Tanaka"}}
    )
    assert upserted["status"] == "subscribed" and upserted["full_name"] == "Keiko Tanaka"
    updated = client.lists.update_list_member(list_id, md5(EMAIL), {"vip": True}, skip_merge_validation=True)
    assert updated["vip"] is True
    page = client.lists.get_list_members_info(
        list_id, count=1000, offset=0, fields=["members.email_address", "total_items"], sort_field="last_changed"
    )
    assert page == {"members": [{"email_address": EMAIL}], "total_items": 1}
    since = client.lists.get_list_members_info(list_id, since_last_changed=updated["last_changed"])
    assert since["total_items"] == 0  # nothing changed after the last write's second
    assert client.lists.get_list_member(list_id, md5(EMAIL))["email_address"] == EMAIL


def test_batch_subscribe_merge_fields_and_tags(client, list_id):
    result = client.lists.batch_list_members(
        list_id,
        {
            "members": [
                {"email_address": EMAIL, "status": "subscribed"},
                {"email_address": "liam@northwind-mail.com", "status": "transactional"},
            ],
            "update_existing": True,
        },
    )
    assert result["total_created"] == 2 and result["error_count"] == 0
    field = client.lists.add_list_merge_field(list_id, {"name": "Company", "type": "text", "tag": "COMPANY"})
    assert client.lists.get_list_merge_field(list_id, field["merge_id"])["tag"] == "COMPANY"
    assert client.lists.get_list_merge_fields(list_id)["total_items"] == 6
    client.lists.update_list_member_tags(list_id, md5(EMAIL), {"tags": [{"name": "VIP", "status": "active"}]})
    assert [t["name"] for t in client.lists.get_list_member_tags(list_id, md5(EMAIL))["tags"]] == ["VIP"]
    client.lists.delete_list_member(list_id, md5(EMAIL))
    assert client.lists.get_list_member(list_id, md5(EMAIL))["status"] == "archived"
    client.lists.delete_list_member_permanent(list_id, md5("liam@northwind-mail.com"))


def test_the_clients_errors_carry_the_problem_details(client, config, list_id):
    client.lists.add_list_member(list_id, {"email_address": EMAIL, "status": "subscribed"})
    with pytest.raises(ApiClientError) as caught:
        client.lists.add_list_member(list_id, {"email_address": EMAIL, "status": "subscribed"})
    assert caught.value.status_code == 400 and _problem(caught.value)["title"] == "Member Exists"
    client.lists.delete_list_member_permanent(list_id, md5(EMAIL))
    with pytest.raises(ApiClientError) as caught:
        client.lists.set_list_member(list_id, md5(EMAIL), {"email_address": EMAIL, "status_if_new": "subscribed"})
    assert _problem(caught.value)["title"] == "Forgotten Email Not Subscribed"
    with pytest.raises(ApiClientError) as caught:
        client.lists.get_list_member(list_id, md5("nobody@northwind-mail.com"))
    assert caught.value.status_code == 404 and _problem(caught.value)["title"] == "Resource Not Found"
    with pytest.raises(ApiClientError) as caught:
        _client(config, "ffffffffffffffffffffffffffffffff-us6").ping.get()
    assert caught.value.status_code == 401 and _problem(caught.value)["title"] == "API Key Invalid"
