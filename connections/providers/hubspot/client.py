"""The HubSpot provider: CRM API v3 calls translated to plain records.

Object types ``contacts`` and ``companies`` (:mod:`.objects`). The client is assembled from one module per
concern: :mod:`.reads` (catalog, changes, records by id), :mod:`.writes` (batched creates, updates,
archives) and :mod:`.associations` (a contact's primary company), with :mod:`.subscription_writes` around
them (a contact's email subscription status), over one :class:`.transport.HubSpotTransport`.
"""

from __future__ import annotations

from typing import Any

from ..base import Provider
from ..fields import FieldSpec
from .associations import CompanyAssociations
from .reads import ObjectReads, objects_path
from .subscription_writes import SubscriptionStatus
from .transport import HubSpotTransport
from .writes import ObjectWrites

TOKEN = "private_app_token"  # the credential: a private app's access token


class HubSpotClient(SubscriptionStatus, ObjectReads, ObjectWrites, CompanyAssociations, Provider):
    """Client of one HubSpot account (see the module docstring). ``credentials`` is ``{"private_app_token"}``."""

    key = "hubspot"

    def __init__(
        self,
        account_id: str,
        credentials: dict[str, Any],
        *,
        base_url: str | None = None,
        timeout: float = 30.0,
        max_retries: int = 5,
        backoff_base: float = 0.5,
    ):
        self.account_id = account_id
        self.transport = HubSpotTransport(
            str(credentials.get(TOKEN) or ""),
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            backoff_base=backoff_base,
        )
        self._catalogs: dict[str, list[FieldSpec]] = {}
        self._sync_key_ready: set[str] = set()

    def __repr__(self) -> str:
        return f"<HubSpotClient {self.account_id or '?'} at {self.transport.base_url}>"

    def close(self) -> None:
        self.transport.close()

    def verify(self) -> dict[str, Any]:
        """Check the token with a cheap authenticated call that also needs the contacts read scope: one
        contact of the list (``limit=1``). The reference names no account-information endpoint, so the
        account id (Hub ID) cannot be checked against the token: UNCERTAIN, it is taken as typed."""
        self.transport.request("GET", objects_path("contacts"), params={"limit": 1})
        return {"account_id": self.account_id}
