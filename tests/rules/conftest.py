"""Field catalogs shaped like the providers' (NetSuite customer, Google contact), for the rules tests.

Tests refer to fields by id in their tables and look them up here, so one
catalog types every condition and action.
"""

from datetime import UTC, datetime

import pytest

from connections.providers.fields import FieldOption, FieldSpec, FieldType

NOW = datetime(2025, 6, 15, 12, 0, tzinfo=UTC)

ANN = FieldOption("7", "Ann Rep")
BOB = FieldOption("8", "Bob Rep")
CID = FieldOption("9", "Cid Rep")
JOHN_1 = FieldOption("21", "John Smith")
JOHN_2 = FieldOption("22", "John Smith")

WEB = FieldOption("1", "Web")
TRADE_SHOW = FieldOption("2", "Trade Show")
PARTNER_ACME = FieldOption("101", "Acme Partners")
PARTNER_BETA = FieldOption("102", "Beta Resellers")

VIP_GROUP = FieldOption("contactGroups/5a1b", "VIP")
FRIENDS_GROUP = FieldOption("contactGroups/myContacts", "My Contacts")
CUSTOMERS_GROUP = FieldOption("contactGroups/9f2e", "Customers")


def _netsuite() -> dict[str, FieldSpec]:
    fields = [
        FieldSpec("firstName", "First Name", FieldType.TEXT, max_length=32),
        FieldSpec("comments", "Comments", FieldType.LONG_TEXT),
        FieldSpec("email", "Email", FieldType.EMAIL),
        FieldSpec("phone", "Phone", FieldType.PHONE),
        FieldSpec("custentity_site", "Web Site", FieldType.URL, custom=True),
        FieldSpec("custentity_renewal", "Renewal Date", FieldType.DATE, custom=True),
        FieldSpec("lastModifiedDate", "Last Modified", FieldType.DATETIME, writable=False),
        FieldSpec("custentity_vip", "VIP", FieldType.BOOLEAN, custom=True),
        FieldSpec("custentity_seats", "Seats", FieldType.INTEGER, custom=True),
        FieldSpec("custentity_revenue", "Revenue", FieldType.DECIMAL, custom=True),
        FieldSpec(
            "globalSubscriptionStatus",
            "Global Subscription Status",
            FieldType.SELECT,
            options=(
                FieldOption("1", "Soft Opt-In"),
                FieldOption("2", "Soft Opt-Out"),
                FieldOption("3", "Confirmed Opt-In"),
                FieldOption("4", "Confirmed Opt-Out"),
            ),
        ),
        FieldSpec(
            "custentity_interests",
            "Interests",
            FieldType.MULTI_SELECT,
            custom=True,
            options=(FieldOption("a", "Hardware"), FieldOption("b", "Software"), FieldOption("c", "Services")),
        ),
        FieldSpec("salesRep", "Sales Rep", FieldType.REFERENCE, options=(ANN, BOB, CID, JOHN_1, JOHN_2)),
        FieldSpec("partner", "Partner", FieldType.REFERENCE, options=(PARTNER_ACME, PARTNER_BETA)),
        FieldSpec("leadSource", "Initial Lead Source", FieldType.REFERENCE, options=(WEB, TRADE_SHOW)),
        FieldSpec("company", "Company", FieldType.REFERENCE),  # too many records to cache a list
        FieldSpec("subsidiary", "Subsidiary", FieldType.REFERENCE, writable=False, options=(FieldOption("1", "HQ"),)),
        FieldSpec("defaultAddress", "Default Address", FieldType.ADDRESS),
    ]
    return {f.id: f for f in fields}


def _google() -> dict[str, FieldSpec]:
    fields = [
        FieldSpec("givenName", "First name", FieldType.TEXT),
        FieldSpec("email", "Email", FieldType.EMAIL),
        FieldSpec("birthday", "Birthday", FieldType.DATE),
        FieldSpec(
            "memberships", "Contact groups", FieldType.GROUPS, options=(VIP_GROUP, FRIENDS_GROUP, CUSTOMERS_GROUP)
        ),
        FieldSpec("userDefined.Tier", "Tier", FieldType.TEXT, custom=True),
    ]
    return {f.id: f for f in fields}


@pytest.fixture
def netsuite_catalog() -> dict[str, FieldSpec]:
    return _netsuite()


@pytest.fixture
def google_catalog() -> dict[str, FieldSpec]:
    return _google()


@pytest.fixture
def catalog() -> dict[str, FieldSpec]:
    """Every field type in one catalog: NetSuite's fields plus Google's groups."""
    return {**_google(), **_netsuite()}
