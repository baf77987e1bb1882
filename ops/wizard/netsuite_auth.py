"""Authorize a NetSuite account from the wizard: stored only if NetSuite accepts it.

The credentials are checked live with
:func:`connections.services.check_credentials` before anything is saved;
only when NetSuite accepts them is the account stored (encrypted), with its
subsidiaries and its verified status, in one transaction. When NetSuite
refuses them nothing is written, so nothing of the attempt is kept, not even
in the change history: a new account is never created, an existing
(unverified) account keeps its credentials and status. The person retries
with the form, which keeps the Account ID, label and base URL; the typed
secrets are kept only encrypted in the session (``kept_secrets``), never in
the page.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from connections.choices import AccountStatus
from connections.models import ConnectedAccount
from connections.providers.registry import NETSUITE
from connections.services import check_credentials, store_check

from .forms import CREDENTIAL_NAMES


@dataclass
class AuthorizeResult:
    """``account`` is set when NetSuite accepted the credentials; ``message`` says what happened."""

    account: ConnectedAccount | None
    message: str


def authorize_netsuite_account(cleaned: dict, user) -> AuthorizeResult:
    """Store and verify the NetSuite account described by the wizard's form data."""
    account_id = cleaned["account_id"]
    credentials = {name: cleaned[name] for name in CREDENTIAL_NAMES}
    existing = ConnectedAccount.objects.filter(provider=NETSUITE, account_id__iexact=account_id).first()
    if existing is not None and existing.status == AccountStatus.VERIFIED:
        return AuthorizeResult(
            None,
            f"NetSuite account {account_id} is already connected as “{existing.label}”: choose it in the list "
            "above. To replace its credentials, open it under Connected accounts.",
        )
    if existing is not None:
        return _reauthorize(existing, cleaned, credentials, user)
    account = ConnectedAccount(
        provider=NETSUITE,
        account_id=account_id,
        label=cleaned.get("label") or f"NetSuite {account_id}",
        api_base_url=cleaned.get("api_base_url") or "",
        created_by=user,
        updated_by=user,
    )
    account.set_credentials(credentials)
    return _store_if_accepted(account)


def _reauthorize(account: ConnectedAccount, cleaned: dict, credentials: dict, user) -> AuthorizeResult:
    """New credentials for an account that exists but is not verified (kept only if they verify)."""
    account.label = cleaned.get("label") or account.label
    account.api_base_url = cleaned.get("api_base_url") or ""
    account.set_credentials(credentials)
    account.updated_by = user
    return _store_if_accepted(account)


def _store_if_accepted(account: ConnectedAccount) -> AuthorizeResult:
    """Check ``account`` (new or changed, not saved) with NetSuite; save it only if NetSuite accepts it."""
    try:
        account.full_clean()
    except ValidationError as exc:
        return AuthorizeResult(None, " ".join(exc.messages))
    # Before any write: a refused attempt leaves no row and no history. Someone waits: one short attempt.
    check = check_credentials(account, interactive=True)
    if not check.ok:
        return AuthorizeResult(None, check.message)
    with transaction.atomic():  # the account, its subsidiaries and its status together
        account.save()
        result = store_check(account, check)
    return AuthorizeResult(account, result.message)
