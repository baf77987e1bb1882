"""The standard catalogs, the default mappings per contact type, and custom fields against Google userDefined."""

from __future__ import annotations

import pytest

from connections.choices import NetSuiteContactType
from connections.providers.fields import FieldOption, FieldSpec, FieldType
from mappings.catalogs import app_catalog, field_by_id, netsuite_catalog
from mappings.choices import Direction
from mappings.compatibility import allowed_directions
from mappings.defaults import default_mapping_table_markdown, default_mappings, providers_with_defaults

T = FieldType
CT = NetSuiteContactType
TWO, TO_APP = Direction.TWO_WAY, Direction.TO_APP


@pytest.mark.parametrize("contact_type", list(CT))
def test_every_default_mapping_has_a_direction_the_table_allows(contact_type, netsuite_fields, google_fields):
    for mapping in default_mappings("google_contacts", contact_type):
        netsuite_field = netsuite_fields[contact_type][mapping.netsuite_field]
        app_field = google_fields[mapping.app_field]
        verdict = allowed_directions(netsuite_field, app_field, app_label="Google Contacts")
        assert verdict.allows(mapping.direction), (mapping, verdict.reasons.get(mapping.direction))


@pytest.mark.parametrize("contact_type", list(CT))
def test_no_field_is_written_twice_by_the_defaults(contact_type):
    mappings = default_mappings("google_contacts", contact_type)
    assert len({m.app_field for m in mappings}) == len(mappings)
    # One NetSuite field may feed two app fields (companyName → Company and Name), never be written by two.
    to_netsuite = [m.netsuite_field for m in mappings if m.direction != TO_APP]
    assert len(set(to_netsuite)) == len(to_netsuite)


EXPECTED_DEFAULTS = {
    CT.COMPANY_CUSTOMERS: {
        ("companyName", "organization.name", TWO),
        ("companyName", "name", TO_APP),  # the company's name is the Google contact's name
        ("email", "email", TWO),
        ("phone", "phone.work", TWO),
        ("mobilePhone", "phone.mobile", TWO),
        ("altPhone", "phone.other", TWO),
        ("defaultAddress", "address.work", TWO),  # a company's address: Google's first work address
        ("comments", "notes", TWO),
    },
    CT.INDIVIDUAL_CUSTOMERS: {
        ("firstName", "givenName", TWO),
        ("lastName", "familyName", TWO),
        ("title", "organization.title", TWO),
        ("email", "email", TWO),
        ("phone", "phone.work", TWO),
        ("mobilePhone", "phone.mobile", TWO),
        ("altPhone", "phone.other", TWO),
        ("defaultAddress", "address.home", TWO),  # an individual's address: Google's first home address
        ("comments", "notes", TWO),
    },
    CT.CONTACTS: {
        ("firstName", "givenName", TWO),
        ("lastName", "familyName", TWO),
        ("company", "organization.name", TWO),
        ("title", "organization.title", TWO),
        ("email", "email", TWO),
        ("phone", "phone.work", TWO),
        ("mobilePhone", "phone.mobile", TWO),
        ("homePhone", "phone.home", TWO),
        ("defaultAddress", "address.work", TWO),  # a contact works at a customer company
        ("comments", "notes", TWO),
    },
}


@pytest.mark.parametrize("contact_type", list(CT))
def test_each_contact_type_gets_the_documented_defaults(contact_type):
    got = {(m.netsuite_field, m.app_field, m.direction) for m in default_mappings("google_contacts", contact_type)}
    assert got == EXPECTED_DEFAULTS[contact_type]


def test_the_contacts_company_is_two_way_because_netsuite_links_it_by_name(netsuite_fields, google_fields):
    company, organization = netsuite_fields[CT.CONTACTS]["company"], google_fields["organization.name"]
    assert company.linked_by_name and not company.options
    verdict = allowed_directions(company, organization, app_label="Google Contacts")
    assert verdict.allowed == {TWO, TO_APP, Direction.TO_NETSUITE}
    assert "NetSuite links the record of that name when it writes it" in verdict.notes[Direction.TO_NETSUITE]
    # Another reference whose records are not listed still cannot be picked by free text.
    unlisted = FieldSpec("salesRep", "Sales Rep", T.REFERENCE)
    verdict = allowed_directions(unlisted, organization, app_label="Google Contacts")
    assert verdict.allowed == {TO_APP}
    assert "free text cannot safely pick which record to link to" in verdict.reasons[Direction.TO_NETSUITE]


def test_apps_without_defaults_yet_get_none_and_unknown_contact_types_are_refused():
    assert default_mappings("an_app_not_installed", CT.CONTACTS) == ()
    with pytest.raises(LookupError):
        default_mappings("google_contacts", "vendors")
    assert providers_with_defaults() == ["google_contacts", "hubspot", "mailchimp"]


def test_the_readme_table_lists_each_contact_type_with_its_rows():
    markdown = default_mapping_table_markdown()
    sections = markdown.split("#### ")[1:]
    assert [s.splitlines()[0] for s in sections] == ["Company Customers", "Individual Customers", "Contacts"]
    company, individual, contacts = sections
    assert "| Company Name (`companyName`) | ⇄ | Company (`organization.name`) |" in company
    assert "givenName" not in company
    assert "| First Name (`firstName`) | ⇄ | First name (`givenName`) |" in individual
    assert "| Company (`company`) | ⇄ | Company (`organization.name`) |" in contacts
    assert "| Home Phone (`homePhone`) | ⇄ | Home phone (`phone.home`) |" in contacts
    assert "| Default Address (`defaultAddress`) | ⇄ | Work address (`address.work`) |" in company
    assert "| Default Address (`defaultAddress`) | ⇄ | Home address (`address.home`) |" in individual
    for section, contact_type in zip(sections, CT, strict=True):
        rows = [line for line in section.splitlines() if line.startswith("| ") and "`" in line]
        assert len(rows) == len(default_mappings("google_contacts", contact_type))


CANONICAL_TYPES = {
    "salutation": T.TEXT,
    "firstName": T.TEXT,
    "middleName": T.TEXT,
    "lastName": T.TEXT,
    "companyName": T.TEXT,
    "email": T.EMAIL,
    "altEmail": T.EMAIL,
    "phone": T.PHONE,
    "altPhone": T.PHONE,
    "officePhone": T.PHONE,
    "mobilePhone": T.PHONE,
    "homePhone": T.PHONE,
    "fax": T.PHONE,
    "title": T.TEXT,
    "comments": T.LONG_TEXT,
    "url": T.URL,
    "leadSource": T.REFERENCE,
    "contactSource": T.REFERENCE,
    "partner": T.REFERENCE,
    "salesRep": T.REFERENCE,
    "entityStatus": T.REFERENCE,
    "category": T.REFERENCE,
    "company": T.REFERENCE,
    "subsidiary": T.REFERENCE,
    "globalSubscriptionStatus": T.SELECT,
    "isInactive": T.BOOLEAN,
    "defaultAddress": T.ADDRESS,
    "externalId": T.TEXT,
    "entityId": T.TEXT,
    "dateCreated": T.DATETIME,
    "lastModifiedDate": T.DATETIME,
}
READ_ONLY = {"subsidiary", "externalId", "entityId", "dateCreated", "lastModifiedDate"}
# NetSuite's contact record has none of these (reference, 4.1 and 4.2); its Initial Lead Source is contactSource.
CUSTOMER_ONLY = {"companyName", "altPhone", "entityStatus", "category", "leadSource", "partner", "salesRep"}


@pytest.mark.parametrize("contact_type", list(CT))
def test_netsuite_catalogs_use_the_canonical_ids_types_and_writability(contact_type):
    catalog = netsuite_catalog(contact_type)
    ids = [spec.id for spec in catalog]
    assert len(ids) == len(set(ids))
    # The address's parts are fields too, derived by mappings (mappings.addresses), not listed by NetSuite.
    parts = {spec.id: spec.type for spec in catalog if spec.id.startswith("defaultAddress.")}
    assert parts == ADDRESS_PARTS("defaultAddress")
    for spec in (spec for spec in catalog if spec.id not in parts):
        assert spec.type == CANONICAL_TYPES[spec.id], spec.id
        assert spec.writable == (spec.id not in READ_ONLY), spec.id
        assert not spec.custom and spec.label
    has = set(ids)
    assert {"email", "altEmail", "phone", "mobilePhone", "fax", "comments", "defaultAddress", "subsidiary"} <= has
    if contact_type == CT.CONTACTS:
        assert {"company", "contactSource", "officePhone", "salutation", "middleName"} <= has
        assert not has & CUSTOMER_ONLY
    else:
        assert not has & {"company", "contactSource", "officePhone"} and CUSTOMER_ONLY - {"companyName"} <= has
    assert ("companyName" in has) == (contact_type == CT.COMPANY_CUSTOMERS)
    assert ("firstName" in has) == ("title" in has) == (contact_type != CT.COMPANY_CUSTOMERS)


def ADDRESS_PARTS(address_id: str) -> dict[str, FieldType]:  # noqa: N802 (a table, like CANONICAL_TYPES)
    """The part fields every address field brings: text, and the country as a choice of ISO codes."""
    parts = {f"{address_id}.{key}": T.TEXT for key in ("street", "city", "region", "postal_code")}
    return {**parts, f"{address_id}.country": T.SELECT}


def test_the_google_catalog_uses_the_canonical_ids_and_types():
    catalog = {spec.id: spec.type for spec in app_catalog("google_contacts", "contacts")}
    assert catalog == {
        "givenName": T.TEXT,
        "familyName": T.TEXT,
        "email": T.EMAIL,
        "phone.work": T.PHONE,
        "phone.mobile": T.PHONE,
        "phone.home": T.PHONE,
        "phone.other": T.PHONE,
        "organization.name": T.TEXT,
        "organization.title": T.TEXT,
        "name": T.TEXT,
        "address": T.ADDRESS,
        "address.work": T.ADDRESS,
        "address.home": T.ADDRESS,
        **ADDRESS_PARTS("address"),
        **ADDRESS_PARTS("address.work"),
        **ADDRESS_PARTS("address.home"),
        "notes": T.LONG_TEXT,
        "birthday": T.DATE,
        "url": T.URL,
        "memberships": T.GROUPS,
    }
    assert all(spec.writable for spec in app_catalog("google_contacts"))


def test_unknown_catalogs_and_fields_are_lookup_errors():
    with pytest.raises(LookupError):
        netsuite_catalog("vendors")
    with pytest.raises(LookupError):
        app_catalog("an_app_not_installed", "contacts")
    with pytest.raises(LookupError, match="custentity_vip"):
        field_by_id(netsuite_catalog(CT.CONTACTS), "custentity_vip")


# A NetSuite custom field of each type against a Google userDefined field (always text): the directions.
USER_DEFINED = FieldSpec("userDefined.Tier", "Tier (custom)", T.TEXT, custom=True)
LEVELS = (FieldOption("1", "Gold"), FieldOption("2", "Silver"))
BOTH_ONE_WAY = {Direction.TO_APP, Direction.TO_NETSUITE}


@pytest.mark.parametrize(
    ("custom_type", "options", "expected"),
    [
        (T.TEXT, (), {TWO} | BOTH_ONE_WAY),
        (T.LONG_TEXT, (), {TWO} | BOTH_ONE_WAY),
        (T.BOOLEAN, (), {TO_APP}),
        (T.DATE, (), {TO_APP}),
        (T.DATETIME, (), {TO_APP}),
        (T.SELECT, LEVELS, {TWO} | BOTH_ONE_WAY),  # list/record with a known list: text must name an option
        (T.SELECT, (), {TO_APP}),  # list/record whose options were not read
        (T.REFERENCE, (), {TO_APP}),
        (T.REFERENCE, LEVELS, {TWO} | BOTH_ONE_WAY),  # e.g. an employee: text names one of them
        (T.MULTI_SELECT, LEVELS, {TWO} | BOTH_ONE_WAY),  # every name, "; "-separated, splits back
        (T.INTEGER, (), {TO_APP}),
        (T.DECIMAL, (), {TO_APP}),
        (T.EMAIL, (), {TO_APP}),
        (T.PHONE, (), {TO_APP}),
        (T.URL, (), {TO_APP}),
    ],
)
def test_a_netsuite_custom_field_maps_to_a_google_user_defined_field_as_the_table_decides(
    custom_type, options, expected
):
    custom = FieldSpec("custentity_x", "X", custom_type, custom=True, options=options)
    verdict = allowed_directions(custom, USER_DEFINED, app_label="Google Contacts")
    assert verdict.allowed == frozenset(expected)
    for direction in set(Direction) - expected:
        assert "X (custentity_x)" in verdict.reasons[direction] or "read-only" in verdict.reasons[direction]
