"""The planner (pure, table-driven): per direction, rules then the three-way merge then rule actions, into an
outcome and the writes to make. Merge details (policies, failing fields) are in tests/pipeline/test_merge.py
and tests/engine/test_merge_pure.py."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from connections.choices import ConflictPolicy
from connections.providers.fields import FieldSpec, FieldType
from rules.choices import Operator
from rules.specs import ActionSpec, ConditionSpec, RuleSpec
from syncengine.choices import Outcome, SyncDirection
from syncengine.merge import Slot
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
EVERYONE = RuleSpec("Sync everyone")
WITH_TITLE = RuleSpec("People with a title", conditions=(ConditionSpec("title", Operator.IS_NOT_EMPTY),))
SET_TITLE = RuleSpec("Everyone is a buyer", actions=(ActionSpec("organization.title", "Buyer"),))
TO_APP, TO_NS = SyncDirection.TO_APP, SyncDirection.TO_NETSUITE

NS_ANN = {"firstName": "Ann", "title": "CFO"}
APP_ANN = {"givenName": "Ann", "organization.title": "CFO"}


def config(to_app=EVERYONE, policy=ConflictPolicy.MOST_RECENT) -> SyncConfig:
    slots = [FIRST, TITLE]
    return SyncConfig(
        slots=slots,
        netsuite_catalog={s.netsuite.id: s.netsuite for s in slots},
        app_catalog={s.app.id: s.app for s in slots},
        rules_to_app=[to_app],
        rules_to_netsuite=[EVERYONE],
        conflict_policy=policy,
    )


def ns(values, snapshot=None, modified=EARLY, changed=False) -> SideRecord:
    return SideRecord("7", values, snapshot, modified, changed=changed)


def app(values, snapshot=None, modified=EARLY, changed=False) -> SideRecord:
    return SideRecord("people/1" if values is not None else None, values, snapshot, modified, changed=changed)


CASES = [
    (
        "a new NetSuite record is created in the app with its mapped values",
        config(),
        ns(NS_ANN, changed=True),
        app(None),
        False,
        {TO_APP: (Outcome.CREATED, {"givenName": "Ann", "organization.title": "CFO"})},
    ),
    (
        "a change in NetSuite updates that field only in the app",
        config(),
        ns({"firstName": "Ann", "title": "CEO"}, NS_ANN, changed=True),
        app(APP_ANN, APP_ANN),
        True,
        {TO_APP: (Outcome.UPDATED, {"organization.title": "CEO"})},
    ),
    (
        "a change in the app updates NetSuite",
        config(),
        ns(NS_ANN, NS_ANN),
        app({"givenName": "Annie", "organization.title": "CFO"}, APP_ANN, changed=True),
        True,
        {TO_NS: (Outcome.UPDATED, {"firstName": "Annie"})},
    ),
    (
        "a record read as changed with nothing mapped changed is unchanged",
        config(),
        ns(NS_ANN, NS_ANN, changed=True),
        app(APP_ANN, APP_ANN),
        True,
        {TO_APP: (Outcome.UNCHANGED, {})},
    ),
    (
        "a new record no rule matches is skipped by the rules",
        config(to_app=WITH_TITLE),
        ns({"firstName": "Ann"}, changed=True),
        app(None),
        False,
        {TO_APP: (Outcome.SKIPPED_BY_RULES, {})},
    ),
    (
        "a linked record that no longer matches is excluded by the rules, left as is",
        config(to_app=WITH_TITLE),
        ns({"firstName": "Ann", "title": None}, NS_ANN, changed=True),
        app(APP_ANN, APP_ANN),
        True,
        {TO_APP: (Outcome.EXCLUDED_BY_RULES, {})},
    ),
    (
        "a conflict is resolved for the most recent side, and logged on both directions' plans",
        config(),
        ns({"firstName": "Ann", "title": "CEO"}, NS_ANN, modified=LATE, changed=True),
        app({"givenName": "Ann", "organization.title": "COO"}, APP_ANN, modified=EARLY, changed=True),
        True,
        {
            TO_APP: (Outcome.CONFLICT_RESOLVED, {"organization.title": "CEO"}),
            TO_NS: (Outcome.UNCHANGED, {}),
        },
    ),
    (
        "both sides changed to the same value: no conflict, nothing to write",
        config(policy=ConflictPolicy.NETSUITE_WINS),
        ns({"firstName": "Ann", "title": "CFO"}, {"firstName": "Ann", "title": "Buyer"}, changed=True),
        app({"givenName": "Ann", "organization.title": "CFO"}, {"givenName": "Ann", "organization.title": "Buyer"}),
        True,
        {TO_APP: (Outcome.UNCHANGED, {})},
    ),
    (
        "a rule action overrides the mapped value on create",
        config(to_app=SET_TITLE),
        ns(NS_ANN, changed=True),
        app(None),
        False,
        {TO_APP: (Outcome.CREATED, {"givenName": "Ann", "organization.title": "Buyer"})},
    ),
    (
        "a rule action whose value the target holds writes nothing",
        config(to_app=SET_TITLE),
        ns({"firstName": "Ann", "title": "CEO"}, NS_ANN, changed=True),
        app({"givenName": "Ann", "organization.title": "Buyer"}, {"givenName": "Ann", "organization.title": "Buyer"}),
        True,
        {TO_APP: (Outcome.UNCHANGED, {})},
    ),
]


@pytest.mark.parametrize(("case", "cfg", "netsuite", "app_side", "exists_before", "expected"), CASES)
def test_each_direction_gets_the_outcome_and_writes_of_its_rules_merge_and_actions(
    case, cfg, netsuite, app_side, exists_before, expected
):
    pair = plan_pair(cfg, netsuite, app_side, now=LATE, exists_before=exists_before)
    got = {plan.direction: (plan.outcome, plan.writes) for plan in pair.plans}
    assert got == expected, case


def test_a_conflict_names_the_field_both_values_and_the_winner_in_the_message():
    pair = plan_pair(
        config(),
        ns({"firstName": "Ann", "title": "CEO"}, NS_ANN, modified=LATE, changed=True),
        app({"givenName": "Ann", "organization.title": "COO"}, APP_ANN, modified=EARLY, changed=True),
        now=LATE,
        exists_before=True,
    )
    assert pair.conflicts == ["Job Title ⇄ Title: NetSuite 'CEO' vs app 'COO' → netsuite"]
    assert pair.conflicts[0] in pair.for_direction(TO_APP).message


def test_an_action_overwriting_an_existing_value_is_said_and_counted():
    pair = plan_pair(
        config(to_app=SET_TITLE),
        ns({"firstName": "Ann", "title": "CEO"}, NS_ANN, changed=True),
        app(APP_ANN, APP_ANN),
        now=LATE,
        exists_before=True,
    )
    plan = pair.for_direction(TO_APP)
    assert (plan.outcome, plan.writes) == (Outcome.UPDATED, {"organization.title": "Buyer"})
    assert plan.action_overwrites == ["Everyone is a buyer: organization.title"]
    assert plan.diff() == {"organization.title": ["CFO", "Buyer"]}
