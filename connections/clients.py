"""Build a provider client from a :class:`ConnectedAccount`.

The only place where stored (encrypted) credentials are handed to a client;
token refreshes made by a client are written back encrypted.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from .models import ConnectedAccount
from .providers.base import Provider
from .providers.capabilities import Capabilities, parse_refusals
from .providers.errors import PermissionDenied
from .providers.registry import GOOGLE_CONTACTS, NETSUITE
from .slots import slots_for
from .validators import validate_api_base_url

logger = logging.getLogger(__name__)


def google_oauth_client() -> tuple[str, str]:
    """The OAuth client (id, secret) the product uses for Google accounts."""
    return settings.GOOGLE_CLIENT_ID, settings.GOOGLE_CLIENT_SECRET


class BaseUrlNotAllowed(PermissionDenied):
    """The account's API base URL override points at a host the settings do not allow."""


def account_capabilities(account: ConnectedAccount) -> Capabilities:
    """What ``account`` refused, as stored on it; a new refusal is stored at once (runs are many processes)."""

    def remember(name: str, until: datetime) -> None:
        if account.pk is None:
            return
        try:
            with transaction.atomic():
                row = ConnectedAccount.objects.select_for_update().filter(pk=account.pk)
                refused = dict(row.values_list("refused_capabilities", flat=True).first() or {})
                refused[name] = until.isoformat()
                row.update(refused_capabilities=refused)  # no save(): not an operator's change of the account
        except DatabaseError as exc:
            # Remembering saves later requests; it must never stop the run that met the refusal
            # (SQLite may answer "database is locked" while another process writes). The client
            # keeps the refusal for this run, and the next refusal is stored again.
            logger.warning("could not store that account %s refused %s: %s", account.pk, name, exc)

    return Capabilities(parse_refusals(account.refused_capabilities or {}), remember)


def forget_refusal(account: ConnectedAccount, name: str) -> None:
    """Ask ``account`` for ``name`` again on the next run (e.g. its catalog was just refreshed)."""
    with transaction.atomic():
        row = ConnectedAccount.objects.select_for_update().filter(pk=account.pk)
        refused = dict(row.values_list("refused_capabilities", flat=True).first() or {})
        if refused.pop(name, None) is not None:
            row.update(refused_capabilities=refused)


def client_for(account: ConnectedAccount, *, interactive: bool = False) -> Provider:
    """A ready client for ``account`` (decrypts its credentials).

    ``interactive``: a person waits for the answer (a credential check in a form), so NetSuite gets one
    attempt of at most ``WIZARD_CHECK_TIMEOUT_SECONDS`` instead of the background's retries with backoff.

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
            timeout=settings.WIZARD_CHECK_TIMEOUT_SECONDS if interactive else settings.API_TIMEOUT_SECONDS,
            capabilities=account_capabilities(account),
            # The account's limit is shared by every connection and worker using it (leases, not memory).
            slots=slots_for(account),
            **({"max_retries": 0} if interactive else {}),
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
