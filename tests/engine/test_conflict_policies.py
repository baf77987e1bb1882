"""The conflict policies and the empty-value rule through real syncs against both sandboxes:
edit the same field on both sides, run, and read the value back from each side."""

from __future__ import annotations

import pytest

from connections.choices import ConflictPolicy
from syncengine.choices import Outcome, RunStatus
from syncengine.models import RecordOutcome

from .harness import make_connection, sync
from .helpers import g_by_email, ns_by_email, ns_person, seed

pytestmark = pytest.mark.django_db


def _linked_pair(sandboxes, settings, policy: str) -> tuple:
    connection = make_connection(sandboxes, settings, conflict_policy=policy)
    (ns_id,), _ = seed(sandboxes, netsuite=[ns_person("Ann", "Lee", "ann@example.com", title="Buyer")])
    assert sync(connection).status == RunStatus.SUCCEEDED
    g_name = g_by_email(sandboxes)["ann@example.com"][0]["resourceName"]
    return connection, ns_id, g_name


def _edit_both(sandboxes, ns_id, g_name, *, ns_title, app_title, netsuite_later: bool) -> None:
    """Change the title on both sides; the side named by ``netsuite_later`` is modified a minute later."""
    sandboxes.netsuite.set_clock_offset(60 if netsuite_later else -60)
    sandboxes.netsuite.touch("customer", ns_id, title=ns_title)
    sandboxes.netsuite.set_clock_offset(0)
    organizations = [{"name": "Acme", "title": app_title}] if app_title else []
    sandboxes.google.touch(g_name, organizations=organizations)


def _titles(sandboxes) -> tuple:
    ns = ns_by_email(sandboxes)["ann@example.com"][0].get("title") or None
    orgs = g_by_email(sandboxes)["ann@example.com"][0].get("organizations", [])
    return ns, (orgs[0].get("title") if orgs else None)


def test_netsuite_wins_even_when_the_app_changed_later(sandboxes, settings):
    connection, ns_id, g_name = _linked_pair(sandboxes, settings, ConflictPolicy.NETSUITE_WINS)
    _edit_both(sandboxes, ns_id, g_name, ns_title="CFO", app_title="CEO", netsuite_later=False)
    run = sync(connection)
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert _titles(sandboxes) == ("CFO", "CFO")
    conflict = RecordOutcome.objects.get(run=run, outcome=Outcome.CONFLICT_RESOLVED)
    assert "'CFO'" in conflict.message and "'CEO'" in conflict.message and "→ netsuite" in conflict.message


def test_the_app_wins_even_when_netsuite_changed_later(sandboxes, settings):
    connection, ns_id, g_name = _linked_pair(sandboxes, settings, ConflictPolicy.APP_WINS)
    _edit_both(sandboxes, ns_id, g_name, ns_title="CFO", app_title="CEO", netsuite_later=True)
    run = sync(connection)
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert _titles(sandboxes) == ("CEO", "CEO")
    conflict = RecordOutcome.objects.get(run=run, outcome=Outcome.CONFLICT_RESOLVED)
    assert "→ app" in conflict.message


@pytest.mark.parametrize(
    ("policy", "cleared_side"),
    [
        (ConflictPolicy.NETSUITE_WINS, "netsuite"),
        (ConflictPolicy.APP_WINS, "app"),
        (ConflictPolicy.MOST_RECENT, "netsuite"),
    ],
)
def test_an_empty_value_never_blanks_the_other_side_in_a_conflict(sandboxes, settings, policy, cleared_side):
    """The side that would win (by policy, or by being the most recent) cleared the field while the
    other side changed it: the non-empty value is kept on both sides."""
    connection, ns_id, g_name = _linked_pair(sandboxes, settings, policy)
    if cleared_side == "netsuite":
        _edit_both(sandboxes, ns_id, g_name, ns_title="", app_title="CEO", netsuite_later=True)
        expected = "CEO"
    else:
        _edit_both(sandboxes, ns_id, g_name, ns_title="CFO", app_title=None, netsuite_later=False)
        expected = "CFO"
    run = sync(connection)
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert _titles(sandboxes) == (expected, expected)
