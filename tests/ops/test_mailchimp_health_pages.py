"""A synced Mailchimp connection on the pages ops staff read (issue 19): the connection page with its health, the
health page with a failure group in the API's words, the run's report, the outcomes (each member linked to its
JSON under the sandbox's base URL, which answers with that member) and the record links."""

from __future__ import annotations

import hashlib
import html

import pytest
import requests
from django.urls import reverse

from syncengine.choices import Outcome, RunStatus, SyncDirection
from syncengine.models import RecordLink, RecordOutcome

from ..engine.helpers import ns_person, seed
from ..engine.hubspot_setup import run

pytestmark = pytest.mark.django_db(transaction=True)


def _text(response) -> str:
    assert response.status_code == 200, response.content.decode()[:2000]
    return html.unescape(response.content.decode())


def test_a_mailchimp_connections_health_run_and_outcome_pages_render_with_member_links(
    client, administrator_user, sandboxes, mailchimp, mailchimp_connection
):
    app, server = mailchimp
    info = app.print_config(server.base_url)
    seed(
        sandboxes,
        netsuite=[
            ns_person("Ada", "Lovelace", "ada@lovelace.io"),
            ns_person("Bob", "Fake", "bob@example.com"),  # Mailchimp refuses an address that looks fake
        ],
    )
    app.add_member("grace@hopper.io", merge_fields={"FNAME": "Grace", "LNAME": "Hopper"})
    first = run(mailchimp_connection)
    assert first.status == RunStatus.PARTIALLY_FAILED, first.error
    client.force_login(administrator_user)

    page = _text(client.get(reverse("admin:connections_connection_change", args=[mailchimp_connection.pk])))
    assert "Needs attention" in page and "1 failing" in page

    health = _text(client.get(reverse("admin:connections_connection_health", args=[mailchimp_connection.pk])))
    assert "looks fake or invalid" in health  # the failure group says the API's own words

    report = _text(client.get(reverse("admin:syncengine_syncrun_change", args=[first.pk])))
    assert "NetSuite → Mailchimp" in report and "Mailchimp → NetSuite" in report

    outcomes = _text(client.get(reverse("admin:syncengine_recordoutcome_changelist") + f"?run__id__exact={first.pk}"))
    ada = RecordOutcome.objects.get(run=first, email="ada@lovelace.io", direction=SyncDirection.TO_APP)
    assert ada.outcome == Outcome.CREATED
    member_hash = hashlib.md5(b"ada@lovelace.io").hexdigest()  # noqa: S324 (Mailchimp's member id)
    assert ada.app_id == member_hash
    member_url = f"{info['base_url']}/lists/{info['list_id']}/members/{member_hash}"
    assert f'href="{member_url}"' in outcomes
    answer = requests.get(member_url, auth=("anystring", info["api_key"]), timeout=10)
    assert answer.status_code == 200 and answer.json()["email_address"] == "ada@lovelace.io"

    detail = _text(client.get(reverse("admin:syncengine_recordoutcome_change", args=[ada.pk])))
    assert member_url in detail
    link = RecordLink.objects.get(connection=mailchimp_connection, app_id=member_hash)
    assert "Lovelace" in _text(client.get(reverse("admin:syncengine_recordlink_change", args=[link.pk])))
    assert _text(client.get(reverse("admin:syncengine_recordlink_changelist")))
