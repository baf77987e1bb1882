"""No secret leaves its encrypted column: not to logs, the database, outcome messages, admin pages,
error reports or mail; and outside DEBUG, credentials go only to allowed API hosts.

One scenario does everything a secret could leak through: a full sync in which Google access tokens
expire and are refreshed, records failing with NetSuite's own error messages, an admin session
browsing every admin page, and runs that fail because NetSuite refuses the token and
Google revokes the grant. Then every configured secret and token is searched for, literally, in all
that was captured.
"""

from __future__ import annotations

import logging

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from connections.models import ConnectedAccount
from syncengine.choices import RunStatus

from ..conftest import NETSUITE_SECRETS
from ..engine.harness import make_connection, sync
from ..engine.helpers import g_by_email, g_person, ns_person, seed
from .secret_scan import admin_pages, database_text, hits

pytestmark = pytest.mark.django_db


def configured_secrets(sandboxes, connection) -> dict[str, str]:
    ns = sandboxes.netsuite.print_config(sandboxes.netsuite_server.base_url)
    google_credentials = connection.app_account.get_credentials()
    secrets = {
        "NetSuite consumer key": ns["consumer_key"],
        "NetSuite consumer secret": ns["consumer_secret"],
        "NetSuite token id": ns["token_id"],
        "NetSuite token secret": ns["token_secret"],
        "Google client secret": django_settings.GOOGLE_CLIENT_SECRET,
        "Google refresh token": google_credentials["refresh_token"],
        "SECRET_KEY": django_settings.SECRET_KEY,
    }
    for index, key in enumerate(django_settings.FIELD_ENCRYPTION_KEYS):
        secrets[f"field encryption key {index}"] = key
    # Every access token the sandbox issued (the sandbox is our instrument here: its own bookkeeping).
    for index, token in enumerate(sandboxes.google.oauth._access):
        secrets[f"Google access token {index}"] = token
    return secrets


def test_no_secret_reaches_logs_database_outcomes_admin_pages_or_error_reports(
    sandboxes, settings, admin_client, admin_user, caplog, capfd
):
    caplog.set_level(logging.DEBUG)  # the most a deployment can log (LOG_LEVEL=DEBUG), third-party libraries too
    seed(
        sandboxes,
        netsuite=[ns_person(f"Nina{i}", "Suite", f"n{i}@example.com") for i in range(20)],
        google=[
            *[g_person(f"Gabe{i}", "Mail", f"g{i}@example.com") for i in range(20)],
            g_person("Bad", "Email", "not-an-email"),  # fails with NetSuite's message, on every run
        ],
    )
    connection = make_connection(sandboxes, settings)
    admin_user.email = "owner@example.com"
    admin_user.save()
    connection.owners.add(admin_user)  # failures are mailed to the owners
    sandboxes.google.config.access_token_ttl = 1.0  # refreshed over and over during the runs
    try:
        first = sync(connection)
        sandboxes.google.touch(g_by_email(sandboxes)["g1@example.com"][0]["resourceName"], biographies=[{"value": "x"}])
        second = sync(connection)
    finally:
        sandboxes.google.config.access_token_ttl = 3600.0
    assert first.status == second.status == RunStatus.PARTIALLY_FAILED, (first.error, second.error)

    secrets = configured_secrets(sandboxes, connection)  # before the grant is revoked: the tokens it had
    sandboxes.google.revoke_refresh_token(secrets["Google refresh token"])
    google_refused = sync(connection)
    assert google_refused.status == RunStatus.FAILED and "Authentication failed" in google_refused.error
    sandboxes.netsuite.revoke_token()
    netsuite_refused = sync(connection)
    assert netsuite_refused.status == RunStatus.FAILED and "Authentication failed" in netsuite_refused.error

    pages = admin_pages()
    html = {}
    for url in pages:
        response = admin_client.get(url)
        assert response.status_code == 200, url
        html[url] = response.content.decode()

    secrets.update(configured_secrets(sandboxes, connection))
    out, err = capfd.readouterr()
    places = {
        "caplog": caplog.text + "\n".join(str(r.exc_text or "") for r in caplog.records),
        "stdout": out,
        "stderr": err,
        "mail": "\n".join(f"{m.subject}\n{m.body}" for m in mail.outbox),
        **{f"table {table}": text for table, text in database_text().items()},
        **{f"admin {url}": text for url, text in html.items()},
    }
    # The scan sees what it should: the places hold the runs' traces (or the scan would prove nothing).
    assert "not-an-email is not a valid e-mail address" in places["table syncengine_recordoutcome"]
    assert "Authentication failed" in places["table syncengine_syncrun"]
    assert mail.outbox and "Sandbox NetSuite" in places["table connections_connectedaccount"]
    print({k: len(v) for k, v in places.items() if not k.startswith("admin")})

    assert hits(secrets, places) == []
    print(f"\n{len(secrets)} secrets searched in {len(places)} places ({len(pages)} admin pages): 0 hits")


UNLISTED = "https://collector.example.net"


def test_outside_debug_an_api_base_url_on_a_host_not_allowed_is_refused(settings, admin_client):
    settings.DEBUG = False
    settings.API_BASE_URL_ALLOWED_HOSTS = ["sandbox.internal"]
    account = ConnectedAccount(provider="netsuite", label="ACME", account_id="1234567_SB1", api_base_url=UNLISTED)
    with pytest.raises(ValidationError) as refused:
        account.full_clean()
    assert refused.value.message_dict["api_base_url"] == [
        "The host collector.example.net is not allowed as an API base URL. "
        "Add it to the API_BASE_URL_ALLOWED_HOSTS setting if it is a trusted sandbox."
    ]
    account.api_base_url = "http://sandbox.internal:8801"
    account.full_clean()  # a listed host is fine

    # The admin's form says the same, and stores nothing (the credentials typed in go nowhere).
    response = admin_client.post(
        reverse("admin:connections_connectedaccount_add"),
        {
            "provider": "netsuite",
            "label": "Leaky",
            "account_id": "1234567_SB1",
            "api_base_url": UNLISTED,
            "concurrency_limit": 5,
            **NETSUITE_SECRETS,
        },
    )
    assert response.status_code == 200
    assert "is not allowed as an API base URL" in response.content.decode()
    assert not ConnectedAccount.objects.filter(label="Leaky").exists()


def test_outside_debug_no_credential_is_sent_to_a_host_not_allowed(sandboxes, settings):
    connection = make_connection(sandboxes, settings)  # saved in DEBUG, pointing at the sandboxes (127.0.0.1)
    sandboxes.clear_logs()
    settings.DEBUG = False
    settings.API_BASE_URL_ALLOWED_HOSTS = ["sandbox.internal"]
    run = sync(connection)
    assert sandboxes.requests() == {"netsuite": [], "google": []}
    assert run.status == RunStatus.FAILED and "not allowed" in run.error
