"""Admin forms of rules: conditions and actions whose values are typed, or picked by name, never as ids."""

from __future__ import annotations

from django import forms

from connections.providers.fields import FieldType
from mappings.forms import CatalogFieldChoiceField, catalog_field_choices

from .choices import ActionKind, Operator, RuleDirection
from .models import Action, Condition, Rule
from .operators import SPECIAL_OPERATORS, operand_kind, operators_for
from .rule_catalogs import RuleCatalogs
from .validation import can_act_on
from .value_entry import SEPARATOR, EntryProblem, action_value, condition_value, entry_text

SOURCE_DATALIST = "rule-source-options"
TARGET_DATALIST = "rule-target-options"

WHOLE_RECORD = "— none: the whole record (“already exists in the app you sync with”) —"
VALUE_HELP = (
    "Lists (Sales Rep, Partner, Initial Lead Source, contact groups…): pick a name from the suggestions; "
    f"several names are separated by “{SEPARATOR}”. Dates: YYYY-MM-DD. “within the last N days”: N. "
    f"An address: street{SEPARATOR} city{SEPARATOR} region{SEPARATOR} postal code{SEPARATOR} country."
)


class FieldSelectWithOperators(forms.Select):
    """The condition's field dropdown, each option carrying the operators its type allows
    (``data-operators``), so the page offers only those (``rules/operator_filter.js``)."""

    def __init__(self, *args, operators_by_field: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.operators_by_field = operators_by_field or {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        operators = self.operators_by_field.get(str(value))
        if operators is not None:
            option["attrs"]["data-operators"] = operators
        return option


def operators_by_field(fields: dict) -> dict[str, str]:
    """Field id -> the operators its type allows, space-separated; the blank choice (the whole record) ->
    the operators about the whole record. A field missing from the catalog gets no list (all stay offered,
    and the model names the problem)."""
    allowed = {field_id: " ".join(operators_for(spec.type)) for field_id, spec in fields.items()}
    allowed[""] = " ".join(sorted(SPECIAL_OPERATORS))
    return allowed


def _value_widget(datalist_id: str) -> forms.TextInput:
    return forms.TextInput(attrs={"list": datalist_id, "size": 32, "autocomplete": "off"})


class ConditionForm(forms.ModelForm):
    """One condition: a field of the source side, an operator, and a value typed or picked by name."""

    field_id = CatalogFieldChoiceField(label="Field", required=False)
    operator = forms.ChoiceField(choices=[("", "---------"), *Operator.choices])
    value = forms.CharField(required=False, widget=_value_widget(SOURCE_DATALIST), help_text=VALUE_HELP)

    class Meta:
        model = Condition
        fields = ("field_id", "operator", "value")

    def __init__(self, *args, catalogs: RuleCatalogs | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.catalogs = catalogs
        if catalogs is None:
            return
        source = catalogs.source
        if "field_id" in self.fields:
            self.fields["field_id"].label = f"{source.app_label} field"
            self.fields["field_id"].help_text = source.absent_fields_note
            self.fields["field_id"].widget = FieldSelectWithOperators(
                operators_by_field=operators_by_field(source.fields), attrs={"class": "rule-condition-field"}
            )
            self.fields["field_id"].choices = catalog_field_choices(
                source, current=self.instance.field_id, blank_label=WHOLE_RECORD
            )
            self.fields["operator"].widget.attrs["class"] = "rule-condition-operator"
        if self.instance.pk:
            self.initial["value"] = entry_text(self.instance.value, source.fields.get(self.instance.field_id))

    class Media:
        js = ("rules/operator_filter.js",)

    def clean(self):
        cleaned = super().clean()
        if self.catalogs is None or "value" not in cleaned:
            return cleaned
        source = self.catalogs.source
        operator = cleaned.get("operator") or ""
        spec = source.fields.get(cleaned.get("field_id") or "")
        text = cleaned["value"]
        if operator in SPECIAL_OPERATORS or spec is None or operator not in operators_for(spec.type):
            cleaned["value"] = text or None  # the model names what is wrong with the field or the operator
            return cleaned
        try:
            cleaned["value"] = condition_value(operand_kind(operator, spec.type), spec, text, source.app_label)
        except EntryProblem as problem:
            self.add_error("value", str(problem))
        return cleaned


class ActionForm(forms.ModelForm):
    """One action: set a field of the target side, or add to / remove from a contact group (picked by name)."""

    field_id = CatalogFieldChoiceField(label="Field", required=False)
    value = forms.CharField(required=False, widget=_value_widget(TARGET_DATALIST), help_text=VALUE_HELP)

    class Meta:
        model = Action
        fields = ("kind", "field_id", "value", "apply_on")

    def __init__(self, *args, catalogs: RuleCatalogs | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.catalogs = catalogs
        if catalogs is None:
            return
        target = catalogs.target
        if "field_id" in self.fields:
            self.fields["field_id"].label = f"{target.app_label} field"
            groups = [spec.label for spec in target.fields.values() if spec.type == FieldType.GROUPS]
            group_help = f"For a group action, leave empty to use {groups[0]}." if len(groups) == 1 else ""
            self.fields["field_id"].help_text = " ".join(filter(None, [group_help, target.absent_fields_note]))
            self.fields["field_id"].choices = catalog_field_choices(
                target, current=self.instance.field_id, read_only_apart=True
            )
        if self.instance.pk:
            self.initial["value"] = entry_text(self.instance.value, target.fields.get(self.instance.field_id))

    def clean(self):
        cleaned = super().clean()
        if self.catalogs is None or "value" not in cleaned:
            return cleaned
        target = self.catalogs.target
        kind = cleaned.get("kind") or ""
        group = kind in (ActionKind.ADD_TO_GROUP, ActionKind.REMOVE_FROM_GROUP)
        field_id = cleaned.get("field_id") or ""
        if group and not field_id:
            groups = [spec.id for spec in target.fields.values() if spec.type == FieldType.GROUPS]
            if len(groups) == 1:
                field_id = cleaned["field_id"] = groups[0]
        spec = target.fields.get(field_id)
        text = cleaned["value"]
        if spec is None or not can_act_on(spec, kind) or group != (spec.type == FieldType.GROUPS):
            cleaned["value"] = text or None  # the model names what is wrong with the field or the kind
            return cleaned
        try:
            cleaned["value"] = action_value(spec, text, target.app_label, group=group)
        except EntryProblem as problem:
            self.add_error("value", str(problem))
        return cleaned


class SidesFormSet(forms.BaseInlineFormSet):
    """Hands each form the catalogs of its rule's sides (set by the admin on a subclass)."""

    catalogs: RuleCatalogs | None = None

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "catalogs": self.catalogs}


class DirectionRuleForm(forms.ModelForm):
    """A rule edited inline on its connection's page, in the list of one direction."""

    direction_value: str = RuleDirection.TO_APP

    class Meta:
        model = Rule
        fields = ("name", "order", "match", "enabled")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.instance.direction = self.direction_value
