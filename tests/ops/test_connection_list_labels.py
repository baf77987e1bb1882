"""The connections list tells its two creation buttons apart, and its account filters list
only their own kind of account."""

from __future__ import annotations

import re

from django.urls import reverse

from connections.models import ConnectedAccount


def _filter_options(html: str, title: str) -> list[str]:
    """The choices listed under one filter heading of the changelist's sidebar."""
    section = html.split(f"By {title}", 1)[1].split("</ul>", 1)[0]
    return [text.strip() for text in re.findall(r"<a [^>]*>([^<]+)</a>", section)]


def test_the_plain_add_button_is_labelled_for_administrators(client, administrator_user):
    client.force_login(administrator_user)

    html = client.get(reverse("admin:connections_connection_changelist")).content.decode()

    assert "New connection (wizard)" in html
    assert "For administrators: add without the wizard" in html
    assert ">Add connection<" not in html.replace("\n", "").replace("  ", "")


def test_account_filters_list_only_their_own_kind(client, administrator_user, db):
    # Two of each: Django shows a filter only when it has more than one choice.
    ConnectedAccount.objects.create(provider="netsuite", label="NS Prod", account_id="1234567")
    ConnectedAccount.objects.create(provider="netsuite", label="NS Sandbox", account_id="1234567_SB1")
    ConnectedAccount.objects.create(provider="google_contacts", label="Ops Google", account_id="ops@example.com")
    ConnectedAccount.objects.create(provider="google_contacts", label="Sales Google", account_id="s@example.com")
    client.force_login(administrator_user)

    html = client.get(reverse("admin:connections_connection_changelist")).content.decode()

    netsuite_options = _filter_options(html, "NetSuite account")
    app_options = _filter_options(html, "app account")
    assert "NS Prod (NetSuite)" in netsuite_options
    assert not any("Google" in option for option in netsuite_options)
    assert "Ops Google (Google Contacts)" in app_options
    assert not any("NetSuite" in option for option in app_options)
