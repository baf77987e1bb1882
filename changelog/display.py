"""Field values as the change history shows them: choices by label, related objects by name, short."""

from __future__ import annotations

import json
from datetime import date, datetime

from django.db import models
from django.utils import timezone

EMPTY = "—"
LIMIT = 500


def _short(text: str) -> str:
    return text if len(text) <= LIMIT else text[: LIMIT - 1] + "…"


def comparable(field: models.Field, value):
    """The value in the form the database gives back (a form may have set "15" on an integer field)."""
    if value is None or isinstance(field, models.JSONField):
        return value
    try:
        return field.to_python(value)
    except Exception:  # an odd value: compare it as it is
        return value


def shown(field: models.Field, value) -> str:
    """``value`` of ``field`` in words (related objects are shown by :func:`shown_related`)."""
    if value is None or value == "" or value == [] or value == {}:
        return EMPTY
    if field.choices:
        return _short(str(dict(field.flatchoices).get(value, value)))
    if isinstance(field, models.BooleanField):
        return "yes" if value else "no"
    if isinstance(field, models.JSONField) and not isinstance(value, str):
        return _short(json.dumps(value, sort_keys=True, ensure_ascii=False, default=str))
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S") if timezone.is_aware(value) else str(value)
    if isinstance(value, date):
        return value.isoformat()
    return _short(str(value))


def shown_related(field: models.ForeignKey, pk, obj=None) -> str:
    """A related object by name, with its id; fetched when not given (one query)."""
    if pk is None:
        return EMPTY
    if obj is None:
        obj = field.related_model._default_manager.filter(pk=pk).first()
    if obj is None:
        return f"#{pk} (deleted)"
    return _short(f"{obj} (#{pk})")
