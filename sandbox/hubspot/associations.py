"""Contact <-> company associations (reference B.5).

A pair (contact, company) carries HUBSPOT_DEFINED type ids seen from the contact:
279 (unlabelled) and 1 (primary); from the company they read 280 and 2. A
contact has at most one primary company: a new primary moves it (the old pair
keeps its unlabelled type). A primary association always includes the
unlabelled one. The contact's read-only ``associatedcompanyid`` follows its primary.
"""

from __future__ import annotations

from .errors import validation

PRIMARY, UNLABELED = 1, 279
# (from type, to type) -> {type id seen from `from`: the same association's contact-side id}
TYPE_IDS = {
    ("contacts", "companies"): {1: PRIMARY, 279: UNLABELED},
    ("companies", "contacts"): {2: PRIMARY, 280: UNLABELED},
}
FROM_CONTACT = {PRIMARY: 1, UNLABELED: 279}
FROM_COMPANY = {PRIMARY: 2, UNLABELED: 280}
LABELS = {PRIMARY: "Primary", UNLABELED: None}
# The association type names of ``?associations=`` on the objects API (reference B.5, UNCERTAIN there).
V3_NAMES = {
    ("contacts", PRIMARY): "contact_to_company",
    ("contacts", UNLABELED): "contact_to_company_unlabeled",
    ("companies", PRIMARY): "company_to_contact",
    ("companies", UNLABELED): "company_to_contact_unlabeled",
}


def other(object_type: str) -> str:
    return "companies" if object_type == "contacts" else "contacts"


class AssociationStore:
    """Pairs and their type ids (contact-side)."""

    def __init__(self):
        self.pairs: dict[tuple[int, int], set[int]] = {}
        self.by_contact: dict[int, set[int]] = {}
        self.by_company: dict[int, set[int]] = {}

    def reset(self) -> None:
        self.__init__()

    @staticmethod
    def _key(from_type: str, from_id: int, to_id: int) -> tuple[int, int]:
        return (from_id, to_id) if from_type == "contacts" else (to_id, from_id)

    def contact_side_types(self, from_type: str, to_type: str, types: list[dict]) -> set[int]:
        """Check ``[{associationCategory, associationTypeId}]`` and return the contact-side ids."""
        allowed = TYPE_IDS.get((from_type, to_type))
        if allowed is None:
            raise validation(f"Associations from {from_type} to {to_type} are not simulated.")
        if not isinstance(types, list) or not types:
            raise validation("types must be a non-empty list of {associationCategory, associationTypeId}")
        found = set()
        for spec in types:
            if not isinstance(spec, dict):
                raise validation("Invalid association type spec")
            category, type_id = spec.get("associationCategory"), spec.get("associationTypeId")
            if category != "HUBSPOT_DEFINED" or type_id not in allowed:
                raise validation(
                    f"{category} {type_id} is not a valid association type between {from_type} and {to_type}. "
                    f"Valid HUBSPOT_DEFINED type ids: {sorted(allowed)}"
                )
            found.add(allowed[type_id])
        return found

    def add(self, from_type: str, from_id: int, to_id: int, types: set[int]) -> tuple[int | None, int | None]:
        """Add ``types`` to the pair; returns (contact id whose primary changed, its old primary company)."""
        contact_id, company_id = self._key(from_type, from_id, to_id)
        if PRIMARY in types:
            types = types | {UNLABELED}
        changed = (None, None)
        if PRIMARY in types:
            old = self.primary_company(contact_id)
            if old is not None and old != company_id:
                self.pairs[(contact_id, old)].discard(PRIMARY)
            changed = (contact_id, old)
        self.pairs.setdefault((contact_id, company_id), set()).update(types)
        self.by_contact.setdefault(contact_id, set()).add(company_id)
        self.by_company.setdefault(company_id, set()).add(contact_id)
        return changed

    def remove(self, from_type: str, from_id: int, to_id: int, types: set[int] | None = None) -> bool:
        """Remove ``types`` (all when None) from the pair; True when something was removed."""
        key = self._key(from_type, from_id, to_id)
        current = self.pairs.get(key)
        if not current:
            return False
        if types is None or UNLABELED in types:
            types = set(current)  # removing the unlabelled type removes the association
        removed = bool(current & types)
        current -= types
        if not current:
            del self.pairs[key]
            self.by_contact[key[0]].discard(key[1])
            self.by_company[key[1]].discard(key[0])
        return removed

    def primary_company(self, contact_id: int) -> int | None:
        for company_id in self.by_contact.get(contact_id, ()):
            if PRIMARY in self.pairs[(contact_id, company_id)]:
                return company_id
        return None

    def targets(self, from_type: str, from_id: int) -> list[tuple[int, set[int]]]:
        """``(to id, contact-side types)`` of every association of the record, by to id."""
        index = self.by_contact if from_type == "contacts" else self.by_company
        found = []
        for to_id in sorted(index.get(from_id, ())):
            found.append((to_id, self.pairs[self._key(from_type, from_id, to_id)]))
        return found

    def count(self) -> int:
        return len(self.pairs)


def render_types(from_type: str, types: set[int]) -> list[dict]:
    """v4 ``associationTypes`` seen from ``from_type``."""
    ids = FROM_CONTACT if from_type == "contacts" else FROM_COMPANY
    return [
        {"category": "HUBSPOT_DEFINED", "typeId": ids[t], "label": LABELS[t]}
        for t in sorted(types, key=lambda t: ids[t])
    ]
