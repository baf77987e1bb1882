import pytest

from connections.models import ConnectedAccount, Connection, Subsidiary

# A Mailchimp sandbox over HTTP and a connection to its demo audience (the Mailchimp pages' tests).
from ..engine.mailchimp_setup import mailchimp, mailchimp_connect, mailchimp_connection  # noqa: F401


@pytest.fixture
def connection_obj(netsuite_account):
    google = ConnectedAccount.objects.create(provider="google_contacts", label="Sales Google", account_id="s@ex.com")
    sub = Subsidiary.objects.create(account=netsuite_account, internal_id="1", name="Parent Company")
    return Connection.objects.create(
        name="ACME ⇄ Google",
        netsuite_account=netsuite_account,
        subsidiary=sub,
        contact_type="individual_customers",
        app_account=google,
    )
