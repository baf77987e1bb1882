"""The default field mappings, per (app provider, NetSuite contact type), as data.

A new connection starts with these mappings, each of which can then be
switched off one by one. Every direction here must be one the compatibility
table allows for the standard catalogs (:mod:`mappings.catalogs`); a test
checks it. :func:`default_mapping_table_markdown` renders them for the README.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from connections.choices import NetSuiteContactType
from connections.providers.registry import GOOGLE_CONTACTS, PROVIDERS

from .catalogs import GOOGLE_CONTACTS_OBJECT, app_catalog, field_by_id, netsuite_catalog
from .choices import Direction
from .compatibility import allowed_directions


@dataclass(frozen=True)
class DefaultMapping:
    """One default mapping: a NetSuite field, an app field and the direction values flow."""

    netsuite_field: str
    app_field: str
    direction: Direction


def _m(netsuite_field: str, app_field: str, direction: Direction = Direction.TWO_WAY) -> DefaultMapping:
    return DefaultMapping(netsuite_field, app_field, direction)


# Shared tails, in the order the admin shows them.
_EMAIL = _m("email", "email")
_WORK_PHONE = _m("phone", "phone.work")
_MOBILE_PHONE = _m("mobilePhone", "phone.mobile")
# Not in the defaults (yet): defaultAddress ⇄ address. NetSuite keeps addresses in
# the addressBook sublist, which the NetSuite provider does not read or write yet
# (it would need one GET per record, or SuiteQL joins on the address tables). It can
# be added as a custom mapping once the provider supports it.
_NOTES = _m("comments", "notes")
_NAMES = (_m("firstName", "givenName"), _m("lastName", "familyName"))
_TITLE = _m("title", "organization.title")

DEFAULT_MAPPINGS: Mapping[tuple[str, str], tuple[DefaultMapping, ...]] = MappingProxyType(
    {
        (GOOGLE_CONTACTS, NetSuiteContactType.COMPANY_CUSTOMERS): (
            _m("companyName", "organization.name"),
            # A Google contact with only an organization has no name (no displayName):
            # the company name is its name too, so the company shows under it.
            _m("companyName", "name", Direction.TO_APP),
            _EMAIL,
            _WORK_PHONE,
            _MOBILE_PHONE,
            _m("altPhone", "phone.other"),
            _NOTES,
        ),
        (GOOGLE_CONTACTS, NetSuiteContactType.INDIVIDUAL_CUSTOMERS): (
            *_NAMES,
            _TITLE,
            _EMAIL,
            _WORK_PHONE,
            _MOBILE_PHONE,
            _m("altPhone", "phone.other"),
            _NOTES,
        ),
        (GOOGLE_CONTACTS, NetSuiteContactType.CONTACTS): (
            *_NAMES,
            # The contact's company is a link to a customer record: its name flows to Google,
            # but free text from Google cannot pick which customer to link to.
            _m("company", "organization.name", Direction.TO_APP),
            _TITLE,
            _EMAIL,
            _WORK_PHONE,
            _MOBILE_PHONE,
            _m("homePhone", "phone.home"),
            _NOTES,
        ),
    }
)

# The object type of the app's catalog each provider's defaults refer to.
_APP_OBJECT_TYPES = MappingProxyType({GOOGLE_CONTACTS: GOOGLE_CONTACTS_OBJECT})


def default_mappings(app_provider: str, contact_type: str) -> tuple[DefaultMapping, ...]:
    """The default mappings of a connection between NetSuite ``contact_type`` records and ``app_provider``.

    An app without defaults yet (HubSpot, Mailchimp) has none: an empty tuple.
    An unknown contact type is a ``LookupError``.
    """
    if contact_type not in NetSuiteContactType.values:
        raise LookupError(f"unknown NetSuite contact type {contact_type!r}")
    return DEFAULT_MAPPINGS.get((app_provider, contact_type), ())


_ARROWS = {Direction.TWO_WAY: "⇄", Direction.TO_APP: "→", Direction.TO_NETSUITE: "←"}


def default_mapping_table_markdown(app_provider: str = GOOGLE_CONTACTS) -> str:
    """The default mappings as Markdown, one table per NetSuite contact type (for the README)."""
    app_label = PROVIDERS[app_provider].label
    app_fields = app_catalog(app_provider, _APP_OBJECT_TYPES[app_provider])
    sections = []
    for contact_type in NetSuiteContactType:
        netsuite_fields = netsuite_catalog(contact_type)
        rows = [
            f"| NetSuite field | Direction | {app_label} field | Notes |",
            "|---|:---:|---|---|",
        ]
        for mapping in default_mappings(app_provider, contact_type):
            netsuite_field = field_by_id(netsuite_fields, mapping.netsuite_field)
            app_field = field_by_id(app_fields, mapping.app_field)
            note = allowed_directions(netsuite_field, app_field, app_label=app_label).notes.get(mapping.direction, "")
            rows.append(
                f"| {netsuite_field.label} (`{netsuite_field.id}`) | {_ARROWS[mapping.direction]}"
                f" | {app_field.label} (`{app_field.id}`) | {note} |"
            )
        sections.append(f"#### {contact_type.label}\n\n" + "\n".join(rows))
    legend = f"⇄ two-way, → NetSuite to {app_label} only, ← {app_label} to NetSuite only."
    return "\n\n".join([*sections, legend]) + "\n"
