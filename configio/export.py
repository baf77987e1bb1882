"""Export: the configuration as a JSON-ready dict, without a single secret.

For each secret an account holds, the file names the environment variable the import reads it from
(:func:`configio.format.secret_env_name`).
"""

from __future__ import annotations

from typing import Any

from connections.crypto import DecryptionError
from connections.models import ConnectedAccount, Connection

from .format import (
    ACCOUNT_FIELDS,
    ACTION_FIELDS,
    CONDITION_FIELDS,
    CONNECTION_FIELDS,
    FORMAT,
    MAPPING_FIELDS,
    RULE_FIELDS,
    SUBSIDIARY_FIELDS,
    VERSION,
    ConfigError,
    fields_of,
    secret_env_name,
    secret_names,
)


def _account_key(account: ConnectedAccount) -> dict[str, str]:
    return {"provider": account.provider, "account_id": account.account_id}


def _held_secrets(account: ConnectedAccount) -> list[str]:
    names = secret_names(account.provider)
    if not account.credentials_encrypted:
        return []
    try:
        stored = account.get_credentials()
    except DecryptionError:
        return list(names)  # unreadable here: name them all, the import needs them anyway
    return [name for name in names if stored.get(name)]


def export_config() -> dict[str, Any]:
    """The whole configuration as a JSON-ready dict (no secret in it). A fixed number of queries."""
    accounts = ConnectedAccount.objects.order_by("provider", "account_id").prefetch_related("subsidiaries__parent")
    connections = (
        Connection.objects.order_by("name", "pk")
        .select_related("netsuite_account", "app_account", "subsidiary")
        .prefetch_related("owners", "field_mappings", "rules__conditions", "rules__actions")
    )
    names = [c.name for c in connections]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ConfigError(f"Connection names must be unique to export them; rename: {', '.join(duplicates)}.")
    return {
        "format": FORMAT,
        "version": VERSION,
        "accounts": [_export_account(a) for a in accounts],
        "connections": [_export_connection(c) for c in connections],
    }


def _export_account(account: ConnectedAccount) -> dict[str, Any]:
    subsidiaries = sorted(account.subsidiaries.all(), key=lambda s: (len(s.internal_id), s.internal_id))
    return {
        **_account_key(account),
        **{name: getattr(account, name) for name in ACCOUNT_FIELDS},
        "secrets": {
            name: secret_env_name(account.provider, account.account_id, name) for name in _held_secrets(account)
        },
        "subsidiaries": [
            {
                "internal_id": s.internal_id,
                **{name: getattr(s, name) for name in SUBSIDIARY_FIELDS},
                "parent": s.parent.internal_id if s.parent_id else None,
            }
            for s in subsidiaries
        ],
    }


def _export_connection(connection: Connection) -> dict[str, Any]:
    mappings = sorted(connection.field_mappings.all(), key=lambda m: (m.order, m.netsuite_field, m.app_field, m.pk))
    keys = [(m.netsuite_field, m.app_field) for m in mappings]
    if len(set(keys)) != len(keys):
        twice = sorted({f"{ns} ⇄ {app}" for ns, app in keys if keys.count((ns, app)) > 1})
        raise ConfigError(f"Connection {connection.name!r} maps the same fields twice ({'; '.join(twice)}).")
    rules = sorted(connection.rules.all(), key=lambda r: (r.direction, r.order, r.name, r.pk))
    rule_keys = [(r.direction, r.name) for r in rules]
    if len(set(rule_keys)) != len(rule_keys):
        twice = sorted({name for direction, name in rule_keys if rule_keys.count((direction, name)) > 1})
        raise ConfigError(
            f"Connection {connection.name!r} has rules with the same name in one direction "
            f"({', '.join(twice)}); rename them to export."
        )
    return {
        "name": connection.name,
        "netsuite_account": _account_key(connection.netsuite_account),
        "subsidiary": connection.subsidiary.internal_id,
        "app_account": _account_key(connection.app_account),
        **{name: getattr(connection, name) for name in CONNECTION_FIELDS},
        "owners": sorted(user.get_username() for user in connection.owners.all()),
        "mappings": [
            {
                "netsuite_field": m.netsuite_field,
                "app_field": m.app_field,
                **{name: getattr(m, name) for name in MAPPING_FIELDS},
                "default": m.is_default,
            }
            for m in mappings
        ],
        "rules": [
            {
                "direction": r.direction,
                "name": r.name,
                **{name: getattr(r, name) for name in RULE_FIELDS},
                "conditions": [fields_of(c, CONDITION_FIELDS) for c in sorted(r.conditions.all(), key=lambda c: c.pk)],
                "actions": [fields_of(a, ACTION_FIELDS) for a in sorted(r.actions.all(), key=lambda a: a.pk)],
            }
            for r in rules
        ],
    }
