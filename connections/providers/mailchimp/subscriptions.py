"""A member's email subscription status as the sync's unsubscribe policy reads and writes it (pure: no HTTP).

The member's ``status`` (reference C.2) is the field (:data:`~.catalog.STATUS`): *subscribed* reads as
subscribed; *unsubscribed* and *cleaned* (bounced) as unsubscribed, the reason kept for the outcome; *pending*
(double opt-in not confirmed yet), *transactional* and *archived* as no status. The policy only ever writes
*unsubscribed* (:data:`UNSUBSCRIBED_VALUE`); nothing here writes *subscribed* (Mailchimp refuses to subscribe
a member in a compliance state again, reference C.2).
Registered with the provider through the HubSpot issue's :class:`~..registry.SubscriptionField`; the reason
(:func:`reason_of`) starts the outcome's message ("Cleaned in Mailchimp (bounced): set to Soft Opt-Out in NetSuite").
"""

from __future__ import annotations

from typing import Any

from ..fields import FieldSpec
from ..registry import SUBSCRIBED, UNSUBSCRIBED, SubscriptionField
from .catalog import STATUS

UNSUBSCRIBED_STATUSES = {"unsubscribed": "unsubscribed in Mailchimp", "cleaned": "cleaned in Mailchimp (bounced)"}
UNSUBSCRIBED_VALUE = {"id": "unsubscribed", "name": "Unsubscribed"}


def status_of(value: Any) -> str:
    """The member status of a value of the status field (``{"id", "name"}`` or text), lower case."""
    if isinstance(value, dict):
        value = value.get("id")
    return str(value or "").strip().lower()


def state_of(value: Any) -> str:
    """:data:`SUBSCRIBED`, :data:`UNSUBSCRIBED` or '' (no status) for a value of the status field."""
    status = status_of(value)
    if status == "subscribed":
        return SUBSCRIBED
    return UNSUBSCRIBED if status in UNSUBSCRIBED_STATUSES else ""


def reason_of(value: Any) -> str:
    """Why a member counts as unsubscribed ("cleaned in Mailchimp (bounced)"), for the outcome; ''."""
    return UNSUBSCRIBED_STATUSES.get(status_of(value), "")


def unsubscribe_value(spec: FieldSpec) -> Any:
    """The value that writes "unsubscribed": the status option of that name."""
    return UNSUBSCRIBED_VALUE if any(o.id == "unsubscribed" for o in spec.options) else None


FIELD = SubscriptionField(STATUS, state_of, unsubscribe_value, unsubscribe_label="Unsubscribed", reason_of=reason_of)
