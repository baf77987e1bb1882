"""Catalogs as a refresh leaves them (custom fields, option lists), and connections: shared by the admin tests."""

from __future__ import annotations

from dataclasses import replace

from connections.models import ConnectedAccount, Connection, Subsidiary
from connections.providers.fields import FieldOption, FieldSpec, FieldType
from mappings.catalogs import app_catalog, netsuite_catalog
from mappings.models import FieldCatalog

T = FieldType

# NetSuite custom fields of each type a NetSuite admin can create on an entity.
NETSUITE_CUSTOM_FIELDS = (
    FieldSpec("custentity_nickname", "Nickname", T.TEXT, custom=True, max_length=300),
    FieldSpec("custentity_vip", "VIP", T.BOOLEAN, custom=True),
    FieldSpec("custentity_renewal", "Renewal Date", T.DATE, custom=True),
    FieldSpec(
        "custentity_tier",
        "Tier",
        T.SELECT,
        custom=True,
        options=(FieldOption("1", "Gold"), FieldOption("2", "Silver")),
    ),
    FieldSpec("custentity_account_manager", "Account Manager", T.REFERENCE, custom=True),
    FieldSpec(
        "custentity_interests",
        "Interests",
        T.MULTI_SELECT,
        custom=True,
        options=(FieldOption("a", "Hardware"), FieldOption("b", "Software")),
    ),
    FieldSpec("custentity_seats", "Seats", T.INTEGER, custom=True),
    FieldSpec("custentity_revenue", "Revenue", T.DECIMAL, custom=True),
)

SALES_REPS = (FieldOption("7", "Ann Rep"), FieldOption("8", "Bob Rep"))
LEAD_SOURCES = (FieldOption("1", "Web"), FieldOption("2", "Trade Show"))
PARTNERS = (FieldOption("101", "Acme Partners"),)
GROUPS = (FieldOption("contactGroups/myContacts", "My Contacts"), FieldOption("contactGroups/5a1b", "VIP"))
USER_DEFINED_KEYS = ("Nickname", "VIP", "Renewal", "Tier", "Manager", "Interests", "Seats", "Revenue")

_OPTIONS = {"salesRep": SALES_REPS, "leadSource": LEAD_SOURCES, "partner": PARTNERS}


def netsuite_live_catalog(contact_type: str) -> list[FieldSpec]:
    """The standard fields of ``contact_type`` with option lists, then the custom fields: what a refresh stores."""
    standard = [replace(s, options=_OPTIONS.get(s.id, s.options)) for s in netsuite_catalog(contact_type)]
    return standard + list(NETSUITE_CUSTOM_FIELDS)


def google_live_catalog() -> list[FieldSpec]:
    """Google's standard fields, the groups as options of memberships, and userDefined custom fields."""
    fields = []
    for spec in app_catalog("google_contacts", "contacts"):
        if spec.id == "memberships":
            spec = FieldSpec(spec.id, spec.label, spec.type, options=GROUPS)
        fields.append(spec)
    fields += [FieldSpec(f"userDefined.{k}", f"{k} (custom field)", T.TEXT, custom=True) for k in USER_DEFINED_KEYS]
    return fields


def seed_catalog(account: ConnectedAccount, object_type: str, specs: list[FieldSpec]) -> FieldCatalog:
    """Store a catalog as a refresh would (no HTTP)."""
    catalog, _ = FieldCatalog.objects.update_or_create(
        account=account, object_type=object_type, defaults={"fields": [spec.to_dict() for spec in specs]}
    )
    return catalog


def make_google_account(label: str = "Sales Google", email: str = "s@ex.com") -> ConnectedAccount:
    return ConnectedAccount.objects.create(provider="google_contacts", label=label, account_id=email)


def make_connection(
    netsuite_account: ConnectedAccount, app_account: ConnectedAccount, contact_type: str = "contacts"
) -> Connection:
    subsidiary, _ = Subsidiary.objects.get_or_create(
        account=netsuite_account, internal_id="1", defaults={"name": "Parent Company"}
    )
    return Connection.objects.create(
        name=f"ACME {contact_type} ⇄ Google",
        netsuite_account=netsuite_account,
        subsidiary=subsidiary,
        contact_type=contact_type,
        app_account=app_account,
    )


def seed_live_catalogs(connection: Connection) -> None:
    """Both sides of ``connection`` as refreshed: NetSuite with custom fields and lists, Google with groups."""
    seed_catalog(connection.netsuite_account, connection.contact_type, netsuite_live_catalog(connection.contact_type))
    seed_catalog(connection.app_account, "contacts", google_live_catalog())
