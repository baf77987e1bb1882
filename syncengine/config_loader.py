"""Loading a connection's sync configuration (:class:`~syncengine.sync_config.SyncConfig`) for a run: the
active field mappings resolved against both field catalogs (slots), the rules per direction, and the
policies (the unsubscribe policy with both sides' subscription fields, :func:`subscriptions`); and fetching
the catalogs a new connection never fetched."""

from __future__ import annotations

from dataclasses import replace

from connections.choices import DeletionPolicy, SubscriptionSync
from connections.models import Connection
from connections.providers.fields import FieldSpec, FieldType
from connections.providers.registry import NETSUITE, subscription_field
from mappings.converters import ConversionOptions

from .choices import Side
from .merge import Slot
from .pipeline.company_refs import CompanyRef
from .pipeline.subscriptions import SideSubscription, Subscriptions
from .sync_config import SyncConfig


def ensure_catalogs(connection: Connection) -> list[str]:
    """Fetch the field catalogs that were never fetched (a new connection): the
    live catalogs carry what the static ones cannot know (text limits, option
    lists, custom fields). Returns the problems met; the static catalog is then
    used. Catalogs are not fetched again on every run: "Refresh field catalogs"
    does that (it costs requests)."""
    from mappings.catalog_cache import CatalogRefreshFailed, refresh_catalog
    from mappings.models import FieldCatalog

    problems = []
    for account, object_type in (
        (connection.netsuite_account, connection.contact_type),
        (connection.app_account, connection.app_object),
    ):
        if not FieldCatalog.objects.filter(account=account, object_type=object_type).exists():
            try:
                refresh_catalog(account, object_type)
            except CatalogRefreshFailed as exc:
                problems.append(str(exc))
    return problems


def load_config(connection: Connection) -> SyncConfig:
    """Load the connection's mappings, catalogs and rules (a fixed number of queries)."""
    from mappings.catalog_cache import catalog_with_source
    from mappings.choices import Direction
    from mappings.models import FieldMapping
    from rules.loading import rule_specs
    from rules.rule_catalogs import RuleCatalogs

    from .config_checks import mapping_problems

    ns_fields, ns_fetched = catalog_with_source(connection.netsuite_account, connection.contact_type)
    app_fields, app_fetched = catalog_with_source(connection.app_account, connection.app_object)
    ns_catalog = {f.id: f for f in ns_fields}
    app_catalog = {f.id: f for f in app_fields}
    catalogs = _catalogs(connection, ns_catalog, app_catalog)
    slots, problems = [], []
    defaults: set[tuple[str, str]] = set()  # the default mappings' (NetSuite field, app field)
    for mapping in FieldMapping.objects.filter(connection=connection, enabled=True).order_by("order", "pk"):
        ns_field, app_field = ns_catalog.get(mapping.netsuite_field), app_catalog.get(mapping.app_field)
        if ns_field is None or app_field is None:
            missing = [
                f"{side} has no field {field_id!r}"
                for side, field_id, spec in (
                    ("NetSuite", mapping.netsuite_field, ns_field),
                    ("the app", mapping.app_field, app_field),
                )
                if spec is None
            ]
            problems.append(
                f"the mapping {mapping.netsuite_field} ⇄ {mapping.app_field} was skipped: {' and '.join(missing)} "
                "in its field catalog (refresh the field catalogs, or fix or disable the mapping)"
            )
            continue
        refused = mapping_problems(mapping.state(), catalogs)
        if refused:
            # However it got in (import, a script, a catalog that changed under it): skipped, and said. A
            # mapping into a subscription status is one of them (only the unsubscribe policy writes it).
            problems.append(
                f"the mapping {mapping.state().name()} was skipped: {' '.join(refused)} (fix or disable the mapping)"
            )
            continue
        to_app = mapping.direction in (Direction.TWO_WAY, Direction.TO_APP) and app_field.writable
        to_netsuite = mapping.direction in (Direction.TWO_WAY, Direction.TO_NETSUITE) and ns_field.writable
        slots.append(Slot(ns_field, app_field, to_app=to_app, to_netsuite=to_netsuite))
        if mapping.is_default:
            defaults.add((ns_field.id, app_field.id))
    slots, company_refs, company_connection_id = _company_refs(connection, slots, problems, defaults)
    policies = {"netsuite_deletions": connection.netsuite_deletions, "app_deletions": connection.app_deletions}
    for field_name, message in connection.deletion_mark_errors().items():
        # However it got in (saved before the check, a script): refused with the reason, and such deletions
        # are left alone (the default policy) rather than sent to an app that cannot mark.
        label = Connection._meta.get_field(field_name).verbose_name
        problems.append(f"the policy “{label}: mark” was not applied: {message} Deletions are ignored until then.")
        policies[field_name] = DeletionPolicy.IGNORE
    rule_catalogs = {
        Direction.TO_APP: RuleCatalogs(source=catalogs.netsuite, target=catalogs.app),
        Direction.TO_NETSUITE: RuleCatalogs(source=catalogs.app, target=catalogs.netsuite),
    }
    return SyncConfig(
        slots=slots,
        netsuite_catalog=ns_catalog,
        app_catalog=app_catalog,
        rules_to_app=rule_specs(
            connection, Direction.TO_APP, catalogs=rule_catalogs[Direction.TO_APP], problems=problems
        ),
        rules_to_netsuite=rule_specs(
            connection, Direction.TO_NETSUITE, catalogs=rule_catalogs[Direction.TO_NETSUITE], problems=problems
        ),
        conflict_policy=connection.conflict_policy,
        netsuite_deletions=policies["netsuite_deletions"],
        app_deletions=policies["app_deletions"],
        deletion_safety_percent=connection.deletion_safety_percent,
        problems=problems,
        netsuite_catalog_fetched=ns_fetched,
        app_catalog_fetched=app_fetched,
        conversion=ConversionOptions(phone_region=connection.resolved_phone_region().region),
        subscriptions=subscriptions(connection, catalogs, problems),
        subscription_fields=_subscription_fields(connection),
        company_refs=company_refs,
        company_connection_id=company_connection_id,
    )


def _subscription_fields(connection: Connection) -> dict[str, str]:
    """Each side's subscription field, as its app registers it (whatever the policy)."""
    found = {
        Side.NETSUITE.value: subscription_field(NETSUITE, connection.contact_type),
        Side.APP.value: subscription_field(connection.app_account.provider, connection.app_object),
    }
    return {side: where.field_id for side, where in found.items() if where is not None}


def subscriptions(connection: Connection, catalogs, problems: list[str]) -> Subscriptions | None:
    """The connection's unsubscribe policy over both sides' subscription fields; None when it is off, or
    when a side keeps no status (said in ``problems``). A side whose catalog offers no value to write
    "unsubscribed" with is only read (said too)."""
    if connection.subscription_sync == SubscriptionSync.OFF:
        return None
    sides = []
    for provider, side in (
        (NETSUITE, catalogs.netsuite),
        (connection.app_account.provider, catalogs.app),
    ):
        where = subscription_field(provider, side.object_type)
        spec = side.fields.get(where.field_id) if where is not None else None
        if where is None or spec is None:
            reason = "keeps no email subscription status" if where is None else "has no subscription status field"
            problems.append(
                f"unsubscribes are not synced: {side.app_label} {reason} in its {side.object_type} catalog"
                + ("" if where is None else " (refresh the field catalogs)")
            )
            return None
        value = where.unsubscribe_value(spec)
        if value is None:
            problems.append(
                f"unsubscribes are not carried to {side.app_label}: its field catalog offers no "
                f"{where.unsubscribe_label} value for {spec.label} (refresh the field catalogs)"
            )
        sides.append(
            SideSubscription(
                where.field_id, where.state_of, value, where.unsubscribe_label, side.app_label, where.reason_of
            )
        )
    return Subscriptions(connection.subscription_sync, *sides)


def _company_refs(
    connection: Connection, slots: list[Slot], problems: list[str], defaults: set[tuple[str, str]] = frozenset()
) -> tuple[list[Slot], tuple[CompanyRef, ...], int | None]:
    """The mappings of a contact's company as a link to one of the app's company records, and the company
    connection whose links translate them (one query). Without such a connection those mappings are left
    out, and the run says so once."""
    info = connection.app_account.provider_info
    refs = [
        slot
        for slot in slots
        if slot.app.id in info.company_reference_fields
        and slot.app.type == FieldType.REFERENCE
        and slot.netsuite.type == FieldType.REFERENCE
    ]
    if not refs:
        return slots, (), None
    company_connection_id = (
        Connection.objects.filter(
            netsuite_account_id=connection.netsuite_account_id,
            subsidiary_id=connection.subsidiary_id,
            app_account_id=connection.app_account_id,
            app_object_type__in=info.company_object_types,
        )
        .exclude(pk=connection.pk)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    # The company connection's links say which company a contact's is: the NetSuite field's options (the
    # companies listed when its catalog was fetched) must not match it again by name.
    linked = {id(slot): replace(slot, netsuite=replace(slot.netsuite, options=())) for slot in refs}
    if company_connection_id is None:
        # A default mapping waits quietly for a company connection (until then the company name, linked by
        # name, is what syncs); a mapping someone added is said to be skipped.
        for slot in (s for s in refs if (s.netsuite.id, s.app.id) not in defaults):
            problems.append(
                f"the mapping {slot.netsuite.id} ⇄ {slot.app.id} was skipped: it links each contact to its "
                f"company record, which needs a connection of the same accounts and subsidiary that syncs "
                f"NetSuite companies with {info.label}'s companies; there is none, so contacts' companies are "
                "not synced"
            )
        return [slot for slot in slots if id(slot) not in linked], (), None
    # The link sets the NetSuite field: another mapping of it (the company's name, linked by name) only
    # carries it to the app, so the two never write it twice, or differently.
    ref_fields = {slot.netsuite.id for slot in refs}
    slots = [
        linked.get(id(slot))
        or (replace(slot, to_netsuite=False) if slot.netsuite.id in ref_fields and slot.to_netsuite else slot)
        for slot in slots
    ]
    return slots, tuple(CompanyRef(slot.netsuite.id, slot.app.id) for slot in refs), company_connection_id


def _catalogs(connection: Connection, ns_catalog: dict[str, FieldSpec], app_catalog: dict[str, FieldSpec]):
    """Both sides of ``connection`` over the catalogs already loaded (no further query)."""
    from mappings.catalog_cache import ConnectionCatalogs, SideCatalog
    from mappings.compatibility import NETSUITE_LABEL

    app_account = connection.app_account
    return ConnectionCatalogs(
        netsuite=SideCatalog(connection.netsuite_account, connection.contact_type, NETSUITE_LABEL, ns_catalog),
        app=SideCatalog(
            app_account,
            connection.app_object,
            app_account.provider_info.label,
            app_catalog,
        ),
    )
