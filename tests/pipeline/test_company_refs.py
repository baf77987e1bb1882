"""A contact's company translated between the sides through the company connection's links (pure, no database):
into NetSuite's ids before planning, back into the app's for the write, and held back while not linked."""

from __future__ import annotations

import pytest

from syncengine.choices import Outcome, SyncDirection
from syncengine.pipeline.company_refs import (
    CompanyIds,
    CompanyRef,
    app_values_in_netsuite_ids,
    ids_of,
    settle_company_writes,
    unlinked_value,
)
from syncengine.planner import DirectionPlan, PairPlan

REF = CompanyRef("company", "app_company")
IDS = CompanyIds(netsuite_of={"h1": "n1"}, app_of={"n1": "h1"}, netsuite_names={"n1": "Acme (link)"})


@pytest.mark.parametrize(
    ("app_value", "netsuite_value", "expected", "unlinked"),
    [
        ({"id": "h1", "name": ""}, {"id": "n1", "name": "Acme Ltd"}, {"id": "n1", "name": "Acme Ltd"}, {}),
        ({"id": "h1", "name": ""}, None, {"id": "n1", "name": "Acme (link)"}, {}),
        ({"id": "h1", "name": ""}, {"id": "n7", "name": "Other"}, {"id": "n1", "name": "Acme (link)"}, {}),
        ({"id": "h2", "name": ""}, None, unlinked_value("h2"), {"app_company": "h2"}),
        (None, {"id": "n1", "name": "Acme Ltd"}, None, {}),
    ],
)
def test_app_companies_are_given_in_netsuite_ids(app_value, netsuite_value, expected, unlinked):
    values, waiting = app_values_in_netsuite_ids(
        {"app_company": app_value, "email": "a@x.io"}, [REF], IDS, {"company": netsuite_value}
    )
    assert values == {"app_company": expected, "email": "a@x.io"}
    assert waiting == unlinked


def test_the_ids_to_look_up_leave_out_empty_and_unlinked_values():
    rows = [{"company": {"id": "n1"}}, {"company": None}, {"company": unlinked_value("h9")}, None]
    assert ids_of(rows, ["company"]) == {"n1"}


def _plan(direction: str, writes: dict, outcome: str = Outcome.UPDATED) -> DirectionPlan:
    return DirectionPlan(direction=direction, outcome=outcome, writes=dict(writes), before=dict.fromkeys(writes))


def test_a_write_to_the_app_goes_in_the_apps_ids():
    plan = _plan(SyncDirection.TO_APP, {"app_company": {"id": "n1", "name": "Acme"}, "email": "a@x.io"})
    overrides = settle_company_writes(PairPlan(plans=[plan]), [REF], IDS, {})
    assert overrides == {"app_company": {"id": "h1", "name": "Acme"}}
    assert plan.writes["app_company"] == {"id": "n1", "name": "Acme"}  # the plan (and snapshot) keep NetSuite's ids
    assert plan.waiting_fields == [] and plan.message == ""


def test_a_cleared_company_is_written_as_none():
    plan = _plan(SyncDirection.TO_APP, {"app_company": None})
    assert settle_company_writes(PairPlan(plans=[plan]), [REF], IDS, {}) == {"app_company": None}


def test_a_company_not_linked_yet_is_held_back_toward_the_app_with_a_warning():
    plan = _plan(SyncDirection.TO_APP, {"app_company": {"id": "n5", "name": "Beta"}}, Outcome.UPDATED)
    assert settle_company_writes(PairPlan(plans=[plan]), [REF], IDS, {}) == {}
    assert plan.writes == {} and plan.before == {}
    assert plan.waiting_fields == ["company"]  # NetSuite's field: its snapshot is kept, the record stays pending
    assert plan.outcome == Outcome.UNCHANGED
    assert plan.message.startswith("Warning: the company Beta is not linked yet; the contact's company is set by")


def test_a_create_keeps_its_outcome_when_its_company_waits():
    plan = _plan(SyncDirection.TO_APP, {"app_company": {"id": "n5", "name": ""}, "email": "a@x.io"}, Outcome.CREATED)
    settle_company_writes(PairPlan(plans=[plan]), [REF], IDS, {})
    assert plan.outcome == Outcome.CREATED and plan.writes == {"email": "a@x.io"}
    assert "the company internal id n5 is not linked yet" in plan.message


def test_an_app_company_not_linked_yet_is_held_back_toward_netsuite():
    plan = _plan(SyncDirection.TO_NETSUITE, {"company": unlinked_value("h2"), "phone": "+1"})
    settle_company_writes(PairPlan(plans=[plan]), [REF], IDS, {"app_company": "h2"})
    assert plan.writes == {"phone": "+1"} and plan.waiting_fields == ["app_company"]
    assert plan.outcome == Outcome.UPDATED and "the app's company h2 is not linked yet" in plan.message
