"""The file's format: its marker and version, the fields it carries per object, where secrets come from.

Shared by :mod:`configio.export` and :mod:`configio.importer`, so that the two agree on every name.
"""

from __future__ import annotations

import json
import re
from typing import Any

from connections.providers.registry import get_provider

FORMAT = "netsuite-contact-sync/config"
VERSION = 1

# Providers signed in with OAuth keep one lasting secret; their access tokens are renewed on their own.
OAUTH_SECRETS = ("refresh_token",)

ACCOUNT_FIELDS = ("label", "api_base_url", "concurrency_limit")
SUBSIDIARY_FIELDS = ("name", "is_inactive", "is_elimination", "country")
CONNECTION_FIELDS = (
    "contact_type",
    "app_object_type",
    "company_matching",
    "subscription_sync",
    "double_opt_in",
    "app_scope",
    "paused",
    "interval_minutes",
    "conflict_policy",
    "netsuite_deletions",
    "app_deletions",
    "deletion_safety_percent",
    "phone_region",
    "create_missing_groups",
)
MAPPING_FIELDS = ("direction", "enabled", "order")
RULE_FIELDS = ("order", "match", "enabled")
CONDITION_FIELDS = ("field_id", "operator", "value")
ACTION_FIELDS = ("kind", "field_id", "value", "apply_on")


class ConfigError(Exception):
    """The configuration cannot be exported or imported as it stands; nothing was changed."""


def secret_names(provider: str) -> tuple[str, ...]:
    """The lasting secrets an account of ``provider`` holds (in the provider's order)."""
    typed = tuple(c.name for c in get_provider(provider).credential_fields)
    return typed or OAUTH_SECRETS


def secret_env_name(provider: str, account_id: str, name: str) -> str:
    """The environment variable a secret is read from, e.g. ``NETSUITE_1234567_SB1_TOKEN_SECRET``."""
    return re.sub(r"[^A-Z0-9]+", "_", f"{provider}_{account_id}_{name}".upper()).strip("_")


def fields_of(obj, names: tuple[str, ...]) -> dict[str, Any]:
    """The values of ``names`` on ``obj``, as the file writes them."""
    return {name: getattr(obj, name) for name in names}


def dumps(config: dict[str, Any]) -> str:
    """The configuration as stable JSON text (sorted keys, two-space indent, a final newline)."""
    return json.dumps(config, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
