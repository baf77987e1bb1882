"""The field catalog of an audience: its members' standard fields plus its merge fields (reference C.2, C.5).

A merge field is addressed by its ``tag`` (``FNAME``), which is how member values carry it
(``merge_fields: {"FNAME": …}``); the catalog names it ``merge.<TAG>`` so that a tag can never collide with a
standard field. Types map onto the product's compatibility table; a type the reference does not explain
closely enough to convert (a birthday is ``MM/DD`` in Mailchimp's UI, with no year: UNCERTAIN) is text.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..fields import FieldOption, FieldSpec, FieldType

T = FieldType

MERGE_PREFIX = "merge."
EMAIL = "email"  # the email every app keeps under this id (the engine pairs people by it)
STATUS = "status"
TAGS = "tags"

# The member fields every audience has (reference C.2). The email is the member's identity; the status is
# written only by the subscription policy (never by a mapping), so it is read-only here.
STANDARD_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec(EMAIL, "Email address", T.EMAIL),
    FieldSpec(
        STATUS,
        "Status",
        T.SELECT,
        writable=False,
        options=tuple(
            FieldOption(s, s.capitalize())
            for s in ("subscribed", "unsubscribed", "cleaned", "pending", "transactional", "archived")
        ),
    ),
    FieldSpec("language", "Language", T.TEXT),
    FieldSpec("vip", "VIP", T.BOOLEAN),
    # Tags are changed one at a time by rule actions (add to / remove from group: .tag_writes), never set as a
    # whole nor by a mapping (read-only); a tag is its name, and any name is one (Mailchimp makes it on first use).
    FieldSpec(
        TAGS,
        "Tags",
        T.GROUPS,
        writable=False,
        open_options=True,
        help="Added and removed by rule actions, one tag at a time; never set by a mapping.",
    ),
)

# Merge field type -> our type (reference C.5's enum).
MERGE_TYPES: dict[str, FieldType] = {
    "text": T.TEXT,
    "number": T.DECIMAL,
    "address": T.ADDRESS,
    "phone": T.PHONE,
    "date": T.DATE,
    "url": T.URL,
    "imageurl": T.URL,
    "radio": T.SELECT,
    "dropdown": T.SELECT,
    "birthday": T.TEXT,
    "zip": T.TEXT,
}


def merge_field_id(tag: str) -> str:
    """The catalog id of the merge field ``tag``."""
    return f"{MERGE_PREFIX}{tag}"


def merge_field_spec(merge_field: dict[str, Any]) -> FieldSpec | None:
    """Our field for one entry of ``GET /lists/{id}/merge-fields`` (None without a tag)."""
    tag = str(merge_field.get("tag") or "").strip()
    if not tag:
        return None
    kind = str(merge_field.get("type") or "text")
    field_type = MERGE_TYPES.get(kind, T.TEXT)
    choices = (merge_field.get("options") or {}).get("choices") or []
    options = tuple(FieldOption(str(c), str(c)) for c in choices) if field_type == T.SELECT else ()
    help_text = str(merge_field.get("help_text") or "")
    if kind not in MERGE_TYPES:
        help_text = f"Mailchimp type {kind!r}, read as text. {help_text}".strip()
    return FieldSpec(
        merge_field_id(tag),
        str(merge_field.get("name") or tag),
        field_type,
        custom=tag not in ("FNAME", "LNAME", "ADDRESS", "PHONE", "BIRTHDAY"),
        options=options,
        help=help_text,
    )


def build_catalog(merge_fields: Iterable[dict[str, Any]]) -> list[FieldSpec]:
    """The audience's catalog: the standard fields, then its merge fields in Mailchimp's display order."""
    ordered = sorted(
        (m for m in merge_fields if isinstance(m, dict)), key=lambda m: (m.get("display_order") or 0, m.get("tag"))
    )
    return [*STANDARD_FIELDS, *(spec for m in ordered if (spec := merge_field_spec(m)) is not None)]


# The merge fields of a new audience (reference C.5, UNCERTAIN), known before the audience's own catalog is
# fetched (the wizard's review); the fetched catalog replaces them with the audience's real ones.
USUAL_MERGE_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec(merge_field_id("FNAME"), "First Name", T.TEXT),
    FieldSpec(merge_field_id("LNAME"), "Last Name", T.TEXT),
    FieldSpec(merge_field_id("ADDRESS"), "Address", T.ADDRESS),
    FieldSpec(merge_field_id("PHONE"), "Phone Number", T.PHONE),
    FieldSpec(merge_field_id("BIRTHDAY"), "Birthday", T.TEXT),
)
