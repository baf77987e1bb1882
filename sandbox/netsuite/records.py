"""Record writes with NetSuite's business rules, shared by the REST API, seeding and ``touch``.

Every write stamps ``lastModifiedDate`` (UTC, whole seconds); deletes write a
``DeletedRecord`` row. Rules enforced here (reference sections 2.1, 4.1, 7.9):
- OneWorld: customer, contact, employee and partner need a subsidiary;
- a company customer needs a company name, an individual a first and last name;
- a duplicate ``externalId`` is refused with "This entity already exists.";
- a record other records point at cannot be deleted (dependent records);
- addressBook lines (customers and contacts): see :meth:`RecordService._merge_address_book`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from .body import ParsedBody, parse_body
from .datetimes import FormatError, parse_iso_datetime
from .errors import not_found, user_error
from .fields import DEFAULT_ENTITY_STATUS, DEFAULT_SUBSCRIPTION_STATUS, RECORD_TYPES, Kind, address_text
from .store import Store

_NEEDS_SUBSIDIARY = ("customer", "contact", "employee", "partner")


def derived_entity_id(record_type: str, values: dict) -> str | None:
    """The name NetSuite fills into entityId when none is given."""
    if record_type in ("customer", "partner") and values.get("isperson") != "T":
        return values.get("companyname")
    names = [values.get("firstname"), values.get("middlename"), values.get("lastname")]
    return " ".join(x for x in names if x) or None


def missing_required(record_type: str, values: dict) -> list[str]:
    """Labels of the mandatory fields that are empty, in form order."""
    missing = []
    if record_type in ("customer", "partner"):
        if values.get("isperson") == "T":
            missing += [
                label for col, label in (("firstname", "First Name"), ("lastname", "Last Name")) if not values.get(col)
            ]
        elif not values.get("companyname"):
            missing.append("Company Name")
    elif record_type == "contact":
        if not (values.get("entityid") or values.get("firstname") or values.get("lastname")):
            missing.append("Contact")
    elif record_type == "employee":
        missing += [
            label for col, label in (("firstname", "First Name"), ("lastname", "Last Name")) if not values.get(col)
        ]
    elif record_type == "campaign":
        if not values.get("title"):
            missing.append("Title")
    elif record_type == "subsidiary":
        if not values.get("name"):
            missing.append("Name")
        if values.get("parent") is None and values.get("id") != 1:
            missing.append("Subsidiary Of")
    if record_type in _NEEDS_SUBSIDIARY and values.get("subsidiary") is None:
        missing.append("Subsidiary")
    return missing


class RecordService:
    """Creates, updates, upserts and deletes records in a :class:`Store`."""

    def __init__(self, store: Store, now: Callable[[], int]):
        self.store = store
        self.now = now

    # --- create ----------------------------------------------------------------
    def create(
        self,
        record_type: str,
        body: object,
        *,
        strict_names: bool = False,
        external_id: str | None = None,
        seeding: bool = False,
    ) -> int:
        """Create a record from a REST body; returns its new internal id."""
        system = _system_fields(body) if seeding else {}
        parsed = parse_body(self.store, record_type, body, strict_names, lenient_refs=seeding)
        values = self._defaults(record_type)
        values.update(parsed.values)
        if external_id is not None:
            values["externalid"] = external_id
        if values.get("externalid") and self.store.id_by_external_id(record_type, values["externalid"]) is not None:
            raise user_error("This entity already exists.")
        record_id = system.get("id")
        if record_id is not None:
            if self.store.id_taken(record_type, record_id):
                raise ValueError(f"{record_type} id {record_id} is already taken")
            self.store.reserve_id(record_type, record_id)
        values["id"] = record_id if record_id is not None else -1  # rules may look at the id
        lines = None
        if parsed.address_lines is not None:
            lines = self._merge_address_book(record_type, None, parsed.address_lines, replace=True)
            values["defaultaddress"] = _default_address(lines)
        if "entityid" in self._columns(record_type) and not values.get("entityid"):
            values["entityid"] = derived_entity_id(record_type, values)
        missing = missing_required(record_type, values)
        if missing:
            raise user_error(f"Please enter value(s) for: {', '.join(missing)}.")
        now = self.now()
        values["id"] = record_id if record_id is not None else self.store.next_id(record_type)
        modified = system.get("lastmodifieddate")
        values["datecreated"] = system.get("datecreated", now if modified is None else min(now, modified))
        values["lastmodifieddate"] = modified if modified is not None else max(now, values["datecreated"])
        self.store.insert(record_type, values)
        if lines is not None:
            self.store.write_address_lines(record_type, values["id"], lines)
        return values["id"]

    def _defaults(self, record_type: str) -> dict:
        values: dict = {f.column: "F" for f in self.store.fields(record_type) if f.kind == Kind.BOOL}
        if record_type == "customer":
            values["entitystatus"] = DEFAULT_ENTITY_STATUS
        if record_type in ("customer", "contact"):
            values["globalsubscriptionstatus"] = DEFAULT_SUBSCRIPTION_STATUS
        return values

    def _columns(self, record_type: str) -> set[str]:
        return {f.column for f in RECORD_TYPES[record_type].fields}

    # --- update ----------------------------------------------------------------
    def update(
        self,
        record_type: str,
        record_id: int,
        body: object,
        *,
        strict_names: bool = False,
        replace: Iterable[str] = (),
        seeding: bool = False,
    ) -> None:
        """PATCH semantics: given fields change, a null clears, others stay; sublists merge unless replaced."""
        row = self.store.row(record_type, record_id)
        if row is None:
            raise not_found()
        system = _system_fields(body) if seeding else {}
        parsed = parse_body(self.store, record_type, body, strict_names, lenient_refs=seeding)
        self._apply(record_type, row, parsed, {r.lower() for r in replace}, system.get("lastmodifieddate"))

    def _apply(self, record_type: str, row: dict, parsed: ParsedBody, replace: set[str], stamp: int | None) -> None:
        merged = dict(row)
        merged.update(parsed.values)
        new_external = parsed.values.get("externalid")
        if new_external and new_external != row.get("externalid"):
            owner = self.store.id_by_external_id(record_type, new_external)
            if owner is not None and owner != row["id"]:
                raise user_error("This entity already exists.")
        lines = None
        if parsed.address_lines is not None:
            lines = self._merge_address_book(record_type, row["id"], parsed.address_lines, "addressbook" in replace)
            merged["defaultaddress"] = _default_address(lines)
        if "entityid" in self._columns(record_type) and "entityid" not in parsed.values:
            if row.get("entityid") in (None, derived_entity_id(record_type, row)):
                merged["entityid"] = derived_entity_id(record_type, merged)
        missing = missing_required(record_type, merged)
        if missing:
            raise user_error(f"Please enter value(s) for: {', '.join(missing)}.")
        # Every save is a modification, even one that changes no value.
        merged["lastmodifieddate"] = stamp if stamp is not None else self.now()
        changed = {k: v for k, v in merged.items() if k == "lastmodifieddate" or (k != "id" and row.get(k) != v)}
        self.store.update(record_type, row["id"], changed)
        if lines is not None:
            self.store.write_address_lines(record_type, row["id"], lines)

    def upsert(
        self, record_type: str, external_id: str, body: object, *, strict_names: bool = False
    ) -> tuple[int, bool]:
        """PUT ``eid:``: update the record with that external id, or create it. Returns (id, created)."""
        record_id = self.store.id_by_external_id(record_type, external_id)
        if record_id is None:
            body = {k: v for k, v in body.items() if k.lower() != "externalid"} if isinstance(body, dict) else body
            return self.create(record_type, body, strict_names=strict_names, external_id=external_id), True
        row = self.store.row(record_type, record_id)
        parsed = parse_body(self.store, record_type, body, strict_names)
        parsed.values.pop("externalid", None)
        # PUT replaces the sublists it carries.
        self._apply(record_type, row, parsed, {"addressbook"}, None)
        return record_id, False

    # --- delete ----------------------------------------------------------------
    def delete(
        self, record_type: str, record_id: int, context: str = "WEBSERVICES", deleted_by: int | None = None
    ) -> None:
        if self.store.row(record_type, record_id) is None:
            raise not_found()
        if self.store.referrers(record_type, record_id):
            # UNCERTAIN: NetSuite refuses deleting records other records depend on;
            # the sandbox applies that to every reference (e.g. a company with contacts).
            raise user_error("This record cannot be deleted because it has dependent records.")
        self.store.delete(record_type, record_id, self.now(), context, deleted_by)

    # --- addressBook -----------------------------------------------------------
    def _merge_address_book(self, record_type: str, record_id: int | None, incoming: list[dict], replace: bool):
        """The record's addressBook lines after a write, as Oracle documents keyed sublists.

        The addressBook is a keyed sublist (key: the line's internal id, ``id``). Oracle's "Updating
        a Sublist" / "Replacing a Sublist" (REST web services help): on PATCH, lines whose key
        matches are updated and the other request lines are added, existing lines stay; with
        ``?replace=addressBook`` (and on PUT upsert and create) matching lines are updated, the
        other existing lines are removed, the other request lines are added.

        Choices where the reference and Oracle's pages say nothing (the stricter plausible one):
        - a line whose ``id`` is not a line of this record is refused (400 USER_ERROR), never
          silently added as a new line;
        - an updated line changes only the properties it carries; an ``addressBookAddress`` it
          carries replaces the whole address (left-out address fields are cleared);
        - a new line, or an updated one, needs an address with at least one part besides the
          country (addressee, attention, addr1-3, city, state, zip): "Please enter value(s) for:
          Address." (NetSuite fills the country in from the company, so the country alone is not
          an address);
        - two lines of one request both marked default billing (or shipping) are refused; a request
          line marked default takes the mark from the record's other lines (NetSuite's default
          checkboxes are unique per record). At most one default of each kind is ever stored.
        """
        if record_type not in RECORD_TYPES or not any(
            f.kind == Kind.ADDRESS_BOOK for f in RECORD_TYPES[record_type].fields
        ):
            raise user_error(f"The record type {record_type} has no addressBook sublist.")
        existing = self.store.address_lines(record_type, record_id) if record_id is not None else []
        by_id = {line["id"]: line for line in existing}
        lines = [] if replace else [dict(line) for line in existing]
        for line in incoming:
            path = f"addressBook.items[{line['index']}]"
            if line["id"] is not None:
                current = by_id.get(line["id"])
                if current is None:
                    raise user_error(
                        f"The addressBook line {line['id']} does not exist on this record. "
                        "Leave out the id to add a new line.",
                        f"{path}.id",
                    )
                target = next((x for x in lines if x["id"] == line["id"]), None)
                if target is None:  # replace: a kept line
                    target = dict(current)
                    lines.append(target)
            else:
                target = {
                    "id": None,
                    "nkey": None,
                    "label": None,
                    "defaultBilling": False,
                    "defaultShipping": False,
                    "address": {},
                }
                lines.append(target)
            for key in ("label", "defaultBilling", "defaultShipping"):
                if key in line["present"]:
                    target[key] = line[key]
            if "address" in line["present"]:
                target["address"] = line["address"]
            if not any(v for k, v in target["address"].items() if k not in ("country", "addrPhone")):
                raise user_error("Please enter value(s) for: Address.", f"{path}.addressBookAddress")
            for flag in ("defaultBilling", "defaultShipping"):
                if line.get(flag):
                    for other in lines:
                        if other is not target:
                            other[flag] = False
        lines.sort(key=lambda x: (x["id"] is None, x["id"] or 0))
        return lines


def _default_address(lines: list[dict]) -> str | None:
    """``defaultAddress``: the text of the default billing line, else of the first line."""
    default = next((x for x in lines if x.get("defaultBilling")), lines[0] if lines else None)
    return (address_text(default["address"]) or None) if default else None


def _system_fields(body: object) -> dict:
    """Seeding only: an explicit id and timestamps, which the REST API treats as read-only."""
    if not isinstance(body, dict):
        return {}
    lowered = {k.lower(): v for k, v in body.items()}
    out: dict = {}
    if lowered.get("id") is not None:
        raw = lowered["id"]
        if isinstance(raw, bool) or not str(raw).isdigit():
            raise ValueError(f"bad id {raw!r}")
        out["id"] = int(raw)
    for key in ("datecreated", "lastmodifieddate"):
        if lowered.get(key):
            try:
                out[key] = parse_iso_datetime(str(lowered[key]))
            except FormatError:
                raise ValueError(f"{key} must be an ISO datetime with a zone, not {lowered[key]!r}")
    return out
