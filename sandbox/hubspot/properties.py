"""Property definitions of contacts and companies (reference B.4), and the
checks a written value goes through.

Every value is stored and returned as a string. A write refuses unknown
properties (PROPERTY_DOESNT_EXIST), read-only ones (READ_ONLY_VALUE), options not
in an enumeration (INVALID_OPTION) and values that do not parse for the
property's type. UNCERTAIN: the reference names only PROPERTY_DOESNT_EXIST and
INVALID_OPTION; READ_ONLY_VALUE, INVALID_NUMBER, INVALID_BOOLEAN, INVALID_DATE,
INVALID_DATETIME and INVALID_EMAIL are this sandbox's names for the other refusals.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

from .errors import property_problem

TYPES = ("bool", "date", "datetime", "enumeration", "number", "phone_number", "string")
FIELD_TYPES = (
    "booleancheckbox",
    "calculation_equation",
    "checkbox",
    "date",
    "file",
    "html",
    "number",
    "phonenumber",
    "radio",
    "select",
    "text",
    "textarea",
)
# Which fieldTypes go with which type. UNCERTAIN: not in the reference; this is the
# stricter reading of the spec's enums (a mismatched pair is refused with 400).
FIELD_TYPES_OF = {
    "bool": {"booleancheckbox", "radio", "select"},
    "date": {"date"},
    "datetime": {"date"},
    "enumeration": {"checkbox", "radio", "select", "booleancheckbox"},
    "number": {"number", "calculation_equation"},
    "phone_number": {"phonenumber", "text"},
    "string": {"text", "textarea", "html", "file", "phonenumber"},
}
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass
class PropertyDef:
    """One property of an object type."""

    name: str
    label: str
    type: str
    field_type: str
    group_name: str
    description: str = ""
    options: list[dict] = field(default_factory=list)
    read_only: bool = False
    hubspot_defined: bool = True
    has_unique_value: bool = False
    hidden: bool = False
    form_field: bool = False
    display_order: int = -1
    created_at: str = "2019-08-06T02:43:01.939Z"
    updated_at: str = "2019-08-06T02:43:01.939Z"
    archived: bool = False

    def render(self) -> dict:
        """The ``Property`` object of the API."""
        return {
            "updatedAt": self.updated_at,
            "createdAt": self.created_at,
            "name": self.name,
            "label": self.label,
            "type": self.type,
            "fieldType": self.field_type,
            "description": self.description,
            "groupName": self.group_name,
            "options": [dict(option) for option in self.options],
            "displayOrder": self.display_order,
            "calculated": False,
            "externalOptions": False,
            "hasUniqueValue": self.has_unique_value,
            "hidden": self.hidden,
            "hubspotDefined": self.hubspot_defined,
            "modificationMetadata": {
                "archivable": not self.hubspot_defined,
                "readOnlyDefinition": self.hubspot_defined,
                "readOnlyValue": self.read_only,
            },
            "formField": self.form_field,
            "archived": self.archived,
        }


def _options(*pairs: tuple[str, str]) -> list[dict]:
    return [
        {"label": label, "value": value, "displayOrder": i, "hidden": False, "description": ""}
        for i, (value, label) in enumerate(pairs)
    ]


LIFECYCLE = _options(
    ("subscriber", "Subscriber"),
    ("lead", "Lead"),
    ("marketingqualifiedlead", "Marketing Qualified Lead"),
    ("salesqualifiedlead", "Sales Qualified Lead"),
    ("opportunity", "Opportunity"),
    ("customer", "Customer"),
    ("evangelist", "Evangelist"),
    ("other", "Other"),
)
BOOL_OPTIONS = _options(("true", "Yes"), ("false", "No"))


def _p(name, label, type_, field_type, group, **kw) -> PropertyDef:
    return PropertyDef(name, label, type_, field_type, group, **kw)


def _contact_properties() -> list[PropertyDef]:
    g = "contactinformation"
    return [
        _p("email", "Email", "string", "text", g),
        _p("firstname", "First Name", "string", "text", g),
        _p("lastname", "Last Name", "string", "text", g),
        _p("phone", "Phone Number", "string", "phonenumber", g),
        _p("mobilephone", "Mobile Phone Number", "string", "phonenumber", g),
        _p("company", "Company Name", "string", "text", g),
        _p("jobtitle", "Job Title", "string", "text", g),
        _p("website", "Website URL", "string", "text", g),
        _p("address", "Street Address", "string", "text", g),
        _p("city", "City", "string", "text", g),
        _p("state", "State/Region", "string", "text", g),
        _p("zip", "Postal Code", "string", "text", g),
        _p("country", "Country/Region", "string", "text", g),
        _p("date_of_birth", "Date of birth", "date", "date", g),
        _p("lifecyclestage", "Lifecycle Stage", "enumeration", "radio", g, options=LIFECYCLE),
        _p("associatedcompanyid", "Primary Associated Company ID", "number", "number", g, read_only=True),
        _p(
            "hs_email_optout",
            "Unsubscribed from all email",
            "bool",
            "booleancheckbox",
            g,
            options=BOOL_OPTIONS,
            read_only=True,
        ),
        _p("createdate", "Create Date", "datetime", "date", g, read_only=True),
        _p("lastmodifieddate", "Last Modified Date", "datetime", "date", g, read_only=True),
        _p("hs_lastmodifieddate", "Object last modified date/time", "datetime", "date", g, read_only=True),
        _p("hs_object_id", "Record ID", "number", "number", g, read_only=True),
    ]


def _company_properties() -> list[PropertyDef]:
    g = "companyinformation"
    return [
        _p("name", "Company name", "string", "text", g),
        _p("domain", "Company Domain Name", "string", "text", g),
        _p("phone", "Phone Number", "string", "phonenumber", g),
        _p("website", "Website URL", "string", "text", g),
        _p("address", "Street Address", "string", "text", g),
        _p("city", "City", "string", "text", g),
        _p("state", "State/Region", "string", "text", g),
        _p("zip", "Postal Code", "string", "text", g),
        _p("country", "Country/Region", "string", "text", g),
        _p("description", "Description", "string", "textarea", g),
        _p(
            "industry",
            "Industry",
            "enumeration",
            "select",
            g,
            options=_options(
                ("COMPUTER_SOFTWARE", "Computer Software"),
                ("RETAIL", "Retail"),
                ("FINANCIAL_SERVICES", "Financial Services"),
                ("HOSPITAL_HEALTH_CARE", "Hospital & Health Care"),
            ),
        ),
        _p("numberofemployees", "Number of Employees", "number", "number", g),
        _p("annualrevenue", "Annual Revenue", "number", "number", g),
        _p("lifecyclestage", "Lifecycle Stage", "enumeration", "radio", g, options=LIFECYCLE),
        _p("createdate", "Create Date", "datetime", "date", g, read_only=True),
        _p("hs_lastmodifieddate", "Last Modified Date", "datetime", "date", g, read_only=True),
        _p("hs_object_id", "Record ID", "number", "number", g, read_only=True),
    ]


GROUPS = {
    "contacts": ("contactinformation", "contact_activity", "emailinformation"),
    "companies": ("companyinformation", "company_activity"),
}


def default_properties(object_type: str) -> dict[str, PropertyDef]:
    """The built-in definitions of ``contacts`` or ``companies``."""
    props = _contact_properties() if object_type == "contacts" else _company_properties()
    for order, prop in enumerate(props):
        prop.display_order = order
    return {prop.name: prop for prop in props}


def parse_datetime_ms(value: str) -> int | None:
    """Epoch milliseconds of an epoch-ms or ISO-8601 string (the forms reference B.3 allows), else None."""
    value = value.strip()
    if re.fullmatch(r"-?\d{1,15}", value):
        return int(value)
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return int(parsed.timestamp() * 1000)


def normalise(prop: PropertyDef, value: str) -> tuple[str | None, dict | None]:
    """The stored form of ``value`` for ``prop``, or a problem entry. "" clears."""
    name = prop.name
    if value == "":
        return "", None
    if prop.type == "number":
        try:
            float(value)
        except ValueError:
            return None, property_problem(name, "INVALID_NUMBER", f'"{value}" is not a valid number for "{name}"')
        return value, None
    if prop.type == "bool":
        if value not in ("true", "false"):
            return None, property_problem(name, "INVALID_BOOLEAN", f'"{value}" is not a valid boolean for "{name}"')
        return value, None
    if prop.type == "enumeration":
        allowed = {option["value"] for option in prop.options}
        chosen = value.split(";") if prop.field_type == "checkbox" else [value]
        bad = [v for v in chosen if v not in allowed]
        if bad:
            return None, property_problem(
                name, "INVALID_OPTION", f"{bad[0]} was not one of the allowed options: {sorted(allowed)}"
            )
        return value, None
    if prop.type == "date":
        # Dates are midnight-UTC epoch ms or YYYY-MM-DD; stored as YYYY-MM-DD.
        ms = parse_datetime_ms(value) if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else None
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return value, None
        if ms is None or ms % 86_400_000:
            return None, property_problem(
                name, "INVALID_DATE", f'"{value}" is not a valid date (midnight UTC) for "{name}"'
            )
        return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%d"), None
    if prop.type == "datetime":
        ms = parse_datetime_ms(value)
        if ms is None:
            return None, property_problem(name, "INVALID_DATETIME", f'"{value}" is not a valid datetime for "{name}"')
        return iso_ms(ms), None
    if name == "email" and not EMAIL_PATTERN.match(value):
        return None, property_problem(name, "INVALID_EMAIL", f"Email address {value} is invalid")
    return value, None


def iso_ms(ms: int) -> str:
    """Epoch milliseconds as HubSpot's ISO form, ``2024-01-02T03:04:05.678Z``."""
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"
