"""Secrets in the change history: only the names of the credentials that changed, never a value."""

from __future__ import annotations

# Tokens a client renews on its own (an access token every hour): not a change anyone made.
EPHEMERAL_CREDENTIALS = frozenset({"access_token", "expires_at", "expires_in", "token_type", "scope", "id_token"})


def changed_credentials(old_encrypted: str, new_encrypted: str) -> list[str]:
    """The names of the lasting credentials that differ between two encrypted credential sets.

    An empty list when only ephemeral tokens changed. When a set cannot be
    decrypted (a removed key), the change is reported as "credentials".
    """
    if old_encrypted == new_encrypted:
        return []
    from connections import crypto  # lazily: every app may import this one

    try:
        before = crypto.decrypt_json(old_encrypted) if old_encrypted else {}
        after = crypto.decrypt_json(new_encrypted) if new_encrypted else {}
    except crypto.DecryptionError:
        return ["credentials"]
    names = set(before) | set(after)
    return sorted(name for name in names - EPHEMERAL_CREDENTIALS if before.get(name) != after.get(name))
