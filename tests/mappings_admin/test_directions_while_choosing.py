"""The connection page while mappings are edited: the directions view answers, from the compatibility table,
which directions a pair of fields allows (what the page shows as soon as a row's fields are chosen), and a
refused save names each invalid row at the top with a link to its messages, which stand on a row of their own."""

import re

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from mappings.models import FieldMapping

from .admin_forms import add_inline_row, change_form_data, inline_prefix, set_inline_value


@pytest.fixture
def admin_client(client, administrator_user):
    client.force_login(administrator_user)
    return client


def _directions(client, connection, netsuite_field, app_field):
    url = reverse("admin:mappings_fieldmapping_directions", args=[connection.pk])
    return client.get(url, {"netsuite_field": netsuite_field, "app_field": app_field})


def test_the_directions_view_answers_from_the_compatibility_table(admin_client, seeded_connection):
    data = _directions(admin_client, seeded_connection, "custentity_vip", "userDefined.VIP").json()
    assert data["allowed_values"] == ["to_app"]
    assert data["headline"] == "1 allowed · 2 not"
    assert data["allowed"] == ["NetSuite → Google Contacts (written as Yes or No)"]
    assert any("free text is not a yes/no answer" in reason for reason in data["refused"])

    data = _directions(admin_client, seeded_connection, "firstName", "givenName").json()
    assert data["allowed_values"] == ["two_way", "to_app", "to_netsuite"] and data["refused"] == []

    data = _directions(admin_client, seeded_connection, "email", "birthday").json()
    assert data["allowed_values"] == [] and data["headline"] == "not compatible"

    data = _directions(admin_client, seeded_connection, "custentity_gone", "givenName").json()
    assert data["allowed_values"] == []
    assert "«custentity_gone» is not a field of NetSuite (Individual Customers) of ACME sandbox" in data["problem"]


def test_operators_may_ask_and_strangers_may_not(client, operator_user, seeded_connection, db):
    client.force_login(operator_user)
    assert _directions(client, seeded_connection, "firstName", "givenName").status_code == 200
    nobody = User.objects.create_user("nobody", password="x", is_staff=True)  # staff, no permission at all
    client.force_login(nobody)
    response = _directions(client, seeded_connection, "firstName", "givenName")
    assert response.status_code == 403 and "allowed_values" not in response.content.decode()
    missing = reverse("admin:mappings_fieldmapping_directions", args=[99999])
    client.force_login(operator_user)
    assert client.get(missing, {"netsuite_field": "a", "app_field": "b"}).status_code == 404


def test_a_refused_save_lists_the_invalid_rows_at_the_top_each_linking_to_its_messages(admin_client, seeded_connection):
    FieldMapping.objects.create(
        connection=seeded_connection,
        netsuite_field="custentity_vip",
        app_field="userDefined.VIP",
        direction="two_way",  # saved before the table said no
        order=300,
    )
    url = reverse("admin:connections_connection_change", args=[seeded_connection.pk])
    page = admin_client.get(url)
    html = page.content.decode()
    # The saved row carries its allowed directions for the page's script; new rows wait for both fields.
    assert 'data-allowed="to_app"' in html and 'data-allowed="two_way to_app to_netsuite"' in html
    assert "Choose both fields." in html and "Shown once saved" not in html
    assert (
        f'data-directions-url="{reverse("admin:mappings_fieldmapping_directions", args=[seeded_connection.pk])}"'
        in html
    )

    prefix = inline_prefix(page, "fieldmapping")
    data = change_form_data(page)
    stale = next(
        i for i, f in enumerate(page.context["inline_admin_formsets"][0].formset.forms) if f.instance.order == 300
    )
    set_inline_value(data, prefix, stale, "order", "301")
    new = add_inline_row(
        data,
        prefix,
        {"netsuite_field": "email", "app_field": "birthday", "direction": "to_app", "enabled": True, "order": 500},
    )
    response = admin_client.post(url, data)

    assert response.status_code == 200
    html = response.content.decode()
    top = re.search(r'<ul class="errornote row-error-links" id="row-error-links">(.*?)</ul>', html, re.S).group(1)
    links = re.findall(r'<li><a href="#([^"]+)">([^<]+)</a>: ([^<]+)</li>', top)
    assert [(anchor, where) for anchor, where, _ in links] == [
        (f"{prefix}-{stale}-errors", f"Field mappings, row {stale + 1} (custentity_vip → userDefined.VIP)"),
        (f"{prefix}-{new}-errors", f"Field mappings, row {new + 1} (email → birthday)"),
    ]
    assert "is not allowed for these fields" in links[0][2]
    assert "cannot be mapped in either direction" in links[1][2]
    for anchor, _, _ in links:
        # The messages' row is right above the row's fields, across the whole table.
        row = re.search(
            rf'<tr class="row-form-errors row-errors" id="{anchor}">(.*?)</tr>\s*<tr class="form-row', html, re.S
        )
        assert row is not None, anchor
        assert 'colspan="' in row.group(1)
    assert "<strong>Direction:</strong> Two-way is not allowed for these fields" in html  # the field named
    # A refused new row still says what its pair allows.
    assert html.count("<summary>not compatible</summary>") == 1
