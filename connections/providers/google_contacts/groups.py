"""Contact groups (labels): listing, creating, changing members, and marking contacts deleted in NetSuite
by moving them to a group (a mixin of :class:`.client.GoogleContactsClient`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..base import WriteRequest, WriteResult
from ..errors import Conflict, ProviderError, ValidationError
from ..fields import FieldOption
from .api_errors import malformed
from .batching import member_changes
from .translation import MY_CONTACTS_GROUP

if TYPE_CHECKING:
    from .transport import GoogleApiTransport

# The group a contact is moved to when its NetSuite record was deleted and the policy is "mark".
DELETED_GROUP_NAME = "Deleted in NetSuite"
ASSIGNABLE_SYSTEM_GROUPS = (MY_CONTACTS_GROUP, "contactGroups/starred")


class ContactGroups:
    """The client's contact groups, and "mark deleted" by group.

    Group names are read once per client (:meth:`_group_name_map`) and again by each change read.
    Uses the client's ``transport`` and ``_check``.
    """

    transport: GoogleApiTransport
    _group_names: dict[str, str] | None
    _deleted_group: str | None

    def contact_groups(self) -> list[FieldOption]:
        """The groups a contact can be put in: My Contacts, Starred and the user's own labels."""
        groups = self._list_groups()
        system = [g for g in groups if g["resourceName"] in ASSIGNABLE_SYSTEM_GROUPS]
        system.sort(key=lambda g: ASSIGNABLE_SYSTEM_GROUPS.index(g["resourceName"]))
        user = [g for g in groups if g.get("groupType") == "USER_CONTACT_GROUP"]
        user.sort(key=lambda g: str(g.get("name") or "").lower())
        return [FieldOption(g["resourceName"], self._group_label(g)) for g in system + user]

    def create_contact_group(self, name: str) -> FieldOption:
        """Create a contact group (label); an existing group of that name is returned as is."""
        name = name.strip()
        if not name:
            raise ValidationError("A contact group needs a name.", path="name")
        try:
            group = self.transport.request("POST", "v1/contactGroups", json_body={"contactGroup": {"name": name}})
        except Conflict:
            # Names are unique per user (409): a retried create, or a group made by hand.
            existing = next((g for g in self._list_groups() if g.get("name") == name), None)
            if existing is None:
                raise
            return FieldOption(existing["resourceName"], self._group_label(existing))
        self._group_names = None
        if not group.get("resourceName"):
            raise malformed("contactGroups.create answered without a resourceName")
        return FieldOption(group["resourceName"], self._group_label(group) or name)

    def modify_group_members(
        self, group: str, add: Sequence[str] = (), remove: Sequence[str] = (), *, object_type: str = ""
    ) -> dict[str, list[str]]:
        """Add contacts to and remove contacts from ``group`` (for "add to group" /
        "remove from group" rule actions). Returns ``{"not_found", "cannot_remove_last"}``:
        contacts that do not exist, and contacts kept because it is their only group."""
        if not group.startswith("contactGroups/"):
            raise ValidationError(f"{group!r} is not a contact group resource name.", path="group")
        not_found: list[str] = []
        cannot_remove_last: list[str] = []
        for add_part, remove_part in member_changes(add, remove):
            body: dict[str, list[str]] = {}
            if add_part:
                body["resourceNamesToAdd"] = add_part
            if remove_part:
                body["resourceNamesToRemove"] = remove_part
            answer = self.transport.request("POST", f"v1/{group}/members:modify", json_body=body)
            not_found += answer.get("notFoundResourceNames") or []
            cannot_remove_last += answer.get("canNotRemoveLastContactGroupResourceNames") or []
        return {"not_found": not_found, "cannot_remove_last": cannot_remove_last}

    # The provider interface's names for groups (the engine and rules use these).
    def groups(self) -> list[FieldOption]:
        """:meth:`contact_groups`."""
        return self.contact_groups()

    def create_group(self, name: str) -> FieldOption:
        """:meth:`create_contact_group`."""
        return self.create_contact_group(name)

    def mark_deleted(self, object_type: str, requests: list[WriteRequest], **_: Any) -> list[WriteResult]:
        """Move the contacts to the group :data:`DELETED_GROUP_NAME` (created once per client), the
        Google way of marking a contact deleted in NetSuite without deleting it."""
        self._check(object_type)
        try:
            if self._deleted_group is None:
                self._deleted_group = self.create_contact_group(DELETED_GROUP_NAME).id
            self.modify_group_members(self._deleted_group, add=[r.record_id for r in requests if r.record_id])
        except ProviderError as exc:
            return [WriteResult(key=r.key, error=exc) for r in requests]
        return [WriteResult(key=r.key, record_id=r.record_id) for r in requests]

    def restore_marked(self, object_type: str, requests: list[WriteRequest], **_: Any) -> list[WriteResult]:
        """Take the contacts out of the group :data:`DELETED_GROUP_NAME` (an undo of :meth:`mark_deleted`); with
        no such group, they are in none to leave."""
        self._check(object_type)
        try:
            group = next((g.id for g in self.contact_groups() if g.name == DELETED_GROUP_NAME), None)
            if group is not None:
                self.modify_group_members(group, remove=[r.record_id for r in requests if r.record_id])
        except ProviderError as exc:
            return [WriteResult(key=r.key, error=exc) for r in requests]
        return [WriteResult(key=r.key, record_id=r.record_id) for r in requests]

    # --- internals ------------------------------------------------------------
    def _list_groups(self) -> list[dict[str, Any]]:
        groups: list[dict[str, Any]] = []
        page_token = None
        while True:
            params: dict[str, Any] = {"pageSize": 1000}
            if page_token:
                params["pageToken"] = page_token
            answer = self.transport.request("GET", "v1/contactGroups", params=params)
            groups += [g for g in answer.get("contactGroups") or [] if isinstance(g, dict) and g.get("resourceName")]
            page_token = answer.get("nextPageToken")
            if not page_token:
                break
        groups = [g for g in groups if not (g.get("metadata") or {}).get("deleted")]
        self._group_names = {g["resourceName"]: self._group_label(g) for g in groups}
        return groups

    @staticmethod
    def _group_label(group: dict[str, Any]) -> str:
        return str(group.get("formattedName") or group.get("name") or group["resourceName"].rsplit("/", 1)[-1])

    def _group_name_map(self) -> dict[str, str]:
        if self._group_names is None:
            self._list_groups()
        return self._group_names or {}
