"""The interface every provider client implements, and the plain records it returns.

A provider is a thin, typed client of one real API plus a translation to
plain records. It knows nothing of Django models: the caller hands it the
account id, the decrypted credentials and the base URL, and stores what it
returns. See DESIGN.md, "Providers".
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .errors import ProviderError
from .fields import FieldOption, FieldSpec

# The key of ``Record.meta`` where a provider says why a record it delivers is outside the connection's
# scope (e.g. a NetSuite contact whose company is of another subsidiary): the engine excludes the record,
# and the record paired with it, with that reason as their outcome's message.
OUT_OF_SCOPE = "out_of_scope"


@dataclass
class Record:
    """One record as the sync engine sees it.

    ``values`` maps a catalog field id to a typed value: text as ``str``,
    dates as :class:`datetime.date`, datetimes as aware UTC
    :class:`datetime.datetime`, select/reference values as ``{"id", "name"}``,
    multi selects as lists of those. ``meta`` carries provider details the
    engine must hand back on writes (an etag, our sync key as the app stores it).
    """

    id: str
    modified_at: datetime | None = None
    deleted: bool = False
    values: dict[str, Any] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass
class ChangePage:
    """One page of changes. ``cursor`` is set on the last page only: the
    position to store once everything read up to here has been written."""

    records: list[Record]
    cursor: str | None = None
    last: bool = False
    full_read: bool = False  # True when the cursor was missing or expired


@dataclass
class WriteRequest:
    """One record to create, update or delete.

    ``key`` is our own idempotency key (each app keeps it where its package
    registered: ``ProviderInfo.sync_key_of``), stable across retries; ``record_id`` is the
    provider's id for updates and deletes; ``fields`` limits an update to the
    mapped fields; ``meta`` is what the provider returned for the record.
    """

    key: str
    values: dict[str, Any] = field(default_factory=dict)
    record_id: str | None = None
    fields: list[str] | None = None
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass
class WriteResult:
    """What happened to one :class:`WriteRequest`; ``error`` is None on success.

    A success may still differ from the request, when the provider settles a value itself (a reference
    linked by name: :attr:`.fields.FieldSpec.linked_by_name`):

    - ``resolved``: the values written in another form than requested (``{"id": "", "name": "Acme"}``
      linked as ``{"id": "12", "name": "Acme"}``); the sync remembers these as written;
    - ``unwritten``: the requested fields the provider left as they were (a name that links no record);
      the sync remembers the record's own value for them, not the requested one;
    - ``warnings``: what ops staff should know, one sentence each (why a field was left); the engine
      adds them to the record's outcome message as ``Warning: ...``, which health counts;
    - ``moved_to``: the record's new id, when an update moved it (an app whose ids follow from a value: a
      Mailchimp member whose email changed is addressed by the new email's hash); the link follows it.
    """

    key: str
    record_id: str | None = None
    error: ProviderError | None = None
    record: Record | None = None
    resolved: dict[str, Any] = field(default_factory=dict)
    unwritten: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    moved_to: str = ""

    @property
    def ok(self) -> bool:
        return self.error is None


class Provider:
    """Base class of the provider clients. Subclasses implement every method
    that their API supports; the others raise :class:`NotImplementedError`."""

    key: str = ""

    def verify(self) -> dict[str, Any]:
        """Check the credentials against the API; return facts about the account."""
        raise NotImplementedError

    def field_catalog(self, object_type: str) -> list[FieldSpec]:
        """Standard and custom fields of ``object_type``, typed."""
        raise NotImplementedError

    def use_catalog(self, object_type: str, fields: list[FieldSpec]) -> None:
        """Read ``object_type`` with ``fields``, a catalog the caller cached, rather
        than asking the API for its metadata again. A hint: clients that need no
        metadata to read ignore it."""

    def read_changes(self, object_type: str, cursor: str | None, **scope: Any) -> Iterator[ChangePage]:
        """Pages of records changed since ``cursor`` (everything when None)."""
        raise NotImplementedError

    def get_many(self, object_type: str, ids: list[str], **scope: Any) -> list[Record]:
        raise NotImplementedError

    def create_many(self, object_type: str, requests: list[WriteRequest], **scope: Any) -> list[WriteResult]:
        raise NotImplementedError

    def update_many(self, object_type: str, requests: list[WriteRequest], **scope: Any) -> list[WriteResult]:
        raise NotImplementedError

    def delete_many(self, object_type: str, requests: list[WriteRequest], **scope: Any) -> list[WriteResult]:
        raise NotImplementedError

    def mark_deleted(self, object_type: str, requests: list[WriteRequest], **scope: Any) -> list[WriteResult]:
        """Mark records as deleted without deleting them, the way the app does it (NetSuite: make
        inactive; Google: move to a "Deleted in NetSuite" group). See ``Capabilities.deletion_mark``."""
        raise NotImplementedError

    def restore_marked(self, object_type: str, requests: list[WriteRequest], **scope: Any) -> list[WriteResult]:
        """Bring back records :meth:`mark_deleted` marked (an undo of the run that marked them): NetSuite makes
        them active again, Google takes them out of the "Deleted in NetSuite" group."""
        raise NotImplementedError

    # Groups (an app whose capabilities say ``groups``): rule actions add and remove records.
    def groups(self) -> list[FieldOption]:
        """The groups a record can be put in, as they are now."""
        raise NotImplementedError

    def create_group(self, name: str) -> FieldOption:
        """Create a group (an existing group of that name is returned as is)."""
        raise NotImplementedError

    def modify_group_members(
        self, group: str, add: Any = (), remove: Any = (), *, object_type: str = ""
    ) -> dict[str, list[str]]:
        """Add records (of ``object_type``) to and remove records from ``group``; the records' other groups
        are kept."""
        raise NotImplementedError
