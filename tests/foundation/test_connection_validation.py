"""Connection.clean() explains in plain words what is wrong."""

import pytest
from django.core.exceptions import ValidationError

from connections.models import ConnectedAccount, Connection, Subsidiary


@pytest.fixture
def accounts(netsuite_account):
    other_ns = ConnectedAccount.objects.create(provider="netsuite", label="Other NS", account_id="7654321")
    google = ConnectedAccount.objects.create(provider="google_contacts", label="G", account_id="g@example.com")
    return netsuite_account, other_ns, google


def _connection(ns, sub, app):
    return Connection(name="c", netsuite_account=ns, subsidiary=sub, contact_type="contacts", app_account=app)


@pytest.mark.parametrize(
    ("case", "field", "message"),
    [
        ("foreign_subsidiary", "subsidiary", "belongs to the NetSuite account"),
        ("inactive", "subsidiary", "is inactive in NetSuite"),
        ("elimination", "subsidiary", "elimination subsidiary"),
        ("app_is_netsuite", "app_account", "is a NetSuite account"),
        ("netsuite_is_google", "netsuite_account", "not a NetSuite account"),
    ],
)
def test_clean_refuses_wrong_combinations(accounts, case, field, message):
    ns, other_ns, google = accounts
    sub = Subsidiary.objects.create(account=ns, internal_id="1", name="Parent")
    conn = _connection(ns, sub, google)
    if case == "foreign_subsidiary":
        conn.subsidiary = Subsidiary.objects.create(account=other_ns, internal_id="9", name="Elsewhere")
    elif case == "inactive":
        conn.subsidiary = Subsidiary.objects.create(account=ns, internal_id="2", name="Old", is_inactive=True)
    elif case == "elimination":
        conn.subsidiary = Subsidiary.objects.create(account=ns, internal_id="3", name="Elim", is_elimination=True)
    elif case == "app_is_netsuite":
        conn.app_account = other_ns
    elif case == "netsuite_is_google":
        conn.netsuite_account = google
    with pytest.raises(ValidationError) as excinfo:
        conn.clean()
    assert message in " ".join(excinfo.value.message_dict[field])


def test_clean_accepts_a_valid_connection(accounts):
    ns, _, google = accounts
    sub = Subsidiary.objects.create(account=ns, internal_id="1", name="Parent")
    _connection(ns, sub, google).clean()  # raises nothing


def test_base_url_override_outside_debug_must_be_an_allowed_host(netsuite_account, settings):
    settings.DEBUG = False
    settings.API_BASE_URL_ALLOWED_HOSTS = ["sandbox.internal"]
    netsuite_account.api_base_url = "https://evil.example.com"
    with pytest.raises(ValidationError, match="not allowed as an API base URL"):
        netsuite_account.full_clean()
    netsuite_account.api_base_url = "https://sandbox.internal:8801"
    netsuite_account.full_clean()
    netsuite_account.api_base_url = "ftp://sandbox.internal"
    with pytest.raises(ValidationError, match="http:// or https://"):
        netsuite_account.full_clean()
