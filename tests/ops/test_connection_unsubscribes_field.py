"""The connection's unsubscribe policy is set on its admin page (issue 18, part 5)."""

from django.urls import reverse

from connections.choices import SubscriptionSync


def test_the_connection_page_offers_the_unsubscribe_policy(client, administrator_user, connection_obj):
    client.force_login(administrator_user)
    html = client.get(reverse("admin:connections_connection_change", args=[connection_obj.pk])).content.decode()
    assert 'name="subscription_sync"' in html
    for value, label in SubscriptionSync.choices:
        assert f'value="{value}"' in html and label in html
    assert "never Confirmed Opt-Out" in html  # the help says the safety rules
