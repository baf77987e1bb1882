"""The account's data: audiences (lists), their merge fields, members and tags
(reference C.2, C.5), and the rules a member write must pass.

Members are keyed by ``subscriber_hash`` = MD5 of the trimmed, lower-cased email.
A permanently deleted member leaves only its hash in ``forgotten``: the address
can never be added again by the API.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from .config import MailchimpSandboxConfig
from .errors import ApiError, compliance, field_errors, forgotten, invalid, member_exists, merge_invalid

STATUSES = ("subscribed", "unsubscribed", "cleaned", "pending", "transactional", "archived")
WRITABLE_STATUSES = STATUSES[:5]  # "archived" is reached with DELETE only (C.2)
PATCH_STATUSES = ("subscribed", "unsubscribed", "cleaned", "pending")  # PATCH's enum has no transactional
MERGE_TYPES = ("text", "number", "address", "phone", "date", "url", "imageurl", "radio", "dropdown", "birthday", "zip")
EMAIL = re.compile(
    r"^[^@\s\"(),:;<>\[\]\\]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$"
)
TAG = re.compile(r"^[A-Z][A-Z0-9_]{0,9}$")
MAX_TAGS = 50
# Keys a member write may carry; anything else is refused (UNCERTAIN: the stricter reading).
MEMBER_KEYS = frozenset(
    {
        "email_address",
        "email_type",
        "status",
        "merge_fields",
        "interests",
        "language",
        "vip",
        "location",
        "marketing_permissions",
        "ip_signup",
        "timestamp_signup",
        "ip_opt",
        "timestamp_opt",
    }
)


def subscriber_hash(email: str) -> str:
    return hashlib.md5(email.strip().lower().encode("utf-8")).hexdigest()  # noqa: S324 - Mailchimp's id scheme


def iso(seconds: float) -> str:
    """Mailchimp's timestamps: ISO-8601, whole seconds, ``+00:00``."""
    return datetime.fromtimestamp(int(seconds), UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def parse_iso(value: str) -> float:
    """An ISO-8601 timestamp (with offset, ``Z``, or none: UTC) as epoch seconds; ValueError if not one."""
    text = value.strip().replace("Z", "+00:00")
    if " " in text and "T" not in text:
        text = text.replace(" ", "T", 1)
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp()


@dataclass
class MergeField:
    merge_id: int
    tag: str
    name: str
    type: str
    required: bool = False
    default_value: str = ""
    public: bool = True
    display_order: int = 1
    options: dict = field(default_factory=dict)
    help_text: str = ""

    def render(self, list_id: str) -> dict:
        return {
            "merge_id": self.merge_id,
            "tag": self.tag,
            "name": self.name,
            "type": self.type,
            "required": self.required,
            "default_value": self.default_value,
            "public": self.public,
            "display_order": self.display_order,
            "options": dict(self.options),
            "help_text": self.help_text,
            "list_id": list_id,
            "_links": [],
        }


@dataclass
class Member:
    email: str
    status: str
    created: float
    last_changed: float
    unique_email_id: str
    contact_id: str
    web_id: int
    merge_fields: dict = field(default_factory=dict)
    email_type: str = "html"
    language: str = ""
    vip: bool = False
    location: dict = field(default_factory=lambda: {"latitude": 0, "longitude": 0})
    marketing_permissions: list = field(default_factory=list)
    ip_signup: str = ""
    timestamp_signup: str = ""
    ip_opt: str = ""
    timestamp_opt: str = ""
    tags: list[str] = field(default_factory=list)  # tag names, in the order added
    unsubscribe_reason: str = ""
    unsubscribed_by_contact: bool = False  # an unsubscribe link, not the API: never resubscribable by API
    archived_from: str = ""  # the status before archiving
    source: str = "API - Generic"

    @property
    def id(self) -> str:
        return subscriber_hash(self.email)


@dataclass
class MailList:
    id: str
    name: str
    web_id: int
    created: float
    merge_fields: dict[int, MergeField] = field(default_factory=dict)
    members: dict[str, Member] = field(default_factory=dict)  # by subscriber hash, in creation order
    forgotten: set[str] = field(default_factory=set)  # hashes of permanently deleted addresses
    tag_ids: dict[str, int] = field(default_factory=dict)  # tag name -> id
    next_merge_id: int = 1

    def merge_by_tag(self, tag: str) -> MergeField | None:
        for merge in self.merge_fields.values():
            if merge.tag == tag:
                return merge
        return None

    def add_merge_field(self, **values) -> MergeField:
        merge = MergeField(merge_id=self.next_merge_id, display_order=len(self.merge_fields) + 1, **values)
        self.merge_fields[merge.merge_id] = merge
        self.next_merge_id += 1
        return merge

    def tag_id(self, name: str) -> int:
        if name not in self.tag_ids:
            self.tag_ids[name] = 1000 + len(self.tag_ids) + 1
        return self.tag_ids[name]

    def find_member(self, key: str) -> Member | None:
        """A member addressed by subscriber hash, by email address, or by ``contact_id`` (C.2)."""
        key = key.strip()
        if "@" in key:
            key = subscriber_hash(key)
        found = self.members.get(key.lower())
        if found is None:
            found = next((m for m in self.members.values() if m.contact_id == key), None)
        return found

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(STATUSES, 0)
        for member in self.members.values():
            counts[member.status] += 1
        return counts


def default_merge_fields(audience: MailList) -> None:
    """FNAME, LNAME, ADDRESS, PHONE, BIRTHDAY, as a new audience has them (C.5, UNCERTAIN there)."""
    audience.add_merge_field(tag="FNAME", name="First Name", type="text", options={"size": 25})
    audience.add_merge_field(tag="LNAME", name="Last Name", type="text", options={"size": 25})
    audience.add_merge_field(tag="ADDRESS", name="Address", type="address", options={"default_country": 164})
    audience.add_merge_field(tag="PHONE", name="Phone Number", type="phone", options={"phone_format": "none"})
    audience.add_merge_field(tag="BIRTHDAY", name="Birthday", type="birthday", options={"date_format": "MM/DD"})


class Account:
    """One Mailchimp account: its audiences, and the member rules."""

    def __init__(self, config: MailchimpSandboxConfig, clock: Callable[[], float]):
        self.config = config
        self.clock = clock
        self.reset()

    def reset(self) -> None:
        self.lists: dict[str, MailList] = {}
        self._web_id = 100_000
        self.create_list(self.config.default_list_name, self.config.default_list_id)

    def now(self) -> float:
        return float(int(self.clock()))

    def next_web_id(self) -> int:
        self._web_id += 1
        return self._web_id

    def create_list(self, name: str, list_id: str | None = None) -> MailList:
        list_id = list_id or secrets.token_hex(5)
        if list_id in self.lists:
            raise ValueError(f"list {list_id} exists")
        audience = MailList(id=list_id, name=name, web_id=self.next_web_id(), created=self.now())
        default_merge_fields(audience)
        self.lists[list_id] = audience
        return audience

    # --- checks ---------------------------------------------------------------------
    def check_email(self, email) -> str:
        if not isinstance(email, str) or not EMAIL.match(email.strip()):
            raise invalid("Please provide a valid email address.")
        email = email.strip()
        if email.rsplit("@", 1)[1].lower() in self.config.fake_domains:
            raise invalid(f"{email} looks fake or invalid, please enter a real email address.")
        return email

    def check_merge_values(self, audience: MailList, values, *, creating: bool, skip_validation: bool) -> dict:
        """The merge values of a write, by tag, after checking them against the audience's fields."""
        if values is None:
            values = {}
        if not isinstance(values, dict):
            raise field_errors([{"field": "merge_fields", "message": "Schema describes object, NULL found instead"}])
        errors = []
        checked = {}
        for tag, value in values.items():
            merge = audience.merge_by_tag(str(tag))
            if merge is None:
                # UNCERTAIN: an unknown tag is refused, not ignored, and tags match exactly ("fname" is not
                # FNAME): the stricter reading.
                errors.append({"field": tag, "message": f"The merge field {tag} does not exist."})
                continue
            problem = merge_value_problem(merge, value)
            if problem:
                errors.append({"field": merge.tag, "message": problem})
            else:
                checked[merge.tag] = value
        if not skip_validation:
            for merge in audience.merge_fields.values():
                if not merge.required:
                    continue
                missing = checked.get(merge.tag, None if creating else "x") in (None, "")
                if merge.tag in checked and checked[merge.tag] == "":
                    missing = True
                if missing:
                    errors.append({"field": merge.tag, "message": "Please enter a value"})
        if errors:
            raise merge_invalid(errors)
        return checked

    def check_transition(self, member: Member | None, status: str, email: str) -> None:
        """Refuse what the API may not do to a member's status (C.2)."""
        if member is None or status in ("unsubscribed", "transactional", "cleaned"):
            return
        current = member.archived_from if member.status == "archived" else member.status
        if status not in ("subscribed", "pending") or current == status:
            return
        if current == "cleaned":
            raise compliance(email)
        if current == "unsubscribed":
            if status == "pending":
                return  # double opt-in: the contact confirms by email
            if member.unsubscribed_by_contact or not self.config.api_unsubscribed_may_resubscribe:
                raise compliance(email)

    # --- writes ---------------------------------------------------------------------
    def write_member(
        self,
        audience: MailList,
        body: dict,
        *,
        mode: str,
        path_hash: str | None = None,
        skip_merge_validation: bool = False,
    ) -> tuple[Member, bool]:
        """Apply one member write; ``mode`` is ``post`` (add), ``put`` (upsert), ``patch`` (update)
        or ``batch`` (batch subscribe with update_existing). Returns (member, created).
        Raises ApiError for every refusal; nothing is changed then."""
        if not isinstance(body, dict):
            raise bad_body()
        allowed = (
            MEMBER_KEYS | ({"status_if_new"} if mode == "put" else set()) | ({"tags"} if mode == "post" else set())
        )
        unknown = sorted(set(body) - allowed)
        if unknown:
            raise field_errors([{"field": key, "message": "Field is not allowed here"} for key in unknown])
        errors = []
        if mode != "patch" and "email_address" not in body:
            errors.append({"field": "email_address", "message": "This value should not be blank."})
        if mode == "put" and "status_if_new" not in body:
            errors.append({"field": "status_if_new", "message": "This value should not be blank."})
        if mode in ("post", "batch") and "status" not in body:
            errors.append({"field": "status", "message": "This value should not be blank."})
        statuses = PATCH_STATUSES if mode == "patch" else WRITABLE_STATUSES
        for key in ("status", "status_if_new"):
            if key in body and body[key] not in statuses:
                errors.append({"field": key, "message": f"Value must be one of: {', '.join(statuses)}"})
        if "email_type" in body and body["email_type"] not in ("html", "text"):
            errors.append({"field": "email_type", "message": "Value must be one of: html, text"})
        if "vip" in body and not isinstance(body["vip"], bool):
            errors.append({"field": "vip", "message": "Schema describes boolean"})
        for key in ("language", "ip_signup", "ip_opt"):
            if key in body and not isinstance(body[key], str):
                errors.append({"field": key, "message": "Schema describes string"})
        for key in ("timestamp_signup", "timestamp_opt"):
            if key in body and body[key] not in ("", None):
                try:
                    parse_iso(str(body[key]))
                except ValueError:
                    errors.append({"field": key, "message": "Please provide a valid ISO-8601 date and time."})
        if body.get("interests"):
            # The sandbox simulates no interest categories, so no interest id exists.
            errors.append({"field": "interests", "message": "Invalid interest ID."})
        if "tags" in body and (
            not isinstance(body["tags"], list) or not all(isinstance(t, str) and t.strip() for t in body["tags"])
        ):
            errors.append({"field": "tags", "message": "Schema describes array of strings"})
        if errors:
            raise field_errors(errors)

        existing = audience.members.get(path_hash) if path_hash else None
        email = existing.email if existing and "email_address" not in body else None
        if "email_address" in body:
            email = self.check_email(body["email_address"])
        new_hash = subscriber_hash(email)
        if mode == "put" and path_hash and new_hash != path_hash:
            # UNCERTAIN: the stricter reading; an upsert may not move a member to another address.
            raise field_errors(
                [{"field": "email_address", "message": "The email address does not match the subscriber hash."}]
            )
        if mode == "patch" and new_hash != path_hash:
            if new_hash in audience.members:
                raise member_exists(email)
        else:
            existing = audience.members.get(new_hash)
        if new_hash in audience.forgotten:
            raise forgotten(email)
        if mode == "post" and existing is not None and existing.status != "archived":
            raise member_exists(email)
        creating = existing is None
        merge = self.check_merge_values(
            audience, body.get("merge_fields"), creating=creating, skip_validation=skip_merge_validation
        )
        if creating:
            status = body.get("status") or body.get("status_if_new")
        elif existing.status == "archived" and mode != "patch":
            # Re-adding an archived address unarchives it (C.2, UNCERTAIN): as if new.
            status = body.get("status") or body.get("status_if_new") or existing.archived_from
        else:
            status = body.get("status", existing.status)
        self.check_transition(existing, status, email)
        if "tags" in body and len(set(body["tags"]) | set(existing.tags if existing else [])) > MAX_TAGS:
            raise field_errors([{"field": "tags", "message": f"A member can have at most {MAX_TAGS} tags."}])

        now = self.now()
        if creating:
            member = Member(
                email=email,
                status=status,
                created=now,
                last_changed=now,
                unique_email_id=secrets.token_hex(5),
                contact_id=secrets.token_hex(16),
                web_id=self.next_web_id(),
            )
        else:
            member = existing
            if new_hash != member.id:  # PATCH to another address
                del audience.members[member.id]
            member.email = email
        before = member.status
        member.status = status
        if status != before or creating:
            member.unsubscribed_by_contact = False
            member.archived_from = ""
            if status == "subscribed" and "timestamp_opt" not in body:
                member.timestamp_opt = iso(now)
        for tag, value in merge.items():
            member.merge_fields[tag] = value
        for key in ("email_type", "language", "vip", "ip_signup", "ip_opt", "marketing_permissions", "location"):
            if key in body:
                setattr(member, key, body[key])
        for key in ("timestamp_signup", "timestamp_opt"):
            if body.get(key):
                setattr(member, key, iso(parse_iso(str(body[key]))))
        for name in body.get("tags", []):
            if name.strip() not in member.tags:
                member.tags.append(name.strip())
                audience.tag_id(name.strip())
        # UNCERTAIN: every accepted write moves last_changed, even one that changes nothing (stricter: a
        # client that writes back what it read sees its own echo).
        member.last_changed = now
        audience.members[member.id] = member
        return member, creating

    def archive(self, member: Member) -> None:
        if member.status != "archived":
            member.archived_from = member.status
            member.status = "archived"
        member.last_changed = self.now()

    def delete_permanently(self, audience: MailList, member: Member) -> None:
        del audience.members[member.id]
        audience.forgotten.add(member.id)

    def set_tags(self, audience: MailList, member: Member, tags: list[dict]) -> None:
        for item in tags:
            name = item["name"].strip()
            if item["status"] == "active":
                if name not in member.tags:
                    member.tags.append(name)
                    audience.tag_id(name)
            elif name in member.tags:
                member.tags.remove(name)
        member.last_changed = self.now()


def bad_body() -> ApiError:
    return ApiError(400, "Bad Request", "The request body must be a JSON object.")


def merge_value_problem(merge: MergeField, value) -> str | None:
    """Why ``value`` does not fit the merge field, or None. ``""`` clears any field."""
    if value == "":
        return None
    kind = merge.type
    if kind == "address":
        if not isinstance(value, dict):
            return "Please enter a complete address (addr1, city, state, zip)."
        unknown = set(value) - {"addr1", "addr2", "city", "state", "zip", "country"}
        missing = [k for k in ("addr1", "city", "state", "zip") if not str(value.get(k) or "").strip()]
        if unknown or missing or not all(isinstance(v, str) for v in value.values()):
            return "Please enter a complete address (addr1, city, state, zip)."
        return None
    if kind == "number":
        if isinstance(value, bool):
            return "Please enter a number"
        if isinstance(value, int | float):
            return None
        try:
            float(str(value))
        except ValueError:
            return "Please enter a number"
        return None
    if not isinstance(value, str):
        return "Please enter a text value"
    if kind == "text" and len(value) > 255:
        return "Please enter a value of at most 255 characters"
    if kind in ("url", "imageurl") and not re.match(r"^https?://\S+$", value):
        return "Please enter a valid URL"
    if kind in ("radio", "dropdown") and value not in merge.options.get("choices", []):
        return f"Please choose one of: {', '.join(merge.options.get('choices', []))}"
    if kind == "zip" and not re.match(r"^\d{5}(-\d{4})?$", value):
        return "Please enter a valid zip code"
    if kind == "birthday":
        try:
            month, day = (int(p) for p in value.split("/"))
            date(2000, month, day)
        except ValueError:
            return "Please enter a birthday as MM/DD"
        return None
    if kind == "date":
        fmt = merge.options.get("date_format", "MM/DD/YYYY")
        pattern = fmt.replace("MM", "%m").replace("DD", "%d").replace("YYYY", "%Y")
        for candidate in (pattern, "%Y-%m-%d"):
            try:
                datetime.strptime(value, candidate)
                return None
            except ValueError:
                continue
        return f"Please enter a date as {fmt} or YYYY-MM-DD"
    return None
