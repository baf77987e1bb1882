"""A HubSpot contact's company as a field: its primary company association (reference B.5).

HubSpot keeps a contact's company twice: a text property (``company``, the name a person typed) and an
association to a company record. The catalog of contacts offers the association as one field of type
reference, :data:`COMPANY_FIELD` ("Company (associated)"), whose value is ``{"id": <company id>, "name":
""}`` (the name is not read: the engine translates the id through the company connection's links) or None.

- **Read**: search answers carry no associations (B.3), so each page of contacts read costs one v4 batch
  read of their company associations (``POST /crm/v4/associations/contacts/companies/batch/read``, 100
  ids a call, as the objects). The field holds the *primary* company (type id 1); a contact associated
  with companies but none of them primary has no company here.
- **Write**: the field is never sent as a property. After a contact's properties are written, its primary
  company is set: the old primary pair is archived (``…/batch/archive``: that removes the pair's every
  type) when it changes or is cleared, and the new one created with type 1 (``…/batch/create``). Other
  companies a contact is associated with are left alone. A failure fails the contact's write (its
  properties were written: the next run writes them again, which changes nothing, and sets the company).

UNCERTAIN: the association batch limits (the reference quotes one project's 1,000 / 2,000 / 100); we send
100 at most, like the sandbox accepts. Whether a contact's modification time moves when its association
changes is not in the reference (the sandbox moves it when its primary company changes).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from ..base import Record, WriteRequest, WriteResult
from ..errors import ProviderError, ValidationError
from ..fields import FieldSpec, FieldType
from .batch_answers import read_batch_answer
from .batching import BATCH_LIMIT, chunks
from .objects import COMPANIES, CONTACTS

if TYPE_CHECKING:
    from .transport import HubSpotTransport

COMPANY_FIELD = "associated_company"
COMPANY_FIELD_SPEC = FieldSpec(
    COMPANY_FIELD,
    "Company (associated)",
    FieldType.REFERENCE,
    help="The contact's primary company: the HubSpot company record it is associated with.",
)
# The fields of an object type that are associations, not properties, and the object type they refer to.
ASSOCIATION_FIELDS: Mapping[str, tuple[FieldSpec, ...]] = {CONTACTS: (COMPANY_FIELD_SPEC,)}
ASSOCIATION_IDS = frozenset(spec.id for specs in ASSOCIATION_FIELDS.values() for spec in specs)
# Which of our fields refer to a company record (the registry's ``company_reference_fields``).
COMPANY_REFERENCE_FIELDS = frozenset({COMPANY_FIELD})

PRIMARY_TYPE_ID = 1  # contact → company, primary (B.5)
HUBSPOT_DEFINED = "HUBSPOT_DEFINED"


def association_fields(object_type_name: str) -> tuple[FieldSpec, ...]:
    """The association fields of an object type's catalog (none for companies)."""
    return ASSOCIATION_FIELDS.get(object_type_name, ())


def _path(action: str) -> str:
    return f"/crm/v4/associations/{CONTACTS}/{COMPANIES}/batch/{action}"


def primary_company_of(result: Mapping[str, Any]) -> str | None:
    """The primary company id of one batch read result (``{from, to: [{toObjectId, associationTypes}]}``)."""
    for target in result.get("to") or ():
        if not isinstance(target, Mapping):
            continue
        types = target.get("associationTypes") or ()
        if any(isinstance(t, Mapping) and _int(t.get("typeId")) == PRIMARY_TYPE_ID for t in types):
            return str(target.get("toObjectId"))
    return None


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def company_id(value: Any) -> str | None:
    """The company id a written value names (None: no company)."""
    if isinstance(value, Mapping):
        return str(value.get("id") or "").strip() or None
    return None


def split_companies(requests: Iterable[WriteRequest]) -> tuple[list[WriteRequest], dict[str, Any]]:
    """The requests without their company field, and the company each request writes, by request key."""
    stripped, companies = [], {}
    for request in requests:
        written = request.fields if request.fields is not None else list(request.values)
        if COMPANY_FIELD not in written:
            stripped.append(request)
            continue
        companies[request.key] = request.values.get(COMPANY_FIELD)
        values = {k: v for k, v in request.values.items() if k != COMPANY_FIELD}
        fields = None if request.fields is None else [f for f in request.fields if f != COMPANY_FIELD]
        stripped.append(replace(request, values=values, fields=fields))
    return stripped, companies


class CompanyAssociations:
    """The client's reads and writes of contacts' primary companies (a mixin of the client)."""

    transport: HubSpotTransport

    def primary_companies(self, contact_ids: list[str]) -> dict[str, str | None]:
        """Each contact's primary company id (None: none); contacts HubSpot does not know are left out."""
        found: dict[str, str | None] = {}
        for chunk in chunks(list(dict.fromkeys(i for i in contact_ids if i)), BATCH_LIMIT):
            answer = self.transport.request("POST", _path("read"), json_body={"inputs": [{"id": i} for i in chunk]})
            for result in read_batch_answer(answer).results:
                source = result.get("from") or {}
                found[str(source.get("id"))] = primary_company_of(result)
        return found

    def with_companies(self, object_type_name: str, records: list[Record], catalog: Mapping[str, Any]) -> None:
        """Fill the association fields of ``records`` (live ones) in place, when the catalog has them."""
        if object_type_name != CONTACTS or COMPANY_FIELD not in catalog:
            return
        ids = [r.id for r in records if not r.deleted and r.id]
        if not ids:
            return
        companies = self.primary_companies(ids)
        for record in records:
            if not record.deleted and record.id in companies:
                found = companies[record.id]
                record.values[COMPANY_FIELD] = {"id": found, "name": ""} if found else None

    def set_companies(
        self, object_type_name: str, results: list[WriteResult], companies: dict[str, Any], *, created: bool = False
    ) -> None:
        """Set the primary company of each written contact whose request wrote one (``companies`` by key);
        a contact whose association could not be set gets the error in its result. ``created``: the contacts
        were created just now, so they have no company yet (nothing to read first)."""
        if object_type_name != CONTACTS or not companies:
            return
        todo = {r.record_id: r for r in results if r.ok and r.record_id and r.key in companies}
        if not todo:
            return
        try:
            current = {} if created else self.primary_companies(list(todo))
        except ProviderError as exc:
            for result in todo.values():
                result.error = exc
            return
        archive, create = [], []
        for contact, result in todo.items():
            new, old = company_id(companies[result.key]), current.get(contact)
            if old and old != new:
                archive.append((contact, old))
            if new and new != old:
                create.append((contact, new))
        for contact, error in self._in_halves(archive, self._archive_pairs).items():
            todo[contact].error = error
        create = [(contact, new) for contact, new in create if todo[contact].ok]
        for contact, error in self._in_halves(create, self._create_pairs).items():
            todo[contact].error = error
        for result in todo.values():
            if result.ok and result.record is not None:
                new = company_id(companies[result.key])
                result.record.values[COMPANY_FIELD] = {"id": new, "name": ""} if new else None

    def _in_halves(self, pairs: list[tuple[str, str]], send) -> dict[str, ProviderError]:
        """Send ``pairs`` 100 a call; a refused call is split down to the pair refused (a company deleted
        since it was linked refuses the whole batch). Returns the error of each contact refused."""
        errors: dict[str, ProviderError] = {}

        def attempt(part: list[tuple[str, str]]) -> None:
            if not part:
                return
            try:
                send(part)
            except ValidationError as exc:
                if len(part) == 1:
                    errors[part[0][0]] = exc
                    return
                half = len(part) // 2
                attempt(part[:half])
                attempt(part[half:])
            except ProviderError as exc:
                errors.update({contact: exc for contact, _ in part})

        for chunk in chunks(pairs, BATCH_LIMIT):
            attempt(chunk)
        return errors

    def _archive_pairs(self, pairs: list[tuple[str, str]]) -> None:
        inputs = [{"from": {"id": contact}, "to": [{"id": company}]} for contact, company in pairs]
        self.transport.request("POST", _path("archive"), json_body={"inputs": inputs})

    def _create_pairs(self, pairs: list[tuple[str, str]]) -> None:
        types = [{"associationCategory": HUBSPOT_DEFINED, "associationTypeId": PRIMARY_TYPE_ID}]
        inputs = [{"from": {"id": contact}, "to": {"id": company}, "types": types} for contact, company in pairs]
        # Setting a primary company twice leaves one primary company: safe to retry.
        answer = self.transport.request("POST", _path("create"), json_body={"inputs": inputs})
        parsed = read_batch_answer(answer)
        if parsed.errors_by_id or parsed.unpinned:
            raise (parsed.unpinned or list(parsed.errors_by_id.values()))[0]
