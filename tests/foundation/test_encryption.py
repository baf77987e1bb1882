"""Credentials are encrypted at rest, and keys can be rotated."""

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.db import connection
from django.test import override_settings

from connections.crypto import DecryptionError
from connections.models import ConnectedAccount

from ..conftest import NETSUITE_SECRETS


def _raw_credentials(account_pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT credentials_encrypted FROM connections_connectedaccount WHERE id = %s", [account_pk])
        return cursor.fetchone()[0]


def test_credentials_column_holds_no_plaintext_secret(netsuite_account):
    raw = _raw_credentials(netsuite_account.pk)
    assert raw
    for secret in NETSUITE_SECRETS.values():
        assert secret not in raw
    assert ConnectedAccount.objects.get(pk=netsuite_account.pk).get_credentials() == NETSUITE_SECRETS


def test_rotated_keys_decrypt_old_rows_and_encrypt_new_rows_with_the_new_key(db, settings):
    old_key = Fernet.generate_key().decode()
    new_key = Fernet.generate_key().decode()
    with override_settings(FIELD_ENCRYPTION_KEYS=[old_key]):
        old = ConnectedAccount(provider="netsuite", label="old", account_id="111")
        old.set_credentials({"token_secret": "old-row-secret-123"})
        old.save()
    with override_settings(FIELD_ENCRYPTION_KEYS=[new_key, old_key]):
        assert ConnectedAccount.objects.get(pk=old.pk).get_credentials() == {"token_secret": "old-row-secret-123"}
        new = ConnectedAccount(provider="netsuite", label="new", account_id="222")
        new.set_credentials({"token_secret": "new-row-secret-456"})
        new.save()
    raw_new = _raw_credentials(new.pk).encode()
    assert b"new-row-secret-456" in Fernet(new_key.encode()).decrypt(raw_new)
    with pytest.raises(InvalidToken):
        Fernet(old_key.encode()).decrypt(raw_new)


def test_removed_key_gives_a_clear_error_not_garbage(db):
    with override_settings(FIELD_ENCRYPTION_KEYS=[Fernet.generate_key().decode()]):
        account = ConnectedAccount(provider="netsuite", label="x", account_id="333")
        account.set_credentials({"token_secret": "abcdefgh"})
        account.save()
    with override_settings(FIELD_ENCRYPTION_KEYS=[Fernet.generate_key().decode()]):
        with pytest.raises(DecryptionError, match="cannot be decrypted"):
            ConnectedAccount.objects.get(pk=account.pk).get_credentials()
