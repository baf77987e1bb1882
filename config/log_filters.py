"""Logging filters that keep expected refusals out of the log as tracebacks."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied


class PermissionDeniedWithoutTraceback(logging.Filter):
    """Keep Django's one-line "Forbidden (Permission denied): /path" warning, drop its traceback.

    ``django.core.handlers.exception.response_for_exception`` logs every PermissionDenied on
    ``django.request`` with ``exc_info``: 35 lines for a refusal that is the admin working as
    designed. The warning still says who was refused where; other errors keep their tracebacks.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], PermissionDenied):
            record.exc_info = None
            record.exc_text = None
        return True
