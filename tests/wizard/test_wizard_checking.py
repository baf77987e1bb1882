"""The wizard's NetSuite check while someone waits: it shows that it is working, gives up after
WIZARD_CHECK_TIMEOUT_SECONDS with a clear message, keeps the typed secrets (encrypted in the session,
never rendered) across a failed check, and words a refusal as a headline with its causes listed."""

from __future__ import annotations

import socket
import time

import pytest
from django.urls import reverse

from connections.choices import AccountStatus
from connections.models import ConnectedAccount
from ops.wizard.kept_secrets import SESSION_KEY as KEPT_KEY

from .conftest import TBA_NAMES, WRONG_SECRET, authorize_form, wizard_url


def _session_text(client) -> str:
    return repr(dict(client.session.items()))


@pytest.fixture
def silent_server():
    """A TCP port that accepts connections and never answers: a NetSuite that hangs."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"


def test_the_authorize_form_says_it_is_checking_on_submit(client, administrator_user, sandboxes, settings):
    settings.WIZARD_CHECK_TIMEOUT_SECONDS = 7
    client.force_login(administrator_user)

    page = client.get(wizard_url("netsuite")).content.decode()

    assert 'data-checking="Checking with NetSuite…"' in page and 'data-timeout="7"' in page
    assert "ops/checking.js" in page
    assert 'id="netsuite-checking" role="status"' in page


def test_a_netsuite_that_does_not_answer_is_given_up_after_the_wizard_timeout(
    client, administrator_user, sandboxes, settings, silent_server
):
    settings.WIZARD_CHECK_TIMEOUT_SECONDS = 0.5
    client.force_login(administrator_user)

    started = time.monotonic()
    response = client.post(wizard_url("netsuite"), authorize_form(sandboxes, api_base_url=silent_server))
    elapsed = time.monotonic() - started

    assert elapsed < 3  # one attempt of 0.5 s, no retries with backoff (the background's 30 s x 6)
    page = response.content.decode()
    refusal = page.split('id="netsuite-refusal"', 1)[1].split("</div>", 1)[0]
    assert "<strong>The account was not saved.</strong>" in refusal
    assert "NetSuite did not answer within 0.5s" in refusal
    assert not ConnectedAccount.objects.exists()


def test_secrets_are_kept_encrypted_across_a_failed_check_and_never_rendered(client, administrator_user, sandboxes):
    client.force_login(administrator_user)
    info = sandboxes.ns_info

    page = client.post(wizard_url("netsuite"), authorize_form(sandboxes, consumer_secret=WRONG_SECRET)).content.decode()

    assert page.count('placeholder="kept — type to replace"') == 4
    assert "Kept from your last try (encrypted, not shown)" in page
    for secret in (WRONG_SECRET, *(info[name] for name in TBA_NAMES)):
        assert secret not in page
        assert secret not in _session_text(client)  # kept, but only encrypted
    assert client.session[KEPT_KEY]

    # Only the wrong secret is typed again: the three others come from the kept ones.
    retry = {**authorize_form(sandboxes), **{f"new-{name}": "" for name in TBA_NAMES}}
    retry["new-consumer_secret"] = info["consumer_secret"]
    response = client.post(wizard_url("netsuite"), retry)

    assert response.status_code == 302 and response["Location"] == wizard_url("subsidiary")
    account = ConnectedAccount.objects.get()
    assert account.status == AccountStatus.VERIFIED
    assert account.get_credentials() == {name: info[name] for name in TBA_NAMES}
    assert KEPT_KEY not in client.session  # forgotten once stored


def test_secrets_typed_with_a_malformed_account_id_are_kept_too(client, administrator_user, sandboxes):
    client.force_login(administrator_user)

    page = client.post(wizard_url("netsuite"), authorize_form(sandboxes, account_id="12 34")).content.decode()

    assert "A NetSuite Account ID looks like 1234567 or 1234567_SB1" in page
    assert page.count('placeholder="kept — type to replace"') == 4
    retry = {**authorize_form(sandboxes), **{f"new-{name}": "" for name in TBA_NAMES}}
    assert client.post(wizard_url("netsuite"), retry).status_code == 302


def test_cancelling_the_wizard_forgets_the_kept_secrets(client, administrator_user, sandboxes):
    client.force_login(administrator_user)
    client.post(wizard_url("netsuite"), authorize_form(sandboxes, consumer_secret=WRONG_SECRET))
    assert KEPT_KEY in client.session

    client.post(reverse("admin:connections_connection_wizard_cancel"))

    assert KEPT_KEY not in client.session
