"""The mappings on the connection page: dropdowns fed by the cached catalogs, the table's verdict shown
beside each pair, refusals with their reason, and nothing saved when a row is refused."""

import pytest
from django.urls import reverse

from mappings.defaults import default_mappings
from mappings.models import FieldMapping

from .admin_forms import add_inline_row, change_form_data, inline_prefix, set_inline_value
from .test_mapping_validation import ALL, CUSTOM_FIELD_DIRECTIONS


def _page(client, connection):
    url = reverse("admin:connections_connection_change", args=[connection.pk])
    return url, client.get(url)


def _row(netsuite_field, app_field, direction, enabled=True, order=500):
    return {
        "netsuite_field": netsuite_field,
        "app_field": app_field,
        "direction": direction,
        "enabled": enabled,
        "order": order,
    }


def _mapping_forms(response):
    return response.context["inline_admin_formsets"][0].formset.forms


@pytest.fixture
def admin_client(client, administrator_user):
    client.force_login(administrator_user)
    return client


def test_saving_an_incompatible_mapping_shows_the_reason_and_saves_nothing(admin_client, seeded_connection):
    url, page = _page(admin_client, seeded_connection)
    data = change_form_data(page)
    data["name"] = "Renamed in the same submission"
    add_inline_row(data, inline_prefix(page, "fieldmapping"), _row("email", "birthday", "to_app"))
    before = list(FieldMapping.objects.values_list("pk", "netsuite_field", "app_field", "direction", "enabled"))

    response = admin_client.post(url, data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "These two fields cannot be mapped in either direction." in html
    assert "Email (email) in NetSuite is an email address and Birthday (birthday) in Google Contacts is a date" in html
    assert list(FieldMapping.objects.values_list("pk", "netsuite_field", "app_field", "direction", "enabled")) == (
        before
    )
    seeded_connection.refresh_from_db()
    assert seeded_connection.name != "Renamed in the same submission"


def test_custom_fields_of_each_type_map_to_user_defined_fields_in_exactly_the_table_s_directions(
    admin_client, seeded_connection
):
    url, page = _page(admin_client, seeded_connection)
    prefix = inline_prefix(page, "fieldmapping")

    # Every refused direction, in one submission: each row is refused, with the reason, and nothing is saved.
    refused_data = change_form_data(page)
    refused_rows = {}
    for netsuite_field, app_field, allowed in CUSTOM_FIELD_DIRECTIONS:
        for direction in sorted(set(ALL) - allowed):
            index = add_inline_row(refused_data, prefix, _row(netsuite_field, app_field, direction))
            refused_rows[index] = (netsuite_field, direction)
    assert len(refused_rows) == 10
    response = admin_client.post(url, refused_data)
    assert response.status_code == 200
    forms = _mapping_forms(response)
    for index, (netsuite_field, direction) in refused_rows.items():
        errors = forms[index].errors
        assert list(errors) == ["direction"], (netsuite_field, direction, errors)
        assert "is not allowed for these fields" in errors["direction"][0]
    assert not FieldMapping.objects.filter(netsuite_field__startswith="custentity_").exists()

    # Every allowed direction, in one submission (one enabled row per field, so no two rows write one field).
    allowed_data = change_form_data(page)
    for netsuite_field, app_field, allowed in CUSTOM_FIELD_DIRECTIONS:
        for position, direction in enumerate(sorted(allowed)):
            add_inline_row(allowed_data, prefix, _row(netsuite_field, app_field, direction, enabled=position == 0))
    response = admin_client.post(url, allowed_data)
    assert response.status_code == 302, [f.errors for f in _mapping_forms(response) if f.errors]
    saved = {}
    for mapping in FieldMapping.objects.filter(netsuite_field__startswith="custentity_"):
        assert not mapping.is_default
        saved.setdefault(mapping.netsuite_field, set()).add(mapping.direction)
    assert saved == {netsuite_field: allowed for netsuite_field, _, allowed in CUSTOM_FIELD_DIRECTIONS}


def test_two_new_rows_writing_the_same_field_in_one_submission_are_refused(admin_client, seeded_connection):
    url, page = _page(admin_client, seeded_connection)
    prefix = inline_prefix(page, "fieldmapping")
    data = change_form_data(page)
    first = add_inline_row(data, prefix, _row("custentity_nickname", "userDefined.Nickname", "to_app"))
    second = add_inline_row(data, prefix, _row("custentity_tier", "userDefined.Nickname", "to_app"))

    response = admin_client.post(url, data)

    assert response.status_code == 200
    forms = _mapping_forms(response)
    for index in (first, second):
        assert "«userDefined.Nickname» is already written by the mapping" in str(forms[index].non_field_errors())
    assert not FieldMapping.objects.filter(app_field="userDefined.Nickname").exists()


def test_moving_a_target_from_one_saved_row_to_another_in_one_submission_is_allowed(admin_client, seeded_connection):
    url, page = _page(admin_client, seeded_connection)
    prefix = inline_prefix(page, "fieldmapping")
    data = change_form_data(page)
    forms = _mapping_forms(page)
    phone = next(i for i, f in enumerate(forms) if f.instance.netsuite_field == "phone")
    mobile = next(i for i, f in enumerate(forms) if f.instance.netsuite_field == "mobilePhone")
    # Work phone ⇄ mobile phone swap: the database still holds the old rows while the new ones are checked.
    set_inline_value(data, prefix, phone, "app_field", "phone.mobile")
    set_inline_value(data, prefix, mobile, "app_field", "phone.work")

    response = admin_client.post(url, data)

    assert response.status_code == 302
    assert seeded_connection.field_mappings.get(netsuite_field="phone").app_field == "phone.mobile"
    assert seeded_connection.field_mappings.get(netsuite_field="mobilePhone").app_field == "phone.work"


def test_dropdowns_offer_the_cached_fields_with_labels_custom_fields_included(admin_client, seeded_connection):
    _, page = _page(admin_client, seeded_connection)
    html = page.content.decode()
    assert '<option value="custentity_vip">VIP (custentity_vip) · check box (yes/no)</option>' in html
    assert '<option value="userDefined.Tier">Tier (custom field) (userDefined.Tier) · text</option>' in html
    assert '<optgroup label="Custom fields">' in html


def test_the_allowed_directions_and_the_reasons_for_the_others_are_shown_beside_each_saved_pair(
    admin_client, seeded_connection
):
    FieldMapping.objects.create(
        connection=seeded_connection, netsuite_field="custentity_vip", app_field="userDefined.VIP", direction="to_app"
    )
    _, page = _page(admin_client, seeded_connection)
    html = page.content.decode()
    assert "<strong>Allowed:</strong> NetSuite → Google Contacts (written as Yes or No)" in html
    assert "Google Contacts → NetSuite: VIP (custom field) (userDefined.VIP) in Google Contacts is text and VIP" in html
    assert "free text is not a yes/no answer" in html


def test_a_saved_row_that_went_stale_shows_why_and_does_not_block_other_edits(admin_client, seeded_connection):
    seeded_connection.field_mappings.filter(netsuite_field="comments").update(netsuite_field="custentity_gone")
    url, page = _page(admin_client, seeded_connection)
    stale = "«custentity_gone» is not a field of NetSuite (Individual Customers) of ACME sandbox"
    assert f"{stale}; refresh the field catalogs" in page.content.decode()
    assert "«custentity_gone» (not in the field catalog)" in page.content.decode()  # still shown, not replaced
    data = change_form_data(page)
    data["name"] = "Renamed"

    assert admin_client.post(url, data).status_code == 302
    seeded_connection.refresh_from_db()
    assert seeded_connection.name == "Renamed"
    assert seeded_connection.field_mappings.filter(netsuite_field="custentity_gone").exists()


def test_a_new_connection_added_in_the_admin_gets_its_defaults_and_then_shows_them(
    admin_client, netsuite_account, google_account
):
    from connections.models import Subsidiary

    for account in (netsuite_account, google_account):
        account.mark_status("verified")  # the form offers verified accounts only
    subsidiary = Subsidiary.objects.create(account=netsuite_account, internal_id="1", name="Parent Company")
    response = admin_client.post(
        reverse("admin:connections_connection_add"),
        {
            "name": "Added in the admin",
            "netsuite_account": netsuite_account.pk,
            "subsidiary": subsidiary.pk,
            "contact_type": "company_customers",
            "app_account": google_account.pk,
            "app_scope": "",
            "interval_minutes": 15,
            "conflict_policy": "most_recent",
            "netsuite_deletions": "ignore",
            "app_deletions": "ignore",
            "company_matching": "domain_then_name",
            "subscription_sync": "off",
            "deletion_safety_percent": 10,
            "_continue": "1",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    connection = netsuite_account.netsuite_connections.get(name="Added in the admin")
    expected = default_mappings("google_contacts", "company_customers")
    assert connection.field_mappings.filter(is_default=True).count() == len(expected) == 8
    page = admin_client.get(reverse("admin:connections_connection_change", args=[connection.pk]))
    assert "companyName ⇄ organization.name" in page.content.decode()


def test_an_operator_views_mappings_but_cannot_change_them(client, operator_user, seeded_connection):
    client.force_login(operator_user)
    url, page = _page(client, seeded_connection)
    assert page.status_code == 200
    html = page.content.decode()
    assert "firstName ⇄ givenName" in html
    assert 'name="field_mappings-0-direction"' not in html  # shown, not editable
    assert "Refresh field catalogs" not in html

    mapping = seeded_connection.field_mappings.get(netsuite_field="firstName")
    mapping_url = reverse("admin:mappings_fieldmapping_change", args=[mapping.pk])
    assert client.get(mapping_url).status_code == 200
    response = client.post(
        mapping_url, {"netsuite_field": "firstName", "app_field": "givenName", "direction": "to_app", "order": 1}
    )
    assert response.status_code == 403
    assert client.post(url, {"name": "hijack"}).status_code == 403
    mapping.refresh_from_db()
    assert mapping.direction == "two_way"


def test_an_administrator_edits_a_mapping_on_its_own_page_with_the_same_checks(admin_client, seeded_connection):
    mapping = seeded_connection.field_mappings.get(netsuite_field="firstName")
    url = reverse("admin:mappings_fieldmapping_change", args=[mapping.pk])
    assert "First Name (firstName) · text" in admin_client.get(url).content.decode()

    refused = admin_client.post(
        url,
        {
            "netsuite_field": "firstName",
            "app_field": "familyName",
            "direction": "two_way",
            "enabled": "on",
            "order": 10,
        },
    )
    assert refused.status_code == 200
    assert "«familyName» is already written by the mapping lastName ⇄ familyName" in refused.content.decode()

    saved = admin_client.post(
        url, {"netsuite_field": "firstName", "app_field": "givenName", "direction": "to_app", "order": 10}
    )
    assert saved.status_code == 302
    mapping.refresh_from_db()
    assert (mapping.direction, mapping.enabled) == ("to_app", False)  # an unticked box is "off"
