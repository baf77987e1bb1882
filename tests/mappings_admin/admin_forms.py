"""Build the POST a browser would send for an admin change form, from the page Django rendered.

The admin's forms are read from the response context (the main form and
every inline formset, management forms included), so a test changes only
what it means to change and posts the rest as shown.
"""

from __future__ import annotations

from typing import Any

from django import forms


def _form_values(form, data: dict[str, Any]) -> None:
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = form[name].value()
        key = form.add_prefix(name)
        if isinstance(field.widget, forms.CheckboxInput):
            if value:
                data[key] = "on"
        elif isinstance(value, list | tuple):
            data[key] = [str(item) for item in value]
        else:
            data[key] = "" if value is None else str(value)


def change_form_data(response) -> dict[str, Any]:
    """The POST data of the change form in ``response`` (a GET of an admin add/change page).

    The empty extra rows of the inlines are left out (``TOTAL_FORMS`` counts
    the saved rows only): :func:`add_inline_row` adds rows.
    """
    context = response.context
    data: dict[str, Any] = {}
    _form_values(context["adminform"].form, data)
    for inline in context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = str(management[name].value())
        data[management.add_prefix("TOTAL_FORMS")] = str(formset.initial_form_count())
        for form in formset.initial_forms:
            _form_values(form, data)
    return data


def inline_prefix(response, model_name: str, occurrence: int = 0) -> str:
    """The formset prefix of the ``occurrence``-th inline of ``model_name`` on the page."""
    found = [
        inline.formset.prefix
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.model._meta.model_name == model_name
    ]
    return found[occurrence]


def add_inline_row(data: dict[str, Any], prefix: str, values: dict[str, Any]) -> int:
    """Append a new row to the inline formset ``prefix``; returns its index."""
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    for name, value in values.items():
        set_inline_value(data, prefix, index, name, value)
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
    return index


def set_inline_value(data: dict[str, Any], prefix: str, index: int, name: str, value: Any) -> None:
    """Set one field of an inline row (``True``/``False`` tick or untick a check box)."""
    key = f"{prefix}-{index}-{name}"
    if isinstance(value, bool):
        if value:
            data[key] = "on"
        else:
            data.pop(key, None)
    else:
        data[key] = value
