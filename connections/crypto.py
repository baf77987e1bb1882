"""Encryption of secrets at rest (Fernet, with key rotation).

``settings.FIELD_ENCRYPTION_KEYS`` is a list of Fernet keys: the first one
encrypts, every one of them decrypts. To rotate, put a new key first and keep
the old ones after it; ``manage.py rotate_encryption_keys`` (or simply saving a
row) re-encrypts with the new key.
"""

from __future__ import annotations

import json
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from config.redaction import register_secret


class DecryptionError(Exception):
    """No configured key decrypts the value (a key was removed too early)."""


@lru_cache(maxsize=8)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty.")
    try:
        return MultiFernet([Fernet(key.encode() if isinstance(key, str) else key) for key in keys])
    except (ValueError, TypeError):
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS must be comma-separated Fernet keys (32 url-safe base64-encoded bytes)."
        ) from None


def fernet() -> MultiFernet:
    """The MultiFernet for the keys configured now (settings may change in tests)."""
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt_json(data: dict) -> str:
    """Encrypt a JSON-serialisable dict with the first configured key."""
    return fernet().encrypt(json.dumps(data, sort_keys=True).encode("utf-8")).decode("ascii")


def decrypt_json(token: str) -> dict:
    """Decrypt a value made by :func:`encrypt_json` with any configured key.

    Every string value is registered with the log redactor, so a secret
    that was decrypted in this process never reaches a log line.
    """
    if not token:
        return {}
    try:
        data = json.loads(fernet().decrypt(token.encode("ascii")))
    except InvalidToken:
        raise DecryptionError(
            "The stored credentials cannot be decrypted with the configured FIELD_ENCRYPTION_KEYS "
            "(was the key that encrypted them removed?)."
        ) from None
    for value in data.values():
        if isinstance(value, str):
            register_secret(value)
    return data


def rotate(token: str) -> str:
    """Re-encrypt ``token`` with the first (newest) key."""
    return fernet().rotate(token.encode("ascii")).decode("ascii")
