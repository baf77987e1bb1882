"""Values and conditions written out for people: the evaluator's trace and the admin's summaries."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from connections.providers.fields import FieldOption, FieldSpec, FieldType

from .choices import Operator
from .operators import operator_label
from .values import ADDRESS_KEYS, as_utc, is_empty

_MAX_SHOWN = 80  # long notes would drown the audit log; the record itself holds the full text


def _quote(text: str) -> str:
    if len(text) > _MAX_SHOWN:
        text = text[: _MAX_SHOWN - 1] + "…"
    return f"«{text}»"


def format_value(value: Any) -> str:
    """A record or operand value as one short readable phrase: ``«Ann Rep»``, ``true``, ``2024-05-01``, ``empty``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if is_empty(value):
        return "empty"
    if isinstance(value, FieldOption):
        return _quote(value.name)
    if isinstance(value, dict):
        if "id" in value or "name" in value:
            return _quote(str(value.get("name") or value.get("id")))
        parts = [str(value[k]).strip() for k in ADDRESS_KEYS if isinstance(value.get(k), str) and value[k].strip()]
        return _quote(", ".join(parts))
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(format_value(item) for item in value)
    if isinstance(value, datetime):
        return as_utc(value).strftime("%Y-%m-%d %H:%M:%S UTC")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return _quote(value)
    return str(value)


_TYPE_NAMES = {
    FieldType.TEXT: "text",
    FieldType.LONG_TEXT: "long text",
    FieldType.EMAIL: "email",
    FieldType.PHONE: "phone",
    FieldType.URL: "URL",
    FieldType.DATE: "date",
    FieldType.DATETIME: "date and time",
    FieldType.BOOLEAN: "check box",
    FieldType.INTEGER: "whole number",
    FieldType.DECIMAL: "decimal number",
    FieldType.SELECT: "list",
    FieldType.MULTI_SELECT: "multiple choice",
    FieldType.REFERENCE: "reference",
    FieldType.ADDRESS: "address",
    FieldType.GROUPS: "contact groups",
}


def type_name(field_type: FieldType) -> str:
    """A field type as ops staff call it: "check box", "reference", "date and time"."""
    return _TYPE_NAMES.get(field_type, str(field_type))


def a_type(field_type: FieldType) -> str:
    """The type's name with its article, for "Sales Rep is a reference field", "an address field"."""
    name = type_name(field_type)
    # "u" is left out on purpose: "a URL".
    return f"{'an' if name[:1].lower() in 'aeio' else 'a'} {name}"


def field_name(field: FieldSpec) -> str:
    """A field's label, with its id for custom fields (two custom fields may share a label)."""
    if field.custom and field.id != field.label:
        return f"{field.label} ({field.id})"
    return field.label


def describe_condition(subject: str, operator: str, operand: Any) -> str:
    """``Sales Rep is «Ann Rep»``, ``Last modified is within the last 30 days``, ``VIP is true``."""
    if operator == Operator.WITHIN_LAST_DAYS:
        return f"{subject} is within the last {operand} days"
    if operator in (Operator.EXISTS_IN_OTHER_APP, Operator.NOT_EXISTS_IN_OTHER_APP):
        return f"the record {operator_label(operator)}"
    label = operator_label(operator)
    if operand is None:
        return f"{subject} {label}"
    return f"{subject} {label} {format_value(operand)}"
