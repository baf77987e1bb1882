"""The checks a field mapping must pass, as pure functions over the two catalogs.

:func:`pair_problems` says what is wrong with one mapping on its own (an
unknown field id, an incompatible pair, a direction the pair does not allow);
:func:`target_clashes` says which of a set of mappings write the same target
field in the same direction. ``FieldMapping.clean()`` and the admin's
formset call them; nothing here touches the database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from connections.providers.fields import FieldSpec
from connections.providers.registry import subscription_field

from .addresses import ADDRESS_KEYS
from .choices import Direction
from .compatibility import Verdict, allowed_directions
from .converters import describe

NETSUITE_SIDE = "netsuite"
APP_SIDE = "app"

ARROWS: Mapping[str, str] = {Direction.TWO_WAY: "⇄", Direction.TO_APP: "→", Direction.TO_NETSUITE: "←"}


@dataclass(frozen=True)
class MappingState:
    """The parts of one mapping the checks need; ``label`` names it in messages."""

    netsuite_field: str
    app_field: str
    direction: str
    enabled: bool = True
    label: str = ""

    def name(self) -> str:
        """``comments ⇄ notes`` (the two field ids and the arrow of the direction), or the mapping's label."""
        return self.label or f"{self.netsuite_field} {ARROWS.get(self.direction, '?')} {self.app_field}"


def written_targets(direction: str, netsuite_field: str, app_field: str) -> set[tuple[str, str]]:
    """The (side, field id) pairs a mapping writes: the app field, the NetSuite field, or both (two-way)."""
    targets: set[tuple[str, str]] = set()
    if direction in (Direction.TO_APP, Direction.TWO_WAY):
        targets.add((APP_SIDE, app_field))
    if direction in (Direction.TO_NETSUITE, Direction.TWO_WAY):
        targets.add((NETSUITE_SIDE, netsuite_field))
    return targets


def target_clashes(
    mapping: MappingState, others: Iterable[MappingState], *, side_labels: Mapping[str, str]
) -> list[str]:
    """Messages for each target field ``mapping`` writes that an enabled mapping of ``others`` writes too.

    A disabled mapping writes nothing, so it clashes with nothing.
    ``side_labels`` names each side in the message ({"netsuite": "NetSuite", "app": "Google Contacts"}).
    """
    if not mapping.enabled:
        return []
    mine = written_targets(mapping.direction, mapping.netsuite_field, mapping.app_field)
    problems = []
    for other in others:
        if not other.enabled:
            continue
        theirs = written_targets(other.direction, other.netsuite_field, other.app_field)
        for side, field_id in sorted(mine & theirs):
            problems.append(
                f"The {side_labels.get(side, side)} field «{field_id}» is already written by the mapping "
                f"{other.name()}: a field can be written by one enabled mapping only. Switch one of them off."
            )
        for side, part, address in _part_and_address(mine, theirs):
            problems.append(
                f"The {side_labels.get(side, side)} field «{part}» is part of «{address}», and the mapping "
                f"{other.name()} writes the other: an address is written whole or by its parts, by one enabled "
                "mapping only. Switch one of them off."
            )
    return problems


def _part_and_address(mine: set[tuple[str, str]], theirs: set[tuple[str, str]]) -> list[tuple[str, str, str]]:
    """(side, part, address) for each address part one set writes while the other writes its address."""
    found = []
    for first, second in ((mine, theirs), (theirs, mine)):
        for side, field_id in sorted(first):
            address, _, key = field_id.rpartition(".")
            if key in ADDRESS_KEYS and (side, address) in second:
                found.append((side, field_id, address))
    return found


@dataclass(frozen=True)
class PairProblems:
    """What is wrong with one mapping, by the form field it belongs to (empty when nothing is)."""

    netsuite_field: list[str]
    app_field: list[str]
    direction: list[str]
    pair: list[str]  # the two fields cannot be mapped at all

    def as_dict(self) -> dict[str, list[str]]:
        """Non-empty lists by field name; the pair's problems under ``None`` (the whole row)."""
        found = {
            "netsuite_field": self.netsuite_field,
            "app_field": self.app_field,
            "direction": self.direction,
            None: self.pair,
        }
        return {key: value for key, value in found.items() if value}


def unknown_field_message(field_id: str, side_description: str) -> str:
    """``«vip_level» is not a field of NetSuite (Contacts) of ACME; refresh the field catalogs``."""
    return f"«{field_id}» is not a field of {side_description}; refresh the field catalogs"


def direction_words(direction: str, app_label: str) -> str:
    """A direction in words: ``two-way``, ``NetSuite → Google Contacts``, ``Google Contacts → NetSuite``."""
    if direction == Direction.TWO_WAY:
        return "two-way"
    if direction == Direction.TO_APP:
        return f"NetSuite → {app_label}"
    return f"{app_label} → NetSuite"


def incompatibility_message(verdict: Verdict) -> str:
    """Why two fields cannot be mapped in any direction."""
    reasons = [verdict.reasons[d] for d in (Direction.TO_APP, Direction.TO_NETSUITE) if d in verdict.reasons]
    return "These two fields cannot be mapped in either direction. " + " ".join(reasons)


def direction_refusal_message(direction: str, verdict: Verdict, app_label: str) -> str:
    """Why ``direction`` is not allowed for the pair, and which directions are."""
    allowed = [direction_words(d, app_label) for d in Direction.values if d in verdict.allowed]
    words = direction_words(direction, app_label)
    return (
        f"{words[:1].upper()}{words[1:]} is not allowed for these fields: "
        f"{verdict.reasons.get(direction, '')} Allowed: {', '.join(allowed)}."
    )


def pair_problems(
    netsuite_field: str,
    app_field: str,
    direction: str,
    *,
    netsuite_fields: Mapping[str, FieldSpec],
    app_fields: Mapping[str, FieldSpec],
    netsuite_description: str,
    app_description: str,
    app_label: str,
) -> PairProblems:
    """Check one mapping against both catalogs and the compatibility table."""
    problems = PairProblems([], [], [], [])
    netsuite_spec = netsuite_fields.get(netsuite_field)
    app_spec = app_fields.get(app_field)
    if netsuite_field and netsuite_spec is None:
        problems.netsuite_field.append(unknown_field_message(netsuite_field, netsuite_description))
    if app_field and app_spec is None:
        problems.app_field.append(unknown_field_message(app_field, app_description))
    if netsuite_spec is None or app_spec is None:
        return problems
    verdict = allowed_directions(netsuite_spec, app_spec, app_label=app_label)
    if not verdict.compatible:
        problems.pair.append(incompatibility_message(verdict))
    elif direction in Direction.values and not verdict.allows(direction):
        problems.direction.append(direction_refusal_message(direction, verdict, app_label))
    return problems


def check_mapping(state: MappingState, catalogs) -> PairProblems:
    """The check of one mapping against a connection's two catalogs (``catalogs``: a
    :class:`~mappings.catalog_cache.ConnectionCatalogs`): its fields exist, the pair is
    compatible and its direction is allowed.

    The one check every way in runs: on save (``FieldMapping.clean``), at
    import and at run start (:mod:`syncengine.config_checks`). A mapping that would write a side's email
    subscription status is refused: only the connection's unsubscribe policy writes it, and it never
    re-subscribes anyone.
    """
    found = pair_problems(
        state.netsuite_field,
        state.app_field,
        state.direction,
        netsuite_fields=catalogs.netsuite.fields,
        app_fields=catalogs.app.fields,
        netsuite_description=catalogs.netsuite.description,
        app_description=catalogs.app.description,
        app_label=catalogs.app.app_label,
    )
    found.direction.extend(subscription_writes(state, catalogs))
    return found


def subscription_writes(state: MappingState, catalogs) -> list[str]:
    """Why ``state`` may not go the way it goes: it would write a side's subscription status field."""
    problems = []
    for side, field_id in sorted(written_targets(state.direction, state.netsuite_field, state.app_field)):
        catalog = catalogs.netsuite if side == NETSUITE_SIDE else catalogs.app
        where = subscription_field(catalog.account.provider, catalog.object_type)
        if where is not None and where.field_id == field_id:
            problems.append(
                f"{catalog.app_label}'s «{field_id}» is the email subscription status: no mapping writes it (the "
                "connection's unsubscribe policy does, and never re-subscribes anyone). Map it one way, away from "
                f"{catalog.app_label}, or set the connection's unsubscribes."
            )
    return problems


def verdict_summary(netsuite_spec: FieldSpec, app_spec: FieldSpec, app_label: str) -> tuple[list[str], list[str]]:
    """For display beside a pair: the allowed directions (with their notes) and the refused ones (with why)."""
    verdict = allowed_directions(netsuite_spec, app_spec, app_label=app_label)
    allowed, refused = [], []
    for direction in Direction.values:
        words = direction_words(direction, app_label)
        if verdict.allows(direction):
            note = verdict.notes.get(direction)
            allowed.append(f"{words} ({note})" if note else words)
        else:
            refused.append(f"{words}: {verdict.reasons.get(direction, '')}")
    return allowed, refused


def field_choice_label(spec: FieldSpec, type_words: Mapping[str, str]) -> str:
    """A field as offered in a dropdown: ``VIP (vip) · check box (yes/no)``, read-only marked."""
    words = type_words.get(spec.type, str(spec.type))
    for article in ("a ", "an "):
        words = words.removeprefix(article)
    text = f"{describe(spec)} · {words}"
    return text if spec.writable else f"{text} · read-only"
