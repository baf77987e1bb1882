"""Build a provider client from a :class:`ConnectedAccount`.

The only place where stored (encrypted) credentials are handed to a client;
token refreshes made by a client are written back encrypted.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError

from .models import ConnectedAccount
from .providers.base import Provider
from .providers.errors import PermissionDenied
from .providers.registry import GOOGLE_CONTACTS, NETSUITE
from .validators import validate_api_base_url


def google_oauth_client() -> tuple[str, str]:
    """The OAuth client (id, secret) the product uses for Google accounts."""
    return settings.GOOGLE_CLIENT_ID, settings.GOOGLE_CLIENT_SECRET


class BaseUrlNotAllowed(PermissionDenied):
    """The account's API base URL override points at a host the settings do not allow."""


def client_for(account: ConnectedAccount) -> Provider:
    """A ready client for ``account`` (decrypts its credentials).

    The base URL override is checked again here, not only when the account is
    saved: a row saved in DEBUG, by a script or from an old configuration
    must never send its credentials to a host that is not allowed now.
    """
    try:
        validate_api_base_url(account.api_base_url)
    except ValidationError as exc:
        raise BaseUrlNotAllowed(f"{account.label}: {' '.join(exc.messages)}") from None
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
            timeout=settings.API_TIMEOUT_SECONDS,
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
            timeout=settings.API_TIMEOUT_SECONDS,
        )
    raise LookupError(f"No client for provider {account.provider!r}.")
