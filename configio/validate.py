"""Checks of a configuration file before anything is written: its shape, its keys, its secrets, its owners.

A problem is a :class:`configio.format.ConfigError` that says where in the file it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from .format import FORMAT, VERSION, ConfigError


def as_config_error(where: str, exc: ValidationError) -> ConfigError:
    """A model's ``ValidationError`` as a :class:`ConfigError` that says where in the file it is."""
    if hasattr(exc, "message_dict"):
        text = "; ".join(f"{name}: {' '.join(msgs)}" for name, msgs in exc.message_dict.items())
    else:
        text = " ".join(exc.messages)
    return ConfigError(f"{where}: {text}")


def require(data: Mapping, key: str, where: str, kind: type | tuple[type, ...] = (str,)):
    """``data[key]``, refused with a :class:`ConfigError` when it is missing or not of ``kind``."""
    if key not in data:
        raise ConfigError(f"{where}: {key!r} is missing.")
    value = data[key]
    if not isinstance(value, kind):
        raise ConfigError(f"{where}: {key!r} has the wrong type ({type(value).__name__}).")
    return value


def check_shape(config: Any) -> None:
    """Refuse a file that is not this product's configuration, or of another version."""
    if not isinstance(config, dict) or config.get("format") != FORMAT:
        raise ConfigError(f'Not a configuration file of this product (expected "format": "{FORMAT}").')
    if config.get("version") != VERSION:
        raise ConfigError(
            f"Unsupported configuration version {config.get('version')!r} (this version reads {VERSION})."
        )
    for key in ("accounts", "connections"):
        if not isinstance(config.get(key, []), list):
            raise ConfigError(f"{key!r} must be a list.")


def _unique(items: list, key, what: str) -> None:
    seen: set = set()
    for item in items:
        k = key(item)
        if k in seen:
            raise ConfigError(f"The file lists {what} {k!r} twice.")
        seen.add(k)


def validate(config: dict, environ: Mapping[str, str]) -> None:
    """Everything that can be checked before writing: keys, secrets, owners."""
    accounts = config.get("accounts", [])
    connections = config.get("connections", [])
    for index, account in enumerate(accounts):
        where = f"accounts[{index}]"
        if not isinstance(account, dict):
            raise ConfigError(f"{where} must be an object.")
        require(account, "provider", where)
        require(account, "account_id", where)
        if not isinstance(account.get("secrets", {}), dict) or not isinstance(account.get("subsidiaries", []), list):
            raise ConfigError(f"{where}: 'secrets' must be an object and 'subsidiaries' a list.")
    _unique(accounts, lambda a: (a["provider"], a["account_id"]), "the account")
    for index, connection in enumerate(connections):
        where = f"connections[{index}]"
        if not isinstance(connection, dict):
            raise ConfigError(f"{where} must be an object.")
        name = require(connection, "name", where)
        where = f"connection {name!r}"
        for key in ("netsuite_account", "app_account"):
            ref = require(connection, key, where, dict)
            require(ref, "provider", f"{where}, {key}")
            require(ref, "account_id", f"{where}, {key}")
        require(connection, "subsidiary", where)
        for key in ("mappings", "rules", "owners"):
            if not isinstance(connection.get(key, []), list):
                raise ConfigError(f"{where}: {key!r} must be a list.")
        for mapping in connection.get("mappings", []):
            require(mapping, "netsuite_field", f"{where}, a mapping")
            require(mapping, "app_field", f"{where}, a mapping")
        for rule in connection.get("rules", []):
            require(rule, "direction", f"{where}, a rule")
            require(rule, "name", f"{where}, a rule")
        _unique(
            connection.get("mappings", []), lambda m: (m["netsuite_field"], m["app_field"]), f"in {where} the mapping"
        )
        _unique(connection.get("rules", []), lambda r: (r["direction"], r["name"]), f"in {where} the rule")
    _unique(connections, lambda c: c["name"], "the connection")

    missing = [
        f"{variable} ({name} of {account['provider']} account {account['account_id']})"
        for account in accounts
        for name, variable in sorted(account.get("secrets", {}).items())
        if not environ.get(str(variable))
    ]
    if missing:
        raise ConfigError("Missing environment variables (nothing was imported): " + ", ".join(missing) + ".")

    usernames = {u for c in connections for u in c.get("owners", [])}
    User = get_user_model()
    known = set(
        User.objects.filter(**{f"{User.USERNAME_FIELD}__in": usernames}).values_list(User.USERNAME_FIELD, flat=True)
    )
    if usernames - known:
        raise ConfigError(
            "Unknown owners (create these users first; nothing was imported): "
            + ", ".join(sorted(usernames - known))
            + "."
        )
