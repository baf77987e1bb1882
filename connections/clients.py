"""Build a provider client from a :class:`ConnectedAccount`.

The only place where stored (encrypted) credentials are handed to a client;
token refreshes made by a client are written back encrypted.
"""

from __future__ import annotations

from django.conf import settings

from .models import ConnectedAccount
from .providers.base import Provider
from .providers.registry import GOOGLE_CONTACTS, NETSUITE


def google_oauth_client() -> tuple[str, str]:
    """The OAuth client (id, secret) the product uses for Google accounts."""
    return settings.GOOGLE_CLIENT_ID, settings.GOOGLE_CLIENT_SECRET


def client_for(account: ConnectedAccount) -> Provider:
    """A ready client for ``account`` (decrypts its credentials)."""
    info = account.provider_info
    cls = info.client_class()
    credentials = account.get_credentials()
    base_url = account.api_base_url or None
    if account.provider == NETSUITE:
        return cls(
            account.account_id,
            credentials,
            base_url=base_url,
            concurrency_limit=account.concurrency_limit,
        )
    if account.provider == GOOGLE_CONTACTS:
        client_id, client_secret = google_oauth_client()

        def store_tokens(new_credentials: dict) -> None:
            fresh = ConnectedAccount.objects.get(pk=account.pk)
            fresh.update_credentials(**new_credentials)
            fresh.save(update_fields=["credentials_encrypted", "updated_at"])

        return cls(
            account.account_id,
            credentials,
            client_id=client_id,
            client_secret=client_secret,
            base_url=base_url,
            token_updater=store_tokens,
        )
    raise LookupError(f"No client for provider {account.provider!r}.")
