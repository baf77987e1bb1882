"""The NetSuite secrets typed in the wizard, kept across a failed check so nobody types four again.

Kept in the session encrypted with the project's Fernet keys (``connections.crypto``), never in clear
and never rendered back into the page: the form says "kept" and an empty box keeps the value. Forgotten
as soon as the account is stored, or the wizard is cancelled.
"""

from __future__ import annotations

from connections import crypto

SESSION_KEY = "connection_wizard_secrets"


def keep(request, credentials: dict[str, str]) -> None:
    """Remember the typed ``credentials`` (the non-empty ones), encrypted."""
    typed = {name: value for name, value in credentials.items() if value}
    if typed:
        request.session[SESSION_KEY] = crypto.encrypt_json(typed)


def kept(request) -> dict[str, str]:
    """The kept credentials ({} when none, or when no key can decrypt them any more)."""
    token = request.session.get(SESSION_KEY)
    if not token:
        return {}
    try:
        return crypto.decrypt_json(token)
    except crypto.DecryptionError:
        forget(request)
        return {}


def forget(request) -> None:
    request.session.pop(SESSION_KEY, None)
