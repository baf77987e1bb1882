"""A connection's phone region: its own setting, else its subsidiary's country, else PHONE_DEFAULT_REGION,
never an implicit US; validated on save, and explained on the connection page."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from connections.models import ConnectedAccount, Connection, Subsidiary


@pytest.fixture
def connection(netsuite_account, settings):
    settings.PHONE_DEFAULT_REGION = ""
    google = ConnectedAccount.objects.create(provider="google_contacts", label="G", account_id="g@example.com")
    belgium = Subsidiary.objects.create(account=netsuite_account, internal_id="7", name="Belgium SA", country="BE")
    return Connection.objects.create(
        name="Belgium",
        netsuite_account=netsuite_account,
        subsidiary=belgium,
        contact_type="contacts",
        app_account=google,
    )


def test_the_region_is_the_setting_then_the_subsidiary_country_then_the_settings_value_then_none(connection, settings):
    connection.phone_region = "JP"
    assert connection.resolved_phone_region() == ("JP", "connection")
    connection.phone_region = ""
    assert connection.resolved_phone_region() == ("BE", "subsidiary")
    connection.subsidiary.country = ""
    settings.PHONE_DEFAULT_REGION = "GB"
    assert connection.resolved_phone_region() == ("GB", "settings")
    settings.PHONE_DEFAULT_REGION = ""
    assert connection.resolved_phone_region() == (None, "none")  # never US by default


@pytest.mark.parametrize("typed", ["XX", "Belgium", "B"])
def test_a_region_that_is_not_a_known_country_code_is_refused_with_the_reason(connection, typed):
    connection.phone_region = typed
    with pytest.raises(ValidationError) as excinfo:
        connection.clean()
    assert "ISO 3166-1 alpha-2" in " ".join(excinfo.value.message_dict["phone_region"])


def test_a_lower_case_region_is_accepted_as_its_code(connection):
    connection.phone_region = " be "
    connection.clean()
    assert connection.phone_region == "BE"


def test_the_connection_page_says_what_automatic_means_for_this_connection(connection, admin_client):
    page = admin_client.get(reverse("admin:connections_connection_change", args=[connection.pk]))
    assert page.status_code == 200
    assert "Automatic here: BE (the country of Belgium SA)." in page.content.decode()
    assert 'name="create_missing_groups"' in page.content.decode()
