"""Access to the admin: anonymous users go to the login page, operators cannot touch credentials,
mappings or rules, CSRF protection is on and sessions expire.

``check --deploy`` with the production settings is proven in
``tests/foundation/test_settings_startup.py::test_check_deploy_passes_with_the_documented_production_settings``.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from connections.models import ConnectedAccount, Connection, Subsidiary
from mappings.models import FieldMapping
from rules.models import Rule

from ..conftest import NETSUITE_SECRETS
from .admin_urls import admin_model_urls

pytestmark = pytest.mark.django_db

LOGIN = reverse("admin:login")


@pytest.fixture
def connection(netsuite_account) -> Connection:
    google = ConnectedAccount.objects.create(provider="google_contacts", label="Sales Google", account_id="s@ex.com")
    subsidiary = Subsidiary.objects.create(account=netsuite_account, internal_id="1", name="Parent Company")
    connection = Connection.objects.create(
        name="ACME ⇄ Google",
        netsuite_account=netsuite_account,
        subsidiary=subsidiary,
        contact_type="individual_customers",
        app_account=google,
    )
    assert FieldMapping.objects.filter(connection=connection).exists()  # the defaults
    assert Rule.objects.filter(connection=connection).exists()
    return connection


def test_anonymous_users_are_sent_to_the_login_page_from_every_admin_url(client, connection):
    urls = admin_model_urls(object_id=str(connection.pk))
    assert reverse("admin:connections_connection_changelist") in urls
    assert reverse("admin:connections_google_connect") in urls  # the product's own views are included
    assert len(urls) > 40
    for url in [reverse("admin:index"), *urls]:
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 302, f"{method.__name__.upper()} {url}: {response.status_code}"
            assert response["Location"].startswith(f"{LOGIN}?next="), url
    assert ConnectedAccount.objects.count() == 2 and Connection.objects.count() == 1


def _assert_refused(client, url: str, data: dict | None = None) -> None:
    assert client.get(url).status_code == 403, url
    assert client.post(url, data or {}).status_code == 403, url


def test_operators_cannot_read_credentials_nor_change_accounts_mappings_or_rules(client, operator_user, connection):
    client.force_login(operator_user)
    account = connection.netsuite_account
    mapping = FieldMapping.objects.filter(connection=connection).first()
    rule = Rule.objects.filter(connection=connection).first()
    for model, obj in (
        ("connections_connectedaccount", account),
        ("mappings_fieldmapping", mapping),
        ("rules_rule", rule),
    ):
        assert client.get(reverse(f"admin:{model}_change", args=[obj.pk])).status_code == 200  # viewing is allowed
        _assert_refused(client, reverse(f"admin:{model}_add"))
        _assert_refused(client, reverse(f"admin:{model}_delete", args=[obj.pk]), {"post": "yes"})
        assert client.post(reverse(f"admin:{model}_change", args=[obj.pk]), {}).status_code == 403
        # The changelist's bulk delete is not offered to them either.
        client.post(
            reverse(f"admin:{model}_changelist"),
            {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"},
        )
        assert type(obj).objects.filter(pk=obj.pk).exists()
    # Mappings and rules live on the connection page too: its form is refused as a whole.
    assert client.post(reverse("admin:connections_connection_change", args=[connection.pk]), {}).status_code == 403
    # Credentials are never shown, not even masked.
    for url in (
        reverse("admin:connections_connectedaccount_change", args=[account.pk]),
        reverse("admin:connections_connectedaccount_changelist"),
    ):
        html = client.get(url).content.decode()
        assert "••••" not in html and not any(secret in html for secret in NETSUITE_SECRETS.values())
    assert ConnectedAccount.objects.get(pk=account.pk).get_credentials() == NETSUITE_SECRETS
    assert FieldMapping.objects.get(pk=mapping.pk).netsuite_field == mapping.netsuite_field


def test_csrf_protection_refuses_a_post_without_token(administrator_user, connection):
    client = Client(enforce_csrf_checks=True)
    # The login form itself.
    assert (
        client.post(LOGIN, {"username": administrator_user.username, "password": "pw-adam-administrator"}).status_code
        == 403
    )
    client.force_login(administrator_user)
    add = reverse("admin:connections_connectedaccount_add")
    data = {"provider": "netsuite", "label": "Forged", "account_id": "7654321", "concurrency_limit": 5}
    assert client.post(add, data).status_code == 403
    run_now = reverse("admin:connections_connection_changelist")
    assert client.post(run_now, {"action": "run_now", "_selected_action": [connection.pk]}).status_code == 403
    assert not ConnectedAccount.objects.filter(label="Forged").exists()
    # With the token the same request passes the CSRF check (it is refused for CSRF only).
    client.get(add)
    token = client.cookies["csrftoken"].value
    assert client.post(add, {**data, "csrfmiddlewaretoken": token}).status_code != 403


def test_sessions_expire_after_the_cookie_age_and_at_browser_close(client, settings, administrator_user):
    assert 0 < settings.SESSION_COOKIE_AGE <= 12 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True and settings.SESSION_COOKIE_HTTPONLY is True
    response = client.post(LOGIN, {"username": administrator_user.username, "password": "pw-adam-administrator"})
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == "" and cookie["expires"] == "", "a browser-session cookie has no expiry"
    session = Session.objects.get(session_key=cookie.value)
    lifetime = session.expire_date - timezone.now()
    assert (
        timedelta(seconds=settings.SESSION_COOKIE_AGE - 60) < lifetime <= timedelta(seconds=settings.SESSION_COOKIE_AGE)
    )
    index = reverse("admin:index")
    assert client.get(index).status_code == 200
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(index)
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
