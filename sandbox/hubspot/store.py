"""The portal's records: contacts and companies, with their ids, timestamps,
archive flag, and the contacts' email index (reference B.2, B.6, B.7)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .properties import PropertyDef, default_properties, iso_ms

OBJECT_TYPES = ("contacts", "companies")
# The last-modified property each type maintains (reference B.2). Contacts carry both.
MODIFIED_PROPERTY = {"contacts": "lastmodifieddate", "companies": "hs_lastmodifieddate"}
DEFAULT_READ = {
    "contacts": ("createdate", "email", "firstname", "lastname", "hs_object_id", "lastmodifieddate"),
    "companies": ("createdate", "domain", "hs_lastmodifieddate", "hs_object_id", "name"),
}
# What the error messages call the object types.
TYPE_NAMES = {"contacts": "CONTACT", "companies": "COMPANY"}
TYPE_IDS = {"contacts": "0-1", "companies": "0-2"}


@dataclass
class Record:
    """A contact or company; ``properties`` holds strings only."""

    id: int
    properties: dict[str, str]
    created_ms: int
    updated_ms: int
    archived: bool = False
    archived_ms: int | None = None

    def render(self, names) -> dict:
        """The ``SimplePublicObject`` with the properties ``names`` (unknown or empty ones are null)."""
        props = self.properties
        body = {
            "id": str(self.id),
            "properties": {name: (props.get(name) or None) for name in names},
            "createdAt": iso_ms(self.created_ms),
            "updatedAt": iso_ms(self.updated_ms),
            "archived": self.archived,
        }
        if self.archived:
            body["archivedAt"] = iso_ms(self.archived_ms or self.updated_ms)
        return body


@dataclass
class ObjectStore:
    """The records of one object type."""

    object_type: str
    next_id: int
    records: dict[int, Record] = field(default_factory=dict)
    definitions: dict[str, PropertyDef] = field(default_factory=dict)
    by_email: dict[str, int] = field(default_factory=dict)  # active contacts only
    # custom properties with hasUniqueValue: name -> value -> id (active records only)
    unique: dict[str, dict[str, int]] = field(default_factory=dict)
    # The search index's lag (0: search sees every write at once). With a lag, search reads
    # `indexed` copies, and a write's copy waits in `pending` until its time comes.
    lag_ms: int = 0
    indexed: dict[int, Record] = field(default_factory=dict)
    pending: dict[int, tuple[int, Record]] = field(default_factory=dict)

    def __post_init__(self):
        if not self.definitions:
            self.definitions = default_properties(self.object_type)

    def get(self, record_id, archived: bool = False) -> Record | None:
        """The record with ``record_id`` (str or int), active or archived as asked."""
        try:
            record = self.records.get(int(str(record_id)))
        except ValueError:
            return None
        if record is None or record.archived != archived:
            return None
        return record

    def by_unique(self, name: str, value: str, archived: bool = False) -> Record | None:
        """The record whose unique property ``name`` equals ``value``."""
        if name == "hs_object_id":
            return self.get(value, archived)
        if name == "email" and not archived:
            found = self.by_email.get(value.strip().lower())
            return self.records.get(found) if found else None
        if name in self.unique and not archived:
            found = self.unique[name].get(value)
            return self.records.get(found) if found else None
        for record in self.records.values():
            if record.archived == archived and record.properties.get(name) == value:
                return record
        return None

    def email_holder(self, email: str) -> Record | None:
        found = self.by_email.get(email.strip().lower())
        return self.records.get(found) if found is not None else None

    def create(self, properties: dict[str, str], now_ms: int) -> Record:
        record_id = self.next_id
        self.next_id += 1
        record = Record(record_id, {}, now_ms, now_ms)
        self.records[record_id] = record
        self._stamp(record, properties, now_ms, created=True)
        return record

    def update(self, record: Record, properties: dict[str, str], now_ms: int) -> None:
        self._stamp(record, properties, now_ms, created=False)

    def _stamp(self, record: Record, properties: dict[str, str], now_ms: int, created: bool) -> None:
        old_email = record.properties.get("email")
        for name, value in properties.items():
            if name in self.unique:
                index = self.unique[name]
                old = record.properties.get(name)
                if old is not None and index.get(old) == record.id:
                    del index[old]
                if value != "":
                    index[value] = record.id
            if value == "":
                record.properties.pop(name, None)  # an empty string clears (reference B.2)
            else:
                record.properties[name] = value
        stamp = iso_ms(now_ms)
        if created:
            record.properties["createdate"] = stamp
            record.properties["hs_object_id"] = str(record.id)
        record.updated_ms = now_ms
        record.properties[MODIFIED_PROPERTY[self.object_type]] = stamp
        record.properties["hs_lastmodifieddate"] = stamp
        if self.object_type == "contacts":
            new_email = record.properties.get("email")
            if old_email and self.by_email.get(old_email.lower()) == record.id:
                del self.by_email[old_email.lower()]
            if new_email:
                self.by_email[new_email.lower()] = record.id
        self._queue(record, now_ms)

    def touch(self, record: Record, now_ms: int) -> None:
        """Move the record's modification time (an association or subscription change)."""
        self._stamp(record, {}, now_ms, created=False)

    def archive(self, record: Record, now_ms: int) -> None:
        """Soft-delete: the record leaves listings and search, and frees its email (reference B.6)."""
        record.archived = True
        record.archived_ms = now_ms
        record.updated_ms = now_ms
        email = record.properties.get("email")
        if email and self.by_email.get(email.lower()) == record.id:
            del self.by_email[email.lower()]
        for name, index in self.unique.items():
            value = record.properties.get(name)
            if value is not None and index.get(value) == record.id:
                del index[value]
        self._queue(record, now_ms)

    def _queue(self, record: Record, now_ms: int) -> None:
        if self.lag_ms:
            copy = Record(
                record.id,
                dict(record.properties),
                record.created_ms,
                record.updated_ms,
                record.archived,
                record.archived_ms,
            )
            self.pending[record.id] = (now_ms + self.lag_ms, copy)

    def search_view(self, now_ms: int):
        """The records as the search index has them at ``now_ms``."""
        if not self.lag_ms:
            return self.records.values()
        for record_id, (ready_ms, copy) in list(self.pending.items()):
            if ready_ms <= now_ms:
                self.indexed[record_id] = copy
                del self.pending[record_id]
        return [self.indexed[i] for i in sorted(self.indexed)]

    def unique_holder(self, name: str, value: str) -> Record | None:
        """The active record holding ``value`` of the unique property ``name``."""
        found = self.unique.get(name, {}).get(value)
        return self.records.get(found) if found is not None else None

    def active(self) -> list[Record]:
        return [r for r in self.records.values() if not r.archived]

    def counts(self) -> dict:
        archived = sum(1 for r in self.records.values() if r.archived)
        return {"active": len(self.records) - archived, "archived": archived}
