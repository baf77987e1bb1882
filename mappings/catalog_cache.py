"""The field catalogs the admin and the engine work with: cached from the providers, else the static standard ones.

A provider's live catalog (custom fields, option lists of Sales Rep, Partner,
Initial Lead Source, Google contact groups, length limits) is fetched on
demand by :func:`refresh_catalog` and kept in :class:`~mappings.models.FieldCatalog`,
one row per (account, object type). :func:`catalog_for` reads that row, and
falls back to the static standard catalog each app registers for an
account never refreshed, so a new connection works before anyone refreshes.
Either way each address field comes with its parts as fields of their own
(:func:`mappings.addresses.with_parts`; derived here, never stored).

A refresh that fails (bad credentials, NetSuite down, an empty answer)
changes nothing: the previous catalog stays, and the error says why.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType

from django.utils import timezone

from connections.clients import client_for, forget_refusal
from connections.models import ConnectedAccount, Connection
from connections.providers.capabilities import cached_catalog
from connections.providers.errors import ProviderError
from connections.providers.fields import FieldSpec
from connections.providers.registry import PROVIDERS, get_provider, static_catalog

from .addresses import with_parts
from .models import FieldCatalog

logger = logging.getLogger(__name__)


class CatalogRefreshFailed(Exception):
    """A catalog could not be refreshed; ``str()`` is a message for ops staff (never holds a secret)."""


def object_type_label(provider: str, object_type: str) -> str:
    """An object type as ops staff name it: ``Company Customers``, ``contacts``."""
    info = PROVIDERS.get(provider)
    return info.object_type_label(object_type) if info is not None else object_type


def catalog_description(account: ConnectedAccount, object_type: str) -> str:
    """``the NetSuite field catalog (Contacts) of ACME sandbox``, for messages."""
    provider = get_provider(account.provider).label
    return f"the {provider} field catalog ({object_type_label(account.provider, object_type)}) of {account.label}"


def catalog_for(account: ConnectedAccount, object_type: str) -> list[FieldSpec]:
    """The fields of ``object_type`` in ``account``: the cached catalog, else the static standard one."""
    return catalog_with_source(account, object_type)[0]


def catalog_with_source(account: ConnectedAccount, object_type: str) -> tuple[list[FieldSpec], bool]:
    """:func:`catalog_for`, and whether the fields come from the provider (cached) rather than
    the static standard catalog (one query)."""
    cached = FieldCatalog.objects.filter(account=account, object_type=object_type).first()
    if cached is not None:
        return with_parts(cached.specs()), True
    return with_parts(static_catalog(account.provider, object_type)), False


def refresh_catalog(account: ConnectedAccount, object_type: str) -> FieldCatalog:
    """Fetch ``object_type``'s catalog from the provider and cache it (replacing the previous one).

    Raises :class:`CatalogRefreshFailed` when the provider fails or answers
    with no field at all; the cached catalog is then left as it was.
    """
    description = catalog_description(account, object_type)
    try:
        specs = client_for(account).field_catalog(object_type)
    except ProviderError as exc:
        raise CatalogRefreshFailed(f"Could not refresh {description}: {exc}") from exc
    if not specs:
        # An empty catalog would make every mapping and rule look broken: keep the one we have.
        raise CatalogRefreshFailed(
            f"Could not refresh {description}: {get_provider(account.provider).label} returned no field at all; "
            "the previous catalog was kept."
        )
    catalog, _ = FieldCatalog.objects.update_or_create(
        account=account,
        object_type=object_type,
        defaults={"fields": [spec.to_dict() for spec in specs], "fetched_at": timezone.now()},
    )
    # A query built from the previous catalog may have been refused: the new one is worth trying.
    forget_refusal(account, cached_catalog(object_type))
    logger.info(
        "refreshed field catalog %s/%s of account %s: %d fields", account.provider, object_type, account.pk, len(specs)
    )
    return catalog


@dataclass(frozen=True)
class SideCatalog:
    """One side of a connection, with its field catalog.

    ``app_label`` names the app in messages ("NetSuite", "Google Contacts");
    ``fields`` maps field ids to specs, in catalog order; ``fetched_at`` is
    None while the catalog is the static fallback (never refreshed);
    ``absent_fields_note`` says which usual fields this object type lacks,
    and why ("Partner and Sales Rep are not fields of NetSuite contacts…").
    """

    account: ConnectedAccount
    object_type: str
    app_label: str
    fields: Mapping[str, FieldSpec]
    fetched_at: datetime | None = None
    absent_fields_note: str = ""

    @property
    def cached(self) -> bool:
        """True when the fields come from the provider (refreshed), not from the static standard catalog."""
        return self.fetched_at is not None

    @property
    def description(self) -> str:
        """``NetSuite (Contacts) of ACME sandbox``."""
        object_type = object_type_label(self.account.provider, self.object_type)
        return f"{self.app_label} ({object_type}) of {self.account.label}"


@dataclass(frozen=True)
class ConnectionCatalogs:
    """Both sides of a connection: ``netsuite`` and ``app`` (Google Contacts...)."""

    netsuite: SideCatalog
    app: SideCatalog


def side_catalog(account: ConnectedAccount, object_type: str) -> SideCatalog:
    """One side: the account's catalog of ``object_type`` (one query)."""
    cached = FieldCatalog.objects.filter(account=account, object_type=object_type).first()
    specs = with_parts(cached.specs() if cached is not None else static_catalog(account.provider, object_type))
    return SideCatalog(
        account=account,
        object_type=object_type,
        app_label=get_provider(account.provider).label,
        fields=MappingProxyType({spec.id: spec for spec in specs}),
        fetched_at=cached.fetched_at if cached is not None else None,
        absent_fields_note=absent_fields_note(account.provider, object_type),
    )


def absent_fields_note(provider: str, object_type: str) -> str:
    """Which usual fields ``object_type`` of ``provider`` lacks, and why; empty when it lacks none."""
    info = PROVIDERS.get(provider)
    return info.absent_fields_note(object_type) if info is not None else ""


def connection_catalogs(connection: Connection) -> ConnectionCatalogs:
    """The NetSuite side (the connection's contact type) and the app side of ``connection``."""
    app_account = connection.app_account
    return ConnectionCatalogs(
        netsuite=side_catalog(connection.netsuite_account, connection.contact_type),
        app=side_catalog(app_account, connection.app_object),
    )


@dataclass(frozen=True)
class RefreshOutcome:
    """What refreshing one catalog gave: ``ok`` and a message for ops staff."""

    ok: bool
    message: str


def refresh_catalog_of(account: ConnectedAccount, object_type: str) -> RefreshOutcome:
    """Refresh one catalog and say how it went (never raises for a provider's failure)."""
    try:
        catalog = refresh_catalog(account, object_type)
    except CatalogRefreshFailed as exc:
        return RefreshOutcome(False, str(exc))
    return RefreshOutcome(
        True,
        f"Refreshed {catalog_description(account, object_type)}: "
        f"{catalog.field_count} fields, {catalog.custom_field_count} custom.",
    )


def refresh_connection_catalogs(connections: list[Connection]) -> list[RefreshOutcome]:
    """Refresh the catalogs both sides of ``connections`` use, each (account, object type) once."""
    wanted: dict[tuple[int, str], ConnectedAccount] = {}
    for connection in connections:
        wanted.setdefault((connection.netsuite_account_id, connection.contact_type), connection.netsuite_account)
        app = connection.app_account
        wanted.setdefault((app.pk, connection.app_object), app)
    return [refresh_catalog_of(account, object_type) for (_, object_type), account in wanted.items()]
