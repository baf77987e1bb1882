"""Step 4 with an app whose every connection syncs one of the account's containers (Mailchimp: one audience):
the API key is added through the admin's form from the wizard (checked by the Mailchimp sandbox), the app step
then lists the account's audiences live and keeps the chosen one as the connection's object type; the review
names it and offers the unsubscribe policy and double opt-in; the preview counts its members. An app that cannot
list its audiences is a form error that loses nothing."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from connections.choices import AccountStatus
from connections.models import ConnectedAccount, Connection

from .conftest import google_account, walk_to_app, wizard_url

NEWSLETTER = "b2c3d4e5f6"


@pytest.fixture
def mailchimp(running_mailchimp, settings) -> dict:
    """The sandbox reset, with a second audience ("Newsletter") holding two members, one of them NetSuite's Ada's
    address at a domain the sandbox accepts; returns its ``print_config``."""
    app, server = running_mailchimp
    app.reset()
    app.seed({"lists": [{"id": NEWSLETTER, "name": "Newsletter"}]})
    for email, first in (("ada@lovelace-mail.net", "Ada"), ("linus@kernel-mail.org", "Linus")):
        app.add_member(email, list_id=NEWSLETTER, merge_fields={"FNAME": first})
    settings.API_BASE_URL_ALLOWED_HOSTS = ["127.0.0.1"]
    return {**app.print_config(server.base_url), "app": app}


def _add_form(info: dict) -> dict:
    return {
        "provider": "mailchimp",
        "label": "Ops Mailchimp",
        "account_id": "ops",
        "api_base_url": info["base_url"],
        "concurrency_limit": 1,
        "api_key": info["api_key"],
    }


def _add_account(client, info: dict) -> ConnectedAccount:
    response = client.post(reverse("admin:connections_connectedaccount_add") + "?provider=mailchimp", _add_form(info))
    assert response.status_code == 302, response.content.decode()[:3000]
    return ConnectedAccount.objects.get(provider="mailchimp")


def _page(response) -> str:
    return html.unescape(response.content.decode())


def test_a_mailchimp_account_added_from_the_wizard_comes_back_with_its_audiences_listed_live(
    client, administrator_user, sandboxes, mailchimp
):
    client.force_login(administrator_user)
    walk_to_app(client, sandboxes)
    page = client.get(wizard_url("app")).content.decode()
    add_url = html.unescape(re.search(r'href="([^"]+)" class="button" id="add-mailchimp"', page)[1])
    response = client.post(add_url, _add_form(mailchimp))
    assert response.status_code == 302, response.content.decode()[:3000]
    account = ConnectedAccount.objects.get(provider="mailchimp")
    assert account.status == AccountStatus.VERIFIED  # the key was checked with the sandbox before it was kept
    assert response["Location"] == f"{wizard_url('app')}?added_account={account.pk}"

    page = _page(client.get(response["Location"]))
    assert "Audience" in page
    assert f"Demo audience (ID {mailchimp['list_id']})" in page and f"Newsletter (ID {NEWSLETTER})" in page
    assert mailchimp["api_key"] not in page  # never shown again

    chosen = client.post(
        wizard_url("app"),
        {"app-account": account.pk, "app-app_object": f"audience/{NEWSLETTER}", "app-object_for": account.pk},
    )
    assert chosen["Location"] == wizard_url("review")
    review = _page(client.get(wizard_url("review")))
    assert re.search(r'<dd id="review-object">Newsletter</dd>', review)
    for label in ("First Name", "Email", "Phone"):  # Mailchimp's default mappings
        assert f"<td>{label}</td>" in review
    assert 'name="r-subscription_sync"' in review and 'name="r-double_opt_in"' in review
    back = client.get(wizard_url("app")).content.decode()  # "‹ Back": the audience chosen is still checked
    assert re.search(rf'value="audience/{NEWSLETTER}"[^>]*checked', back)
    assert re.search(r'name="r-name" value="[^"]*⇄ Newsletter \(Ops Mailchimp\)"', review)

    made = client.post(
        wizard_url("review"),
        {
            "r-name": "Customers ⇄ Newsletter",
            "r-interval_minutes": 15,
            "r-subscription_sync": "both",
            "r-double_opt_in": "on",
        },
    )
    assert made["Location"] == wizard_url("preview"), made.content.decode()[:3000]
    connection = Connection.objects.get(name="Customers ⇄ Newsletter")
    assert (connection.app_object_type, connection.subscription_sync, connection.double_opt_in) == (
        f"audience/{NEWSLETTER}",
        "both",
        True,
    )
    preview = _page(client.get(wizard_url("preview")))
    assert "Mailchimp's 2 records of the audience “Newsletter”" in preview
    writes = [r for r in mailchimp["app"].requests() if r["method"] != "GET"]
    assert writes == []  # the dry run wrote nothing to the audience


def test_the_first_continue_with_a_mailchimp_account_shows_its_audiences_without_an_error(
    client, administrator_user, sandboxes, mailchimp
):
    client.force_login(administrator_user)
    walk_to_app(client, sandboxes)
    google = google_account(sandboxes)
    account = _add_account(client, mailchimp)
    client.post(wizard_url("app"), {"app-account": google.pk})  # Google first: no audience asked

    shown = _page(client.post(wizard_url("app"), {"app-account": account.pk}))
    assert f"Newsletter (ID {NEWSLETTER})" in shown
    assert "Choose the audience" not in shown and "errornote" not in shown
    assert re.search(rf'name="app-object_for" value="{account.pk}"', shown)
    missing = _page(client.post(wizard_url("app"), {"app-account": account.pk, "app-object_for": account.pk}))
    assert "Choose the audience this connection syncs." in missing
    # The wizard still holds the Google account: nothing was chosen for Mailchimp without an audience.
    assert client.get(wizard_url("review")).status_code == 200


def test_an_audience_the_account_does_not_have_is_refused(client, administrator_user, sandboxes, mailchimp):
    client.force_login(administrator_user)
    walk_to_app(client, sandboxes)
    account = _add_account(client, mailchimp)
    refused = client.post(
        wizard_url("app"),
        {"app-account": account.pk, "app-app_object": "audience/zzzz000000", "app-object_for": account.pk},
    )
    assert refused.status_code == 200
    assert "That audience is not among the account's now" in _page(refused)
    assert client.get(wizard_url("review"))["Location"] == wizard_url("app")  # the step is not done


def test_an_app_that_cannot_list_its_audiences_is_a_form_error_and_nothing_is_lost(
    client, administrator_user, sandboxes, mailchimp
):
    client.force_login(administrator_user)
    chosen = walk_to_app(client, sandboxes)
    account = _add_account(client, mailchimp)
    mailchimp["app"].faults.error_rate = 1.0  # every API call answers 503
    page = _page(client.get(f"{wizard_url('app')}?added_account={account.pk}"))
    assert re.search(
        r'id="object-choice-error">Mailchimp could not list the account\'s audiences: [^<]+Nothing was lost', page
    )
    posted = _page(client.post(wizard_url("app"), {"app-account": account.pk, "app-object_for": account.pk}))
    assert "Mailchimp could not list the account's audiences" in posted

    mailchimp["app"].faults.error_rate = 0.0  # Mailchimp is back: the same page works, the earlier steps kept
    session = client.session["connection_wizard"]
    assert (session["netsuite_account_id"], session["subsidiary_id"]) == (chosen["netsuite"], chosen["subsidiary"])
    done = client.post(
        wizard_url("app"),
        {"app-account": account.pk, "app-app_object": f"audience/{mailchimp['list_id']}", "app-object_for": account.pk},
    )
    assert done["Location"] == wizard_url("review")


def test_double_opt_in_is_offered_only_for_an_app_that_can_ask_new_subscribers_to_confirm(
    client, administrator_user, sandboxes, mailchimp
):
    client.force_login(administrator_user)
    walk_to_app(client, sandboxes)
    google = google_account(sandboxes)
    client.post(wizard_url("app"), {"app-account": google.pk})
    review = client.get(wizard_url("review")).content.decode()
    assert 'name="r-double_opt_in"' not in review and 'id="review-object"' not in review
