"""A Mailchimp connection names one audience (issue 19): the registry's object choice, checked by the
connection's validation (so the admin, the wizard and a config import all refuse a connection without one),
and double opt-in only for an app that offers it."""

import pytest
from django.core.exceptions import ValidationError

from connections.choices import SubscriptionSync
from connections.models import ConnectedAccount
from connections.providers.registry import get_provider, subscription_field


@pytest.fixture
def mailchimp_account(db):
    return ConnectedAccount.objects.create(provider="mailchimp", label="Mailchimp", account_id="Acme")


def test_a_mailchimp_connection_without_an_audience_is_refused_with_the_reason(connection_obj, mailchimp_account):
    connection_obj.app_account = mailchimp_account
    for object_type in ("", "audience", "contacts"):
        connection_obj.app_object_type = object_type
        with pytest.raises(ValidationError) as refused:
            connection_obj.full_clean()
        message = refused.value.message_dict["app_object_type"][0]
        assert "choose the audience" in message or "has no object 'contacts'" in message
    connection_obj.app_object_type = "audience/a1b2c3d4e5"
    connection_obj.subscription_sync = SubscriptionSync.BOTH  # a member's status is the subscription field
    connection_obj.double_opt_in = True
    connection_obj.full_clean()
    assert connection_obj.app_object == "audience/a1b2c3d4e5"


def test_double_opt_in_is_refused_for_an_app_without_it(connection_obj):
    connection_obj.double_opt_in = True
    with pytest.raises(ValidationError) as refused:
        connection_obj.full_clean()
    assert "has no double opt-in" in refused.value.message_dict["double_opt_in"][0]


def test_the_audience_is_one_object_kind_for_defaults_catalogs_and_the_subscription_field():
    info = get_provider("mailchimp")
    assert info.object_kind("audience/a1b2c3d4e5") == "audience" == info.default_object_type
    # Defaults are those of the app's default object, whichever audience is chosen.
    assert info.defaults_key("contacts", "audience/a1b2c3d4e5") == "contacts"
    assert info.defaults_key("contacts", "audience/a1b2c3d4e5", "to_netsuite") == ("contacts", "to_netsuite")
    assert {s.id for s in info.standard_catalog("audience/x1")} >= {"email", "status", "merge.FNAME"}
    assert subscription_field("mailchimp", "audience/x1").field_id == "status"
    assert info.object_type_label("audience/x1") == "audience x1"
    assert info.object_type_problem("audience/x1") == ""
