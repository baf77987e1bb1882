"""The three-way merge of one linked pair, field mapping by field mapping (pure).

For every active mapping (a *slot*: a NetSuite field, an app field, the
directions it may flow in) the current value on each side is compared with the
value as last synced (the link's snapshot):

- changed on one side only, and the mapping flows that way: the change is
  converted and written to the other side (when it differs there);
- changed on both sides to values that agree: nothing to write;
- changed on both sides to values that differ: a conflict, resolved by the
  connection's policy (most recent modification wins by default, or a fixed
  winning side) and reported; an empty value on the winning side never blanks
  the other side: the non-empty value wins instead.

A value that cannot be converted (:class:`ConversionError`), or a pair of
fields the compatibility table refuses (:class:`IncompatibleFields`, when a
mapping got past validation), fails that field only: it is reported as a
:class:`FieldFailure` of the direction it was to be written in, and every
other field is merged as usual.

A side without a snapshot (a new link) counts every non-empty value as changed;
so does a slot new to the link (a mapping added since the pair was last
planned, ``fresh``): its snapshot values, if any, belong to other mappings
of the same field, so the slot has no base and is merged as never synced.
No ORM and no HTTP here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from connections.choices import ConflictPolicy
from connections.providers.fields import FieldSpec
from mappings.compatibility import IncompatibleFields, convert
from mappings.converters import DEFAULT_OPTIONS, ConversionError, ConversionOptions, is_empty, values_equal

from .choices import Side

# The sides a value is written to, or a conflict won by (the values of :class:`syncengine.choices.Side`).
NETSUITE, APP = Side.NETSUITE.value, Side.APP.value

# What fails one field (never the record or the run): a value that cannot be
# converted, or a pair of fields the compatibility table refuses.
FIELD_ERRORS = (ConversionError, IncompatibleFields)


@dataclass(frozen=True)
class Slot:
    """One active field mapping, resolved against both sides' catalogs."""

    netsuite: FieldSpec
    app: FieldSpec
    to_app: bool
    to_netsuite: bool

    @property
    def label(self) -> str:
        return f"{self.netsuite.label} ⇄ {self.app.label}"

    @property
    def key(self) -> str:
        """The slot's identity across configurations: its two fields (its direction may change)."""
        return f"{self.netsuite.id}|{self.app.id}"


@dataclass
class Conflict:
    """A field changed on both sides to different values."""

    slot: str
    netsuite_value: Any
    app_value: Any
    winner: str  # NETSUITE or APP


@dataclass(frozen=True)
class FieldFailure:
    """One field that could not be written to ``target`` (NETSUITE or APP), and why.

    ``source_field`` is the field id on the other side whose value failed; the
    runner keeps that field's snapshot as it was, so the change is tried again.
    """

    target: str
    source_field: str
    message: str


@dataclass
class MergeResult:
    """What to write to each side (``field id → new value``), and why."""

    to_app: dict[str, Any] = field(default_factory=dict)
    to_netsuite: dict[str, Any] = field(default_factory=dict)
    app_before: dict[str, Any] = field(default_factory=dict)
    netsuite_before: dict[str, Any] = field(default_factory=dict)
    conflicts: list[Conflict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    failures: list[FieldFailure] = field(default_factory=list)
    warnings_by_target: dict[str, list[str]] = field(default_factory=dict)  # NETSUITE/APP → warnings
    netsuite_changed: bool = False  # some mapped NetSuite value differs from the snapshot
    app_changed: bool = False


def _changed(now: Any, base: dict | None, field_id: str, spec: FieldSpec, options: ConversionOptions) -> bool:
    before = None if base is None else base.get(field_id)
    return not values_equal(now, before, spec.type, phone_region=options.phone_region)


def _winner(
    policy: str, ns_value: Any, app_value: Any, ns_modified: datetime | None, app_modified: datetime | None
) -> str:
    if is_empty(ns_value) and not is_empty(app_value):
        return APP
    if is_empty(app_value) and not is_empty(ns_value):
        return NETSUITE
    if policy == ConflictPolicy.NETSUITE_WINS:
        return NETSUITE
    if policy == ConflictPolicy.APP_WINS:
        return APP
    # Most recent wins; a side that cannot tell its time loses; a tie goes to NetSuite.
    if app_modified and (ns_modified is None or app_modified > ns_modified):
        return APP
    return NETSUITE


def merge(
    slots: list[Slot],
    netsuite_now: dict[str, Any] | None,
    app_now: dict[str, Any] | None,
    netsuite_base: dict[str, Any] | None,
    app_base: dict[str, Any] | None,
    *,
    policy: str = ConflictPolicy.MOST_RECENT,
    netsuite_modified: datetime | None = None,
    app_modified: datetime | None = None,
    options: ConversionOptions = DEFAULT_OPTIONS,
    fresh: frozenset[str] = frozenset(),
) -> MergeResult:
    """Merge one pair. ``*_now`` is None for a side that has no record yet
    (a create); ``*_base`` is None for a side never synced (no snapshot);
    ``options`` are the connection's conversion settings (its phone region);
    ``fresh`` holds the keys of the slots new to the pair (merged without base)."""
    result = MergeResult()
    ns_now = netsuite_now or {}
    ap_now = app_now or {}
    for slot in slots:
        ns_id, app_id = slot.netsuite.id, slot.app.id
        ns_value, app_value = ns_now.get(ns_id), ap_now.get(app_id)
        ns_base, app_base_ = (None, None) if slot.key in fresh else (netsuite_base, app_base)
        ns_changed = netsuite_now is not None and _changed(ns_value, ns_base, ns_id, slot.netsuite, options)
        app_changed = app_now is not None and _changed(app_value, app_base_, app_id, slot.app, options)
        result.netsuite_changed |= ns_changed
        result.app_changed |= app_changed
        flow_to_app = slot.to_app and ns_changed and (not app_changed or not slot.to_netsuite)
        flow_to_ns = slot.to_netsuite and app_changed and (not ns_changed or not slot.to_app)
        if slot.to_app and slot.to_netsuite and ns_changed and app_changed:
            try:
                as_app = convert(ns_value, slot.netsuite, slot.app, options=options).value
            except FIELD_ERRORS as exc:
                # The two values cannot even be compared: neither may overwrite the other.
                _fail(result, APP, ns_id, f"{slot.label}: {exc}")
                _fail(result, NETSUITE, app_id, f"{slot.label}: {exc}")
                continue
            if values_equal(as_app, app_value, slot.app.type, phone_region=options.phone_region):
                continue  # both sides changed to the same value
            winner = _winner(policy, ns_value, app_value, netsuite_modified, app_modified)
            result.conflicts.append(Conflict(slot.label, ns_value, app_value, winner))
            flow_to_app, flow_to_ns = winner == NETSUITE, winner == APP
        if flow_to_app:
            _flow(result, slot.netsuite, slot.app, ns_value, app_value, result.to_app, result.app_before, slot, options)
        elif flow_to_ns:
            _flow(
                result,
                slot.app,
                slot.netsuite,
                app_value,
                ns_value,
                result.to_netsuite,
                result.netsuite_before,
                slot,
                options,
            )
    return result


def _flow(
    result: MergeResult,
    source: FieldSpec,
    target: FieldSpec,
    value: Any,
    target_value: Any,
    writes: dict[str, Any],
    before: dict[str, Any],
    slot: Slot,
    options: ConversionOptions,
) -> None:
    target_side = APP if target is slot.app else NETSUITE
    try:
        converted = convert(value, source, target, options=options)
    except FIELD_ERRORS as exc:
        _fail(result, target_side, source.id, f"{slot.label}: {exc}")
        return
    warnings = [f"{slot.label}: {w}" for w in converted.warnings]
    result.warnings.extend(warnings)
    if warnings:
        result.warnings_by_target.setdefault(target_side, []).extend(warnings)
    if not values_equal(converted.value, target_value, target.type, phone_region=options.phone_region):
        writes[target.id] = converted.value
        before[target.id] = target_value


def _fail(result: MergeResult, target: str, source_field: str, message: str) -> None:
    if message not in result.errors:  # a pair that cannot be compared fails both directions, one message
        result.errors.append(message)
    result.failures.append(FieldFailure(target, source_field, message))
