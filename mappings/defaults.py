"""The default field mappings of a connection, per (app provider, NetSuite contact type), as each app registered them.

A new connection starts with these mappings, each of which can then be
switched off one by one. Each app's package registers its defaults
(:attr:`~connections.providers.registry.ProviderInfo.default_mappings`);
every direction must be one the compatibility table allows for the standard
catalogs (:mod:`mappings.catalogs`); a test checks it.
:func:`default_mapping_table_markdown` renders them for the README.
"""

from __future__ import annotations

from connections.choices import NetSuiteContactType
from connections.providers.registry import PROVIDERS, DefaultMapping, app_providers

from .catalogs import app_catalog, field_by_id, netsuite_catalog
from .choices import Direction
from .compatibility import allowed_directions

__all__ = ["DefaultMapping", "default_mapping_table_markdown", "default_mappings", "providers_with_defaults"]


def providers_with_defaults() -> list[str]:
    """The apps that registered default mappings."""
    return [info.key for info in app_providers() if info.default_mappings]


def default_mappings(app_provider: str, contact_type: str, object_type: str = "") -> tuple[DefaultMapping, ...]:
    """The default mappings of a connection between NetSuite ``contact_type`` records and ``app_provider``'s
    ``object_type`` records ('' = its default object, contacts).

    An app without defaults yet (HubSpot, Mailchimp) has none: an empty tuple.
    An unknown contact type is a ``LookupError``.
    """
    if contact_type not in NetSuiteContactType.values:
        raise LookupError(f"unknown NetSuite contact type {contact_type!r}")
    info = PROVIDERS.get(app_provider)
    if info is None:
        return ()
    return tuple(
        DefaultMapping(m.netsuite_field, m.app_field, Direction(m.direction))
        for m in info.default_mappings.get(info.defaults_key(str(contact_type), object_type), ())
    )


_ARROWS = {Direction.TWO_WAY: "⇄", Direction.TO_APP: "→", Direction.TO_NETSUITE: "←"}


def default_mapping_table_markdown(app_provider: str | None = None) -> str:
    """The default mappings as Markdown, one table per NetSuite contact type (for the README);
    ``app_provider`` defaults to the first app with defaults."""
    app_provider = app_provider or providers_with_defaults()[0]
    app_label = PROVIDERS[app_provider].label
    app_fields = app_catalog(app_provider)
    sections = []
    for contact_type in NetSuiteContactType:
        netsuite_fields = netsuite_catalog(contact_type)
        rows = [
            f"| NetSuite field | Direction | {app_label} field | Notes |",
            "|---|:---:|---|---|",
        ]
        for mapping in default_mappings(app_provider, contact_type):
            netsuite_field = field_by_id(netsuite_fields, mapping.netsuite_field)
            app_field = field_by_id(app_fields, mapping.app_field)
            note = allowed_directions(netsuite_field, app_field, app_label=app_label).notes.get(mapping.direction, "")
            rows.append(
                f"| {netsuite_field.label} (`{netsuite_field.id}`) | {_ARROWS[mapping.direction]}"
                f" | {app_field.label} (`{app_field.id}`) | {note} |"
            )
        sections.append(f"#### {contact_type.label}\n\n" + "\n".join(rows))
    legend = f"⇄ two-way, → NetSuite to {app_label} only, ← {app_label} to NetSuite only."
    return "\n\n".join([*sections, legend]) + "\n"
