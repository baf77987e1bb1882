"""The account pages show only their own provider's fields, and the plain *Add connected
account* form stores only credentials NetSuite accepted (checked over HTTP against the sandbox)."""

from __future__ import annotations

from django.urls import reverse

from connections.choices import AccountStatus
from connections.models import ConnectedAccount, Connection, Subsidiary

from .conftest import TBA_NAMES, WRONG_CONSUMER_SECRET, make_netsuite_account, secrets_of

NETSUITE_ONLY = ("consumer_key", "consumer_secret", "token_id", "token_secret", "concurrency_limit")


def _google_account() -> ConnectedAccount:
    account = ConnectedAccount.objects.create(
        provider="google_contacts", label="Ops Google", account_id="ops@example.com", status=AccountStatus.VERIFIED
    )
    account.set_credentials({"refresh_token": "1//refresh-token-value-123"})
    account.save()
    return account


def _add_form(netsuite, **changes) -> dict:
    info = netsuite.info
    data = {
        "provider": "netsuite",
        "label": "Typed by hand",
        "account_id": info["account_id"],
        "api_base_url": info["base_url"],
        "concurrency_limit": 5,
        **{name: info[name] for name in TBA_NAMES},
    }
    data.update(changes)
    return data


def test_a_google_account_page_shows_no_netsuite_fields(client, administrator_user, db):
    account = _google_account()
    client.force_login(administrator_user)

    html = client.get(reverse("admin:connections_connectedaccount_change", args=[account.pk])).content.decode()

    for name in NETSUITE_ONLY:
        assert f'name="{name}"' not in html, name
    assert "Consumer Key" not in html and "SuiteCloud Plus" not in html
    assert "1234567_SB1" not in html  # the account id's help is Google's own
    assert "email address" in html


def test_a_netsuite_account_page_shows_its_credentials_and_its_provider_read_only(
    client, administrator_user, sandbox_account
):
    client.force_login(administrator_user)

    html = client.get(reverse("admin:connections_connectedaccount_change", args=[sandbox_account.pk])).content.decode()

    for name in NETSUITE_ONLY:
        assert f'name="{name}"' in html, name
    assert 'name="provider"' not in html  # chosen once: shown, not editable
    assert "Google account's email" not in html


def test_the_add_form_refuses_credentials_netsuite_rejects_and_stores_nothing(client, administrator_user, netsuite):
    client.force_login(administrator_user)

    response = client.post(
        reverse("admin:connections_connectedaccount_add"), _add_form(netsuite, consumer_secret=WRONG_CONSUMER_SECRET)
    )

    assert response.status_code == 200  # the form again, with the reason
    html = response.content.decode()
    assert "NetSuite did not accept these credentials, so nothing was saved" in html
    assert not ConnectedAccount.objects.exists()
    for secret in secrets_of(netsuite):
        assert secret not in html


def test_the_add_form_stores_accepted_credentials_as_verified_with_subsidiaries(client, administrator_user, netsuite):
    client.force_login(administrator_user)

    response = client.post(reverse("admin:connections_connectedaccount_add"), _add_form(netsuite))

    assert response.status_code == 302
    account = ConnectedAccount.objects.get()
    assert account.status == AccountStatus.VERIFIED
    assert account.subsidiaries.exists()


def test_a_wrong_replacement_secret_keeps_the_stored_one(client, administrator_user, sandbox_account, netsuite):
    client.force_login(administrator_user)
    before = sandbox_account.get_credentials()
    url = reverse("admin:connections_connectedaccount_change", args=[sandbox_account.pk])
    data = _add_form(netsuite, consumer_secret=WRONG_CONSUMER_SECRET)
    data.pop("provider")

    response = client.post(url, data)

    assert response.status_code == 200
    assert "NetSuite did not accept these credentials" in response.content.decode()
    sandbox_account.refresh_from_db()
    assert sandbox_account.get_credentials() == before


def test_the_connection_form_offers_only_verified_accounts(client, administrator_user, netsuite):
    unverified = make_netsuite_account(netsuite)
    verified = ConnectedAccount.objects.create(
        provider="netsuite", label="Checked", account_id="7654321", status=AccountStatus.VERIFIED
    )
    client.force_login(administrator_user)

    form = client.get(reverse("admin:connections_connection_add")).context["adminform"].form

    offered = set(form.fields["netsuite_account"].queryset)
    assert verified in offered and unverified not in offered


def test_a_connection_keeps_offering_its_own_account_after_it_failed(client, administrator_user, netsuite):
    account = make_netsuite_account(netsuite)
    account.mark_status(AccountStatus.ERROR, "refused later")
    google = _google_account()
    subsidiary = Subsidiary.objects.create(account=account, internal_id="1", name="Parent")
    connection = Connection.objects.create(
        name="Old", netsuite_account=account, subsidiary=subsidiary, contact_type="contacts", app_account=google
    )
    client.force_login(administrator_user)

    url = reverse("admin:connections_connection_change", args=[connection.pk])
    form = client.get(url).context["adminform"].form

    assert account in set(form.fields["netsuite_account"].queryset)
