"""Communication preferences v3 for email (reference B.10).

- ``GET /communication-preferences/v3/definitions``;
- ``GET /communication-preferences/v3/status/email/{emailAddress}``;
- ``POST /communication-preferences/v3/subscribe`` and ``/unsubscribe``.

A contact's ``hs_email_optout_<id>`` properties follow its statuses (read-only
through the objects API, as ``hs_email_optout``, which only
``sandbox.opt_out_of_all(email)`` sets: v3 has no unsubscribe-all call).
UNCERTAIN choices (stricter): subscribing an email that opted out of all email is
refused (400); subscribing when already subscribed, or unsubscribing when not
subscribed, is a 400 as well; an email no contact holds is still answered (statuses
are per email address, not per contact); ``legalBasis`` must be one of the enum.
"""

from __future__ import annotations

from sandbox.common.http import Response, json_response

from .errors import ApiError, validation
from .portal import Portal, require

DEFINITIONS = [
    {
        "id": "8001",
        "portalId": 0,
        "name": "Marketing Information",
        "description": "Marketing offers and updates.",
        "isActive": True,
        "isDefault": True,
        "isInternal": False,
        "purpose": "Marketing",
        "communicationMethod": "Email",
        "createdAt": "2020-01-01T00:00:00.000Z",
        "updatedAt": "2020-01-01T00:00:00.000Z",
    },
    {
        "id": "8002",
        "portalId": 0,
        "name": "One to One",
        "description": "One to one emails.",
        "isActive": True,
        "isDefault": True,
        "isInternal": False,
        "purpose": "Sales",
        "communicationMethod": "Email",
        "createdAt": "2020-01-01T00:00:00.000Z",
        "updatedAt": "2020-01-01T00:00:00.000Z",
    },
]
LEGAL_BASES = {
    "CONSENT_WITH_NOTICE",
    "LEGITIMATE_INTEREST_CLIENT",
    "LEGITIMATE_INTEREST_OTHER",
    "LEGITIMATE_INTEREST_PQL",
    "NON_GDPR",
    "PERFORMANCE_OF_CONTRACT",
    "PROCESS_AND_STORE",
}
BODY_KEYS = {"emailAddress", "subscriptionId", "legalBasis", "legalBasisExplanation"}


def definitions(portal: Portal) -> Response:
    return json_response(
        {"subscriptionDefinitions": [d | {"portalId": int(portal.config.portal_id)} for d in DEFINITIONS]}
    )


def _definition(subscription_id) -> dict:
    for definition in DEFINITIONS:
        if str(subscription_id) == definition["id"]:
            return definition
    raise ApiError(404, "OBJECT_NOT_FOUND", f"Subscription {subscription_id} does not exist")


def status(portal: Portal, email: str) -> Response:
    key = email.strip().lower()
    require("@" in key, f"Invalid email address {email}")
    statuses = portal.subscriptions.get(key, {})
    opted_out = key in portal.opted_out
    results = []
    for definition in DEFINITIONS:
        state = statuses.get(int(definition["id"]), "NOT_SUBSCRIBED")
        results.append(
            {
                "id": definition["id"],
                "name": definition["name"],
                "description": definition["description"],
                "status": "NOT_SUBSCRIBED" if opted_out else state,
                "sourceOfStatus": "PORTAL_WIDE_STATUS" if opted_out else "SUBSCRIPTION_STATUS",
            }
        )
    return json_response({"recipient": email, "subscriptionStatuses": results})


def change(portal: Portal, body, subscribe: bool) -> Response:
    require(isinstance(body, dict), "Invalid input JSON")
    unknown = set(body) - BODY_KEYS
    require(not unknown, f"Unknown fields: {sorted(unknown)}")
    email, subscription_id = body.get("emailAddress"), body.get("subscriptionId")
    require(isinstance(email, str) and "@" in email, "emailAddress is required")
    require(
        isinstance(subscription_id, str | int) and not isinstance(subscription_id, bool), "subscriptionId is required"
    )
    definition = _definition(subscription_id)
    basis = body.get("legalBasis")
    if basis is not None and basis not in LEGAL_BASES:
        raise validation(f"Invalid legalBasis {basis!r}; expected one of {sorted(LEGAL_BASES)}")
    key = email.strip().lower()
    if subscribe and key in portal.opted_out:
        raise validation(f"{email} has opted out of all email and cannot be resubscribed through the API")
    statuses = portal.subscriptions.setdefault(key, {})
    current = statuses.get(int(definition["id"]), "NOT_SUBSCRIBED")
    wanted = "SUBSCRIBED" if subscribe else "NOT_SUBSCRIBED"
    if current == wanted:
        raise validation(
            f"{email} is already {'subscribed to' if subscribe else 'unsubscribed from'} {definition['id']}"
        )
    statuses[int(definition["id"])] = wanted
    portal.set_optout_property(key, f"hs_email_optout_{definition['id']}", "false" if subscribe else "true")
    return json_response(
        {
            "id": definition["id"],
            "name": definition["name"],
            "description": definition["description"],
            "status": wanted,
            "sourceOfStatus": "SUBSCRIPTION_STATUS",
            **({"legalBasis": basis} if basis else {}),
            **({"legalBasisExplanation": body["legalBasisExplanation"]} if body.get("legalBasisExplanation") else {}),
        }
    )
