"""Person fields: the field masks the People API accepts, what a contact may
store, and how a stored field is shown (computed output-only values).

The field lists are those of the discovery document's parameter descriptions
(``personFields``, ``updatePersonFields``). Masks are parsed strictly: comma
separated, camelCase paths, no blanks (UNCERTAIN whether Google trims spaces
or takes snake_case paths; the sandbox refuses both).
"""

from __future__ import annotations

from .errors import invalid_argument

READ_FIELDS = (
    "addresses",
    "ageRanges",
    "biographies",
    "birthdays",
    "calendarUrls",
    "clientData",
    "coverPhotos",
    "emailAddresses",
    "events",
    "externalIds",
    "genders",
    "imClients",
    "interests",
    "locales",
    "locations",
    "memberships",
    "metadata",
    "miscKeywords",
    "names",
    "nicknames",
    "occupations",
    "organizations",
    "phoneNumbers",
    "photos",
    "relations",
    "sipAddresses",
    "skills",
    "urls",
    "userDefined",
)
UPDATABLE_FIELDS = (
    "addresses",
    "biographies",
    "birthdays",
    "calendarUrls",
    "clientData",
    "emailAddresses",
    "events",
    "externalIds",
    "genders",
    "imClients",
    "interests",
    "locales",
    "locations",
    "memberships",
    "miscKeywords",
    "names",
    "nicknames",
    "occupations",
    "organizations",
    "phoneNumbers",
    "relations",
    "sipAddresses",
    "urls",
    "userDefined",
)
# Contact data a write stores (memberships and clientData are kept apart).
STORED_FIELDS = tuple(f for f in UPDATABLE_FIELDS if f not in ("memberships", "clientData"))
SINGLETON_FIELDS = ("biographies", "birthdays", "genders", "names")
# Items whose value must not be empty (UNCERTAIN: the sandbox refuses them rather than store an empty entry).
REQUIRED_ITEM_KEYS = {
    "emailAddresses": ("value",),
    "phoneNumbers": ("value",),
    "urls": ("value",),
    "userDefined": ("key", "value"),
    "clientData": ("key",),
}
# Output-only keys dropped from written items (Google ignores them on writes).
_OUTPUT_ONLY = {
    "names": ("displayName", "displayNameLastFirst"),
    "emailAddresses": ("formattedType",),
    "phoneNumbers": ("formattedType", "canonicalForm"),
    "addresses": ("formattedType",),
    "organizations": ("formattedType",),
    "urls": ("formattedType",),
    "events": ("formattedType",),
    "relations": ("formattedType",),
    "imClients": ("formattedType", "formattedProtocol"),
    "sipAddresses": ("formattedType",),
    "calendarUrls": ("formattedType",),
    "genders": ("formattedValue",),
    "memberships": ("domainMembership",),
}
_FORMATTED_TYPES = {
    "home": "Home",
    "work": "Work",
    "other": "Other",
    "mobile": "Mobile",
    "homeFax": "Home Fax",
    "workFax": "Work Fax",
    "otherFax": "Other Fax",
    "pager": "Pager",
    "workMobile": "Work Mobile",
    "workPager": "Work Pager",
    "main": "Main",
    "googleVoice": "Google Voice",
    "school": "School",
    "homePage": "Home Page",
    "blog": "Blog",
    "profile": "Profile",
    "appInstallPage": "App Install Page",
    "reference": "Reference",
}
DOC_LINK = "https://developers.google.com/people/api/rest/v1/people/get"


def parse_mask(value: str | None, param: str, allowed: tuple[str, ...], *, required: bool) -> tuple[str, ...] | None:
    """The paths of field mask ``param``; None when absent and optional.

    Raises 400 INVALID_ARGUMENT for a missing required mask or a path outside ``allowed``.
    """
    if not value:
        if required:
            raise invalid_argument(
                f"{param} mask is required. Please specify one or more valid paths. "
                f"Valid paths are documented at {DOC_LINK}.",
                param,
            )
        return None
    paths = value.split(",")
    for path in paths:
        if path not in allowed:
            raise invalid_argument(
                f'Invalid {param} mask path: "{path}". Valid paths are documented at {DOC_LINK}.', param
            )
    return tuple(dict.fromkeys(paths))


def read_mask_from(request_arg, *, required: bool) -> tuple[str, ...] | None:
    """``personFields``, or the deprecated ``requestMask.includeField`` (paths prefixed ``person.``)."""
    legacy = request_arg("requestMask.includeField")
    if legacy and not request_arg("personFields"):
        paths = legacy.split(",")
        if any(not p.startswith("person.") for p in paths):
            raise invalid_argument(
                "requestMask.includeField paths must start with `person.`.", "request_mask.include_field"
            )
        return parse_mask(",".join(p[len("person.") :] for p in paths), "personFields", READ_FIELDS, required=True)
    return parse_mask(request_arg("personFields"), "personFields", READ_FIELDS, required=required)


def clean_item(field: str, item: dict) -> tuple[dict, bool]:
    """A written item without output-only keys, and whether the writer marked it primary."""
    item = dict(item)
    metadata = item.pop("metadata", None) or {}
    primary = bool(metadata.get("sourcePrimary") or metadata.get("primary"))
    for key in _OUTPUT_ONLY.get(field, ()):
        item.pop(key, None)
    if field == "memberships" and "contactGroupMembership" in item:
        membership = dict(item["contactGroupMembership"])
        membership.pop("contactGroupId", None)
        item["contactGroupMembership"] = membership
    return item, primary


def display_item(field: str, item: dict) -> dict:
    """A stored item with the output-only values Google computes."""
    out = dict(item)
    kind = item.get("type")
    if kind and field in ("emailAddresses", "phoneNumbers", "addresses", "organizations", "urls", "events"):
        out["formattedType"] = _FORMATTED_TYPES.get(kind, kind)
    if field == "names":
        given, middle, family = item.get("givenName", ""), item.get("middleName", ""), item.get("familyName", "")
        display = " ".join(p for p in (item.get("honorificPrefix", ""), given, middle, family) if p)
        display = display or item.get("unstructuredName", "")
        if display:
            out["displayName"] = display
            last_first = ", ".join(p for p in (family, " ".join(p for p in (given, middle) if p)) if p)
            out["displayNameLastFirst"] = last_first or display
            out.setdefault("unstructuredName", display)
    elif field == "phoneNumbers":
        canonical = canonical_phone(item.get("value", ""))
        if canonical:
            out["canonicalForm"] = canonical
    elif field == "addresses" and "formattedValue" not in item:
        lines = [item.get("poBox", ""), item.get("streetAddress", ""), item.get("extendedAddress", "")]
        city_line = " ".join(p for p in (item.get("city", ""), item.get("region", ""), item.get("postalCode", "")) if p)
        formatted = "\n".join(p for p in (*lines, city_line, item.get("country", "")) if p)
        if formatted:
            out["formattedValue"] = formatted
    elif field == "biographies":
        out.setdefault("contentType", "TEXT_PLAIN")
    elif field == "memberships":
        membership = item.get("contactGroupMembership")
        if membership:
            name = membership.get("contactGroupResourceName", "")
            out["contactGroupMembership"] = {"contactGroupId": name.split("/", 1)[-1], **membership}
    return out


def canonical_phone(value: str) -> str | None:
    """E.164 form of ``value`` when it reads as one (North American numbers for
    10-digit values, the sandbox user's locale being en-US)."""
    digits = "".join(ch for ch in value if ch.isdigit())
    if value.strip().startswith("+") and 8 <= len(digits) <= 15:
        return "+" + digits
    if len(digits) == 10 and not value.strip().startswith("+"):
        return "+1" + digits
    return None
