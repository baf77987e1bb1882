"""The pure parts of re-applying a changed configuration: its fingerprint, the mappings new to a link,
and the merge of a mapping new to a pair (no base: merged as never synced)."""

from dataclasses import replace

from connections.choices import ConflictPolicy
from connections.providers.fields import FieldSpec, FieldType
from rules.choices import ApplyOn
from rules.specs import ActionSpec, RuleSpec
from syncengine.merge import Slot, merge
from syncengine.replan import config_fingerprint, new_slots
from syncengine.sync_config import SyncConfig

FIRST = FieldSpec("firstName", "First Name", FieldType.TEXT)
GIVEN = FieldSpec("givenName", "First name", FieldType.TEXT)
NICK = FieldSpec("userDefined.Nickname", "Nickname (custom field)", FieldType.TEXT, custom=True)
NAMES = Slot(FIRST, GIVEN, to_app=True, to_netsuite=True)
FIRST_TO_NICK = Slot(FIRST, NICK, to_app=True, to_netsuite=False)


def _config(slots, rules=()) -> SyncConfig:
    return SyncConfig(slots=list(slots), netsuite_catalog={}, app_catalog={}, rules_to_app=list(rules))


def test_the_fingerprint_follows_mappings_and_rule_actions_and_nothing_else():
    rule = RuleSpec("Sync everyone", actions=(ActionSpec("organization.name", "Acme", on=ApplyOn.CREATE),))
    base = config_fingerprint(_config([NAMES], [rule]))
    assert config_fingerprint(_config([NAMES], [rule])) == base
    assert config_fingerprint(_config([NAMES, FIRST_TO_NICK], [rule])) != base  # a mapping added
    assert config_fingerprint(_config([replace(NAMES, to_netsuite=False)], [rule])) != base  # a direction
    overwrite = replace(rule, actions=(ActionSpec("organization.name", "Acme", on=ApplyOn.BOTH),))
    assert config_fingerprint(_config([NAMES], [overwrite])) != base  # an action's timing
    same = _config([NAMES], [rule])
    same.conflict_policy = ConflictPolicy.APP_WINS
    assert config_fingerprint(same) == base  # policies decide between changes; a re-plan has none


def test_slots_new_to_a_link_are_those_its_configuration_lacked():
    planned = frozenset({NAMES.key})
    snapshots = ({"firstName": "Ann"}, {"givenName": "Ann"})
    assert new_slots([NAMES, FIRST_TO_NICK], planned, *snapshots) == {FIRST_TO_NICK.key}
    assert new_slots([NAMES], planned, *snapshots) == frozenset()


def test_a_link_synced_before_fingerprints_gets_the_mappings_that_never_flowed():
    # firstName is in the NetSuite snapshot (for first name ⇄ given name), the nickname never reached Google.
    snapshots = ({"firstName": "Ann"}, {"givenName": "Ann"})
    assert new_slots([NAMES, FIRST_TO_NICK], None, *snapshots) == {FIRST_TO_NICK.key}
    assert new_slots([NAMES, FIRST_TO_NICK], None, {"firstName": "Ann"}, {"givenName": "Ann", NICK.id: "A"}) == set()


def test_a_mapping_new_to_a_pair_flows_from_the_side_that_has_a_value_and_follows_the_policy_when_both_do():
    ns_base, app_base = {"firstName": "Ann"}, {"givenName": "Ann"}
    ns_now, app_now = {"firstName": "Ann"}, {"givenName": "Ann"}
    # With the snapshot as base, firstName looks unchanged: the new mapping would never be filled in.
    assert merge([NAMES, FIRST_TO_NICK], ns_now, app_now, ns_base, app_base).to_app == {}
    fresh = frozenset({FIRST_TO_NICK.key})
    assert merge([NAMES, FIRST_TO_NICK], ns_now, app_now, ns_base, app_base, fresh=fresh).to_app == {NICK.id: "Ann"}

    two_way = Slot(FIRST, NICK, to_app=True, to_netsuite=True)
    differing = {"givenName": "Ann", NICK.id: "Annie"}
    for policy, to_app, to_netsuite in (
        (ConflictPolicy.NETSUITE_WINS, {NICK.id: "Ann"}, {}),
        (ConflictPolicy.APP_WINS, {}, {"firstName": "Annie"}),
    ):
        result = merge(
            [NAMES, two_way], ns_now, differing, ns_base, app_base, policy=policy, fresh=frozenset({two_way.key})
        )
        assert (result.to_app, result.to_netsuite, len(result.conflicts)) == (to_app, to_netsuite, 1)
