"""Plain rule specs: what the evaluator and the validators work on.

The ``Rule``, ``Condition`` and ``Action`` models are converted into these
frozen dataclasses before evaluation, so the evaluator needs no ORM and the
tests need no database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .choices import ActionKind, ApplyOn, Match


@dataclass(frozen=True)
class ConditionSpec:
    """One condition of a rule.

    ``field_id`` is a field of the source side's catalog, or ``None`` for the
    special "already exists in the app you sync with" condition (operators
    ``exists_in_other_app`` / ``not_exists_in_other_app``). ``value`` is the
    operand: ``{"id", "name"}`` (or a list of them) for selects, references and
    groups; text; a number; a date as ``YYYY-MM-DD``, a ``date`` or a
    ``datetime``; a whole number of days; nothing for operators without one.
    """

    field_id: str | None
    operator: str
    value: Any = None


@dataclass(frozen=True)
class ActionSpec:
    """One action of a rule, on a field of the target side's catalog.

    For ``kind="set_field"``, ``value`` is the typed value to set (see
    :func:`rules.values.parse_action_value`); for ``add_to_group`` /
    ``remove_from_group``, ``field_id`` is the target's groups field
    (its one field of type ``groups``) and ``value`` the group as ``{"id", "name"}``.
    ``on`` says whether it applies when the record is created, updated, or both.
    """

    field_id: str | None
    value: Any = None
    on: str = ApplyOn.BOTH
    kind: str = ActionKind.SET_FIELD


@dataclass(frozen=True)
class RuleSpec:
    """One IF/THEN rule of a direction: conditions combined by ``match``, then actions."""

    name: str
    order: int = 0
    match: str = Match.ALL
    enabled: bool = True
    conditions: Sequence[ConditionSpec] = field(default_factory=tuple)
    actions: Sequence[ActionSpec] = field(default_factory=tuple)
