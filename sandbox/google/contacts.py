"""The sandbox user's contacts and contact groups, and how they are shown.

Every write to a contact gives it a new change sequence number (``seq``), a new
etag and a new ``updateTime``; a deleted contact stays behind as a tombstone
with its own ``seq``, so a sync token (a ``seq``) finds every change after it,
deletions included, in the order they happened.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from .errors import ApiError, invalid_argument
from .person_fields import (
    REQUIRED_ITEM_KEYS,
    SINGLETON_FIELDS,
    STORED_FIELDS,
    clean_item,
    display_item,
)

MY_CONTACTS = "contactGroups/myContacts"
STARRED = "contactGroups/starred"
ALL_CONTACTS = "contactGroups/all"
# (id, name, formattedName, members may be added). Only myContacts and starred
# take new members; the others are deprecated system groups.
SYSTEM_GROUPS = (
    ("chatBuddies", "chatBuddies", "Chat contacts", False),
    ("all", "all", "All Contacts", False),
    ("friends", "friends", "Friends", False),
    ("family", "family", "Family", False),
    ("coworkers", "coworkers", "Coworkers", False),
    ("myContacts", "myContacts", "My Contacts", True),
    ("starred", "starred", "Starred", True),
    ("blocked", "blocked", "Blocked", False),
)
_ID_BASE = 7_000_000_000_000_000_000
_ID_SPAN = 10**12
_ID_STEP = 2_654_435_761  # coprime with _ID_SPAN: ids look scattered yet never repeat


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(eq=False)
class Contact:
    """A contact: its stored fields (items without output-only values), the
    index of each field's primary item, its groups and per-client clientData."""

    number: int
    fields: dict[str, list[dict]]
    primaries: dict[str, int]
    groups: list[str]
    client_data: dict[str, list[dict]]
    seq: int = 0
    version: int = 0
    update_time: str = ""
    deleted: bool = False
    _view: dict | None = field(default=None, repr=False)
    _etags: tuple[int, str, str] | None = field(default=None, repr=False)

    @property
    def resource_name(self) -> str:
        return f"people/c{self.number}"

    @property
    def source_id(self) -> str:
        return format(self.number, "x")

    def _etag_pair(self) -> tuple[str, str]:
        if self._etags is None or self._etags[0] != self.version:
            digest = hashlib.sha1(f"{self.number}:{self.version}".encode(), usedforsecurity=False).digest()
            self._etags = (self.version, "%" + _b64(b"\x12\x05" + digest[:16]), "#" + _b64(digest[12:20]))
        return self._etags[1], self._etags[2]

    @property
    def etag(self) -> str:
        """The person's top-level etag."""
        return self._etag_pair()[0]

    @property
    def source_etag(self) -> str:
        """The etag of the CONTACT source (``metadata.sources[0].etag``); differs from :attr:`etag`."""
        return self._etag_pair()[1]

    def source(self) -> dict:
        return {"type": "CONTACT", "id": self.source_id, "etag": self.source_etag, "updateTime": self.update_time}

    def view(self) -> dict[str, list[dict]]:
        """Every stored field as shown (cached until the next write; never mutated)."""
        if self._view is None:
            field_source = {"type": "CONTACT", "id": self.source_id}
            view: dict[str, list[dict]] = {}
            for name, items in self.fields.items():
                view[name] = self._decorate(name, items, self.primaries.get(name, 0), field_source)
            memberships = [{"contactGroupMembership": {"contactGroupResourceName": g}} for g in self.groups]
            if memberships:
                view["memberships"] = self._decorate("memberships", memberships, 0, field_source)
            self._view = view
        return self._view

    @staticmethod
    def _decorate(name: str, items: list[dict], primary: int, source: dict) -> list[dict]:
        shown = []
        for index, item in enumerate(items):
            out = display_item(name, item)
            if index == primary:
                out["metadata"] = {"primary": True, "sourcePrimary": True, "source": source}
            else:
                out["metadata"] = {"source": source}
            shown.append(out)
        return shown

    def render(self, mask, client_id: str | None) -> dict:
        """The person as the API returns it, limited to the fields of ``mask``."""
        if self.deleted:
            return {"resourceName": self.resource_name, "etag": self.etag, "metadata": {"deleted": True}}
        out: dict = {"resourceName": self.resource_name, "etag": self.etag}
        view = self.view()
        for name in mask:
            if name == "metadata":
                out["metadata"] = {"sources": [self.source()], "objectType": "PERSON"}
            elif name == "clientData":
                items = self.client_data.get(client_id or "")
                if items:
                    out["clientData"] = self._decorate(
                        "clientData", items, 0, {"type": "CONTACT", "id": self.source_id}
                    )
            elif name in view:
                out[name] = view[name]
        return out


@dataclass(eq=False)
class Group:
    """A contact group (system or user)."""

    resource_name: str
    name: str
    formatted_name: str
    group_type: str
    addable: bool
    client_data: list[dict]
    version: int = 0
    seq: int = 0
    update_time: str = ""
    deleted: bool = False

    @property
    def etag(self) -> str:
        digest = hashlib.sha1(f"{self.resource_name}:{self.version}".encode(), usedforsecurity=False).digest()
        return _b64(digest[:9])

    def render(self, fields, member_count: int, members: list[str] | None = None) -> dict:
        if self.deleted:
            return {"resourceName": self.resource_name, "etag": self.etag, "metadata": {"deleted": True}}
        out: dict = {"resourceName": self.resource_name, "etag": self.etag}
        if "metadata" in fields:
            out["metadata"] = {"updateTime": self.update_time}
        if "groupType" in fields:
            out["groupType"] = self.group_type
        if "name" in fields:
            out["name"] = self.name
            out["formattedName"] = self.formatted_name
        if "memberCount" in fields and member_count:  # proto3 JSON leaves zeros out
            out["memberCount"] = member_count
        if "clientData" in fields and self.client_data:
            out["clientData"] = self.client_data
        if members:
            out["memberResourceNames"] = members
        return out


class ContactStore:
    """Contacts (tombstones included) and groups, with the change log sync tokens read."""

    def __init__(self, clock: Callable[[], float]):
        self.clock = clock
        self.reset()

    def reset(self) -> None:
        self.contacts: dict[str, Contact] = {}
        self.live_count = 0
        self.seq = 0
        self._seq_owner: dict[int, str] = {}  # seq -> resource name, in seq order
        self._next_index = 1
        self._last_time: datetime | None = None
        self.groups: dict[str, Group] = {}
        self.members: dict[str, dict[str, None]] = {}  # group -> ordered set of contacts
        self.group_seq = 0
        self._next_group = 1
        for gid, name, formatted, addable in SYSTEM_GROUPS:
            self._add_group(Group(f"contactGroups/{gid}", name, formatted, "SYSTEM_CONTACT_GROUP", addable, []))

    # --- time and sequence ------------------------------------------------
    def next_update_time(self) -> str:
        """An updateTime later than every one given so far."""
        return self._now()

    def _now(self) -> str:
        moment = datetime.fromtimestamp(self.clock(), UTC)
        if self._last_time is not None and moment <= self._last_time:
            moment = self._last_time + timedelta(microseconds=1)  # updateTime grows with every write
        self._last_time = moment
        return rfc3339(moment)

    def _stamp(self, contact: Contact, update_time: str | None = None) -> None:
        self._seq_owner.pop(contact.seq, None)
        self.seq += 1
        contact.seq = self.seq
        contact.version += 1
        contact.update_time = update_time or self._now()
        contact._view = None
        self._seq_owner[contact.seq] = contact.resource_name

    # --- reading ----------------------------------------------------------
    def get(self, resource_name: str) -> Contact | None:
        """A live contact, or None (missing or deleted)."""
        contact = self.contacts.get(resource_name)
        return None if contact is None or contact.deleted else contact

    def ordered(self, sort_order: str) -> list[str]:
        """Live contacts' resource names in ``sort_order``."""
        contacts = self.contacts
        by_change = [rn for rn in self._seq_owner.values() if not contacts[rn].deleted]
        if sort_order == "LAST_MODIFIED_DESCENDING":
            by_change.reverse()
        elif sort_order in ("FIRST_NAME_ASCENDING", "LAST_NAME_ASCENDING"):
            key_name = "givenName" if sort_order == "FIRST_NAME_ASCENDING" else "familyName"

            def key(rn: str):
                names = contacts[rn].fields.get("names")
                value = (names[0].get(key_name) or "").lower() if names else ""
                return (value == "", value, contacts[rn].number)

            by_change.sort(key=key)
        return by_change

    def changes_since(self, seq: int, until: int) -> list[str]:
        """Resource names changed (or deleted) after ``seq`` up to ``until``, oldest first."""
        owner = self._seq_owner
        return [owner[q] for q in range(seq + 1, until + 1) if q in owner]

    # --- validation -------------------------------------------------------
    def person_problems(self, person: dict, fields, existing_groups=()) -> list[tuple[str, str]]:
        """``(field, message)`` for each reason Google refuses the values of ``fields`` in ``person``
        (``existing_groups``: the contact's groups, which it may keep even where none may be added)."""
        problems: list[tuple[str, str]] = []
        for name in fields:
            items = person.get(name) or []
            if name in SINGLETON_FIELDS and len(items) > 1:
                problems.append((name, f"Invalid {name}: a contact may have at most one value for this field."))
            for index, item in enumerate(items):
                for key in REQUIRED_ITEM_KEYS.get(name, ()):
                    if not str(item.get(key) or "").strip():
                        problems.append((f"{name}[{index}].{key}", f"{name}[{index}].{key} must not be empty."))
                if name == "birthdays":
                    problems.extend(_birthday_problems(index, item))
            if name == "memberships":
                problems.extend(self._membership_problems(items, existing_groups))
        return problems

    def _membership_problems(self, items: list[dict], existing_groups) -> list[tuple[str, str]]:
        problems = []
        for index, item in enumerate(items):
            name = (item.get("contactGroupMembership") or {}).get("contactGroupResourceName")
            where = f"memberships[{index}]"
            if not name:
                problems.append((where, "Only contactGroupMembership.contactGroupResourceName can be written."))
                continue
            group = self.groups.get(name)
            if group is None or group.deleted:
                problems.append((where, f"Contact group {name} was not found."))
            elif not group.addable and name not in existing_groups:
                problems.append((where, f"Cannot add contacts to the system contact group {name}."))
        return problems

    # --- writing ----------------------------------------------------------
    def _new_number(self) -> int:
        number = _ID_BASE + (self._next_index * _ID_STEP) % _ID_SPAN
        self._next_index += 1
        return number

    @staticmethod
    def _store_fields(person: dict, names) -> tuple[dict[str, list[dict]], dict[str, int]]:
        stored: dict[str, list[dict]] = {}
        primaries: dict[str, int] = {}
        for name in names:
            items = person.get(name) or []
            if not items:
                continue
            cleaned, primary = [], 0
            for index, raw in enumerate(items):
                item, is_primary = clean_item(name, raw)
                cleaned.append(item)
                if is_primary:
                    primary = index
            stored[name] = cleaned
            primaries[name] = primary
        return stored, primaries

    def create(
        self, person: dict, client_id: str | None, *, update_time: str | None = None, trusted: bool = False
    ) -> Contact:
        """Store a new contact from a validated Person body (``resourceName`` may be given by seeding).
        ``trusted``: the body holds no output-only values and its first items are primary
        (the generator's people), so it is stored as is, which is much faster."""
        if trusted:
            fields = {name: items for name, items in person.items() if name != "memberships" and items}
            primaries: dict[str, int] = {}
        else:
            fields, primaries = self._store_fields(person, STORED_FIELDS)
        groups = [MY_CONTACTS]
        for item in person.get("memberships") or []:
            name = item["contactGroupMembership"]["contactGroupResourceName"]
            if name not in groups:
                groups.append(name)
        client_data = {}
        if person.get("clientData"):
            client_data[client_id or ""] = [clean_item("clientData", item)[0] for item in person["clientData"]]
        number = _number_of(person.get("resourceName")) if person.get("resourceName") else self._new_number()
        if f"people/c{number}" in self.contacts:
            raise ValueError(f"people/c{number} already exists")
        contact = Contact(number, fields, primaries, groups, client_data)
        self.contacts[contact.resource_name] = contact
        self.live_count += 1
        for group in groups:
            self.members.setdefault(group, {})[contact.resource_name] = None
        self._stamp(contact, update_time)
        return contact

    def update(self, contact: Contact, person: dict, mask, client_id: str | None) -> None:
        """Replace the fields of ``mask`` with ``person``'s (absent means cleared)."""
        fields, primaries = self._store_fields(person, [m for m in mask if m in STORED_FIELDS])
        new_fields = {k: v for k, v in contact.fields.items() if k not in mask}
        new_fields.update(fields)
        contact.fields = new_fields
        contact.primaries = {k: v for k, v in contact.primaries.items() if k in new_fields and k not in fields}
        contact.primaries.update(primaries)
        if "memberships" in mask:
            groups = []
            for item in person.get("memberships") or []:
                name = item["contactGroupMembership"]["contactGroupResourceName"]
                if name not in groups:
                    groups.append(name)
            self._set_groups(contact, groups)
        if "clientData" in mask:
            items = [clean_item("clientData", item)[0] for item in person.get("clientData") or []]
            contact.client_data = {k: v for k, v in contact.client_data.items() if k != (client_id or "")}
            if items:
                contact.client_data[client_id or ""] = items
        self._stamp(contact)

    def _set_groups(self, contact: Contact, groups: list[str]) -> None:
        for group in contact.groups:
            if group not in groups:
                self.members.get(group, {}).pop(contact.resource_name, None)
        for group in groups:
            self.members.setdefault(group, {})[contact.resource_name] = None
        contact.groups = list(groups)

    def touch(self, contact: Contact, changes: dict | None = None) -> None:
        """A change made by the user in Google Contacts: new values for the given fields, new etag."""
        changes = changes or {}
        unknown = set(changes) - set(STORED_FIELDS) - {"memberships"}
        if unknown:
            raise ValueError(f"touch() takes person fields, not {sorted(unknown)}")
        problems = self.person_problems(changes, list(changes), contact.groups)
        if problems:
            raise ValueError("; ".join(message for _, message in problems))
        if changes:
            self.update(contact, changes, list(changes), None)
        else:
            self._stamp(contact)

    def delete(self, contact: Contact) -> None:
        """Delete a contact, leaving a tombstone for sync readers."""
        self._set_groups(contact, [])
        contact.deleted = True
        contact.fields, contact.primaries, contact.client_data = {}, {}, {}
        self.live_count -= 1
        self._stamp(contact)

    def modify_membership(self, contact: Contact, add: str | None = None, remove: str | None = None) -> bool:
        """Add to or remove from one group; False when the removal would leave no group."""
        groups = list(contact.groups)
        if add and add not in groups:
            groups.append(add)
        if remove and remove in groups:
            if len(groups) == 1:
                return False
            groups.remove(remove)
        if groups != contact.groups:
            self._set_groups(contact, groups)
            self._stamp(contact)  # memberships are person data: new etag, and the next sync sees it
        return True

    # --- groups -------------------------------------------------------------
    def _add_group(self, group: Group) -> Group:
        self.group_seq += 1
        group.seq = self.group_seq
        group.version += 1
        group.update_time = self._now()
        self.groups[group.resource_name] = group
        self.members.setdefault(group.resource_name, {})
        return group

    def create_group(self, name: str, client_data: list[dict] | None = None, resource_name: str | None = None) -> Group:
        if resource_name is None:
            resource_name = f"contactGroups/{format(0x1A2B3C4D5E00 + self._next_group * 0x9E37, 'x')}"
            self._next_group += 1
        if resource_name in self.groups and not self.groups[resource_name].deleted:
            raise ValueError(f"{resource_name} already exists")
        return self._add_group(Group(resource_name, name, name, "USER_CONTACT_GROUP", True, list(client_data or [])))

    def touch_group(self, group: Group) -> None:
        self._add_group(group)

    def group_by_name(self, name: str) -> Group | None:
        # UNCERTAIN whether Google compares group names case-insensitively; the sandbox does (stricter).
        folded = name.casefold()
        for group in self.groups.values():
            if not group.deleted and group.group_type == "USER_CONTACT_GROUP" and group.name.casefold() == folded:
                return group
        return None

    def member_count(self, group: Group) -> int:
        if group.resource_name == ALL_CONTACTS:
            return self.live_count
        return len(self.members.get(group.resource_name, ()))

    def member_names(self, group: Group, limit: int) -> list[str]:
        if group.resource_name == ALL_CONTACTS:
            source = (rn for rn, c in self.contacts.items() if not c.deleted)
        else:
            source = iter(self.members.get(group.resource_name, {}))
        out = []
        for rn in source:
            if len(out) >= limit:
                break
            out.append(rn)
        return out

    def delete_group(self, group: Group, delete_contacts: bool) -> None:
        for rn in list(self.members.get(group.resource_name, {})):
            contact = self.contacts[rn]
            if delete_contacts:
                self.delete(contact)
            else:
                groups = [g for g in contact.groups if g != group.resource_name]
                self._set_groups(contact, groups or [MY_CONTACTS])
                self._stamp(contact)
        self.members.pop(group.resource_name, None)
        group.deleted = True
        self._add_group(group)

    def groups_changed_since(self, seq: int) -> list[Group]:
        return sorted((g for g in self.groups.values() if g.seq > seq), key=lambda g: g.seq)

    def live_groups(self) -> list[Group]:
        return [g for g in self.groups.values() if not g.deleted]


def _number_of(resource_name: str) -> int:
    if not resource_name.startswith("people/c") or not resource_name[8:].isdigit():
        raise ValueError(f"not a contact resource name: {resource_name!r}")
    return int(resource_name[8:])


def _birthday_problems(index: int, item: dict) -> list[tuple[str, str]]:
    date = item.get("date")
    where = f"birthdays[{index}].date"
    if not date:
        return [] if item.get("text") else [(where, "A birthday needs a date.")]
    year, month, day = date.get("year", 0), date.get("month", 0), date.get("day", 0)
    if not (0 <= year <= 9999 and 0 <= month <= 12 and 0 <= day <= 31) or (day and not month):
        return [(where, f"Invalid date: {year}-{month}-{day}.")]
    if year and month and day:
        try:
            datetime(year, month, day)
        except ValueError:
            return [(where, f"Invalid date: {year}-{month}-{day}.")]
    return []


def first_problem(problems: list[tuple[str, str]]) -> ApiError:
    """The 400 for a list of validation problems (the first one's message; all as violations)."""
    error = invalid_argument(problems[0][1], problems[0][0])
    error.details = [
        {
            "@type": "type.googleapis.com/google.rpc.BadRequest",
            "fieldViolations": [{"field": f, "description": d} for f, d in problems],
        }
    ]
    return error
