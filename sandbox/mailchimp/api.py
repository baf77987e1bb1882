"""The handlers of the simulated endpoints: audiences, members (C.2, C.3), batch
subscribe (C.4), member tags, merge fields (C.5). Each returns a JSON-able body and a status."""

from __future__ import annotations

import re

from sandbox.common.http import Request

from .errors import ApiError, bad_request, field_errors, not_found
from .store import (
    MAX_TAGS,
    MERGE_TYPES,
    STATUSES,
    TAG,
    Account,
    MailList,
    Member,
    iso,
    parse_iso,
    subscriber_hash,
)

MAX_COUNT = 1000
MAX_BATCH = 500
HASH = re.compile(r"^[0-9a-f]{32}$")


def truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in ("true", "1")


def paging(request: Request) -> tuple[int, int]:
    """``count`` (default 10, 1..1000) and ``offset`` (default 0). UNCERTAIN: out of range is 400, not clamped."""
    try:
        count = int(request.arg("count", "10"))
        offset = int(request.arg("offset", "0"))
    except ValueError:
        raise bad_request("count and offset must be integers.")
    if not 1 <= count <= MAX_COUNT:
        raise bad_request(f"count must be between 1 and {MAX_COUNT}.")
    if offset < 0:
        raise bad_request("offset must not be negative.")
    return count, offset


def get_list(account: Account, list_id: str) -> MailList:
    audience = account.lists.get(list_id)
    if audience is None:
        raise not_found()
    return audience


def render_list(audience: MailList) -> dict:
    counts = audience.counts()
    return {
        "id": audience.id,
        "web_id": audience.web_id,
        "name": audience.name,
        "date_created": iso(audience.created),
        "list_rating": 0,
        "subscribe_url_short": "",
        "double_optin": False,
        "stats": {
            "member_count": counts["subscribed"],
            "unsubscribe_count": counts["unsubscribed"],
            "cleaned_count": counts["cleaned"],
            "member_count_since_send": counts["subscribed"],
            "unsubscribe_count_since_send": counts["unsubscribed"],
            "cleaned_count_since_send": counts["cleaned"],
            "total_contacts": sum(counts.values()),
        },
        "_links": [],
    }


def render_member(audience: MailList, member: Member) -> dict:
    merge = {}
    for field in audience.merge_fields.values():
        merge[field.tag] = member.merge_fields.get(field.tag, "")
    first, last = merge.get("FNAME", ""), merge.get("LNAME", "")
    return {
        "id": member.id,
        "email_address": member.email,
        "unique_email_id": member.unique_email_id,
        "contact_id": member.contact_id,
        "full_name": f"{first} {last}".strip() if isinstance(first, str) and isinstance(last, str) else "",
        "web_id": member.web_id,
        "email_type": member.email_type,
        "status": member.status,
        "unsubscribe_reason": member.unsubscribe_reason,
        "consents_to_one_to_one_messaging": True,
        "merge_fields": merge,
        "interests": {},
        "stats": {"avg_open_rate": 0, "avg_click_rate": 0},
        "ip_signup": member.ip_signup,
        "timestamp_signup": member.timestamp_signup,
        "ip_opt": member.ip_opt,
        "timestamp_opt": member.timestamp_opt,
        "member_rating": 2,
        "last_changed": iso(member.last_changed),
        "language": member.language,
        "vip": member.vip,
        "email_client": "",
        "location": dict(member.location),
        "marketing_permissions": list(member.marketing_permissions),
        "source": member.source,
        "tags_count": len(member.tags),
        "tags": [{"id": audience.tag_id(name), "name": name} for name in member.tags],
        "list_id": audience.id,
        "_links": [],
    }


# --- audiences -----------------------------------------------------------------------------
def lists(account: Account, request: Request) -> dict:
    count, offset = paging(request)
    every = list(account.lists.values())
    return {
        "lists": [render_list(a) for a in every[offset : offset + count]],
        "total_items": len(every),
        "constraints": {"may_create": False, "max_instances": len(every), "current_total_instances": len(every)},
        "_links": [],
    }


def one_list(account: Account, list_id: str) -> dict:
    return render_list(get_list(account, list_id))


# --- members -------------------------------------------------------------------------------
def _timestamp_arg(request: Request, name: str) -> float | None:
    raw = request.arg(name)
    if raw is None or raw == "":
        return None
    try:
        return parse_iso(raw)
    except ValueError:
        raise bad_request(f"{name} must be an ISO 8601 time, like 2015-10-21T15:41:36+00:00.")


def list_members(account: Account, request: Request, list_id: str) -> dict:
    audience = get_list(account, list_id)
    count, offset = paging(request)
    for name in ("interest_category_id", "interest_ids", "interest_match", "since_last_campaign", "unsubscribed_since"):
        if request.arg(name) is not None:
            raise ApiError(501, "Not Implemented", f"The sandbox does not simulate the {name} filter.")
    status = request.arg("status")
    if status is not None and status not in STATUSES:
        raise bad_request(f"status must be one of: {', '.join(STATUSES)}")
    email_type = request.arg("email_type")
    if email_type is not None and email_type not in ("html", "text"):
        raise bad_request("email_type must be html or text.")
    sort_field, sort_dir = request.arg("sort_field"), request.arg("sort_dir", "ASC")
    if sort_field is not None and sort_field not in ("timestamp_opt", "timestamp_signup", "last_changed"):
        raise bad_request("sort_field must be one of: timestamp_opt, timestamp_signup, last_changed")
    if sort_dir not in ("ASC", "DESC"):
        raise bad_request("sort_dir must be ASC or DESC.")
    since_changed, before_changed = (
        _timestamp_arg(request, "since_last_changed"),
        _timestamp_arg(request, "before_last_changed"),
    )
    since_opt, before_opt = (
        _timestamp_arg(request, "since_timestamp_opt"),
        _timestamp_arg(request, "before_timestamp_opt"),
    )
    unique = request.arg("unique_email_id")
    vip_only = truthy(request.arg("vip_only"))

    def opt(member: Member) -> float | None:
        return parse_iso(member.timestamp_opt) if member.timestamp_opt else None

    found = []
    for member in audience.members.values():
        if status is not None:
            if member.status != status:
                continue
        elif member.status == "archived" and not account.config.list_archived_by_default:
            continue
        if email_type and member.email_type != email_type:
            continue
        if vip_only and not member.vip:
            continue
        if unique and member.unique_email_id != unique:
            continue
        # UNCERTAIN: "changed after" / "before" are strict (a member changed in the very second of the
        # watermark is not "after" it), at the whole-second precision of last_changed.
        if since_changed is not None and not member.last_changed > since_changed:
            continue
        if before_changed is not None and not member.last_changed < before_changed:
            continue
        if since_opt is not None and not (opt(member) or 0) > since_opt:
            continue
        if before_opt is not None and not (opt(member) is not None and opt(member) < before_opt):
            continue
        found.append(member)
    if sort_field:

        def key(member: Member):
            if sort_field == "last_changed":
                return member.last_changed
            raw = getattr(member, sort_field)
            return parse_iso(raw) if raw else 0.0

        found.sort(key=key, reverse=sort_dir == "DESC")  # stable: ties keep creation order
    return {
        "members": [render_member(audience, m) for m in found[offset : offset + count]],
        "list_id": audience.id,
        "total_items": len(found),
        "_links": [],
    }


def resolve(audience: MailList, key: str) -> tuple[Member | None, str]:
    """The member a path names (hash, email or contact_id), and the hash a new one would get."""
    member = audience.find_member(key)
    if member is not None:
        return member, member.id
    key = key.strip()
    if "@" in key:
        return None, subscriber_hash(key)
    return None, key.lower()


def existing_member(audience: MailList, key: str) -> Member:
    member, _ = resolve(audience, key)
    if member is None:
        raise not_found()
    return member


def add_member(account: Account, request: Request, list_id: str, body) -> dict:
    audience = get_list(account, list_id)
    member, _ = account.write_member(
        audience, body, mode="post", skip_merge_validation=truthy(request.arg("skip_merge_validation"))
    )
    return render_member(audience, member)


def put_member(account: Account, request: Request, list_id: str, key: str, body) -> dict:
    audience = get_list(account, list_id)
    member, path_hash = resolve(audience, key)
    if member is None and not HASH.match(path_hash):
        raise not_found()
    written, _ = account.write_member(
        audience,
        body,
        mode="put",
        path_hash=path_hash,
        skip_merge_validation=truthy(request.arg("skip_merge_validation")),
    )
    return render_member(audience, written)


def patch_member(account: Account, request: Request, list_id: str, key: str, body) -> dict:
    audience = get_list(account, list_id)
    member = existing_member(audience, key)
    written, _ = account.write_member(
        audience,
        body,
        mode="patch",
        path_hash=member.id,
        skip_merge_validation=truthy(request.arg("skip_merge_validation")),
    )
    return render_member(audience, written)


def get_member(account: Account, list_id: str, key: str) -> dict:
    audience = get_list(account, list_id)
    return render_member(audience, existing_member(audience, key))


def archive_member(account: Account, list_id: str, key: str) -> None:
    audience = get_list(account, list_id)
    member = existing_member(audience, key)
    if member.status == "archived":
        # UNCERTAIN: archiving an archived member is refused (404 as for a missing one), the stricter reading.
        raise not_found()
    account.archive(member)


def delete_permanent(account: Account, list_id: str, key: str) -> None:
    audience = get_list(account, list_id)
    account.delete_permanently(audience, existing_member(audience, key))


# --- tags ----------------------------------------------------------------------------------
def member_tags(account: Account, request: Request, list_id: str, key: str) -> dict:
    audience = get_list(account, list_id)
    member = existing_member(audience, key)
    count, offset = paging(request)
    tags = [{"id": audience.tag_id(n), "name": n, "date_added": iso(member.last_changed)} for n in member.tags]
    return {"tags": tags[offset : offset + count], "total_items": len(tags), "_links": []}


def update_member_tags(account: Account, list_id: str, key: str, body) -> None:
    audience = get_list(account, list_id)
    member = existing_member(audience, key)
    if not isinstance(body, dict) or not isinstance(body.get("tags"), list):
        raise field_errors([{"field": "tags", "message": "Schema describes array, NULL found instead"}])
    if set(body) - {"tags", "is_syncing"}:
        raise field_errors(
            [{"field": k, "message": "Field is not allowed here"} for k in set(body) - {"tags", "is_syncing"}]
        )
    errors = []
    for i, item in enumerate(body["tags"]):
        if (
            not isinstance(item, dict)
            or not isinstance(item.get("name"), str)
            or not item["name"].strip()
            or len(item["name"]) > 100
            or item.get("status") not in ("active", "inactive")
        ):
            errors.append(
                {"field": f"tags.item:{i}", "message": "Each tag needs a name and a status (active|inactive)."}
            )
    if errors:
        raise field_errors(errors)
    after = set(member.tags)
    for item in body["tags"]:
        (after.add if item["status"] == "active" else after.discard)(item["name"].strip())
    if len(after) > MAX_TAGS:
        raise field_errors([{"field": "tags", "message": f"A member can have at most {MAX_TAGS} tags."}])
    account.set_tags(audience, member, body["tags"])


# --- batch subscribe -----------------------------------------------------------------------
EXISTS_MESSAGE = (
    "{email} is already a list member, do you want to update? please provide update_existing:true in the request body"
)


def batch_subscribe(account: Account, request: Request, list_id: str, body) -> dict:
    audience = get_list(account, list_id)
    if not isinstance(body, dict) or not isinstance(body.get("members"), list):
        raise field_errors([{"field": "members", "message": "Schema describes array, NULL found instead"}])
    unknown = set(body) - {"members", "update_existing", "sync_tags"}
    if unknown:
        raise field_errors([{"field": k, "message": "Field is not allowed here"} for k in sorted(unknown)])
    for flag in ("update_existing", "sync_tags"):
        if flag in body and not isinstance(body[flag], bool):
            raise field_errors([{"field": flag, "message": "Schema describes boolean"}])
    if len(body["members"]) > MAX_BATCH:
        # UNCERTAIN: more than 500 refuses the whole call (400) rather than being cut.
        raise field_errors([{"field": "members", "message": f"You may submit at most {MAX_BATCH} members."}])
    update_existing = body.get("update_existing", False)
    skip_merge = truthy(request.arg("skip_merge_validation"))
    skip_duplicates = truthy(request.arg("skip_duplicate_check"))
    created, updated, errors, seen = [], [], [], set()
    for item in body["members"]:
        email = item.get("email_address") if isinstance(item, dict) else None
        email_text = email if isinstance(email, str) else ""
        try:
            if isinstance(email, str) and "@" in email:
                h = subscriber_hash(email)
                if h in seen:
                    if skip_duplicates:
                        continue  # "duplicates in the request are ignored; the first one wins"
                    # UNCERTAIN: without skip_duplicate_check a repeat is an error of its own.
                    raise ApiError(400, "Invalid Resource", f"{email} is in the request more than once.")
                seen.add(h)
                current = audience.members.get(h)
                if current is not None and current.status != "archived" and not update_existing:
                    errors.append(
                        {
                            "email_address": email,
                            "error": EXISTS_MESSAGE.format(email=email),
                            "error_code": "ERROR_CONTACT_EXISTS",
                        }
                    )
                    continue
            member, is_new = account.write_member(audience, item, mode="batch", skip_merge_validation=skip_merge)
        except ApiError as error:
            entry = {"email_address": email_text, "error": error.detail, "error_code": "ERROR_GENERIC"}
            if error.errors:
                entry["field"] = error.errors[0]["field"]
                entry["field_message"] = error.errors[0]["message"]
                entry["error"] = f"{error.detail} {error.errors[0]['field']}: {error.errors[0]['message']}"
            errors.append(entry)
            continue
        (created if is_new else updated).append(render_member(audience, member))
    return {
        "new_members": created,
        "updated_members": updated,
        "errors": errors,
        "total_created": len(created),
        "total_updated": len(updated),
        "error_count": len(errors),
        "_links": [],
    }


# --- merge fields --------------------------------------------------------------------------
MERGE_KEYS = frozenset(
    {"tag", "name", "type", "required", "default_value", "public", "display_order", "options", "help_text"}
)


def list_merge_fields(account: Account, request: Request, list_id: str) -> dict:
    audience = get_list(account, list_id)
    count, offset = paging(request)
    kind, required = request.arg("type"), request.arg("required")
    every = [
        m
        for m in audience.merge_fields.values()
        if (kind is None or m.type == kind) and (required is None or m.required == truthy(required))
    ]
    return {
        "merge_fields": [m.render(audience.id) for m in every[offset : offset + count]],
        "list_id": audience.id,
        "total_items": len(every),
        "_links": [],
    }


def _merge_problems(audience: MailList, body: dict, *, creating: bool, current=None) -> list[dict]:
    errors = [{"field": k, "message": "Field is not allowed here"} for k in sorted(set(body) - MERGE_KEYS)]
    if creating:
        for key in ("name", "type"):
            if not body.get(key):
                errors.append({"field": key, "message": "This value should not be blank."})
    if "name" in body and (not isinstance(body["name"], str) or not body["name"].strip()):
        errors.append({"field": "name", "message": "This value should not be blank."})
    if "type" in body:
        if not creating and body["type"] != current.type:
            # C.5: type is read-only after creation. UNCERTAIN: refused, not ignored.
            errors.append({"field": "type", "message": "The type of a merge field cannot be changed."})
        elif creating and body["type"] not in MERGE_TYPES:
            errors.append({"field": "type", "message": f"Value must be one of: {', '.join(MERGE_TYPES)}"})
    if "tag" in body:
        tag = body["tag"]
        if not isinstance(tag, str) or not TAG.match(tag.upper()):
            errors.append({"field": "tag", "message": "A tag is 1 to 10 letters, digits or _, starting with a letter."})
        else:
            holder = audience.merge_by_tag(tag.upper())
            if holder is not None and holder is not current:
                errors.append({"field": "tag", "message": f"A merge field with the tag {tag.upper()} already exists."})
    for key in ("required", "public"):
        if key in body and not isinstance(body[key], bool):
            errors.append({"field": key, "message": "Schema describes boolean"})
    if "options" in body and not isinstance(body["options"], dict):
        errors.append({"field": "options", "message": "Schema describes object"})
    kind = body.get("type") if creating else current.type
    options = body.get("options") if isinstance(body.get("options"), dict) else None
    if kind in ("radio", "dropdown") and (creating or options is not None):
        choices = (options or {}).get("choices")
        if not isinstance(choices, list) or not choices or not all(isinstance(c, str) for c in choices):
            errors.append({"field": "options.choices", "message": f"A {kind} field needs a list of choices."})
    return errors


def add_merge_field(account: Account, list_id: str, body) -> dict:
    audience = get_list(account, list_id)
    if not isinstance(body, dict):
        raise field_errors([{"field": "", "message": "Schema describes object"}])
    errors = _merge_problems(audience, body, creating=True)
    if errors:
        raise field_errors(errors)
    merge = audience.add_merge_field(
        tag=(body.get("tag") or f"MMERGE{audience.next_merge_id}").upper(),
        name=body["name"].strip(),
        type=body["type"],
        required=body.get("required", False),
        default_value=str(body.get("default_value", "")),
        public=body.get("public", True),
        options=dict(body.get("options") or {}),
        help_text=str(body.get("help_text", "")),
    )
    if "display_order" in body:
        merge.display_order = int(body["display_order"])
    return merge.render(audience.id)


def _merge_field(audience: MailList, merge_id: str):
    merge = audience.merge_fields.get(int(merge_id)) if merge_id.isdigit() else None
    if merge is None:
        raise not_found()
    return merge


def get_merge_field(account: Account, list_id: str, merge_id: str) -> dict:
    audience = get_list(account, list_id)
    return _merge_field(audience, merge_id).render(audience.id)


def update_merge_field(account: Account, list_id: str, merge_id: str, body) -> dict:
    audience = get_list(account, list_id)
    merge = _merge_field(audience, merge_id)
    if not isinstance(body, dict):
        raise field_errors([{"field": "", "message": "Schema describes object"}])
    errors = _merge_problems(audience, body, creating=False, current=merge)
    if errors:
        raise field_errors(errors)
    if "tag" in body and body["tag"].upper() != merge.tag:
        old, new = merge.tag, body["tag"].upper()
        for member in audience.members.values():
            if old in member.merge_fields:
                member.merge_fields[new] = member.merge_fields.pop(old)
        merge.tag = new
    for key in ("name", "required", "default_value", "public", "display_order", "help_text"):
        if key in body:
            setattr(merge, key, body[key].strip() if key == "name" else body[key])
    if "options" in body:
        merge.options.update(body["options"])
    return merge.render(audience.id)


def delete_merge_field(account: Account, list_id: str, merge_id: str) -> None:
    audience = get_list(account, list_id)
    merge = _merge_field(audience, merge_id)
    del audience.merge_fields[merge.merge_id]
    for member in audience.members.values():
        member.merge_fields.pop(merge.tag, None)
