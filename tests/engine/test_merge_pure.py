"""The three-way merge and the planner's outcomes, as pure functions (no database, no HTTP).

Conflict policies (most recent / NetSuite wins / the app wins), the rule that an
empty value never blanks the other side in a conflict, and a field that cannot be
converted failing that field only (never the record, never the run).
"""

from __future__ import annotations

from datetime import UTC, datetime

from connections.choices import ConflictPolicy
from connections.providers.fields import FieldOption, FieldSpec, FieldType
from rules.specs import RuleSpec
from syncengine.choices import Outcome, SyncDirection
from syncengine.merge import APP, NETSUITE, Slot, merge
from syncengine.planner import SideRecord, plan_pair
from syncengine.sync_config import SyncConfig

EARLY = datetime(2026, 1, 1, 9, tzinfo=UTC)
LATE = datetime(2026, 1, 1, 10, tzinfo=UTC)

TITLE = Slot(
    FieldSpec("title", "Job Title", FieldType.TEXT),
    FieldSpec("organization.title", "Title", FieldType.TEXT),
    to_app=True,
    to_netsuite=True,
)
FIRST = Slot(
    FieldSpec("firstName", "First Name", FieldType.TEXT),
    FieldSpec("givenName", "Given name", FieldType.TEXT),
    to_app=True,
    to_netsuite=True,
)
# A pair the compatibility table refuses (text → check box), as if it had got past validation.
VIP = Slot(
    FieldSpec("custentity_vip", "VIP", FieldType.BOOLEAN, custom=True),
    FieldSpec("userDefined.VIP", "VIP", FieldType.TEXT),
    to_app=True,
    to_netsuite=True,
)
TIER = Slot(
    FieldSpec(
        "custentity_tier",
        "Loyalty Tier",
        FieldType.SELECT,
        options=(FieldOption("1", "Gold"), FieldOption("2", "Silver")),
    ),
    FieldSpec("userDefined.Tier", "Tier", FieldType.TEXT),
    to_app=False,
    to_netsuite=True,
)
PHONE = Slot(
    FieldSpec("phone", "Phone", FieldType.PHONE),
    FieldSpec("phone.work", "Work phone", FieldType.PHONE),
    to_app=True,
    to_netsuite=True,
)


def _both_edited(policy: str, *, ns_modified=EARLY, app_modified=LATE, ns="CFO", app="CEO"):
    return merge(
        [TITLE],
        {"title": ns},
        {"organization.title": app},
        {"title": "Buyer"},
        {"organization.title": "Buyer"},
        policy=policy,
        netsuite_modified=ns_modified,
        app_modified=app_modified,
    )


def test_netsuite_wins_a_conflict_even_when_the_app_changed_later():
    result = _both_edited(ConflictPolicy.NETSUITE_WINS, ns_modified=EARLY, app_modified=LATE)
    assert result.to_app == {"organization.title": "CFO"} and result.to_netsuite == {}
    assert [(c.winner, c.netsuite_value, c.app_value) for c in result.conflicts] == [(NETSUITE, "CFO", "CEO")]


def test_the_app_wins_a_conflict_even_when_netsuite_changed_later():
    result = _both_edited(ConflictPolicy.APP_WINS, ns_modified=LATE, app_modified=EARLY)
    assert result.to_netsuite == {"title": "CEO"} and result.to_app == {}
    assert [c.winner for c in result.conflicts] == [APP]


def test_most_recent_wins_by_default():
    assert _both_edited(ConflictPolicy.MOST_RECENT, ns_modified=LATE, app_modified=EARLY).to_app == {
        "organization.title": "CFO"
    }
    assert _both_edited(ConflictPolicy.MOST_RECENT, ns_modified=EARLY, app_modified=LATE).to_netsuite == {
        "title": "CEO"
    }


def test_an_empty_value_never_blanks_the_other_side_whatever_the_policy():
    # NetSuite cleared the title, the app changed it: even "NetSuite wins" keeps the app's value.
    cleared_in_netsuite = _both_edited(ConflictPolicy.NETSUITE_WINS, ns=None, app="CEO", ns_modified=LATE)
    assert cleared_in_netsuite.to_app == {} and cleared_in_netsuite.to_netsuite == {"title": "CEO"}
    assert [c.winner for c in cleared_in_netsuite.conflicts] == [APP]
    # The app cleared it, NetSuite changed it: even "the app wins" keeps NetSuite's value.
    cleared_in_app = _both_edited(ConflictPolicy.APP_WINS, ns="CFO", app="", app_modified=LATE)
    assert cleared_in_app.to_netsuite == {} and cleared_in_app.to_app == {"organization.title": "CFO"}
    # And with most recent: the later clearing still does not blank the other side.
    cleared_later = _both_edited(ConflictPolicy.MOST_RECENT, ns=None, app="CEO", ns_modified=LATE, app_modified=EARLY)
    assert cleared_later.to_netsuite == {"title": "CEO"} and cleared_later.to_app == {}


def test_an_incompatible_pair_fails_that_field_only_and_the_others_merge():
    result = merge(
        [FIRST, VIP],
        {"firstName": "Ann"},
        {"givenName": "Annie", "userDefined.VIP": "yes"},
        {"firstName": "Ann"},
        {"givenName": "Ann"},
    )
    assert result.to_netsuite == {"firstName": "Annie"}  # the other field still flows
    assert [(f.target, f.source_field) for f in result.failures] == [(NETSUITE, "userDefined.VIP")]
    assert "free text is not a yes/no answer" in result.failures[0].message


def test_a_value_that_cannot_be_converted_fails_that_field_only():
    result = merge([FIRST, TIER], None, {"givenName": "Uma", "userDefined.Tier": "Platinum"}, None, None)
    assert result.to_netsuite == {"firstName": "Uma"}
    assert [(f.target, f.source_field) for f in result.failures] == [(NETSUITE, "userDefined.Tier")]
    assert "Platinum" in result.failures[0].message


def _config(*slots: Slot) -> SyncConfig:
    everyone = [RuleSpec("Sync everyone")]
    return SyncConfig(
        slots=list(slots),
        netsuite_catalog={s.netsuite.id: s.netsuite for s in slots},
        app_catalog={s.app.id: s.app for s in slots},
        rules_to_app=everyone,
        rules_to_netsuite=everyone,
    )


def test_the_planner_marks_a_partly_written_record_and_names_the_field():
    pair = plan_pair(
        _config(FIRST, TIER),
        SideRecord("7", {"firstName": "Ann"}, {"firstName": "Ann"}, EARLY),
        SideRecord(
            "people/1", {"givenName": "Annie", "userDefined.Tier": "Platinum"}, {"givenName": "Ann"}, LATE, True
        ),
        now=LATE,
        exists_before=True,
    )
    plan = pair.for_direction(SyncDirection.TO_NETSUITE)
    assert plan.outcome == Outcome.FIELD_FAILED
    assert plan.writes == {"firstName": "Annie"}  # written, the failing field aside
    assert plan.failed_fields == ["userDefined.Tier"]
    assert plan.message.startswith("Not written: Loyalty Tier ⇄ Tier:") and "Platinum" in plan.message


def test_field_warnings_are_prefixed_in_the_outcome_message():
    pair = plan_pair(
        _config(FIRST, PHONE),
        SideRecord("7", {"firstName": "Ann", "phone": "call me maybe"}, {"firstName": "Ann"}, LATE, True),
        SideRecord("people/1", {"givenName": "Ann"}, {"givenName": "Ann"}, EARLY),
        now=LATE,
        exists_before=True,
    )
    plan = pair.for_direction(SyncDirection.TO_APP)
    assert plan.outcome == Outcome.UPDATED
    assert plan.message.startswith("Warning: Phone ⇄ Work phone:") and "kept as typed" in plan.message
