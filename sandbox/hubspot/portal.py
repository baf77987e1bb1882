"""One HubSpot portal's data (records, associations, subscription statuses) and
the checks every record write goes through (reference B.2, B.4, B.6)."""

from __future__ import annotations

from collections.abc import Callable

from .associations import AssociationStore
from .config import HubSpotSandboxConfig
from .errors import ApiError, conflict, property_errors, property_problem, validation
from .properties import normalise
from .store import OBJECT_TYPES, TYPE_NAMES, ObjectStore, Record


class Portal:
    """Everything the simulated API reads and writes; the app holds its lock around every call."""

    def __init__(self, config: HubSpotSandboxConfig, clock: Callable[[], float]):
        self.config = config
        self.clock = clock
        self.reset()

    def reset(self) -> None:
        lag_ms = int(self.config.search_lag_seconds * 1000)
        self.stores = {t: ObjectStore(t, self.config.first_id, lag_ms=lag_ms) for t in OBJECT_TYPES}
        self.associations = AssociationStore()
        # email (lower case) -> {subscription id: "SUBSCRIBED" | "NOT_SUBSCRIBED"}; plus opted out of all
        self.subscriptions: dict[str, dict[int, str]] = {}
        self.opted_out: set[str] = set()
        self._last_ms = 0

    def now_ms(self) -> int:
        """The current time in epoch ms, strictly increasing, so every write has its own modification time."""
        ms = max(int(self.clock() * 1000), self._last_ms + 1)
        self._last_ms = ms
        return ms

    def store(self, object_type: str) -> ObjectStore:
        return self.stores[object_type]

    # --- write checks ---------------------------------------------------------
    def checked_properties(self, object_type: str, properties) -> dict[str, str]:
        """The normalised values of a write, or 400 (all problems in one answer, reference B.4)."""
        if not isinstance(properties, dict):
            raise validation("Invalid input JSON: properties must be an object of property names to strings")
        definitions = self.stores[object_type].definitions
        problems, values = [], {}
        for name, value in properties.items():
            prop = definitions.get(name)
            if prop is None or prop.archived:
                problems.append(property_problem(name, "PROPERTY_DOESNT_EXIST", f'Property "{name}" does not exist'))
                continue
            if not isinstance(value, str):
                # UNCERTAIN: the spec types values as strings; the stricter choice refuses numbers,
                # booleans and null instead of converting them.
                problems.append(
                    property_problem(name, "INVALID_PROPERTY_VALUE", f'Property "{name}" must be sent as a string')
                )
                continue
            if prop.read_only:
                problems.append(property_problem(name, "READ_ONLY_VALUE", f'Property "{name}" is read-only'))
                continue
            normalised, problem = normalise(prop, value)
            if problem:
                problems.append(problem)
            else:
                values[name] = normalised
        if problems:
            raise property_errors(problems)
        return values

    def check_email_free(self, values: dict[str, str], record: Record | None) -> None:
        """An update setting another contact's email: 400 (reference B.6)."""
        email = values.get("email")
        if not email:
            return
        holder = self.stores["contacts"].email_holder(email)
        if holder is not None and (record is None or holder.id != record.id):
            target = record.id if record is not None else "a new contact"
            raise validation(
                f"Cannot set PropertyValueCoordinates{{portalId={self.config.portal_id}, "
                f"objectTypeId=ObjectTypeId{{legacyObjectType=CONTACT}}, propertyName=email, value={email}}} "
                f"on {target}. {holder.id} already has that value.",
                context={"id": [str(holder.id)]},
            )

    def check_unique(self, object_type: str, value_sets: list[tuple[dict[str, str], Record | None]]) -> None:
        """Values of ``hasUniqueValue`` properties held by another record, or repeated inside one
        request: 400, in the shape of the email message (reference B.6)."""
        store = self.stores[object_type]
        seen: dict[tuple[str, str], int] = {}
        for values, record in value_sets:
            for name in store.unique.keys() & values.keys():
                value = values[name]
                if value == "":
                    continue
                holder = store.unique_holder(name, value)
                target = record.id if record is not None else "a new record"
                if holder is not None and (record is None or holder.id != record.id):
                    raise validation(
                        f"Cannot set PropertyValueCoordinates{{portalId={self.config.portal_id}, "
                        f"objectTypeId=ObjectTypeId{{legacyObjectType={TYPE_NAMES[object_type]}}}, "
                        f"propertyName={name}, value={value}}} on {target}. {holder.id} already has that value.",
                        context={"id": [str(holder.id)]},
                    )
                me = record.id if record is not None else id(values)
                if seen.setdefault((name, value), me) != me:
                    raise validation(f"Duplicate value {value} of unique property {name} in batch inputs")

    def check_new_emails(self, value_sets: list[dict[str, str]]) -> None:
        """Creates of contacts whose email exists, or repeats inside one batch: 409 naming the first (B.6)."""
        seen: set[str] = set()
        for values in value_sets:
            email = values.get("email")
            if not email:
                continue
            holder = self.stores["contacts"].email_holder(email)
            if holder is not None:
                raise conflict(f"Contact already exists. Existing ID: {holder.id}")
            if email.lower() in seen:
                # UNCERTAIN: the reference says a repeat inside one batch is a 409 but quotes no message.
                raise conflict(f"Duplicate email in batch inputs: {email}")
            seen.add(email.lower())

    def create(self, object_type: str, values: dict[str, str]) -> Record:
        return self.stores[object_type].create(values, self.now_ms())

    def after_primary_change(self, contact_id: int | None) -> None:
        """Keep the contact's read-only ``associatedcompanyid`` equal to its primary company."""
        if contact_id is None:
            return
        record = self.stores["contacts"].records.get(contact_id)
        if record is None:
            return
        primary = self.associations.primary_company(contact_id)
        if primary is None:
            record.properties.pop("associatedcompanyid", None)
        else:
            record.properties["associatedcompanyid"] = str(primary)
        self.stores["contacts"].touch(record, self.now_ms())

    def set_optout_property(self, email: str, name: str, value: str) -> None:
        """Set a read-only opt-out property on the active contact holding ``email``, if any."""
        store = self.stores["contacts"]
        record = store.email_holder(email)
        if record is None:
            return
        if name not in store.definitions:
            from .properties import BOOL_OPTIONS, PropertyDef

            store.definitions[name] = PropertyDef(
                name,
                f"Opted out of email: {name.rsplit('_', 1)[-1]}",
                "bool",
                "booleancheckbox",
                "emailinformation",
                options=BOOL_OPTIONS,
                read_only=True,
            )
        record.properties[name] = value
        store.touch(record, self.now_ms())


def require(condition: bool, message: str) -> None:
    if not condition:
        raise ApiError(400, "VALIDATION_ERROR", message)
