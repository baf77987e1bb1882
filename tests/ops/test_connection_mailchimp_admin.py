"""A Mailchimp connection on its admin page (issue 19): the app object is a select of the account's audiences as
the sandbox lists them now, by name; another audience and double opt-in are saved from the page; an app that
cannot list its audiences leaves a text box with the reason; a new connection types the object type (suggested
formats in the help), and a Mailchimp connection without an audience, or double opt-in for an app without it, is
refused by ``Connection.clean`` with the reason."""

from __future__ import annotations

import html

from django.urls import reverse

from connections.models import Connection

from ..engine.mailchimp_setup import audience
from ..mappings_admin.admin_forms import change_form_data

NEWSLETTER = "b2c3d4e5f6"


def _change_url(connection: Connection) -> str:
    return reverse("admin:connections_connection_change", args=[connection.pk])


def test_the_connection_page_lists_the_accounts_audiences_by_name_and_saves_another_and_double_opt_in(
    client, administrator_user, mailchimp_connection, mailchimp
):
    app, _ = mailchimp
    app.seed({"lists": [{"id": NEWSLETTER, "name": "Newsletter"}]})
    client.force_login(administrator_user)
    page = client.get(_change_url(mailchimp_connection))
    text = html.unescape(page.content.decode())
    demo = audience(mailchimp)
    assert f'<option value="{demo}" selected>Demo audience ({demo})</option>' in text
    assert f'<option value="audience/{NEWSLETTER}">Newsletter (audience/{NEWSLETTER})</option>' in text
    assert 'name="double_opt_in"' in text

    data = change_form_data(page)
    data.update({"app_object_type": f"audience/{NEWSLETTER}", "double_opt_in": "on", "_save": "Save"})
    saved = client.post(_change_url(mailchimp_connection), data)
    assert saved.status_code == 302, html.unescape(saved.content.decode())[:3000]
    mailchimp_connection.refresh_from_db()
    assert (mailchimp_connection.app_object_type, mailchimp_connection.double_opt_in) == (
        f"audience/{NEWSLETTER}",
        True,
    )


def test_an_app_that_cannot_list_its_audiences_leaves_a_text_box_with_the_reason(
    client, administrator_user, mailchimp_connection, mailchimp
):
    app, _ = mailchimp
    app.faults.error_rate = 1.0
    client.force_login(administrator_user)
    text = html.unescape(client.get(_change_url(mailchimp_connection)).content.decode())
    assert f'type="text" name="app_object_type" value="{audience(mailchimp)}"' in text
    assert "Mailchimp could not list the account's audiences" in text
    assert "Mailchimp: audience/<Audience ID>" in text


def test_a_new_connection_types_the_object_and_a_mailchimp_one_without_an_audience_is_refused(
    client, administrator_user, mailchimp_connection
):
    client.force_login(administrator_user)
    add = client.get(reverse("admin:connections_connection_add"))
    text = html.unescape(add.content.decode())
    assert 'list="id_app_object_type-suggestions"' in text and '<option value="companies">' in text
    assert "Mailchimp: audience/<Audience ID>" in text

    data = change_form_data(add)
    data.update(
        {
            "name": "Without an audience",
            "netsuite_account": mailchimp_connection.netsuite_account_id,
            "subsidiary": mailchimp_connection.subsidiary_id,
            "contact_type": "contacts",
            "app_account": mailchimp_connection.app_account_id,
            "app_object_type": "",
            "_save": "Save",
        }
    )
    refused = client.post(reverse("admin:connections_connection_add"), data)
    assert refused.status_code == 200
    assert "A Mailchimp connection syncs one audience: choose the audience." in html.unescape(refused.content.decode())
    assert not Connection.objects.filter(name="Without an audience").exists()


def test_double_opt_in_for_an_app_without_it_is_refused_on_the_page(client, administrator_user, connection_obj):
    client.force_login(administrator_user)
    page = client.get(_change_url(connection_obj))
    data = change_form_data(page)
    data.update({"double_opt_in": "on", "_save": "Save"})
    refused = client.post(_change_url(connection_obj), data)
    assert refused.status_code == 200
    assert "Google Contacts has no double opt-in the sync can ask for: untick it." in html.unescape(
        refused.content.decode()
    )
    connection_obj.refresh_from_db()
    assert connection_obj.double_opt_in is False
