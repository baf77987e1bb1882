"""A HubSpot contact's email subscription status, as one field of the catalog (pure: no HTTP).

HubSpot keeps the status per subscription type and per email address (communication preferences, reference
B.10); a contact shows it in read-only properties: ``hs_email_optout`` ("Unsubscribed from all email") and one
``hs_email_optout_<subscription id>`` per subscription type. The catalog of contacts offers one synthetic
field, :data:`FIELD` ("Email subscription", a select of subscribed / unsubscribed) read from them:

- unsubscribed: opted out of all email, or of any subscription type (an opt-out counts wherever it is);
- subscribed: subscribed to some subscription type (its flag is ``false``) and opted out of none;
- no value: no status at all (HubSpot's "not specified").

The field is not writable through mappings or rule actions: only the sync's unsubscribe policy writes it,
and the client turns that write into unsubscribe calls (:mod:`.subscription_writes`), never a subscribe.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..fields import FieldOption, FieldSpec, FieldType
from ..registry import SUBSCRIBED, UNSUBSCRIBED, SubscriptionField
from .objects import CONTACTS

FIELD = "email_subscription"
OPTED_OUT_OF_ALL = "hs_email_optout"
OPTED_OUT_PREFIX = "hs_email_optout_"

OPTIONS = (FieldOption(SUBSCRIBED, "Subscribed"), FieldOption(UNSUBSCRIBED, "Unsubscribed"))
SPEC = FieldSpec(
    FIELD,
    "Email subscription",
    FieldType.SELECT,
    writable=False,
    options=OPTIONS,
    help="Read from HubSpot's subscription preferences: unsubscribed when the contact opted out of all email or "
    "of any subscription type. Only the connection's unsubscribe policy changes it (it never subscribes anyone).",
)
UNSUBSCRIBED_VALUE = {"id": UNSUBSCRIBED, "name": "Unsubscribed"}
_NAMES = {o.id: o.name for o in OPTIONS}


def property_names(subscription_ids: list[str]) -> list[str]:
    """The contact properties the field is read from, given the account's subscription type ids."""
    return [OPTED_OUT_OF_ALL, *(f"{OPTED_OUT_PREFIX}{i}" for i in subscription_ids)]


def _flag(value: Any) -> bool | None:
    text = str(value).strip().lower() if value is not None else ""
    return True if text == "true" else False if text == "false" else None


def value_from_properties(props: Mapping[str, Any]) -> dict[str, str] | None:
    """The field's value from a contact's properties (see the module docstring); None: no status."""
    per_type = [_flag(v) for k, v in props.items() if k.startswith(OPTED_OUT_PREFIX)]
    if _flag(props.get(OPTED_OUT_OF_ALL)) or any(per_type):
        state = UNSUBSCRIBED
    elif any(flag is False for flag in per_type):
        state = SUBSCRIBED
    else:
        return None
    return {"id": state, "name": _NAMES[state]}


def state_of(value: Any) -> str:
    """Subscribed, unsubscribed, or "" (no status)."""
    state = value.get("id") if isinstance(value, Mapping) else value
    return state if state in (SUBSCRIBED, UNSUBSCRIBED) else ""


def unsubscribe_value(spec: FieldSpec) -> dict[str, str]:
    return dict(UNSUBSCRIBED_VALUE)


SUBSCRIPTION = SubscriptionField(FIELD, state_of, unsubscribe_value, unsubscribe_label="unsubscribed")


def subscription_field(object_type: str) -> SubscriptionField | None:
    """Contacts carry the status; companies do not."""
    return SUBSCRIPTION if object_type == CONTACTS else None
