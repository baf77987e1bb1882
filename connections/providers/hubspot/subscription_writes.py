"""Reading and writing a contact's email subscription status (a mixin of :class:`.client.HubSpotClient`,
ahead of the reads and writes it wraps).

- The catalog of contacts gets the synthetic field :data:`.subscriptions.FIELD`; reads ask for the
  opt-out properties it is read from (``hs_email_optout`` and one per subscription type, whose ids come from
  ``GET /communication-preferences/v3/definitions``, once per client).
- A create or update that writes the field sends the rest of the record as usual; then, for each record
  written, "unsubscribed" becomes unsubscribe calls (``POST /communication-preferences/v3/unsubscribe``) for
  every subscription type the email is not already opted out of. Nothing here ever calls subscribe: any
  other value is left unwritten, with a warning. A 400 "already unsubscribed" is the work done already
  (the simulator refuses an unsubscribe twice; UNCERTAIN whether HubSpot does).
- An email with no subscription to leave (never subscribed to anything, and HubSpot refuses to record an
  opt-out of a type it never had) is left unwritten, without a warning (no email goes to it either way):
  the sync then remembers the status HubSpot has, and does not try again until something changes.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from ..base import WriteRequest, WriteResult
from ..errors import PermissionDenied, ProviderError, ValidationError
from ..fields import FieldSpec
from ..registry import UNSUBSCRIBED
from .objects import CONTACTS, ObjectType, object_type
from .subscriptions import FIELD, SPEC, property_names, state_of

if TYPE_CHECKING:
    from .transport import HubSpotTransport

PREFERENCES = "/communication-preferences/v3"


class SubscriptionStatus:
    """The client's subscription reads and writes (see the module docstring)."""

    transport: HubSpotTransport

    # --- reads -------------------------------------------------------------------------------------
    def field_catalog(self, object_type_name: str) -> list[FieldSpec]:
        catalog = super().field_catalog(object_type_name)  # type: ignore[misc]
        if object_type(object_type_name).name == CONTACTS and all(f.id != FIELD for f in catalog):
            catalog.append(SPEC)  # the list the client keeps too
        return catalog

    def _property_names(self, info: ObjectType, catalog: dict[str, FieldSpec]) -> list[str]:
        names = super()._property_names(info, catalog)  # type: ignore[misc]
        if FIELD in catalog:
            names += [n for n in property_names(self.subscription_ids()) if n not in names]
        return names

    def subscription_ids(self) -> list[str]:
        """The ids of the account's subscription types (asked once per client). A token without the
        communication preferences scope reads only "opted out of all email"."""
        ids = getattr(self, "_subscription_ids", None)
        if ids is None:
            try:
                answer = self.transport.request("GET", f"{PREFERENCES}/definitions")
            except PermissionDenied:
                answer = {}
            ids = [
                str(d["id"])
                for d in answer.get("subscriptionDefinitions") or []
                if isinstance(d, dict) and d.get("id") is not None
            ]
            self._subscription_ids = ids
        return ids

    # --- writes ------------------------------------------------------------------------------------
    def create_many(self, object_type_name: str, requests: list[WriteRequest], **scope: Any) -> list[WriteResult]:
        write = super().create_many  # type: ignore[misc]
        return self._with_subscription(object_type_name, requests, write, scope, creating=True)

    def update_many(self, object_type_name: str, requests: list[WriteRequest], **scope: Any) -> list[WriteResult]:
        write = super().update_many  # type: ignore[misc]
        return self._with_subscription(object_type_name, requests, write, scope, creating=False)

    def _with_subscription(self, object_type_name, requests, write, scope, *, creating: bool) -> list[WriteResult]:
        if object_type(object_type_name).name != CONTACTS or not any(FIELD in r.values for r in requests):
            return write(object_type_name, requests, **scope)
        results: list[WriteResult | None] = [None] * len(requests)
        wanted: dict[int, Any] = {}
        sent: list[tuple[int, WriteRequest]] = []
        for index, request in enumerate(requests):
            if FIELD in request.values and (request.fields is None or FIELD in request.fields):
                wanted[index] = request.values[FIELD]
            values = {k: v for k, v in request.values.items() if k != FIELD}
            fields = None if request.fields is None else [f for f in request.fields if f != FIELD]
            if not creating and index in wanted and not (values if fields is None else fields):
                results[index] = WriteResult(request.key, record_id=request.record_id)  # nothing else to write
                continue
            sent.append((index, replace(request, values=values, fields=fields)))
        answers = write(object_type_name, [r for _, r in sent], **scope) if sent else []
        for (index, _), result in zip(sent, answers, strict=True):
            results[index] = result
        for index, value in wanted.items():
            result = results[index]
            if result is not None and result.ok:
                self._write_subscription(requests[index], result, value)
        return [r for r in results if r is not None]

    def _write_subscription(self, request: WriteRequest, result: WriteResult, value: Any) -> None:
        if state_of(value) != UNSUBSCRIBED:
            result.unwritten.append(FIELD)
            result.warnings.append("The sync never subscribes anyone in HubSpot: the email subscription was left.")
            return
        email = request.values.get("email") or (result.record.values.get("email") if result.record else None)
        if not email and result.record_id:
            found = self.get_many(CONTACTS, [result.record_id])  # type: ignore[attr-defined]
            email = found[0].values.get("email") if found else None
        if not email:
            result.unwritten.append(FIELD)
            result.warnings.append("The HubSpot contact has no email: it could not be unsubscribed.")
            return
        try:
            done = self.unsubscribe(str(email))
        except ProviderError as exc:
            result.error = exc  # the pair is tried again next run (the rest of it was written, and is again)
            return
        if not done:
            # Subscribed to nothing, and HubSpot records no opt-out of a type it never had: no email goes out
            # to them either way. Not a warning; the sync remembers HubSpot's own status.
            result.unwritten.append(FIELD)

    def unsubscribe(self, email: str) -> bool:
        """Unsubscribe ``email`` from every subscription type; whether it is now opted out of at least one
        (or of all email)."""
        answer = self.transport.request("GET", f"{PREFERENCES}/status/email/{quote(email, safe='@')}")
        statuses = [s for s in answer.get("subscriptionStatuses") or [] if isinstance(s, dict)]
        if any(s.get("sourceOfStatus") == "PORTAL_WIDE_STATUS" for s in statuses):
            return True  # opted out of all email already
        done = False
        for status in statuses:
            subscribed = status.get("status") == "SUBSCRIBED"
            try:
                self.transport.request(
                    "POST",
                    f"{PREFERENCES}/unsubscribe",
                    json_body={"emailAddress": email, "subscriptionId": str(status.get("id"))},
                )
                done = True
            except ValidationError as exc:
                # Not subscribed (an opt-out already, or never any status): HubSpot says so with a 400.
                if subscribed and "already" not in exc.message.lower():
                    raise
                done = done or subscribed
        return done
