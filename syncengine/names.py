"""The display name of a record (a person or a company) from the values read from its API, so that
outcomes show "Rosa Vargas", not only an email. Each app registers how its values name a person and
a company (:func:`connections.providers.registry.display_name`). Pure; no I/O."""

from __future__ import annotations

from connections.providers.registry import display_name

__all__ = ["display_name"]
