"""Configuration as code: accounts, connections, field mappings and rules as JSON, and back.

:func:`export_config` describes the configuration without a single secret:
for each secret an account holds, the file names the environment variable
:func:`import_config` reads it from. Objects are found again by stable keys:

- an account by provider + account id;
- a subsidiary by its account + NetSuite internal id;
- a connection by name;
- a mapping by connection + NetSuite field + app field;
- a rule by connection + direction + name (its conditions and actions are
  its content, in order).

An import creates or updates accounts and connections by those keys and
never deletes one; the mappings and rules of each connection in the file
become exactly those of the file (so export → import → export gives the
same file). It runs in one transaction: any problem (a missing environment
variable, an unknown owner, an invalid value) changes nothing. The format
is documented in ``docs/config-format.md``.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from changelog.actor import acting_as
from connections.crypto import DecryptionError
from connections.models import ConnectedAccount, Connection, Subsidiary
from connections.providers.registry import get_provider
from mappings.models import FieldMapping
from rules.models import Action, Condition, Rule
from syncengine.config_checks import connection_problems

FORMAT = "netsuite-contact-sync/config"
VERSION = 1

# Providers signed in with OAuth keep one lasting secret; their access tokens are renewed on their own.
OAUTH_SECRETS = ("refresh_token",)

ACCOUNT_FIELDS = ("label", "api_base_url", "concurrency_limit")
SUBSIDIARY_FIELDS = ("name", "is_inactive", "is_elimination", "country")
CONNECTION_FIELDS = (
    "contact_type",
    "app_scope",
    "paused",
    "interval_minutes",
    "conflict_policy",
    "netsuite_deletions",
    "app_deletions",
    "deletion_safety_percent",
    "phone_region",
    "create_missing_groups",
)
MAPPING_FIELDS = ("direction", "enabled", "order")
RULE_FIELDS = ("order", "match", "enabled")
CONDITION_FIELDS = ("field_id", "operator", "value")
ACTION_FIELDS = ("kind", "field_id", "value", "apply_on")


class ConfigError(Exception):
    """The configuration cannot be exported or imported as it stands; nothing was changed."""


def secret_names(provider: str) -> tuple[str, ...]:
    """The lasting secrets an account of ``provider`` holds (in the provider's order)."""
    typed = tuple(c.name for c in get_provider(provider).credential_fields)
    return typed or OAUTH_SECRETS


def secret_env_name(provider: str, account_id: str, name: str) -> str:
    """The environment variable a secret is read from, e.g. ``NETSUITE_1234567_SB1_TOKEN_SECRET``."""
    return re.sub(r"[^A-Z0-9]+", "_", f"{provider}_{account_id}_{name}".upper()).strip("_")


# --- export ------------------------------------------------------------------------------------------------------


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
                "conditions": [_row(c, CONDITION_FIELDS) for c in sorted(r.conditions.all(), key=lambda c: c.pk)],
                "actions": [_row(a, ACTION_FIELDS) for a in sorted(r.actions.all(), key=lambda a: a.pk)],
            }
            for r in rules
        ],
    }


def _row(obj, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in names}


def dumps(config: dict[str, Any]) -> str:
    """The configuration as stable JSON text (sorted keys, two-space indent, a final newline)."""
    return json.dumps(config, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


# --- import ------------------------------------------------------------------------------------------------------


@dataclass
class ImportReport:
    """What an import did, per kind of object: ``{"accounts": {"created": 1, "updated": 0, ...}}``."""

    counts: dict[str, dict[str, int]] = field(default_factory=dict)

    def add(self, kind: str, what: str, n: int = 1) -> None:
        bucket = self.counts.setdefault(kind, {"created": 0, "updated": 0, "unchanged": 0, "deleted": 0})
        bucket[what] += n

    def summary(self) -> str:
        return "; ".join(
            f"{kind}: " + ", ".join(f"{n} {what}" for what, n in bucket.items() if n)
            for kind, bucket in self.counts.items()
            if any(bucket.values())
        )


def _problem(where: str, exc: ValidationError) -> ConfigError:
    if hasattr(exc, "message_dict"):
        text = "; ".join(f"{name}: {' '.join(msgs)}" for name, msgs in exc.message_dict.items())
    else:
        text = " ".join(exc.messages)
    return ConfigError(f"{where}: {text}")


def _require(data: Mapping, key: str, where: str, kind: type | tuple[type, ...] = (str,)):
    if key not in data:
        raise ConfigError(f"{where}: {key!r} is missing.")
    value = data[key]
    if not isinstance(value, kind):
        raise ConfigError(f"{where}: {key!r} has the wrong type ({type(value).__name__}).")
    return value


def _check_shape(config: Any) -> None:
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


def _validate(config: dict, environ: Mapping[str, str]) -> None:
    """Everything that can be checked before writing: keys, secrets, owners."""
    accounts = config.get("accounts", [])
    connections = config.get("connections", [])
    for index, account in enumerate(accounts):
        where = f"accounts[{index}]"
        if not isinstance(account, dict):
            raise ConfigError(f"{where} must be an object.")
        _require(account, "provider", where)
        _require(account, "account_id", where)
        if not isinstance(account.get("secrets", {}), dict) or not isinstance(account.get("subsidiaries", []), list):
            raise ConfigError(f"{where}: 'secrets' must be an object and 'subsidiaries' a list.")
    _unique(accounts, lambda a: (a["provider"], a["account_id"]), "the account")
    for index, connection in enumerate(connections):
        where = f"connections[{index}]"
        if not isinstance(connection, dict):
            raise ConfigError(f"{where} must be an object.")
        name = _require(connection, "name", where)
        where = f"connection {name!r}"
        for key in ("netsuite_account", "app_account"):
            ref = _require(connection, key, where, dict)
            _require(ref, "provider", f"{where}, {key}")
            _require(ref, "account_id", f"{where}, {key}")
        _require(connection, "subsidiary", where)
        for key in ("mappings", "rules", "owners"):
            if not isinstance(connection.get(key, []), list):
                raise ConfigError(f"{where}: {key!r} must be a list.")
        for mapping in connection.get("mappings", []):
            _require(mapping, "netsuite_field", f"{where}, a mapping")
            _require(mapping, "app_field", f"{where}, a mapping")
        for rule in connection.get("rules", []):
            _require(rule, "direction", f"{where}, a rule")
            _require(rule, "name", f"{where}, a rule")
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


def import_config(
    config: dict[str, Any], environ: Mapping[str, str] | None = None, *, dry_run: bool = False
) -> ImportReport:
    """Create or update the configuration described by ``config`` (as :func:`export_config` writes it).

    Secrets are read from ``environ`` (default: the process environment) by the names the file gives.
    One transaction: on any problem a :class:`ConfigError` is raised and nothing is changed; with
    ``dry_run`` everything is applied and then rolled back (the report says what would change).
    Changes are recorded in the change history as made through ``import_config``.
    """
    environ = os.environ if environ is None else environ
    _check_shape(config)
    report = ImportReport()
    with transaction.atomic(), acting_as(via="import_config"):
        _validate(config, environ)
        accounts = {
            (a["provider"], a["account_id"]): _import_account(a, environ, report) for a in config.get("accounts", [])
        }
        for data in config.get("connections", []):
            _import_connection(data, accounts, report)
        if dry_run:
            transaction.set_rollback(True)
    return report


def _assign(obj, data: Mapping, names: tuple[str, ...]) -> bool:
    """Set the fields of ``obj`` the file gives; True when one of them changed."""
    changed = False
    for name in names:
        if name in data and getattr(obj, name) != data[name]:
            setattr(obj, name, data[name])
            changed = True
    return changed


def _import_account(data: Mapping, environ: Mapping[str, str], report: ImportReport) -> ConnectedAccount:
    where = f"account {data['provider']} {data['account_id']}"
    account = ConnectedAccount.objects.filter(provider=data["provider"], account_id=data["account_id"]).first()
    created = account is None
    if created:
        account = ConnectedAccount(provider=data["provider"], account_id=data["account_id"])
    changed = _assign(account, data, ACCOUNT_FIELDS)
    secrets = {name: environ[str(variable)] for name, variable in data.get("secrets", {}).items()}
    if secrets:
        try:
            stored = account.get_credentials() if account.credentials_encrypted else {}
        except DecryptionError:
            stored = {}
        if any(stored.get(name) != value for name, value in secrets.items()):
            account.set_credentials(secrets)
            changed = True
    if created or changed:
        try:
            account.full_clean()
        except ValidationError as exc:
            raise _problem(where, exc) from None
        account.save()
    report.add("accounts", "created" if created else "updated" if changed else "unchanged")
    _import_subsidiaries(account, data.get("subsidiaries", []), report)
    return account


def _import_subsidiaries(account: ConnectedAccount, rows: list, report: ImportReport) -> None:
    existing = {s.internal_id: s for s in account.subsidiaries.all()}
    for row in rows:
        internal_id = str(_require(row, "internal_id", f"a subsidiary of {account}"))
        sub = existing.get(internal_id)
        created = sub is None
        if created:
            sub = existing[internal_id] = Subsidiary(account=account, internal_id=internal_id)
        changed = _assign(sub, row, SUBSIDIARY_FIELDS)
        if created or changed:
            sub.save()
        report.add("subsidiaries", "created" if created else "updated" if changed else "unchanged")
    for row in rows:  # parents, once every subsidiary of the file exists
        sub = existing[str(row["internal_id"])]
        parent = existing.get(str(row["parent"])) if row.get("parent") else None
        if row.get("parent") and parent is None:
            raise ConfigError(f"Subsidiary {sub.internal_id} of {account}: unknown parent {row['parent']!r}.")
        if sub.parent_id != (parent.pk if parent else None):
            sub.parent = parent
            sub.save(update_fields=["parent"])


def _find_account(ref: Mapping, accounts: dict, where: str) -> ConnectedAccount:
    key = (ref["provider"], ref["account_id"])
    account = accounts.get(key) or ConnectedAccount.objects.filter(provider=key[0], account_id=key[1]).first()
    if account is None:
        raise ConfigError(f"{where}: no {key[0]} account {key[1]!r} in the file or the database.")
    return account


def _import_connection(data: Mapping, accounts: dict, report: ImportReport) -> Connection:
    name = data["name"]
    where = f"connection {name!r}"
    netsuite = _find_account(data["netsuite_account"], accounts, f"{where}, netsuite_account")
    app = _find_account(data["app_account"], accounts, f"{where}, app_account")
    subsidiary = Subsidiary.objects.filter(account=netsuite, internal_id=str(data["subsidiary"])).first()
    if subsidiary is None:
        raise ConfigError(f"{where}: the NetSuite account {netsuite} has no subsidiary {data['subsidiary']!r}.")
    found = list(Connection.objects.filter(name=name)[:2])
    if len(found) > 1:
        raise ConfigError(f"{where}: several connections in the database have this name; rename them first.")
    connection = found[0] if found else None
    created = connection is None
    if created:
        connection = Connection(name=name)
    was_paused = connection.paused
    changed = _assign(connection, data, CONNECTION_FIELDS)
    for attname, value in (
        ("netsuite_account_id", netsuite.pk),
        ("app_account_id", app.pk),
        ("subsidiary_id", subsidiary.pk),
    ):
        if getattr(connection, attname) != value:
            setattr(connection, attname, value)
            changed = True
    if connection.paused != was_paused:
        connection.paused_reason = "Paused by import_config." if connection.paused else ""
    if created or changed:
        try:
            connection.full_clean()
        except ValidationError as exc:
            raise _problem(where, exc) from None
        connection.save()  # a new connection gets its default mappings and rules here: reconciled below
    report.add("connections", "created" if created else "updated" if changed else "unchanged")
    if "owners" in data:
        User = get_user_model()
        owners = User.objects.filter(**{f"{User.USERNAME_FIELD}__in": data["owners"]})
        if set(connection.owners.all()) != set(owners):
            connection.owners.set(owners)
    if "mappings" in data:
        _import_mappings(connection, data["mappings"], where, report)
    if "rules" in data:
        _import_rules(connection, data["rules"], where, report)
    if "mappings" in data or "rules" in data:
        # The check the admin runs on save and the engine at run start: refused here with the reasons.
        problems = connection_problems(connection, at_import=True)
        if problems:
            raise ConfigError(f"{where}: invalid mappings or rules (nothing was imported): " + "; ".join(problems))
    return connection


def _save_checked(obj, where: str, exclude: list[str]) -> None:
    """Check the values against the fields' choices and sizes, then save.

    Mappings and rules are checked against the field catalogs once the whole
    connection is in (:func:`syncengine.config_checks.connection_problems`):
    types, directions, operators and values. A field missing from a catalog
    that was never fetched passes (an empty database knows only the standard
    fields until "Refresh field catalogs" reads the custom ones); the run-start
    check judges it then.
    """
    try:
        obj.clean_fields(exclude=exclude)
    except ValidationError as exc:
        raise _problem(where, exc) from None
    obj.save()


def _import_mappings(connection: Connection, rows: list, where: str, report: ImportReport) -> None:
    existing: dict[tuple[str, str], list[FieldMapping]] = {}
    for mapping in connection.field_mappings.all():
        existing.setdefault((mapping.netsuite_field, mapping.app_field), []).append(mapping)
    for row in rows:
        key = (row["netsuite_field"], row["app_field"])
        found = existing.pop(key, [])
        if len(found) > 1:
            raise ConfigError(f"{where}: the database maps {key[0]} ⇄ {key[1]} twice; delete one first.")
        mapping = found[0] if found else FieldMapping(connection=connection, netsuite_field=key[0], app_field=key[1])
        created = not found
        changed = _assign(mapping, row, MAPPING_FIELDS)
        if "default" in row and mapping.is_default != bool(row["default"]):
            mapping.is_default = bool(row["default"])
            changed = True
        if created or changed:
            _save_checked(mapping, f"{where}, mapping {key[0]} ⇄ {key[1]}", exclude=["connection"])
        report.add("mappings", "created" if created else "updated" if changed else "unchanged")
    for leftovers in existing.values():  # not in the file: the file is the connection's mapping
        for mapping in leftovers:
            mapping.delete()
            report.add("mappings", "deleted")


def _import_rules(connection: Connection, rows: list, where: str, report: ImportReport) -> None:
    existing: dict[tuple[str, str], list[Rule]] = {}
    for rule in connection.rules.prefetch_related("conditions", "actions"):
        existing.setdefault((rule.direction, rule.name), []).append(rule)
    for row in rows:
        key = (row["direction"], row["name"])
        found = existing.pop(key, [])
        if len(found) > 1:
            raise ConfigError(f"{where}: the database has two {key[0]} rules called {key[1]!r}; rename one first.")
        rule = found[0] if found else Rule(connection=connection, direction=key[0], name=key[1])
        created = not found
        rule_where = f"{where}, rule {key[1]!r} ({key[0]})"
        changed = _assign(rule, row, RULE_FIELDS)
        if created or changed:
            _save_checked(rule, rule_where, exclude=["connection"])
        parts_changed = _replace_parts(
            rule, Condition, "conditions", CONDITION_FIELDS, row.get("conditions", []), created, rule_where
        )
        parts_changed |= _replace_parts(
            rule, Action, "actions", ACTION_FIELDS, row.get("actions", []), created, rule_where
        )
        report.add("rules", "created" if created else "updated" if changed or parts_changed else "unchanged")
    for leftovers in existing.values():  # not in the file: the file is the connection's rule set
        for rule in leftovers:
            rule.delete()
            report.add("rules", "deleted")


def _replace_parts(
    rule: Rule, model, related: str, names: tuple[str, ...], rows: list, created: bool, where: str
) -> bool:
    """Make a rule's conditions (or actions) those of the file, in order; True when they changed.

    They have no key of their own (a rule's conditions are its content), so a
    rule whose list differs gets the file's list anew.
    """
    current = [] if created else [_row(part, names) for part in getattr(rule, related).all()]
    wanted = [{name: row[name] for name in names if name in row} for row in rows]
    defaults = {name: model._meta.get_field(name).get_default() for name in names}
    wanted = [{**defaults, **row} for row in wanted]
    if current == wanted:
        return False
    if not created:
        for part in getattr(rule, related).all():
            part.delete()
    for row in wanted:
        _save_checked(model(rule=rule, **row), f"{where}, {related[:-1]}", exclude=["rule"])
    return True
