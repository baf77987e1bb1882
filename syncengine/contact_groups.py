"""Contact groups that a mapped value names but the app does not have yet.

The converters are pure, so a name that matches no known group reaches the
writes as ``{"id": "", "name": ...}`` (see :func:`mappings.converters.text_to_options`).
Before the writes to the app are sent, :class:`MissingGroups` settles each one:

- the connection allows it (``Connection.create_missing_groups``): a group of
  that name made since the catalog was read is used (the groups are listed once
  per run, when needed), else the group is created; its id is written in;
- it does not, or the app refused the creation: the record is not written to the
  app. Writing it without the group would record the pair as synced and the group
  would never be tried again; failing it keeps it retried on every run until the
  group exists or creation is allowed, and the run ends partially failed naming it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from connections.providers.errors import ProviderError
from connections.providers.fields import FieldOption


class GroupClient(Protocol):
    """The group methods of the provider interface (an app whose capabilities say ``groups``)."""

    def groups(self) -> list[FieldOption]: ...

    def create_group(self, name: str) -> FieldOption: ...


@dataclass(frozen=True)
class Settled:
    """What became of one record's missing groups: ``problem`` (the record must not be written), or a ``note``."""

    problem: str | None = None
    note: str | None = None


def missing_names(value: Any) -> list[str]:
    """The names of the groups in a groups value that have no id yet."""
    if not isinstance(value, list):
        return []
    return [g["name"] for g in value if isinstance(g, dict) and not g.get("id") and g.get("name")]


class MissingGroups:
    """Settles the missing groups of one run's writes to the app, creating each group at most once per run."""

    def __init__(self, client: GroupClient, *, create: bool, dry_run: bool, app_label: str = "the app") -> None:
        self.client = client
        self.create = create
        self.dry_run = dry_run
        self.app_label = app_label
        self.refused: Counter[str] = Counter()  # names of groups that were not created, and how many records
        self._ids: dict[str, str] = {}  # casefolded name → group id, for the groups that exist
        self._errors: dict[str, str] = {}
        self._listed = False

    def settle(self, writes: dict[str, Any], group_fields: Iterable[str]) -> Settled:
        """Write the ids of created groups into ``writes`` (in place), or say why the record cannot be written."""
        fields = [f for f in group_fields if missing_names(writes.get(f))]
        names = list(dict.fromkeys(name for f in fields for name in missing_names(writes[f])))
        if not names:
            return Settled()
        quoted = ", ".join(repr(name) for name in names)
        if not self.create:
            self.refused.update(names)
            return Settled(
                problem=f"Contact group {quoted} does not exist in {self.app_label}, and this connection does not"
                " create missing groups (allow it on the connection, or create the group)"
            )
        if self.dry_run:
            return Settled(note=f"would create the contact group {quoted} in {self.app_label}")
        self._list_once()
        created_before = set(self._ids)
        failures = [failure for failure in map(self._error_for, names) if failure]
        if failures:
            return Settled(problem="; ".join(failures))
        for f in fields:
            writes[f] = [
                g if g.get("id") else {"id": self._ids[g["name"].casefold()], "name": g["name"]} for g in writes[f]
            ]
        new = [name for name in names if name.casefold() not in created_before]
        return Settled(
            note=f"created the contact group {', '.join(map(repr, new))} in {self.app_label}" if new else None
        )

    def _list_once(self) -> None:
        """The app's groups as they are now (the catalog may be older): read once per run, when needed."""
        if self._listed:
            return
        try:
            for group in self.client.groups():
                self._ids.setdefault(group.name.strip().casefold(), group.id)
        except ProviderError:
            pass  # creating then finds an existing group of that name (the app answers 409)
        self._listed = True

    def _error_for(self, name: str) -> str | None:
        """None once the group has an id (created now or earlier in the run), else why it has none."""
        key = name.casefold()
        if key not in self._ids and key not in self._errors:
            try:
                self._ids[key] = self.client.create_group(name).id
            except ProviderError as exc:
                self._errors[key] = f"the contact group {name!r} could not be created in {self.app_label}: {exc}"
        if key in self._errors:
            self.refused[name] += 1
            return self._errors[key]
        return None
