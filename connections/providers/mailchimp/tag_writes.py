"""A member's tags, changed one tag at a time: the rule actions "add to group" and "remove from group" on the
catalog's ``tags`` field (a field of type groups: :mod:`.catalog`), through the member tags endpoint
(``POST /lists/{id}/members/{hash}/tags`` with ``{"tags": [{"name", "status": "active"|"inactive"}]}``).

A tag is addressed by its name, as that endpoint addresses it, and a name the audience has no tag of yet is
made by Mailchimp on first use: so a tag's id in our values is its name, and the catalog's ``tags`` has open
options. Only the tag a rule names is sent: a member's other tags (set by hand, by another tool) are kept.
Tags are never part of a member's body (:func:`.translation.member_body`), so a mapping never writes them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..errors import NotFound, ProviderError
from ..fields import FieldOption
from .objects import list_id_of
from .parallel import errors_of

ACTIVE, INACTIVE = "active", "inactive"


class MemberTags:
    """The tag half of :class:`~.client.MailchimpClient` (needs ``self.transport``): the provider interface's
    group methods, a group being a tag of the audience the object type names."""

    transport: Any

    def tag_members(
        self, list_id: str, tag: str, add: Sequence[str] = (), remove: Sequence[str] = ()
    ) -> dict[str, Any]:
        """Put the tag ``tag`` on the members ``add`` and take it off the members ``remove`` (member ids), one
        call a member, side by side. Returns ``{"not_found": [ids], "failed": {id: error}}``: members the
        audience does not have, and the calls Mailchimp refused."""
        name = tag.strip()
        if not name:
            raise ValueError("a tag needs a name")
        changes = [(member_id, ACTIVE) for member_id in add] + [(member_id, INACTIVE) for member_id in remove]

        def change(item: tuple[str, str]) -> None:
            member_id, status = item
            body = {"tags": [{"name": name, "status": status}]}
            self.transport.request("POST", f"/lists/{list_id}/members/{member_id}/tags", json_body=body)

        errors = errors_of(change, changes)
        not_found = [
            member_id for (member_id, _), error in zip(changes, errors, strict=True) if isinstance(error, NotFound)
        ]
        failed = {
            member_id: error
            for (member_id, _), error in zip(changes, errors, strict=True)
            if error is not None and not isinstance(error, NotFound)
        }
        return {"not_found": not_found, "failed": failed}

    # --- the provider interface's group methods (object type ``audience/<list id>``) -----------------------
    def modify_group_members(
        self, group: str, add: Sequence[str] = (), remove: Sequence[str] = (), *, object_type: str = ""
    ) -> dict[str, list[str]]:
        """Tag (``add``) and untag (``remove``) members of the audience ``object_type`` names with the tag
        ``group`` (its name). A member gone from the audience is left out (``not_found``); any other refusal
        raises a :class:`ProviderError` naming how many members it concerns, once every call was made."""
        outcome = self.tag_members(list_id_of(object_type), group, add, remove)
        failed: dict[str, ProviderError] = outcome["failed"]
        if failed:
            first = next(iter(failed.values()))
            raise ProviderError(f"Mailchimp refused the tag {group!r} for {len(failed)} member(s): {first}")
        return {"not_found": outcome["not_found"]}

    def groups(self) -> list[FieldOption]:
        """No tag is listed: the reference has no call listing an audience's tags, and none is needed, since
        any name is a tag (the catalog's ``tags`` has open options)."""
        return []

    def create_group(self, name: str) -> FieldOption:
        """A tag needs no creating: Mailchimp makes it the first time a member gets it. Its id is its name."""
        name = name.strip()
        if not name:
            raise ValueError("a tag needs a name")
        return FieldOption(name, name)
