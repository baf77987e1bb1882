"""The connection's unsubscribe policy is set on its admin page (issue 18, part 5)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from connections.choices import SubscriptionSync
from connections.models import ConnectedAccount


def test_the_connection_page_offers_the_unsubscribe_policy(client, administrator_user, connection_obj):
    client.force_login(administrator_user)
    html = client.get(reverse("admin:connections_connection_change", args=[connection_obj.pk])).content.decode()
    assert 'name="subscription_sync"' in html
    for value, label in SubscriptionSync.choices:
        assert f'value="{value}"' in html and label in html
    assert "never Confirmed Opt-Out" in html  # the help says the safety rules


def test_unsubscribes_are_refused_for_an_app_whose_records_keep_no_subscription_status(connection_obj):
    connection_obj.subscription_sync = SubscriptionSync.BOTH
    with pytest.raises(ValidationError) as refused:
        connection_obj.full_clean()
    assert "keep no email subscription status" in refused.value.message_dict["subscription_sync"][0]

    hubspot = ConnectedAccount.objects.create(provider="hubspot", label="HubSpot", account_id="123")
    connection_obj.app_account = hubspot
    connection_obj.full_clean()  # HubSpot contacts keep one
    connection_obj.contact_type, connection_obj.app_object_type = "company_customers", "companies"
    with pytest.raises(ValidationError) as companies:
        connection_obj.full_clean()
    assert (
        "HubSpot's companies keep no email subscription status" in companies.value.message_dict["subscription_sync"][0]
    )
