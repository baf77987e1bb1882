"""The one check of a connection's field mappings and rules against its field catalogs.

A mapping or a rule can get in by several ways: the admin, ``import_config``,
or a catalog that changed under it (a custom field deleted in NetSuite). The
same checks judge it on every way:

- on save: ``FieldMapping.clean`` runs :func:`mappings.mapping_checks.check_mapping`,
  conditions and actions run :func:`rules.validation.validate_condition` and
  :func:`~rules.validation.validate_action`;
- at import: :func:`connection_problems` (the same checks, over what the
  import is about to store) refuses the file with the reasons;
- at run start: :func:`syncengine.config_loader.load_config` leaves out an invalid
  mapping (:func:`mapping_problems`) or rule (:func:`rules.loading.rule_specs`)
  and reports it as a run problem (the run ends *partially failed*).

Whatever still slips through fails only the field it touches (:mod:`syncengine.merge`).
"""

from __future__ import annotations

from django.db.models import Prefetch

from connections.models import Connection
from mappings.addresses import part_of_no_address
from mappings.catalog_cache import ConnectionCatalogs, connection_catalogs
from mappings.mapping_checks import APP_SIDE, NETSUITE_SIDE, MappingState, check_mapping, target_clashes
from rules.choices import RuleDirection
from rules.models import Action, Condition, Rule
from rules.rule_catalogs import RuleCatalogs, direction_label
from rules.validation import rule_problems


def mapping_problems(
    state: MappingState, catalogs: ConnectionCatalogs, *, unknown_fields_ok: bool = False
) -> list[str]:
    """Why a mapping cannot be applied (empty when it can): an unknown field, an incompatible pair,
    a direction the pair does not allow. ``unknown_fields_ok`` lets a field pass that is missing from a
    catalog never fetched (the static catalog knows no custom field); the run-start check still judges it."""
    found = check_mapping(state, catalogs)
    problems = []
    # NetSuite's field ids hold no dot but their address parts' (``defaultAddress.city``); an app's may.
    sides = (
        (found.netsuite_field, catalogs.netsuite, state.netsuite_field, False),
        (found.app_field, catalogs.app, state.app_field, True),
    )
    for messages, side, field_id, dotted_ids in sides:
        if not (unknown_fields_ok and not side.cached):
            problems.extend(messages)
        elif problem := part_of_no_address(field_id, side.fields, dotted_ids=dotted_ids):
            # A part of an address field the catalog lacks is no custom field it has yet to fetch.
            problems.append(f"{side.app_label}: {problem}")
    return [*problems, *found.pair, *found.direction]


def connection_problems(connection: Connection, *, at_import: bool = False) -> list[str]:
    """Every problem of the deletion policies, enabled mappings and rules of ``connection`` as stored, one
    message each, naming the policy, mapping or rule. ``at_import``: a field missing from a catalog never
    fetched passes."""
    catalogs = connection_catalogs(connection)
    problems = [
        f"the policy “{Connection._meta.get_field(name).verbose_name}: mark”: {message}"
        for name, message in connection.deletion_mark_errors().items()
    ]
    mappings = list(connection.field_mappings.filter(enabled=True).order_by("order", "pk"))
    for index, mapping in enumerate(mappings):
        state = mapping.state()
        found = mapping_problems(state, catalogs, unknown_fields_ok=at_import)
        found += target_clashes(
            state,
            [m.state() for m in mappings[:index]],
            side_labels={NETSUITE_SIDE: "NetSuite", APP_SIDE: catalogs.app.app_label},
        )
        if found:
            problems.append(f"the mapping {state.name()}: {' '.join(found)}")
    rules = connection.rules.filter(enabled=True).prefetch_related(
        Prefetch("conditions", queryset=Condition.objects.order_by("pk")),
        Prefetch("actions", queryset=Action.objects.order_by("pk")),
    )
    for rule in rules.order_by("direction", "order", "pk"):
        rule_catalogs = _rule_catalogs(catalogs, rule)
        found = rule_problems(
            rule.to_spec(),
            source_fields=rule_catalogs.source.fields,
            target_fields=rule_catalogs.target.fields,
            source_app=rule_catalogs.source.app_label,
            target_app=rule_catalogs.target.app_label,
            unknown_fields_ok=at_import and not (rule_catalogs.source.cached and rule_catalogs.target.cached),
        )
        if found:
            where = direction_label(rule.direction, catalogs.app.app_label)
            problems.append(f"the rule «{rule.name}» ({where}): {'; '.join(found)}")
    return problems


def _rule_catalogs(catalogs: ConnectionCatalogs, rule: Rule) -> RuleCatalogs:
    if rule.direction == RuleDirection.TO_APP:
        return RuleCatalogs(source=catalogs.netsuite, target=catalogs.app)
    return RuleCatalogs(source=catalogs.app, target=catalogs.netsuite)
