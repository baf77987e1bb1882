"""Named constants of the rules: operators, match modes, action kinds and timing.

They are Django ``TextChoices`` so the models (``Condition.operator``,
``Rule.match``, ``Action.on``, ``Action.kind``) reuse them as field choices;
being ``str`` subclasses, they compare equal to the plain strings the pure
specs carry (``Operator.IS == "is"``).
"""

from __future__ import annotations

from django.db import models

from mappings.choices import Direction


class Operator(models.TextChoices):
    """How a condition compares a field's value. Which operator fits which
    field type is in :data:`rules.operators.OPERATORS_BY_TYPE`."""

    # Selects and references (one value), compared by option id.
    IS = "is", "is"
    IS_NOT = "is_not", "is not"
    IS_ANY_OF = "is_any_of", "is any of"
    IS_NONE_OF = "is_none_of", "is none of"
    # Multi selects and contact groups (several values).
    CONTAINS_ANY = "contains_any", "contains any of"
    CONTAINS_NONE = "contains_none", "contains none of"
    # Text, case-insensitive.
    CONTAINS = "contains", "contains"
    NOT_CONTAINS = "not_contains", "does not contain"
    STARTS_WITH = "starts_with", "starts with"
    # Numbers.
    EQUALS = "equals", "equals"
    NOT_EQUALS = "not_equals", "does not equal"
    GREATER = "greater", "is greater than"
    LESS = "less", "is less than"
    # Dates and date-times.
    BEFORE = "before", "is before"
    AFTER = "after", "is after"
    WITHIN_LAST_DAYS = "within_last_days", "is within the last N days"
    # Check boxes.
    IS_TRUE = "is_true", "is true"
    IS_FALSE = "is_false", "is false"
    # Every type.
    IS_EMPTY = "is_empty", "is empty"
    IS_NOT_EMPTY = "is_not_empty", "is not empty"
    # The special condition without a field: the record's counterpart in the app we sync with.
    EXISTS_IN_OTHER_APP = "exists_in_other_app", "already exists in the app you sync with"
    NOT_EXISTS_IN_OTHER_APP = "not_exists_in_other_app", "does not exist yet in the app you sync with"


class Match(models.TextChoices):
    """How a rule combines its conditions."""

    ALL = "all", "all conditions match"
    ANY = "any", "any condition matches"


class ApplyOn(models.TextChoices):
    """When an action applies: when the sync creates the target record, updates it, or both.

    Only when creating is the default: overwriting a value someone keeps up to
    date in the target on every update is an explicit choice.
    """

    CREATE = "create", "only when creating the record"
    UPDATE = "update", "only on update (overwrites the existing value)"
    BOTH = "both", "on create, and overwrite on update"


class ActionKind(models.TextChoices):
    """What an action does: set a field, or change the record's groups. Group actions are offered on a
    target whose catalog has a field of type ``groups`` (an app registered with ``Capabilities.groups``)."""

    SET_FIELD = "set_field", "set field"
    ADD_TO_GROUP = "add_to_group", "add to group"
    REMOVE_FROM_GROUP = "remove_from_group", "remove from group"


class RuleDirection(models.TextChoices):
    """Which way a rule filters: the values are the mappings' one-way directions, so both apps agree on them."""

    TO_APP = Direction.TO_APP.value, "NetSuite → the app"
    TO_NETSUITE = Direction.TO_NETSUITE.value, "The app → NetSuite"
