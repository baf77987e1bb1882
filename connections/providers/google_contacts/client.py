"""The Google Contacts provider: People API v1 calls translated to plain records.

Object type ``contacts`` only. A connection may be scoped to one contact group
(``group="contactGroups/..."``): reads then return only its members and
creates add new contacts to it. Writes are sequential (Google asks for that
per user) and batched: 200 per create or update call, 500 per delete call.

The client is assembled from one module per concern: :mod:`.reads`,
:mod:`.groups`, :mod:`.writes` and :mod:`.updates` (with :mod:`.write_batches`).
"""

from __future__ import annotations

from typing import Any

from ..base import Provider
from ..errors import AuthenticationError, ValidationError
from .groups import ContactGroups
from .oauth import GoogleOAuthEndpoints
from .person_fields import READ_SOURCES, USER_DEFINED_PREFIX
from .reads import CONNECTIONS_PATH, ContactReads
from .transport import GoogleApiTransport, TokenUpdater
from .updates import ContactUpdates
from .writes import ContactWrites

OBJECT_TYPE = "contacts"


class GoogleContactsClient(ContactReads, ContactGroups, ContactWrites, ContactUpdates, Provider):
    """Client of one Google account's contacts (see the module docstring).

    ``credentials`` is ``{"refresh_token", "access_token"?, "expires_at"?}``;
    refreshed credentials go to ``token_updater`` for the caller to store.
    """

    key = "google_contacts"
    object_types = (OBJECT_TYPE,)

    def __init__(
        self,
        account_email: str,
        credentials: dict[str, Any],
        *,
        client_id: str,
        client_secret: str,
        base_url: str | None = None,
        token_updater: TokenUpdater | None = None,
        timeout: float = 30.0,
        max_retries: int = 5,
        backoff_base: float = 1.0,
    ):
        self.account_email = account_email
        self.endpoints = GoogleOAuthEndpoints.for_base_url(base_url)
        self.transport = GoogleApiTransport(
            self.endpoints,
            client_id=client_id,
            client_secret=client_secret,
            credentials=credentials,
            token_updater=token_updater,
            timeout=timeout,
            max_retries=max_retries,
            backoff_base=backoff_base,
        )
        self._user_defined_keys: set[str] = set()
        self._group_names: dict[str, str] | None = None
        self._deleted_group: str | None = None

    def __repr__(self) -> str:
        return f"<GoogleContactsClient {self.account_email or '?'} at {self.endpoints.api_base_url}>"

    @property
    def credentials(self) -> dict[str, Any]:
        """The current credentials (after any refresh)."""
        return self.transport.credentials

    def close(self) -> None:
        self.transport.close()

    # --- account ------------------------------------------------------------
    def verify(self) -> dict[str, Any]:
        """Check the grant: learn the account's email and make sure contacts can be read.

        Returns ``{"email", "account_id", "resource_name"}``. Raises
        :class:`AuthenticationError` when the credentials belong to another
        account than ``account_email`` (when that is set).
        """
        me = self.transport.request("GET", "v1/people/me", params={"personFields": "emailAddresses"})
        emails = sorted(
            (e for e in me.get("emailAddresses") or [] if isinstance(e, dict) and e.get("value")),
            key=lambda e: not (e.get("metadata") or {}).get("primary"),
        )
        if not emails:
            raise AuthenticationError(
                "Google did not tell which account this is (no email on people/me); reconnect the Google account."
            )
        email = str(emails[0]["value"]).strip()
        if self.account_email and email.lower() != self.account_email.strip().lower():
            raise AuthenticationError(
                f"These credentials belong to the Google account {email}, not {self.account_email}; "
                "reconnect the right account."
            )
        # The email scope alone would pass the call above; this one needs the contacts scope.
        self.transport.request(
            "GET", CONNECTIONS_PATH, params={"personFields": "metadata", "pageSize": 1, "sources": READ_SOURCES}
        )
        return {"email": email, "account_id": email, "resource_name": me.get("resourceName")}

    # --- internals -------------------------------------------------------------------
    def _check(self, object_type: str) -> None:
        if object_type != OBJECT_TYPE:
            raise ValidationError(f"Google Contacts has no object type {object_type!r}; only {OBJECT_TYPE!r}.")


__all__ = ["GoogleContactsClient", "OBJECT_TYPE", "USER_DEFINED_PREFIX"]
