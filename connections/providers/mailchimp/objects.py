"""What a Mailchimp connection syncs: the members of one audience (a list, reference C.2), named by the
connection's object type ``audience/<list id>``. Merge fields, and so the catalog, are the audience's own."""

from __future__ import annotations

from ..errors import ValidationError

AUDIENCE = "audience"
_SEPARATOR = "/"


def audience_object(list_id: str) -> str:
    """The object type of the members of the audience ``list_id``."""
    return f"{AUDIENCE}{_SEPARATOR}{list_id}"


def object_kind(object_type: str) -> str:
    """``audience`` for ``audience/<id>`` (and for ``audience``); anything else as it is."""
    kind, _, _ = (object_type or "").partition(_SEPARATOR)
    return kind


def list_id_of(object_type: str) -> str:
    """The audience id an object type names; a :class:`ValidationError` when it names none."""
    kind, _, list_id = (object_type or "").partition(_SEPARATOR)
    if kind != AUDIENCE or not list_id.strip():
        raise ValidationError(
            f"{object_type!r} names no Mailchimp audience: a connection syncs one audience, chosen in the wizard."
        )
    return list_id.strip()


def object_type_label(object_type: str) -> str:
    """How ops staff name it: ``audience a1b2c3d4e5``."""
    kind, _, list_id = (object_type or "").partition(_SEPARATOR)
    return f"{kind} {list_id}".strip() if kind == AUDIENCE else object_type
