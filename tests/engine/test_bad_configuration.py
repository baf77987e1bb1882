"""Bad configuration never stops a run (issue 14, item 0), over real HTTP against both sandboxes.

The defect: a two-way mapping of NetSuite's VIP check box with Google's free-text
``userDefined.VIP`` got in through ``import_config``; one contact with
``VIP = "yes"`` made every run fail ("Unexpected error: IncompatibleFields"),
after it had written a record to each side, and the cursors never advanced.
"""

from __future__ import annotations

import json
import time

import pytest

from configio.export import export_config
from configio.format import ConfigError
from configio.importer import import_config
from connections.models import ConnectedAccount
from mappings.models import FieldMapping
from rules.models import Condition, Rule
from syncengine.choices import FAILING_OUTCOMES, Outcome, RunStatus
from syncengine.models import ConnectionState, MirrorRecord, RecordOutcome

from .harness import sync
from .helpers import g_by_email, g_person, ns_by_email, ns_person, seed, writes

VIP = {"netsuite_field": "custentity_vip", "app_field": "userDefined.VIP", "direction": "two_way"}


def _vip_person(first: str, email: str, vip: str) -> dict:
    return g_person(first, "Ip", email, userDefined=[{"key": "VIP", "value": vip}])


def _import_adding(connection, mapping: dict) -> None:
    """Export the whole configuration, add ``mapping`` to ``connection``, import it back (secrets from the DB)."""
    config = export_config()
    environ = {}
    for account in config["accounts"]:
        stored = ConnectedAccount.objects.get(provider=account["provider"], account_id=account["account_id"])
        for name, variable in account["secrets"].items():
            environ[variable] = stored.get_credentials()[name]
    data = next(c for c in config["connections"] if c["name"] == connection.name)
    data["mappings"].append({**mapping, "enabled": True, "order": 500, "default": False})
    import_config(config, environ)


def _cursors(connection) -> tuple[str, str]:
    state = ConnectionState.objects.get(connection=connection)
    return state.netsuite_cursor, state.app_cursor


@pytest.fixture
def vip_seeded(sandboxes, connection):
    """A NetSuite customer and a Google contact with VIP "yes", synced once (the catalogs are fetched)."""
    seed(
        sandboxes,
        netsuite=[ns_person("Ann", "Lee", "ann@example.com", custentity_vip=True)],
        google=[_vip_person("Vic", "vic@example.com", "yes")],
    )
    first = sync(connection)
    assert first.status == RunStatus.SUCCEEDED, first.error
    return connection


def test_import_refuses_a_two_way_mapping_of_a_check_box_with_free_text_and_stores_nothing(vip_seeded):
    connection = vip_seeded
    before = list(FieldMapping.objects.filter(connection=connection).values_list("pk", "netsuite_field", "direction"))
    with pytest.raises(ConfigError) as refused:
        _import_adding(connection, VIP)
    message = str(refused.value)
    assert "custentity_vip ⇄ userDefined.VIP" in message
    assert "free text is not a yes/no answer" in message
    assert "nothing was imported" in message
    after = list(FieldMapping.objects.filter(connection=connection).values_list("pk", "netsuite_field", "direction"))
    assert after == before


def test_import_accepts_the_same_pair_in_the_direction_the_table_allows(vip_seeded, sandboxes):
    connection = vip_seeded
    _import_adding(connection, {**VIP, "direction": "to_app"})
    assert FieldMapping.objects.get(connection=connection, netsuite_field="custentity_vip").direction == "to_app"
    run = sync(connection, full=True)
    assert run.status == RunStatus.SUCCEEDED, run.error
    ann = g_by_email(sandboxes)["ann@example.com"][0]
    assert [(u["key"], u["value"]) for u in ann.get("userDefined", [])] == [("VIP", "Yes")]


def test_a_mapping_forced_into_the_database_is_skipped_and_named_and_never_stops_a_run(vip_seeded, sandboxes):
    connection = vip_seeded
    FieldMapping.objects.create(connection=connection, order=500, **VIP)  # bypasses every validation
    cursors_before = _cursors(connection)
    (ns_id,), (g_name,) = seed(
        sandboxes,
        netsuite=[ns_person("Bea", "Moe", "bea@example.com", custentity_vip=True)],
        google=[_vip_person("Cal", "cal@example.com", "yes")],
    )
    time.sleep(1.1)  # NetSuite's cursor counts in whole seconds: let this run's start differ from the last one's
    run = sync(connection)
    assert run.status == RunStatus.PARTIALLY_FAILED, run.error
    assert "Unexpected error" not in run.error
    assert "custentity_vip ⇄ userDefined.VIP was skipped" in run.error
    assert "free text is not a yes/no answer" in run.error
    # The records, with every other field, were written on both sides.
    assert ns_by_email(sandboxes)["cal@example.com"][0]["firstName"] == "Cal"
    assert g_by_email(sandboxes)["bea@example.com"][0]["names"][0]["givenName"] == "Bea"
    # The skipped mapping wrote nothing: Cal's "yes" did not become a ticked box.
    assert ns_by_email(sandboxes)["cal@example.com"][0].get("custentity_vip") in (None, False)
    cursors = _cursors(connection)
    assert json.loads(cursors[0])["since"] > json.loads(cursors_before[0])["since"]  # advanced, both sides
    assert cursors[1] != cursors_before[1]
    # The next run behaves the same way: it says so again, and does not crash.
    sandboxes.netsuite.touch("customer", ns_id, lastName="Moe-Smith")
    time.sleep(1.1)
    again = sync(connection)
    assert again.status == RunStatus.PARTIALLY_FAILED and "was skipped" in again.error, again.error
    assert g_by_email(sandboxes)["bea@example.com"][0]["names"][0]["familyName"] == "Moe-Smith"
    assert json.loads(_cursors(connection)[0])["since"] > json.loads(cursors[0])["since"]


def test_a_value_that_cannot_be_converted_fails_only_that_field_and_is_retried(sandboxes, connection):
    """Text into a list field: "Platinum" is not one of the Loyalty Tier options. The record is written
    without that field, its outcome says which field failed and why, the run is partially failed, and the
    record stays pending: the next run tries the field again (and nothing else)."""
    seed(sandboxes, google=[g_person("Tia", "Ray", "tia@example.com", userDefined=[{"key": "Tier", "value": "Gold"}])])
    assert sync(connection).status == RunStatus.SUCCEEDED  # fetches the catalogs, userDefined.Tier included
    FieldMapping.objects.create(
        connection=connection,
        netsuite_field="custentity_loyalty_tier",
        app_field="userDefined.Tier",
        direction="to_netsuite",
        order=500,
    )
    seed(
        sandboxes,
        google=[g_person("Uma", "Sky", "uma@example.com", userDefined=[{"key": "Tier", "value": "Platinum"}])],
    )
    run = sync(connection)
    assert run.status == RunStatus.PARTIALLY_FAILED, run.error
    assert "1 record(s) failed (1 of them partly written: some fields failed" in run.error
    uma = ns_by_email(sandboxes)["uma@example.com"][0]
    assert (uma["firstName"], uma["lastName"]) == ("Uma", "Sky")  # the other fields were written
    assert "custentity_loyalty_tier" not in uma
    outcome = RecordOutcome.objects.get(run=run, email="uma@example.com")
    assert outcome.outcome == Outcome.FIELD_FAILED
    assert "Loyalty Tier" in outcome.message and "Platinum" in outcome.message
    assert outcome.outcome in FAILING_OUTCOMES
    pending = MirrorRecord.objects.filter(connection=connection, pending=True, email_key="uma@example.com")
    assert pending.exists()
    # Next run: the field is tried again (and fails again), nothing else is written again.
    sandboxes.clear_logs()
    again = sync(connection)
    assert again.status == RunStatus.PARTIALLY_FAILED
    retried = RecordOutcome.objects.get(run=again, email="uma@example.com", outcome=Outcome.FIELD_FAILED)
    assert retried.diff == {} and "Platinum" in retried.message
    assert writes(sandboxes.requests()["netsuite"]) == []
    # Fixed on the Google side: the field is written and the record is done.
    g_name = g_by_email(sandboxes)["uma@example.com"][0]["resourceName"]
    sandboxes.google.touch(g_name, userDefined=[{"key": "Tier", "value": "silver"}])
    fixed = sync(connection)
    assert fixed.status == RunStatus.SUCCEEDED, fixed.error
    assert ns_by_email(sandboxes)["uma@example.com"][0]["custentity_loyalty_tier"]["id"] == "2"
    assert not pending.exists()


def test_a_rule_whose_condition_field_left_the_catalog_is_skipped_and_reported(sandboxes, connection):
    seed(sandboxes, netsuite=[ns_person("Ann", "Lee", "ann@example.com")])
    rule = Rule.objects.create(connection=connection, direction="to_app", name="Old field", order=20)
    Condition.objects.create(rule=rule, field_id="custentity_deleted_since", operator="is_not_empty")
    run = sync(connection)
    assert run.status == RunStatus.PARTIALLY_FAILED, run.error
    assert "the rule «Old field»" in run.error and "was skipped" in run.error
    assert "custentity_deleted_since" in run.error
    assert sorted(g_by_email(sandboxes)) == ["ann@example.com"]  # "Sync everyone" still synced


def test_import_refuses_a_rule_on_a_field_no_longer_in_the_catalog(vip_seeded):
    connection = vip_seeded
    config = export_config()
    environ = {}
    for account in config["accounts"]:
        stored = ConnectedAccount.objects.get(provider=account["provider"], account_id=account["account_id"])
        environ.update({var: stored.get_credentials()[name] for name, var in account["secrets"].items()})
    data = next(c for c in config["connections"] if c["name"] == connection.name)
    data["rules"].append(
        {
            "direction": "to_app",
            "name": "Gone",
            "order": 20,
            "match": "all",
            "enabled": True,
            "conditions": [{"field_id": "custentity_deleted_since", "operator": "is_not_empty", "value": None}],
            "actions": [],
        }
    )
    with pytest.raises(ConfigError, match="custentity_deleted_since"):
        import_config(config, environ)
    assert not Rule.objects.filter(connection=connection, name="Gone").exists()
