"""`manage.py verify_account` and the admin action "Verify and fetch subsidiaries", against
the NetSuite sandbox over real HTTP: subsidiaries stored with their flags, and a wrong secret
reported clearly (status "error", non-zero exit, an admin error) without any secret in sight."""

from __future__ import annotations

from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command
from django.urls import reverse

from connections.choices import AccountStatus
from connections.models import ConnectedAccount, Subsidiary

from ..integration.processes import child_env, manage
from .conftest import WRONG_CONSUMER_SECRET, expected_subsidiaries, make_netsuite_account, secrets_of


def _stored(account: ConnectedAccount) -> dict[str, tuple[str, str | None, bool, bool]]:
    return {
        s.internal_id: (s.name, s.parent.internal_id if s.parent else None, s.is_inactive, s.is_elimination)
        for s in account.subsidiaries.select_related("parent")
    }


def test_verify_account_stores_subsidiaries_with_their_flags_and_prints_them(sandbox_account, netsuite):
    out = StringIO()

    call_command("verify_account", str(sandbox_account.pk), stdout=out)

    expected = expected_subsidiaries(netsuite)
    assert _stored(sandbox_account) == expected
    flags = {sid: (inactive, elimination) for sid, (_, _, inactive, elimination) in expected.items()}
    assert sorted(flags.values()).count((True, False)) == 1 and sorted(flags.values()).count((False, True)) == 1
    sandbox_account.refresh_from_db()
    assert sandbox_account.status == AccountStatus.VERIFIED
    assert sandbox_account.status_message == f"Credentials verified. {len(expected)} subsidiaries fetched."
    assert sandbox_account.verified_at is not None
    lines = out.getvalue().splitlines()
    assert lines[0] == f"{sandbox_account}: {sandbox_account.status_message}"
    shown = {line.split()[0]: line for line in lines[1:]}
    assert set(shown) == set(expected)
    for sid, (name, _, inactive, elimination) in expected.items():
        assert name in shown[sid]
        assert ("inactive" in shown[sid]) == inactive, shown[sid]
        assert ("elimination" in shown[sid]) == elimination, shown[sid]


def test_verifying_again_updates_the_subsidiaries_and_marks_vanished_ones_inactive(sandbox_account, netsuite):
    call_command("verify_account", str(sandbox_account.pk), stdout=StringIO())
    ghost = Subsidiary.objects.create(account=sandbox_account, internal_id="999", name="Closed long ago")
    renamed = sandbox_account.subsidiaries.get(internal_id="2")
    renamed.name = "stale name"
    renamed.save()

    call_command("verify_account", str(sandbox_account.pk), stdout=StringIO())

    assert sandbox_account.subsidiaries.get(internal_id="2").name == expected_subsidiaries(netsuite)["2"][0]
    ghost.refresh_from_db()
    assert ghost.is_inactive and not ghost.can_sync
    assert Subsidiary.objects.filter(account=sandbox_account).count() == len(expected_subsidiaries(netsuite)) + 1


def test_a_wrong_consumer_secret_fails_with_a_clear_message_and_marks_the_account(wrong_secret_account, netsuite):
    with pytest.raises(CommandError) as caught:
        call_command("verify_account", str(wrong_secret_account.pk), stdout=StringIO())

    message = str(caught.value)
    assert message.startswith(f"{wrong_secret_account}: NetSuite refused the credentials")
    assert "consumer" in message.lower() and "token" in message.lower()  # says what to check
    for secret in secrets_of(netsuite):
        assert secret not in message
    wrong_secret_account.refresh_from_db()
    assert wrong_secret_account.status == AccountStatus.ERROR
    assert wrong_secret_account.status_message == message.removeprefix(f"{wrong_secret_account}: ")
    assert not wrong_secret_account.subsidiaries.exists()


def test_an_unknown_account_id_is_a_clear_command_error(db):
    with pytest.raises(CommandError, match="There is no connected account with id 424242"):
        call_command("verify_account", "424242")


@pytest.mark.django_db(transaction=True)
def test_the_command_exits_zero_on_success_and_non_zero_on_a_wrong_secret(netsuite):
    account = make_netsuite_account(netsuite)
    env = child_env()

    ok = manage("verify_account", str(account.pk), env=env, timeout=60)
    account.update_credentials(consumer_secret=WRONG_CONSUMER_SECRET)
    account.save()
    failed = manage("verify_account", str(account.pk), env=env, timeout=60)

    assert ok.returncode == 0, ok.stderr
    assert "Credentials verified." in ok.stdout and "Elimination US" in ok.stdout
    assert failed.returncode != 0
    assert "NetSuite refused the credentials" in failed.stderr
    assert "Traceback" not in failed.stderr
    for secret in secrets_of(netsuite):
        assert secret not in failed.stdout + failed.stderr
    account.refresh_from_db()
    assert account.status == AccountStatus.ERROR
    assert account.status_message in failed.stderr


def _run_action(client, user, account):
    client.force_login(user)
    return client.post(
        reverse("admin:connections_connectedaccount_changelist"),
        {"action": "verify_and_fetch", "_selected_action": [account.pk]},
        follow=True,
    )


def test_admin_action_verifies_and_fetches_subsidiaries(client, administrator_user, sandbox_account, netsuite):
    response = _run_action(client, administrator_user, sandbox_account)

    assert response.status_code == 200
    messages = [(m.level_tag, str(m)) for m in response.context["messages"]]
    count = len(expected_subsidiaries(netsuite))
    assert messages == [("success", f"{sandbox_account}: Credentials verified. {count} subsidiaries fetched.")]
    assert _stored(sandbox_account) == expected_subsidiaries(netsuite)
    assert "Credentials verified." in response.content.decode()


def test_admin_action_shows_a_wrong_secret_as_an_error_without_the_secret(
    client, administrator_user, wrong_secret_account, netsuite
):
    response = _run_action(client, administrator_user, wrong_secret_account)

    html = response.content.decode()
    messages = [(m.level_tag, str(m)) for m in response.context["messages"]]
    assert len(messages) == 1 and messages[0][0] == "error"
    assert messages[0][1].startswith(f"{wrong_secret_account}: NetSuite refused the credentials")
    assert 'class="error"' in html and "NetSuite refused the credentials" in html
    for secret in secrets_of(netsuite):
        assert secret not in html
    wrong_secret_account.refresh_from_db()
    assert wrong_secret_account.status == AccountStatus.ERROR
    assert not wrong_secret_account.subsidiaries.exists()


def test_an_operator_cannot_run_the_action(client, operator_user, sandbox_account, netsuite):
    client.force_login(operator_user)
    changelist = client.get(reverse("admin:connections_connectedaccount_changelist")).content.decode()
    assert "verify_and_fetch" not in changelist

    client.post(
        reverse("admin:connections_connectedaccount_changelist"),
        {"action": "verify_and_fetch", "_selected_action": [sandbox_account.pk]},
    )

    assert netsuite.app.requests() == []  # NetSuite was never called
    sandbox_account.refresh_from_db()
    assert sandbox_account.status == AccountStatus.UNVERIFIED
    assert not sandbox_account.subsidiaries.exists()


def test_credentials_no_key_can_decrypt_are_reported_not_raised(sandbox_account, settings):
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]  # the key that encrypted them is gone

    out = StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("verify_account", str(sandbox_account.pk), stdout=out)

    assert "cannot be decrypted" in str(caught.value) and "Type the credentials again" in str(caught.value)
    sandbox_account.refresh_from_db()
    assert sandbox_account.status == AccountStatus.ERROR
