"""Handlers of the ``contactGroups`` resource: list, get, batchGet, create,
update, delete and ``members:modify``."""

from __future__ import annotations

from collections.abc import Callable

from .config import GoogleSandboxConfig
from .contacts import ContactStore, Group
from .errors import ApiError, failed_precondition, invalid_argument, not_found
from .paging import Listing, PageTokens, SyncTokens, parameters_key
from .people_api import Call, page_size
from .person_fields import parse_mask

GROUP_FIELDS = ("clientData", "groupType", "memberCount", "metadata", "name")
DEFAULT_GROUP_FIELDS = ("metadata", "groupType", "memberCount", "name")
READ_GROUP_FIELDS = ("clientData", "groupType", "metadata", "name")  # create/update responses: no memberCount
DEFAULT_READ_GROUP_FIELDS = ("metadata", "groupType", "name")
UPDATE_GROUP_FIELDS = ("clientData", "name")
MAX_MODIFY = 1000
MAX_BATCH_GET = 200


class GroupsApi:
    """The ``contactGroups`` methods over a :class:`ContactStore`."""

    def __init__(
        self,
        store: ContactStore,
        config: GoogleSandboxConfig,
        page_tokens: PageTokens,
        sync_tokens: SyncTokens,
        clock: Callable[[], float],
    ):
        self.store = store
        self.config = config
        self.page_tokens = page_tokens
        self.sync_tokens = sync_tokens
        self.clock = clock

    def _group(self, resource_name: str | None) -> Group:
        group = self.store.groups.get(resource_name or "")
        if group is None or group.deleted:
            raise not_found()
        return group

    def _render(self, group: Group, fields, max_members: int = 0) -> dict:
        members = self.store.member_names(group, max_members) if max_members else None
        return group.render(fields, self.store.member_count(group), members)

    def list(self, call: Call) -> dict:
        request = call.request
        fields = parse_mask(request.arg("groupFields"), "groupFields", GROUP_FIELDS, required=False)
        fields = fields or DEFAULT_GROUP_FIELDS
        size = page_size(request, 30)
        page_params = parameters_key(request.query, ("pageToken",))
        sync_params = parameters_key(request.query, ("pageToken", "syncToken", "pageSize"))
        page_token, sync_token = request.arg("pageToken"), request.arg("syncToken")
        if page_token:
            listing, offset = self.page_tokens.resolve(page_token, "groups", page_params)
        else:
            offset = 0
            now = self.clock()
            if sync_token:
                since, full_time = self.sync_tokens.check(
                    sync_token, "groups", sync_params, now, self.config.sync_token_max_age
                )
                names = [g.resource_name for g in self.store.groups_changed_since(since)]
            else:
                full_time = now
                names = [g.resource_name for g in self.store.live_groups()]
            listing = Listing("groups", page_params, names, len(names), self.store.group_seq, full_time)
        page = listing.items[offset : offset + size]
        body: dict = {}
        shown = [self._render(self.store.groups[rn], fields) for rn in page]
        if shown:
            body["contactGroups"] = shown
        if offset + size < len(listing.items):
            body["nextPageToken"] = self.page_tokens.issue(listing, offset + size)
        else:
            # contactGroups.list has no requestSyncToken: the last page always carries one.
            body["nextSyncToken"] = self.sync_tokens.issue(
                "groups", listing.sync_seq, listing.full_sync_time, sync_params
            )
        if listing.total:
            body["totalItems"] = listing.total
        return body

    def get(self, call: Call) -> dict:
        fields = parse_mask(call.request.arg("groupFields"), "groupFields", GROUP_FIELDS, required=False)
        max_members = int(call.request.arg("maxMembers") or 0)
        if max_members < 0:
            raise invalid_argument("maxMembers must not be negative.", "max_members")
        return self._render(self._group(call.resource_name), fields or DEFAULT_GROUP_FIELDS, max_members)

    def batch_get(self, call: Call) -> dict:
        fields = parse_mask(call.request.arg("groupFields"), "groupFields", GROUP_FIELDS, required=False)
        max_members = int(call.request.arg("maxMembers") or 0)
        names = call.request.args("resourceNames")
        if not names:
            raise invalid_argument("resourceNames must have at least one entry.", "resource_names")
        if len(names) > MAX_BATCH_GET:
            raise invalid_argument(f"resourceNames must have at most {MAX_BATCH_GET} entries.", "resource_names")
        responses = []
        for name in names:
            try:
                group = self._group(name)
            except ApiError as error:
                responses.append({"requestedResourceName": name, "status": error.rpc_status()})
            else:
                rendered = self._render(group, fields or DEFAULT_GROUP_FIELDS, max_members)
                responses.append({"requestedResourceName": name, "status": {}, "contactGroup": rendered})
        return {"responses": responses}

    def _check_name(self, name: str | None, exclude: Group | None = None) -> str:
        if not name or not name.strip():
            raise invalid_argument("contactGroup.name must not be empty.", "contact_group.name")
        clash = self.store.group_by_name(name)
        if clash is not None and clash is not exclude:
            raise ApiError(409, "ALREADY_EXISTS", "Contact group name already exists.")
        return name

    def create(self, call: Call) -> dict:
        body = call.body or {}
        fields = parse_mask(body.get("readGroupFields"), "readGroupFields", READ_GROUP_FIELDS, required=False)
        wanted = body.get("contactGroup")
        if not wanted:
            raise invalid_argument("contactGroup is required.", "contact_group")
        name = self._check_name(wanted.get("name"))
        group = self.store.create_group(name, wanted.get("clientData"))
        return self._render(group, fields or DEFAULT_READ_GROUP_FIELDS)

    def update(self, call: Call) -> dict:
        body = call.body or {}
        group = self._group(call.resource_name)
        if group.group_type != "USER_CONTACT_GROUP":
            raise invalid_argument("System contact groups cannot be updated.", "contact_group.resource_name")
        update_fields = parse_mask(
            body.get("updateGroupFields"), "updateGroupFields", UPDATE_GROUP_FIELDS, required=False
        )
        fields = parse_mask(body.get("readGroupFields"), "readGroupFields", READ_GROUP_FIELDS, required=False)
        wanted = body.get("contactGroup") or {}
        if wanted.get("etag") and wanted["etag"] != group.etag:
            raise failed_precondition("Request contactGroup.etag is different than the current contactGroup.etag.")
        update_fields = update_fields or ("name",)
        if "name" in update_fields:
            group.name = group.formatted_name = self._check_name(wanted.get("name"), exclude=group)
        if "clientData" in update_fields:
            group.client_data = list(wanted.get("clientData") or [])
        self.store.touch_group(group)
        return self._render(group, fields or DEFAULT_READ_GROUP_FIELDS)

    def delete(self, call: Call) -> dict:
        group = self._group(call.resource_name)
        if group.group_type != "USER_CONTACT_GROUP":
            raise invalid_argument("System contact groups cannot be deleted.", "resource_name")
        self.store.delete_group(group, call.request.arg("deleteContacts") == "true")
        return {}

    def modify_members(self, call: Call) -> dict:
        body = call.body or {}
        group = self._group(call.resource_name)
        add = body.get("resourceNamesToAdd") or []
        remove = body.get("resourceNamesToRemove") or []
        if len(add) + len(remove) > MAX_MODIFY:
            raise invalid_argument(
                f"The total number of resource names to add and remove must be at most {MAX_MODIFY}.",
                "resource_names_to_add",
            )
        if add and not group.addable:
            raise failed_precondition(f"Contacts cannot be added to the system contact group {group.resource_name}.")
        not_found_names: list[str] = []
        last_group: list[str] = []
        for name in add:
            contact = self.store.get(name)
            if contact is None:
                not_found_names.append(name)
            else:
                self.store.modify_membership(contact, add=group.resource_name)
        for name in remove:
            contact = self.store.get(name)
            if contact is None:
                not_found_names.append(name)
            elif not self.store.modify_membership(contact, remove=group.resource_name):
                last_group.append(name)
        body_out: dict = {}
        if not_found_names:
            body_out["notFoundResourceNames"] = not_found_names
        if last_group:
            body_out["canNotRemoveLastContactGroupResourceNames"] = last_group
        return body_out
