"""A NetSuite record's email subscription status: ``globalSubscriptionStatus`` (reference 4.1).

Its four values: Soft Opt-In and Confirmed Opt-In read as subscribed, Soft Opt-Out and Confirmed Opt-Out as
unsubscribed. The sync writes only Soft Opt-Out: Confirmed Opt-Out (and Confirmed Opt-In) belong to the
recipient, who sets them from NetSuite's own subscription pages. The options' ids are UNCERTAIN (the
reference's "commonly 1 = Soft Opt-Out, 2 = Soft Opt-In, 3 = Confirmed Opt-In, 4 = Confirmed Opt-Out" is
unverified), so a value is read by its name first, and the value written is the catalog's option named
Soft Opt-Out, never an id guessed here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..fields import FieldSpec
from ..registry import SUBSCRIBED, UNSUBSCRIBED, SubscriptionField

FIELD = "globalSubscriptionStatus"
SOFT_OPT_OUT = "Soft Opt-Out"
# Only when a value comes without its name (the reference's commonly seen ids, UNCERTAIN).
_STATE_BY_ID = {"1": UNSUBSCRIBED, "2": SUBSCRIBED, "3": SUBSCRIBED, "4": UNSUBSCRIBED}


def _normal(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalpha())


def state_of(value: Any) -> str:
    """Subscribed, unsubscribed, or "" for a status that is not set or not known."""
    if not isinstance(value, Mapping):
        return ""
    name = _normal(str(value.get("name") or ""))
    if name.endswith("optout"):
        return UNSUBSCRIBED
    if name.endswith("optin"):
        return SUBSCRIBED
    if name:
        return ""
    return _STATE_BY_ID.get(str(value.get("id") or ""), "")


def unsubscribe_value(spec: FieldSpec) -> dict[str, str] | None:
    """The Soft Opt-Out option of the field's catalog entry (None when the catalog lists no such option)."""
    wanted = _normal(SOFT_OPT_OUT)
    for option in spec.options:
        if _normal(option.name) == wanted:
            return {"id": option.id, "name": option.name}
    return None


SUBSCRIPTION = SubscriptionField(FIELD, state_of, unsubscribe_value, unsubscribe_label=SOFT_OPT_OUT)


def subscription_field(object_type: str) -> SubscriptionField:
    """Every NetSuite contact type (customers and contacts) keeps its status in the same field."""
    return SUBSCRIPTION
