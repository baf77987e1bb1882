"""What the simulated account's records look like: record types, their fields, the
static select lists, and the account's custom entity fields.

REST bodies use the camelCase ``name``; SuiteQL and the SQLite tables use its
lower-case form (``column``), as NetSuite does (reference section 4).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from .countries import COUNTRY_NAMES


class Kind(StrEnum):
    """How a field is stored, rendered and validated."""

    ID = "id"
    TEXT = "text"  # free-form text
    LONG_TEXT = "textarea"
    EMAIL = "email"
    PHONE = "phone"
    BOOL = "checkbox"
    INTEGER = "integer"
    DECIMAL = "decimal"
    DATE = "date"
    DATETIME = "datetime"
    REF = "select"  # a reference to a record or a list entry: {"id", "refName", "links"}
    MULTI = "multiselect"  # {"items": [{"id", "links"}, ...]}
    ADDRESS_BOOK = "addressbook"  # the addressBook sublist of customers and contacts (own SuiteQL tables)


TEXT_KINDS = (Kind.TEXT, Kind.LONG_TEXT, Kind.EMAIL, Kind.PHONE)


@dataclass(frozen=True)
class FieldDef:
    """One field of a record type. ``target`` is the referenced record type or list (REF/MULTI)."""

    name: str
    label: str
    kind: Kind
    target: str | None = None
    max_length: int | None = None
    read_only: bool = False
    custom: bool = False
    in_suiteql: bool = True  # sublists and computed texts are REST-only

    @property
    def column(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class RecordType:
    """A REST record type with its standard fields; ``entity`` types share one id sequence."""

    name: str
    label: str
    fields: tuple[FieldDef, ...]
    name_column: str  # the column whose value is the record's refName
    entity: bool = True
    takes_custom_fields: bool = False


def _f(name, label, kind, target=None, max_length=None, **kw) -> FieldDef:
    return FieldDef(name, label, kind, target, max_length, **kw)


_COMMON_HEAD = (
    _f("id", "Internal ID", Kind.ID, read_only=True),
    _f("externalId", "External ID", Kind.TEXT, max_length=255),
)
_COMMON_TAIL = (
    _f("isInactive", "Inactive", Kind.BOOL),
    _f("dateCreated", "Date Created", Kind.DATETIME, read_only=True),
    _f("lastModifiedDate", "Last Modified Date", Kind.DATETIME, read_only=True),
)
_PERSON_NAMES = (
    _f("salutation", "Mr./Ms...", Kind.TEXT, max_length=15),
    _f("firstName", "First Name", Kind.TEXT, max_length=32),
    _f("middleName", "Middle Name", Kind.TEXT, max_length=32),
    _f("lastName", "Last Name", Kind.TEXT, max_length=32),
)

CUSTOMER = RecordType(
    "customer",
    "Customer",
    _COMMON_HEAD
    + (
        _f("entityId", "Customer ID", Kind.TEXT, max_length=83),
        _f("isPerson", "Individual", Kind.BOOL),
        _f("companyName", "Company Name", Kind.TEXT, max_length=83),
    )
    + _PERSON_NAMES
    + (
        _f("title", "Job Title", Kind.TEXT, max_length=99),
        _f("email", "Email", Kind.EMAIL, max_length=254),
        _f("altEmail", "Alt. Email", Kind.EMAIL, max_length=254),
        _f("phone", "Phone", Kind.PHONE, max_length=32),
        _f("altPhone", "Alt. Phone", Kind.PHONE, max_length=32),
        _f("mobilePhone", "Mobile Phone", Kind.PHONE, max_length=32),
        _f("homePhone", "Home Phone", Kind.PHONE, max_length=32),
        _f("fax", "Fax", Kind.PHONE, max_length=32),
        # UNCERTAIN: the reference does not list the customer's web address; NetSuite's record browser
        # names it ``url`` ("Web Address"). Stored as plain text of at most 254 characters.
        _f("url", "Web Address", Kind.TEXT, max_length=254),
        _f("subsidiary", "Primary Subsidiary", Kind.REF, "subsidiary"),
        _f("leadSource", "Lead Source", Kind.REF, "campaign"),
        _f("partner", "Partner", Kind.REF, "partner"),
        _f("salesRep", "Sales Rep", Kind.REF, "employee"),
        _f("entityStatus", "Status", Kind.REF, "entitystatus"),
        _f("category", "Category", Kind.REF, "customercategory"),
        _f("comments", "Comments", Kind.LONG_TEXT, max_length=999),
        _f("globalSubscriptionStatus", "Global Subscription Status", Kind.REF, "globalsubscriptionstatus"),
        _f("defaultAddress", "Default Address", Kind.LONG_TEXT, read_only=True, in_suiteql=False),
        _f("addressBook", "Address Book", Kind.ADDRESS_BOOK, in_suiteql=False),
    )
    + _COMMON_TAIL,
    name_column="entityid",
    takes_custom_fields=True,
)

CONTACT = RecordType(
    "contact",
    "Contact",
    _COMMON_HEAD
    + (_f("entityId", "Contact", Kind.TEXT, max_length=83),)
    + _PERSON_NAMES
    + (
        _f("title", "Job Title", Kind.TEXT, max_length=99),
        _f("company", "Company", Kind.REF, "customer"),
        _f("subsidiary", "Subsidiary", Kind.REF, "subsidiary"),
        _f("email", "Email", Kind.EMAIL, max_length=254),
        _f("altEmail", "Alt. Email", Kind.EMAIL, max_length=254),
        _f("phone", "Main Phone", Kind.PHONE, max_length=32),
        _f("officePhone", "Office Phone", Kind.PHONE, max_length=32),
        _f("mobilePhone", "Mobile Phone", Kind.PHONE, max_length=32),
        _f("homePhone", "Home Phone", Kind.PHONE, max_length=32),
        _f("fax", "Fax", Kind.PHONE, max_length=32),
        _f("contactSource", "Lead Source", Kind.REF, "campaign"),
        _f("comments", "Comments", Kind.LONG_TEXT, max_length=999),
        _f("globalSubscriptionStatus", "Global Subscription Status", Kind.REF, "globalsubscriptionstatus"),
        _f("defaultAddress", "Default Address", Kind.LONG_TEXT, read_only=True, in_suiteql=False),
        _f("addressBook", "Address Book", Kind.ADDRESS_BOOK, in_suiteql=False),
    )
    + _COMMON_TAIL,
    name_column="entityid",
    takes_custom_fields=True,
)

SUBSIDIARY = RecordType(
    "subsidiary",
    "Subsidiary",
    _COMMON_HEAD
    + (
        _f("name", "Name", Kind.TEXT, max_length=83),
        _f("parent", "Subsidiary Of", Kind.REF, "subsidiary"),
        _f("legalName", "Legal Name", Kind.TEXT, max_length=83),
        _f("currency", "Currency", Kind.REF, "currency"),
        _f("isElimination", "Elimination", Kind.BOOL),
        # The country of the subsidiary's main address (reference 4.3: the mainaddress subrecord). NetSuite
        # exposes it on the subsidiary as ``country``, a two-letter code in SuiteQL; UNCERTAIN in the
        # reference, so the sandbox serves only the code (the stricter shape: no display name to lean on).
        _f("country", "Country", Kind.TEXT, max_length=2),
    )
    + _COMMON_TAIL,
    name_column="name",
    entity=False,
)

EMPLOYEE = RecordType(
    "employee",
    "Employee",
    _COMMON_HEAD
    + (_f("entityId", "Name", Kind.TEXT, max_length=83),)
    + _PERSON_NAMES
    + (
        _f("title", "Job Title", Kind.TEXT, max_length=99),
        _f("email", "Email", Kind.EMAIL, max_length=254),
        _f("phone", "Phone", Kind.PHONE, max_length=32),
        _f("subsidiary", "Subsidiary", Kind.REF, "subsidiary"),
        _f("isSalesRep", "Sales Rep", Kind.BOOL),
    )
    + _COMMON_TAIL,
    name_column="entityid",
)

PARTNER = RecordType(
    "partner",
    "Partner",
    _COMMON_HEAD
    + (
        _f("entityId", "Partner ID", Kind.TEXT, max_length=83),
        _f("isPerson", "Individual", Kind.BOOL),
        _f("companyName", "Company Name", Kind.TEXT, max_length=83),
    )
    + _PERSON_NAMES
    + (
        _f("email", "Email", Kind.EMAIL, max_length=254),
        _f("phone", "Phone", Kind.PHONE, max_length=32),
        _f("subsidiary", "Subsidiary", Kind.REF, "subsidiary"),
    )
    + _COMMON_TAIL,
    name_column="entityid",
)

# Lead sources are campaign records (a customer's leadSource points at one).
CAMPAIGN = RecordType(
    "campaign",
    "Campaign",
    _COMMON_HEAD
    + (
        _f("campaignId", "ID", Kind.TEXT, max_length=99),
        _f("title", "Title", Kind.TEXT, max_length=199),
        _f("category", "Category", Kind.TEXT, max_length=99),
    )
    + _COMMON_TAIL,
    name_column="title",
    entity=False,
)

RECORD_TYPES: dict[str, RecordType] = {
    rt.name: rt for rt in (SUBSIDIARY, CAMPAIGN, EMPLOYEE, PARTNER, CUSTOMER, CONTACT)
}
# Seeding and generation order: a record only references types seeded before it.
SEED_ORDER = ("subsidiary", "campaign", "employee", "partner", "customer", "contact")


@dataclass
class SelectList:
    """A static list a REF/MULTI field points at (SuiteQL table ``name``: id, name, isinactive)."""

    name: str
    options: dict[int, str]
    rest_type: str | None = None  # record type used in the reference's self link
    extra_columns: dict[str, dict[int, object]] = field(default_factory=dict)


def standard_lists() -> dict[str, SelectList]:
    """Lists every account has (fresh copies: custom lists are added per account)."""
    return {
        "entitystatus": SelectList(
            "entitystatus",
            {
                6: "LEAD-Unqualified",
                7: "LEAD-Qualified",
                8: "PROSPECT-In Discussion",
                10: "PROSPECT-Proposal",
                13: "CUSTOMER-Closed Won",
                16: "CUSTOMER-Renewal",
            },
            rest_type="customerstatus",
            extra_columns={
                "stage": {6: "LEAD", 7: "LEAD", 8: "PROSPECT", 10: "PROSPECT", 13: "CUSTOMER", 16: "CUSTOMER"}
            },
        ),
        "customercategory": SelectList(
            "customercategory", {1: "Corporate", 2: "Individual", 3: "Reseller", 4: "Nonprofit"}, "customercategory"
        ),
        "currency": SelectList("currency", {1: "US Dollar", 2: "British pound", 3: "Canadian Dollar", 4: "Euro"}),
        # UNCERTAIN (reference 4.1): the numeric ids of the subscription statuses.
        "globalsubscriptionstatus": SelectList(
            "globalsubscriptionstatus",
            {1: "Soft Opt-Out", 2: "Soft Opt-In", 3: "Confirmed Opt-In", 4: "Confirmed Opt-Out"},
        ),
    }


DEFAULT_ENTITY_STATUS = 13
DEFAULT_SUBSCRIPTION_STATUS = 2  # Soft Opt-In


@dataclass(frozen=True)
class CustomFieldDef:
    """An account custom entity field (``custentity_*``), applying to customer and/or contact."""

    script_id: str
    label: str
    kind: Kind
    applies_to: tuple[str, ...] = ("customer", "contact")
    list_name: str | None = None  # customlist_* for list/record and multiple select
    record_type: str | None = None  # or a record type (e.g. "employee") for list/record

    def as_field(self) -> FieldDef:
        max_length = {Kind.TEXT: 300, Kind.EMAIL: 254, Kind.PHONE: 32, Kind.LONG_TEXT: 4000}.get(self.kind)
        return FieldDef(
            self.script_id, self.label, self.kind, self.list_name or self.record_type, max_length, custom=True
        )


def demo_custom_fields() -> tuple[list[CustomFieldDef], dict[str, SelectList]]:
    """The account's custom fields (one of every type) and the custom lists they use."""
    lists = {
        "customlist_loyalty_tier": SelectList(
            "customlist_loyalty_tier", {1: "Gold", 2: "Silver", 3: "Bronze"}, "customlist_loyalty_tier"
        ),
        "customlist_interests": SelectList(
            "customlist_interests",
            {1: "Hiking", 2: "Cooking", 3: "Music", 4: "Travel", 5: "Photography"},
            "customlist_interests",
        ),
    }
    fields = [
        CustomFieldDef("custentity_vip", "VIP", Kind.BOOL),
        CustomFieldDef("custentity_nickname", "Nickname", Kind.TEXT),
        CustomFieldDef("custentity_renewal_date", "Renewal Date", Kind.DATE),
        CustomFieldDef("custentity_loyalty_tier", "Loyalty Tier", Kind.REF, list_name="customlist_loyalty_tier"),
        CustomFieldDef("custentity_interests", "Interests", Kind.MULTI, list_name="customlist_interests"),
        CustomFieldDef("custentity_account_manager", "Account Manager", Kind.REF, record_type="employee"),
        CustomFieldDef("custentity_seats", "Seats", Kind.INTEGER),
        CustomFieldDef("custentity_discount_rate", "Discount Rate", Kind.DECIMAL),
        CustomFieldDef("custentity_billing_email", "Billing Email", Kind.EMAIL),
        CustomFieldDef("custentity_assistant_phone", "Assistant Phone", Kind.PHONE),
        CustomFieldDef("custentity_notes", "Internal Notes", Kind.LONG_TEXT, applies_to=("customer",)),
    ]
    return fields, lists


COUNTRIES = COUNTRY_NAMES  # ISO 3166-1 alpha-2 code -> name (countries.py)


# --- address books (reference 2.3, 4.1) -------------------------------------------
# Customers and contacts keep their addressBook sublist lines in two SuiteQL tables each, as
# NetSuite does: ``<owner>addressbook`` (one row per line, keyed by ``internalid``, pointing at
# the record with ``entity`` and at its address subrecord with ``addressbookaddress``) and
# ``<owner>addressbookentityaddress`` (the address subrecords, keyed by ``nkey``).
ADDRESS_BOOK_OWNERS = ("customer", "contact")
ADDRESS_BOOK_COLUMNS: dict[str, Kind] = {
    "internalid": Kind.ID,
    "entity": Kind.REF,
    "label": Kind.TEXT,
    "defaultbilling": Kind.BOOL,
    "defaultshipping": Kind.BOOL,
    "addressbookaddress": Kind.INTEGER,
}
ENTITY_ADDRESS_COLUMNS: dict[str, Kind] = {
    "nkey": Kind.ID,
    "addressee": Kind.TEXT,
    "attention": Kind.TEXT,
    "addr1": Kind.TEXT,
    "addr2": Kind.TEXT,
    "addr3": Kind.TEXT,
    "city": Kind.TEXT,
    "state": Kind.TEXT,
    "zip": Kind.TEXT,
    "country": Kind.TEXT,  # the two-letter code; BUILTIN.DF gives the code too (no country table)
    "addrphone": Kind.TEXT,
    "addrtext": Kind.TEXT,
}
# REST name of each address subrecord property -> its column.
ADDRESS_FIELDS = {
    "addressee": "addressee",
    "attention": "attention",
    "addr1": "addr1",
    "addr2": "addr2",
    "addr3": "addr3",
    "city": "city",
    "state": "state",
    "zip": "zip",
    "country": "country",
    "addrPhone": "addrphone",
}


def address_book_table(owner: str) -> str:
    return f"{owner}addressbook"


def entity_address_table(owner: str) -> str:
    return f"{owner}addressbookentityaddress"


def address_text(address: dict) -> str:
    """The multi-line text NetSuite shows for an address (``addrText``, and ``defaultAddress``)."""
    city_line = " ".join(x for x in (address.get("city"), address.get("state"), address.get("zip")) if x)
    lines = [
        address.get("attention"),
        address.get("addressee"),
        address.get("addr1"),
        address.get("addr2"),
        address.get("addr3"),
        city_line,
        COUNTRIES.get(address.get("country", ""), None),
    ]
    return "\n".join(x for x in lines if x)
