"""Authorize a NetSuite account from the wizard: stored only if NetSuite accepts it.

The credentials are saved (encrypted) and checked live with
:func:`connections.services.verify_account`, which also stores the
subsidiaries. When NetSuite refuses them, nothing of the attempt is kept:
a new account row is deleted again, an existing (unverified) account gets
its previous credentials and status back. The person retries with the form,
which keeps the Account ID, label and base URL but never a secret.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError

from connections.choices import AccountStatus
from connections.models import ConnectedAccount
from connections.providers.registry import NETSUITE
from connections.services import verify_account

from .forms import CREDENTIAL_NAMES

# What a failed re-authorization of an existing account puts back.
_RESTORED_FIELDS = ("label", "api_base_url", "credentials_encrypted", "status", "status_message", "verified_at")


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
    try:
        account.full_clean()
    except ValidationError as exc:
        return AuthorizeResult(None, " ".join(exc.messages))
    account.save()
    result = verify_account(account)
    if not result.ok:
        account.delete()  # nothing of a refused attempt is kept
        return AuthorizeResult(None, result.message)
    return AuthorizeResult(account, result.message)


def _reauthorize(account: ConnectedAccount, cleaned: dict, credentials: dict, user) -> AuthorizeResult:
    """New credentials for an account that exists but is not verified (kept only if they verify)."""
    before = {name: getattr(account, name) for name in _RESTORED_FIELDS}
    account.label = cleaned.get("label") or account.label
    account.api_base_url = cleaned.get("api_base_url") or ""
    account.set_credentials(credentials)
    account.updated_by = user
    try:
        account.full_clean()
    except ValidationError as exc:
        return AuthorizeResult(None, " ".join(exc.messages))
    account.save()
    result = verify_account(account)
    if not result.ok:
        for name, value in before.items():
            setattr(account, name, value)
        account.save(update_fields=[*_RESTORED_FIELDS, "updated_at"])
        return AuthorizeResult(None, result.message)
    return AuthorizeResult(account, result.message)
