"""Roles in the admin: operators never see or change credentials but can pause
and resume connections; administrators can do both."""

import pytest
from django.urls import reverse

from connections.models import ConnectedAccount, Connection, Subsidiary

from ..conftest import NETSUITE_SECRETS, point_at_sandbox


@pytest.fixture
def connection_obj(netsuite_account):
    google = ConnectedAccount.objects.create(provider="google_contacts", label="Sales Google", account_id="s@ex.com")
    sub = Subsidiary.objects.create(account=netsuite_account, internal_id="1", name="Parent Company")
    return Connection.objects.create(
        name="ACME ⇄ Google",
        netsuite_account=netsuite_account,
        subsidiary=sub,
        contact_type="contacts",
        app_account=google,
    )


def _assert_no_secret(html: str) -> None:
    for secret in NETSUITE_SECRETS.values():
        assert secret not in html


def test_operator_cannot_view_or_change_credentials(client, operator_user, netsuite_account):
    client.force_login(operator_user)
    url = reverse("admin:connections_connectedaccount_change", args=[netsuite_account.pk])
    page = client.get(url)
    assert page.status_code == 200  # the account's status is visible
    html = page.content.decode()
    assert 'name="consumer_secret"' not in html
    assert "Credentials (write-only)" not in html
    assert "••••" not in html
    _assert_no_secret(html)

    response = client.post(
        url,
        {
            "provider": "netsuite",
            "label": "hijack",
            "account_id": "1234567_SB1",
            "concurrency_limit": 5,
            "token_secret": "operator-typed-secret",
        },
    )
    assert response.status_code == 403
    account = ConnectedAccount.objects.get(pk=netsuite_account.pk)
    assert account.label == "ACME sandbox"
    assert account.get_credentials() == NETSUITE_SECRETS
    assert client.get(reverse("admin:connections_connectedaccount_add")).status_code == 403


def test_operator_can_pause_and_resume_a_connection(client, operator_user, connection_obj):
    client.force_login(operator_user)
    change_url = reverse("admin:connections_connection_change", args=[connection_obj.pk])
    assert 'id="pause-connection"' in client.get(change_url).content.decode()

    client.post(reverse("admin:connections_connection_pause", args=[connection_obj.pk]))
    connection_obj.refresh_from_db()
    assert connection_obj.paused is True
    assert "olivia-operator" in connection_obj.paused_reason

    changelist = reverse("admin:connections_connection_changelist")
    client.post(changelist, {"action": "resume_connections", "_selected_action": [connection_obj.pk]})
    connection_obj.refresh_from_db()
    assert connection_obj.paused is False
    # ...but cannot edit the connection itself.
    response = client.post(change_url, {"name": "renamed"})
    assert response.status_code == 403


def test_user_without_run_permission_cannot_pause(client, django_user_model, connection_obj):
    viewer = django_user_model.objects.create_user("viewer", password="x", is_staff=True)
    client.force_login(viewer)
    response = client.post(reverse("admin:connections_connection_pause", args=[connection_obj.pk]))
    assert response.status_code == 403
    connection_obj.refresh_from_db()
    assert connection_obj.paused is False


def test_administrator_sets_credentials_write_only_and_blank_keeps_them(
    client, administrator_user, netsuite_account, sandbox_netsuite
):
    point_at_sandbox(netsuite_account, sandbox_netsuite)
    client.force_login(administrator_user)
    url = reverse("admin:connections_connectedaccount_change", args=[netsuite_account.pk])
    html = client.get(url).content.decode()
    assert 'name="consumer_secret"' in html  # the field is there...
    _assert_no_secret(html)  # ...but empty, and no secret is rendered
    assert "••••" + NETSUITE_SECRETS["token_secret"][-4:] in html  # a masked hint only

    form = {
        "provider": "netsuite",
        "label": "ACME sandbox",
        "account_id": "1234567_sb1",
        "api_base_url": sandbox_netsuite["base_url"],
        "concurrency_limit": 5,
        **{name: sandbox_netsuite[name] for name in NETSUITE_SECRETS},  # the sandbox accepts these
    }
    response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    account = ConnectedAccount.objects.get(pk=netsuite_account.pk)
    assert account.get_credentials() == {name: sandbox_netsuite[name] for name in NETSUITE_SECRETS}
    assert account.account_id == "1234567_SB1"  # normalised to NetSuite's form
    assert account.status == "verified"  # checked with NetSuite before it was stored

    for name in NETSUITE_SECRETS:
        form.pop(name)
    assert client.post(url, form).status_code == 302
    assert (
        ConnectedAccount.objects.get(pk=netsuite_account.pk).get_credentials()["token_secret"]
        == (sandbox_netsuite["token_secret"])
    )


def test_administrator_creating_a_netsuite_account_must_give_all_four_credentials(client, administrator_user):
    client.force_login(administrator_user)
    response = client.post(
        reverse("admin:connections_connectedaccount_add"),
        {
            "provider": "netsuite",
            "label": "new",
            "account_id": "7654321",
            "concurrency_limit": 5,
            "consumer_key": "only-the-key-1234",
        },
    )
    assert response.status_code == 200
    assert "Missing: Consumer Secret, Token ID, Token Secret" in response.content.decode()
    assert not ConnectedAccount.objects.filter(account_id="7654321").exists()
