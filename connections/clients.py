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
from .providers.registry import ClientContext
from .slots import slots_for
from .validators import validate_api_base_url

logger = logging.getLogger(__name__)


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

    ``interactive``: a person waits for the answer (a credential check in a form); the provider decides
    what that means (NetSuite: one attempt of at most ``WIZARD_CHECK_TIMEOUT_SECONDS`` instead of the
    background's retries with backoff).

    The base URL override is checked again here, not only when the account is
    saved: a row saved in DEBUG, by a script or from an old configuration
    must never send its credentials to a host that is not allowed now.
    """
    try:
        validate_api_base_url(account.api_base_url)
    except ValidationError as exc:
        raise BaseUrlNotAllowed(f"{account.label}: {' '.join(exc.messages)}") from None
    info = account.provider_info

    def store_credentials(new_credentials: dict) -> None:
        # A token refreshed by the client is written back encrypted, to the row as it is now.
        fresh = ConnectedAccount.objects.get(pk=account.pk)
        fresh.update_credentials(**new_credentials)
        fresh.save(update_fields=["credentials_encrypted", "updated_at"])

    return info.make_client(
        ClientContext(
            account_id=account.account_id,
            credentials=account.get_credentials(),
            base_url=account.api_base_url or None,
            timeout=settings.API_TIMEOUT_SECONDS,
            interactive=interactive,
            interactive_timeout=settings.WIZARD_CHECK_TIMEOUT_SECONDS,
            concurrency_limit=account.concurrency_limit,
            capabilities=account_capabilities(account),
            store_credentials=store_credentials,
            # An API limited per account (NetSuite) shares the account's slots with every connection and worker
            # using it (leases in the database or Redis, not memory); built only by a provider that asks.
            shared_slots=lambda: slots_for(account),
        )
    )
