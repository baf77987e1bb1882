"""Validation shared by the connections models and forms."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError

NETSUITE_ACCOUNT_ID = re.compile(r"^[A-Za-z0-9]+(?:[_-][A-Za-z0-9]+)?$")


def validate_api_base_url(value: str) -> None:
    """An API base URL override must be http(s); outside DEBUG its host must be
    listed in ``API_BASE_URL_ALLOWED_HOSTS`` (so credentials cannot be sent to
    an arbitrary server)."""
    if not value:
        return
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError("The API base URL must start with http:// or https:// and name a host.")
    if parts.query or parts.fragment:
        raise ValidationError("The API base URL must not contain a query string or fragment.")
    if not settings.DEBUG and parts.hostname not in settings.API_BASE_URL_ALLOWED_HOSTS:
        raise ValidationError(
            f"The host {parts.hostname} is not allowed as an API base URL. "
            "Add it to the API_BASE_URL_ALLOWED_HOSTS setting if it is a trusted sandbox."
        )


def validate_netsuite_account_id(value: str) -> None:
    if not NETSUITE_ACCOUNT_ID.match(value or ""):
        raise ValidationError(
            "A NetSuite Account ID looks like 1234567 or 1234567_SB1 (letters and digits, "
            "with an optional _SB1-style suffix)."
        )
