"""Step 1: pick a verified NetSuite account, or authorize a new one verified live with NetSuite;
a refused attempt shows NetSuite's message (no secret) and keeps nothing but the form to retry."""

from __future__ import annotations

from django.urls import reverse

from connections.choices import AccountStatus
from connections.models import ConnectedAccount
from ops.wizard.state import SESSION_KEY

from .conftest import TBA_NAMES, WRONG_SECRET, authorize_form, wizard_url


def _session_text(client) -> str:
    return repr(dict(client.session.items()))


def test_new_account_is_verified_live_stored_with_its_subsidiaries(client, administrator_user, sandboxes):
    client.force_login(administrator_user)
    response = client.post(wizard_url("netsuite"), authorize_form(sandboxes), follow=True)
    assert response.redirect_chain[-1][0] == wizard_url("subsidiary")
    account = ConnectedAccount.objects.get(provider="netsuite")
    assert account.status == AccountStatus.VERIFIED
    assert account.account_id == sandboxes.ns_info["account_id"]
    assert account.created_by == administrator_user
    assert account.get_credentials() == {name: sandboxes.ns_info[name] for name in TBA_NAMES}
    page = response.content.decode()
    assert "Credentials verified." in page
    # Inactive and elimination subsidiaries are fetched but not offered.
    usable = account.subsidiaries.filter(is_inactive=False, is_elimination=False)
    left_out = account.subsidiaries.exclude(pk__in=usable)
    assert usable.count() >= 2 and left_out.count() == 2
    for sub in usable:
        assert f'value="{sub.pk}"' in page
    for sub in left_out:
        assert f'value="{sub.pk}"' not in page
        assert sub.name in page  # named under "Not offered", with the reason
    assert "(inactive)" in page and "(elimination)" in page
    assert client.session[SESSION_KEY]["netsuite_account_id"] == account.pk
    for name in TBA_NAMES:
        assert sandboxes.ns_info[name] not in _session_text(client)


def test_wrong_secret_shows_netsuites_message_and_keeps_nothing(client, administrator_user, sandboxes):
    client.force_login(administrator_user)
    form = authorize_form(sandboxes, consumer_secret=WRONG_SECRET)
    response = client.post(wizard_url("netsuite"), form)
    assert response.status_code == 200
    page = response.content.decode()
    refusal = page.split('id="netsuite-refusal"', 1)[1].split("</div>", 1)[0]
    assert "<strong>The account was not saved.</strong>" in refusal  # a short headline...
    assert "<li>NetSuite refused the credentials for account 1234567_SB1" in refusal  # ...and the causes as a list
    assert not ConnectedAccount.objects.exists()
    # The form keeps what is needed to retry, and never a secret.
    assert 'value="1234567_SB1"' in page and f'value="{sandboxes.netsuite_url}"' in page
    for secret in (WRONG_SECRET, sandboxes.ns_info["token_secret"], sandboxes.ns_info["consumer_key"]):
        assert secret not in page
        assert secret not in _session_text(client)
    assert not (client.session.get(SESSION_KEY) or {}).get("netsuite_account_id")

    # Retyping the right secret goes on.
    response = client.post(wizard_url("netsuite"), authorize_form(sandboxes))
    assert response.status_code == 302 and response["Location"] == wizard_url("subsidiary")


def test_failed_reauthorization_of_an_unverified_account_puts_its_old_state_back(client, administrator_user, sandboxes):
    info = sandboxes.ns_info
    stale = ConnectedAccount(provider="netsuite", label="Old label", account_id=info["account_id"], status="error")
    stale.set_credentials({name: "old-" + name for name in TBA_NAMES})
    stale.status_message = "Token revoked."
    stale.save()
    client.force_login(administrator_user)
    response = client.post(wizard_url("netsuite"), authorize_form(sandboxes, token_secret=WRONG_SECRET, label="New"))
    assert "NetSuite refused the credentials" in response.content.decode()
    stale.refresh_from_db()
    assert stale.label == "Old label" and stale.status == "error" and stale.status_message == "Token revoked."
    assert stale.get_credentials()["token_secret"] == "old-token_secret"
    assert not stale.subsidiaries.exists()

    response = client.post(wizard_url("netsuite"), authorize_form(sandboxes, label="New"))
    assert response.status_code == 302
    stale.refresh_from_db()
    assert stale.status == "verified" and stale.label == "New" and stale.subsidiaries.exists()
    assert ConnectedAccount.objects.count() == 1


def test_missing_and_malformed_fields_are_explained(client, administrator_user, sandboxes):
    client.force_login(administrator_user)
    form = authorize_form(sandboxes, account_id="12 34", consumer_secret="", token_id="", api_base_url="ftp://x")
    page = client.post(wizard_url("netsuite"), form).content.decode()
    assert "A NetSuite Account ID looks like 1234567 or 1234567_SB1" in page
    assert "Type the Consumer Secret: NetSuite needs all four credentials." in page
    assert "Type the Token ID: NetSuite needs all four credentials." in page
    assert "The API base URL must" in page
    assert not ConnectedAccount.objects.exists()
    assert sandboxes.netsuite.requests() == []  # nothing was sent to NetSuite


def test_pick_a_connected_account(client, administrator_user, sandboxes):
    client.force_login(administrator_user)
    client.post(wizard_url("netsuite"), authorize_form(sandboxes))
    client.post(reverse("admin:connections_connection_wizard_cancel"))  # a new wizard: the account stays connected
    unverified = ConnectedAccount.objects.create(provider="netsuite", label="Never checked", account_id="7654321")
    page = client.get(wizard_url("netsuite")).content.decode()
    account = ConnectedAccount.objects.get(label="Sandbox NetSuite")
    assert "Sandbox NetSuite — 1234567_SB1 (verified" in page
    assert f'value="{unverified.pk}"' not in page  # only verified accounts are offered

    response = client.post(wizard_url("netsuite"), {"action": "pick", "pick-account": unverified.pk})
    assert "That account is no longer connected" in response.content.decode()
    response = client.post(wizard_url("netsuite"), {"action": "pick"})
    assert "Choose one of the connected accounts, or connect a new one." in response.content.decode()
    response = client.post(wizard_url("netsuite"), {"action": "pick", "pick-account": account.pk})
    assert response.status_code == 302 and response["Location"] == wizard_url("subsidiary")


def test_an_already_verified_account_id_is_picked_not_authorized_again(client, administrator_user, sandboxes):
    client.force_login(administrator_user)
    client.post(wizard_url("netsuite"), authorize_form(sandboxes))
    page = client.post(wizard_url("netsuite"), authorize_form(sandboxes, label="Again")).content.decode()
    assert "is already connected as “Sandbox NetSuite”: choose it in the list above" in page
    assert ConnectedAccount.objects.get().label == "Sandbox NetSuite"
