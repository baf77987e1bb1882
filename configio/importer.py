"""Import: create or update the configuration a file describes, in one transaction.

Accounts and connections are created or updated by their keys and never deleted; the mappings and rules of
each connection in the file become exactly those of the file (so export → import → export gives the same
file). Any problem (a missing environment variable, an unknown owner, an invalid value) changes nothing.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from changelog.actor import acting_as
from connections.crypto import DecryptionError
from connections.models import ConnectedAccount, Connection, Subsidiary
from mappings.models import FieldMapping
from rules.models import Action, Condition, Rule
from syncengine.config_checks import connection_problems

from .format import (
    ACCOUNT_FIELDS,
    ACTION_FIELDS,
    CONDITION_FIELDS,
    CONNECTION_FIELDS,
    MAPPING_FIELDS,
    RULE_FIELDS,
    SUBSIDIARY_FIELDS,
    ConfigError,
    fields_of,
)
from .validate import as_config_error, check_shape, require, validate


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
    check_shape(config)
    report = ImportReport()
    with transaction.atomic(), acting_as(via="import_config"):
        validate(config, environ)
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
            raise as_config_error(where, exc) from None
        account.save()
    report.add("accounts", "created" if created else "updated" if changed else "unchanged")
    _import_subsidiaries(account, data.get("subsidiaries", []), report)
    return account


def _import_subsidiaries(account: ConnectedAccount, rows: list, report: ImportReport) -> None:
    existing = {s.internal_id: s for s in account.subsidiaries.all()}
    for row in rows:
        internal_id = str(require(row, "internal_id", f"a subsidiary of {account}"))
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
            raise as_config_error(where, exc) from None
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
        raise as_config_error(where, exc) from None
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
    current = [] if created else [fields_of(part, names) for part in getattr(rule, related).all()]
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
