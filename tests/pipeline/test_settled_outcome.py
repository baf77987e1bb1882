"""syncengine.recorder.settled_outcome: what a successful write's outcome says once the provider has said what
it did (fields left as they were, values in another form, warnings)."""

from __future__ import annotations

import pytest

from connections.providers.base import WriteResult
from syncengine.choices import Outcome, SyncDirection
from syncengine.planner import DirectionPlan
from syncengine.recorder import settled_outcome

TO_APP = SyncDirection.TO_APP


@pytest.mark.parametrize(
    ("outcome", "writes", "before", "unwritten", "expected", "diff_keys"),
    [
        # a create that wrote its fields
        (Outcome.CREATED, {"email": "a@x.test", "name": "A"}, {}, [], Outcome.CREATED, {"email", "name"}),
        # a create the app answered with the record it had (nothing of ours written): linked
        (Outcome.CREATED, {"email": "a@x.test", "name": "A"}, {}, ["email", "name"], Outcome.LINKED, set()),
        # a create with one field left: still created
        (Outcome.CREATED, {"email": "a@x.test", "company": "Acme"}, {}, ["company"], Outcome.CREATED, {"email"}),
        # an update of nothing but a field left: unchanged
        (Outcome.UPDATED, {"company": "Acme"}, {"company": "Old"}, ["company"], Outcome.UNCHANGED, set()),
        # an update that wrote: updated
        (Outcome.UPDATED, {"name": "B"}, {"name": "A"}, [], Outcome.UPDATED, {"name"}),
    ],
)
def test_the_outcome_follows_what_the_provider_did(outcome, writes, before, unwritten, expected, diff_keys):
    plan = DirectionPlan(
        direction=TO_APP, outcome=outcome, create=outcome == Outcome.CREATED, writes=writes, before=before
    )
    result = WriteResult("k", record_id="7", unwritten=unwritten, warnings=["kept theirs"] if unwritten else [])
    settled, message, diff = settled_outcome(plan, result)
    assert settled == expected
    assert set(diff) == diff_keys
    assert ("Warning: kept theirs" in message) == bool(unwritten)
