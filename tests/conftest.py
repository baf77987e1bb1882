"""Fixtures shared by the whole suite: users in each role, and accounts; the ``--exclusive`` option
(scripts/test runs the tests marked ``exclusive`` alone, after the others have run in parallel)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from connections.roles import ADMINISTRATORS, OPERATORS


def pytest_addoption(parser):
    parser.addoption(
        "--exclusive",
        choices=("include", "skip", "only"),
        default="include",
        help="the tests marked exclusive (they need the machine to themselves): run them with the others "
        "(include, the default), leave them out (skip: scripts/test's parallel part) or run only them (only)",
    )


def pytest_collection_modifyitems(config, items):
    choice = config.getoption("--exclusive")
    if choice == "include":
        return
    wanted = choice == "only"
    kept = [item for item in items if (item.get_closest_marker("exclusive") is not None) == wanted]
    dropped = [item for item in items if (item.get_closest_marker("exclusive") is not None) != wanted]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


NETSUITE_SECRETS = {
    "consumer_key": "ck-7f3a9c1e5b2d4f6a8c0e",
    "consumer_secret": "cs-SECRET-2b4d6f8a0c1e3a5c",
    "token_id": "tid-9e8d7c6b5a4f3e2d1c0b",
    "token_secret": "ts-SECRET-1a2b3c4d5e6f7a8b",
}


def _staff_user(django_user_model, username: str, group: str):
    user = django_user_model.objects.create_user(username=username, password="pw-" + username, is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def operator_user(db, django_user_model):
    return _staff_user(django_user_model, "olivia-operator", OPERATORS)


@pytest.fixture
def administrator_user(db, django_user_model):
    return _staff_user(django_user_model, "adam-administrator", ADMINISTRATORS)


@pytest.fixture
def netsuite_account(db):
    from connections.models import ConnectedAccount

    account = ConnectedAccount(provider="netsuite", label="ACME sandbox", account_id="1234567_SB1")
    account.set_credentials(NETSUITE_SECRETS)
    account.save()
    return account


# Both sandboxes over HTTP, for the packages that sync against them (engine, health, notifications,
# reliability); a package's conftest may start them its own way (its own ``running_sandboxes``).
@pytest.fixture(scope="module")
def running_sandboxes():
    from .engine.harness import start_sandboxes

    sandboxes = start_sandboxes()
    yield sandboxes
    sandboxes.netsuite_server.stop()
    sandboxes.google_server.stop()


# The Mailchimp sandbox over HTTP, one per test module (each test resets it as it needs): ``(app, server)``.
@pytest.fixture(scope="module")
def running_mailchimp():
    from sandbox.common.server import SandboxServer
    from sandbox.mailchimp import MailchimpSandbox

    with SandboxServer(MailchimpSandbox()) as server:
        yield server.app, server


@pytest.fixture
def sandboxes(running_sandboxes):
    """The running sandboxes, emptied (records, logs, faults) for this test."""
    running_sandboxes.reset()
    return running_sandboxes


@pytest.fixture
def sandbox_netsuite(sandboxes, settings) -> dict:
    """The NetSuite sandbox's account details (what ``runsandbox --print-config`` prints), its host allowed as
    an API base URL: credentials typed in the admin are checked with NetSuite before they are stored."""
    settings.API_BASE_URL_ALLOWED_HOSTS = ["127.0.0.1"]
    # Two shapes of ``sandboxes``: the engine harness's (servers) and the wizard's (URLs), which some packages use.
    url = getattr(sandboxes, "netsuite_url", None) or sandboxes.netsuite_server.base_url
    return sandboxes.netsuite.print_config(url)


def point_at_sandbox(account, sandbox_netsuite: dict) -> None:
    """Point ``account`` at the NetSuite sandbox, keeping its own (fixture) secrets: typing the sandbox's
    real ones in the admin is then a rotation NetSuite accepts."""
    account.api_base_url = sandbox_netsuite["base_url"]
    account.account_id = sandbox_netsuite["account_id"]
    account.save()
