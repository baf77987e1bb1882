"""IF/THEN rules of a connection, per direction: conditions on the source's fields, actions on the target's.

The semantics (each enabled rule is an independent filter, a record syncs
when it matches any of them, actions apply in rule order) are the
evaluator's: see :mod:`rules.evaluator`. The models validate against the
cached field catalogs (:func:`mappings.catalog_cache.catalog_for`) of the
right side: conditions read the source of the rule's direction, actions set
fields of its target.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

from connections.models import Connection
from connections.providers.fields import FieldSpec, FieldType

from .choices import ActionKind, ApplyOn, Match, Operator, RuleDirection
from .operators import SPECIAL_OPERATORS, operand_kind, operators_for
from .rule_catalogs import RuleCatalogs, rule_catalogs
from .specs import ActionSpec, ConditionSpec, RuleSpec
from .validation import can_act_on, validate_action, validate_condition
from .value_entry import to_json
from .values import OperandKind, ValueProblem, parse_action_value, resolve_option

DEFAULT_RULE_NAME = "Sync everyone"


class Rule(models.Model):
    """IF a record of the source app matches the conditions THEN sync it (in ``direction``) and apply the actions.

    A rule without conditions matches everyone; a new connection starts with
    one such rule per direction ("Sync everyone").
    """

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="rules")
    direction = models.CharField(max_length=20, choices=RuleDirection.choices)
    order = models.PositiveIntegerField(default=10, help_text="Rules apply in this order; a later rule's action wins.")
    name = models.CharField(max_length=200)
    match = models.CharField(max_length=10, choices=Match.choices, default=Match.ALL)
    enabled = models.BooleanField(default=True)

    class Meta:
        ordering = ["connection", "direction", "order", "pk"]
        indexes = [models.Index(fields=["connection", "direction"], name="rule_connection_direction")]

    def __str__(self) -> str:
        return self.name

    def catalogs(self) -> RuleCatalogs:
        """The catalogs this rule's conditions (source) and actions (target) use.

        Read once per instance (for its connection and direction): the rule's page asks for them in each
        inline, each form and each condition's and action's ``clean``, which cost two catalog queries a time.
        """
        key = (self.connection_id, self.direction)
        memo = self.__dict__.get("_catalogs_memo")
        if memo is None or memo[0] != key:
            memo = self._catalogs_memo = (key, rule_catalogs(self.connection, self.direction))
        return memo[1]

    def to_spec(self) -> RuleSpec:
        """The plain spec the evaluator takes (uses prefetched conditions and actions when there are)."""
        return RuleSpec(
            name=self.name,
            order=self.order,
            match=self.match,
            enabled=self.enabled,
            conditions=tuple(condition.to_spec() for condition in self.conditions.all()),
            actions=tuple(action.to_spec() for action in self.actions.all()),
        )


class _RulePart(models.Model):
    """What conditions and actions share: validation against their rule's catalogs.

    A field that already failed its form's validation is passed in
    ``exclude`` by the form; its problem is not reported a second time (the
    model would judge the value as it was before the edit).
    """

    _failed_elsewhere: frozenset[str] = frozenset()

    class Meta:
        abstract = True

    def full_clean(self, exclude=None, validate_unique=True, validate_constraints=True) -> None:
        self._failed_elsewhere = frozenset(exclude or ())
        try:
            super().full_clean(
                exclude=exclude, validate_unique=validate_unique, validate_constraints=validate_constraints
            )
        finally:
            self._failed_elsewhere = frozenset()

    def _refuse(self, form_field: str, problems: list[str]) -> None:
        if form_field not in self._failed_elsewhere:
            raise ValidationError({form_field: problems})


def _rule_catalogs_or_none(part: _RulePart) -> RuleCatalogs | None:
    """The sides of a condition's or action's rule, when the rule is complete enough to have them."""
    try:
        rule = part.rule
    except Rule.DoesNotExist:
        return None  # reported as a missing rule by the field itself
    if not rule.connection_id or rule.direction not in RuleDirection.values:
        return None
    return rule.catalogs()


class Condition(_RulePart):
    """One condition of a rule: a field of the source side, an operator and a value (JSON).

    ``field_id`` is empty for the condition about the whole record, "already
    exists in the app you sync with". Select, reference and group values are
    stored as ``{"id", "name"}`` (or a list of them), text and numbers as
    typed, dates as ``YYYY-MM-DD``.
    """

    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="conditions")
    field_id = models.CharField("field", max_length=200, blank=True, default="")
    operator = models.CharField(max_length=40, choices=Operator.choices)
    value = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["rule", "pk"]

    def __str__(self) -> str:
        return f"{self.field_id or 'the record'} {self.get_operator_display()}"

    def to_spec(self) -> ConditionSpec:
        return ConditionSpec(field_id=self.field_id or None, operator=self.operator, value=self.value)

    def clean(self) -> None:
        catalogs = _rule_catalogs_or_none(self)
        if catalogs is None or not self.operator:
            return
        field = catalogs.source.fields.get(self.field_id) if self.field_id else None
        if self.operator in SPECIAL_OPERATORS or (
            field is not None
            and self.operator in operators_for(field.type)
            and operand_kind(self.operator, field.type) == OperandKind.NONE
        ):
            self.value = None  # these operators take no value: a stray one would only confuse the trace
        problems = validate_condition(self.to_spec(), field, app=catalogs.source.app_label)
        if problems:
            self._refuse(self._problem_field(field), problems)

    def _problem_field(self, field: FieldSpec | None) -> str:
        """The form field a validation message belongs to."""
        if self.operator not in Operator.values:
            return "operator"
        if self.operator in SPECIAL_OPERATORS or field is None:
            return "field_id"
        if self.operator not in operators_for(field.type):
            return "operator"
        return "value"


class Action(_RulePart):
    """One action of a rule, on a field of the target side: set the field, or add to / remove from a group.

    ``value`` is stored as JSON in the typed value's form (``{"id", "name"}``
    for selects, references and groups; ISO text for dates; text for
    decimals); :func:`rules.loading.rule_specs` types it back for the engine.
    """

    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="actions")
    kind = models.CharField(max_length=30, choices=ActionKind.choices, default=ActionKind.SET_FIELD)
    field_id = models.CharField("field", max_length=200, blank=True, default="")
    value = models.JSONField(null=True, blank=True)
    apply_on = models.CharField(
        "applies",
        max_length=10,
        choices=ApplyOn.choices,
        default=ApplyOn.CREATE,
        help_text=(
            "By default an action only fills in the record the sync creates. Overwriting the value of records "
            "that already exist is an explicit choice: a dry run counts the records it would touch."
        ),
    )

    class Meta:
        ordering = ["rule", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.field_id}".strip()

    def to_spec(self, value=None) -> ActionSpec:
        return ActionSpec(
            field_id=self.field_id or None,
            value=self.value if value is None else value,
            on=self.apply_on,
            kind=self.kind,
        )

    def clean(self) -> None:
        catalogs = _rule_catalogs_or_none(self)
        if catalogs is None:
            return
        target = catalogs.target
        if self.kind in (ActionKind.ADD_TO_GROUP, ActionKind.REMOVE_FROM_GROUP) and not self.field_id:
            groups = [spec.id for spec in target.fields.values() if spec.type == FieldType.GROUPS]
            if len(groups) == 1:
                self.field_id = groups[0]  # the target's one groups field
        field = target.fields.get(self.field_id) if self.field_id else None
        problems = validate_action(self.to_spec(), field, app=target.app_label)
        if problems:
            self._refuse(self._problem_field(field), problems)
            return
        assert field is not None  # validate_action refuses an unknown field
        if self.kind == ActionKind.SET_FIELD:
            # Stored in its canonical form: "TRUE" becomes true, a name the option's {"id", "name"}.
            self.value = to_json(parse_action_value(field, self.value, app=target.app_label))
        else:
            option = resolve_option(field, self.value)
            if option is not None:
                self.value = {"id": option.id, "name": option.name}

    def _problem_field(self, field: FieldSpec | None) -> str:
        """The form field a validation message belongs to."""
        if self.kind not in ActionKind.values:
            return "kind"
        if self.apply_on not in ApplyOn.values:
            return "apply_on"
        if field is None or not can_act_on(field, self.kind):
            return "field_id"
        if (self.kind == ActionKind.SET_FIELD) == (field.type == FieldType.GROUPS):
            return "kind"
        return "value"

    def typed_value(self, field: FieldSpec | None, app: str):
        """The value as the engine writes it (dates as dates, decimals as ``Decimal``); as stored when unreadable."""
        if field is None or self.kind != ActionKind.SET_FIELD:
            return self.value
        try:
            return parse_action_value(field, self.value, app=app)
        except ValueProblem:
            # The catalog changed since the rule was saved (an option removed): the stored value still says
            # what was meant, and the engine reports a value the target refuses.
            return self.value
