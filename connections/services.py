"""Account operations that talk to an API and store what they learn."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from .choices import AccountStatus
from .clients import client_for
from .crypto import DecryptionError
from .models import ConnectedAccount, Subsidiary
from .providers.errors import AuthenticationError, ProviderError, ReauthorizationRequired

logger = logging.getLogger(__name__)


@dataclass
class VerifyResult:
    """What :func:`verify_account` found: ``ok`` and a message for ops staff."""

    ok: bool
    message: str
    subsidiaries: int = 0


@dataclass
class CredentialCheck:
    """What the API said of an account's credentials, before anything is stored.

    ``status`` is the account status it leads to; ``subsidiaries`` what
    NetSuite listed (empty for other providers).
    """

    ok: bool
    status: str
    message: str
    subsidiaries: list = field(default_factory=list)


def check_credentials(account: ConnectedAccount, *, interactive: bool = False) -> CredentialCheck:
    """Ask the API whether ``account``'s credentials work (and, for NetSuite, list its subsidiaries).

    Writes nothing, so it also checks an account not saved yet: the wizard
    stores a new account only once NetSuite has accepted it. Never raises for
    what ops staff can fix; the message is worded for them and free of secrets.
    ``interactive``: someone waits (a form): one attempt, given up after ``WIZARD_CHECK_TIMEOUT_SECONDS``.
    """
    try:
        client = client_for(account, interactive=interactive)
    except DecryptionError as exc:
        return CredentialCheck(False, AccountStatus.ERROR, f"{exc} Type the credentials again.")
    try:
        client.verify()
        subsidiaries = list(client.subsidiaries()) if account.is_netsuite else []
    except ReauthorizationRequired as exc:
        return CredentialCheck(False, AccountStatus.NEEDS_REAUTH, str(exc))
    except AuthenticationError as exc:
        return CredentialCheck(False, AccountStatus.ERROR, str(exc))
    except ProviderError as exc:
        message = f"{account.get_provider_display()} could not be checked: {exc}"
        return CredentialCheck(False, AccountStatus.ERROR, message)
    finally:
        close = getattr(client, "close", None)  # release the HTTP pool (not every provider has one)
        if close is not None:
            close()
    message = "Credentials verified."
    if account.is_netsuite:
        message += f" {len({str(info.id) for info in subsidiaries})} subsidiaries fetched."
    return CredentialCheck(True, AccountStatus.VERIFIED, message, subsidiaries)


def store_check(account: ConnectedAccount, check: CredentialCheck) -> VerifyResult:
    """Record ``check`` on the (saved) account: its status and message, and NetSuite's subsidiaries."""
    count = store_subsidiaries(account, check.subsidiaries) if check.ok and account.is_netsuite else 0
    account.mark_status(check.status, check.message)
    if check.ok:
        logger.info("verified account %s (%s)", account.pk, account.provider)
    return VerifyResult(check.ok, check.message, count)


def verify_account(account: ConnectedAccount) -> VerifyResult:
    """Check the account's credentials against the API and record the outcome on
    the account; for NetSuite, also fetch and store its subsidiaries.

    Never raises for what ops staff can fix (credentials, permissions, an API
    that is down, credentials that can no longer be decrypted): the outcome is
    in the result and on the account (status and message), worded for them and
    free of secrets.
    """
    return store_check(account, check_credentials(account))


@transaction.atomic
def store_subsidiaries(account: ConnectedAccount, subsidiaries: list) -> int:
    """Upsert the account's subsidiaries (by internal id) and link parents.

    Subsidiaries that NetSuite no longer lists are kept (connections may use
    them) but marked inactive, so they cannot be chosen again.
    """
    now = timezone.now()
    by_id: dict[str, Subsidiary] = {}
    for info in subsidiaries:
        sub, _ = Subsidiary.objects.update_or_create(
            account=account,
            internal_id=str(info.id),
            defaults={
                "name": info.name,
                "is_inactive": bool(info.is_inactive),
                "is_elimination": bool(info.is_elimination),
                "country": getattr(info, "country", "") or "",
                "fetched_at": now,
            },
        )
        by_id[str(info.id)] = sub
    for info in subsidiaries:
        parent = by_id.get(str(info.parent_id)) if info.parent_id else None
        sub = by_id[str(info.id)]
        if sub.parent_id != (parent.pk if parent else None):
            sub.parent = parent
            sub.save(update_fields=["parent"])
    account.subsidiaries.exclude(internal_id__in=by_id).update(is_inactive=True)
    return len(by_id)
