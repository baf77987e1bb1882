"""The standard field catalogs, as each app registered them: NetSuite per contact type, the apps per object type.

The providers read the live catalogs at run time (custom fields, option
lists, length limits); the static lists each provider package registers
(:attr:`~connections.providers.registry.ProviderInfo.standard_catalog`) carry
the *standard* fields with the same canonical ids, types and writability, and
are the fallback the default mappings and the tests are checked against.
Each address field comes with its parts (:func:`mappings.addresses.with_parts`).
"""

from __future__ import annotations

from collections.abc import Iterable

from connections.providers.fields import FieldSpec
from connections.providers.registry import NETSUITE, get_provider

from .addresses import with_parts


def netsuite_catalog(contact_type: str) -> tuple[FieldSpec, ...]:
    """The standard NetSuite fields of a contact type (``company_customers``, ``individual_customers``...)."""
    return tuple(with_parts(get_provider(NETSUITE).standard_catalog(contact_type)))


def app_catalog(provider: str, object_type: str | None = None) -> tuple[FieldSpec, ...]:
    """The standard fields of an app's object type (its first object type when None)."""
    try:
        info = get_provider(provider)
    except LookupError:
        raise LookupError(f"no catalog for {provider!r} object type {object_type!r}") from None
    return tuple(with_parts(info.standard_catalog(object_type or info.default_object_type)))


def field_by_id(catalog: Iterable[FieldSpec], field_id: str) -> FieldSpec:
    """The field of ``catalog`` whose id is ``field_id``; ``LookupError`` when there is none."""
    for spec in catalog:
        if spec.id == field_id:
            return spec
    raise LookupError(f"no field {field_id!r} in the catalog")
