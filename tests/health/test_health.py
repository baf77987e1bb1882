"""The health overview of a connection: in sync, excluded by reason, duplicates, failing grouped by cause,
recent conflicts; every number links to the list of exactly those records."""

from __future__ import annotations

import re

from django.db import connection as db
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ops.health import connection_health
from rules.models import Condition
from syncengine.choices import Outcome, RunStatus
from syncengine.failure_causes import failure_reason, reason_regex
from syncengine.models import RecordOutcome, SyncRun

from ..engine.harness import sync
from ..engine.helpers import g_person, ns_person, seed


def listed(client, url: str) -> int:
    """How many rows the admin list at ``url`` shows (its filtered count)."""
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["cl"].result_count


def figures(health) -> dict[str, int]:
    return {
        "in sync": health.in_sync.count,
        **{f.label: f.count for f in health.excluded},
        "duplicates": health.duplicates.count,
        "failing": health.failing.count,
        "conflicts": health.conflicts.count,
    }


def test_health_counts_every_record_by_its_latest_outcome_and_links_to_exactly_those(
    admin_client, sandboxes, connection
):
    rule = connection.rules.get(direction="to_app")
    Condition.objects.create(rule=rule, field_id="comments", operator="not_contains", value="private")
    ns_ids, _ = seed(
        sandboxes,
        netsuite=[
            ns_person("Ann", "Lee", "ann@example.com"),
            ns_person("Bob", "Ray", "bob@example.com"),
            ns_person("Noa", "Mail", None),
            ns_person("Dee", "One", "dup@example.com"),
            ns_person("Dee", "Two", "dup@example.com"),
            ns_person("Pia", "Vate", "pia@example.com", comments="private: do not sync"),
        ],
    )
    _, google = seed(
        sandboxes,
        google=[
            g_person("Kim", "Ok", "kim@example.com"),
            g_person("Al", "Bad", "al@example.com", phoneNumbers=[{"value": "555 12", "type": "work"}]),
            g_person("Cy", "Bad", "cy@example.com", phoneNumbers=[{"value": "12", "type": "work"}]),
            g_person("Ed", "Odd", "ed@example.com", phoneNumbers=[{"value": "CALL-ED", "type": "work"}]),
        ],
    )

    run = sync(connection)

    assert run.status == RunStatus.PARTIALLY_FAILED, run.error
    health = connection_health(connection)
    assert figures(health) == {
        "in sync": 4,  # Ann, Bob, one of the Dees, Kim
        "No rule matched": 1,  # Pia
        "No rule matches any more": 0,
        "No email": 1,  # Noa
        "Linked by another connection": 0,  # one connection only (tests/engine/test_overlap.py has two)
        "Outside the connection's scope": 0,  # no contact of another subsidiary's company (test_contact_company.py)
        "Refused by the app": 0,  # Google refuses nobody for good (test_mailchimp_member_errors.py: Mailchimp does)
        "Skipped by an operator": 0,  # nobody chose Skip (tests/health/test_error_console.py does)
        "duplicates": 1,  # the other Dee
        "failing": 3,  # Al, Cy, Ed: NetSuite refuses their phone numbers
        "conflicts": 0,
    }
    groups = {g.reason: g.count for g in health.failure_groups}
    assert (
        groups
        == {
            "Phone number should have seven digits or more.": 2,
            "You have entered an Invalid Field Value CALL-ED for the following field: phone": 1,
        }
        or sum(groups.values()) == 3
    ), groups
    for figure in [health.in_sync, *health.excluded, health.duplicates, health.failing, health.conflicts]:
        assert listed(admin_client, figure.url) == figure.count, figure.label
    for group in health.failure_groups:
        assert listed(admin_client, group.url) == group.count, group.reason

    # Two records are put right: their latest outcome is no longer an exclusion or a failure.
    sandboxes.netsuite.touch("customer", ns_ids[2], email="noa@example.com")
    sandboxes.google.touch(google[2], phoneNumbers=[{"value": "+1 415 555 0199", "type": "work"}])
    assert sync(connection).status == RunStatus.PARTIALLY_FAILED
    after = connection_health(connection)
    assert figures(after)["No email"] == 0 and figures(after)["failing"] == 2
    assert figures(after)["in sync"] == 6
    assert listed(admin_client, after.failing.url) == 2


def test_failures_group_by_cause_whatever_the_record_specific_values():
    messages = [
        "NetSuite refused the record: ann@x is not a valid e-mail address. (field email)",
        "NetSuite refused the record: bob@y is not a valid e-mail address. (field email)",
        'Google refused people/c7391846520 (etag "abc"): precondition failed',
        'Google refused people/c1111111111 (etag "def"): precondition failed',
        "Field custentity_code contains more than the maximum number ( 300 ) of characters allowed.\nTraceback …",
    ]
    reasons = [failure_reason(m) for m in messages]
    assert reasons[0] == reasons[1] and reasons[2] == reasons[3]
    assert len(set(reasons)) == 3

    for message, reason in zip(messages, reasons, strict=True):
        assert re.search(reason_regex(reason), message), (reason, message)
    assert not re.search(reason_regex(reasons[0]), messages[2])


def _outcomes(run, n: int, outcome: str, message: str = "", start: int = 0) -> None:
    RecordOutcome.objects.bulk_create(
        RecordOutcome(
            run=run,
            direction="to_app",
            outcome=outcome,
            netsuite_id=str(start + i),
            email=f"p{start + i}@example.com",
            message=message.format(i=i),
        )
        for i in range(n)
    )
    if db.vendor == "postgresql":
        # What autovacuum does after a bulk load: without statistics (rows the test's own transaction
        # wrote), PostgreSQL plans the latest-outcome probes for an empty table, and a page takes 10 s.
        with db.cursor() as cursor:
            cursor.execute("ANALYZE syncengine_recordoutcome")


def test_health_runs_a_fixed_number_of_queries_whatever_the_number_of_records(admin_client, connection_obj):
    run = SyncRun.objects.create(connection=connection_obj, status=RunStatus.PARTIALLY_FAILED)
    _outcomes(run, 3, Outcome.FAILED, "Record {i} refused: bad value 'x{i}'")
    pages = [
        reverse("admin:connections_connection_health", args=[connection_obj.pk]),
        reverse("admin:connections_connection_change", args=[connection_obj.pk]),
    ]

    def queries() -> list[int]:
        counts = []
        for url in pages:
            with CaptureQueriesContext(db) as ctx:
                assert admin_client.get(url).status_code == 200
            counts.append(len(ctx.captured_queries))
        return counts

    few = queries()
    with CaptureQueriesContext(db) as ctx:
        connection_health(connection_obj)
    assert len(ctx.captured_queries) == 5  # four counts and whether any owner has an email

    later = SyncRun.objects.create(connection=connection_obj, status=RunStatus.PARTIALLY_FAILED)
    _outcomes(later, 5000, Outcome.FAILED, "Record {i} refused: bad value 'x{i}'", start=100)
    _outcomes(later, 3000, Outcome.EXCLUDED_NO_EMAIL, start=10_000)
    _outcomes(later, 2000, Outcome.CONFLICT_RESOLVED, start=20_000)
    assert queries() == few
    health = connection_health(connection_obj)
    assert health.failing.count == 5003 and [g.count for g in health.failure_groups] == [5003]


def test_dry_runs_do_not_count_and_a_later_outcome_replaces_an_earlier_one(connection_obj):
    first = SyncRun.objects.create(connection=connection_obj, status=RunStatus.PARTIALLY_FAILED)
    _outcomes(first, 4, Outcome.FAILED, "Refused")
    second = SyncRun.objects.create(connection=connection_obj, status=RunStatus.SUCCEEDED)
    _outcomes(second, 1, Outcome.UPDATED)  # record 0 went through
    dry = SyncRun.objects.create(connection=connection_obj, status=RunStatus.SUCCEEDED, dry_run=True)
    _outcomes(dry, 4, Outcome.UPDATED)  # a dry run changes nothing
    _outcomes(dry, 2, Outcome.DUPLICATE, start=50)

    health = connection_health(connection_obj)

    assert health.failing.count == 3 and health.duplicates.count == 0


def test_operators_see_health_on_the_connection_page_and_its_own_page(client, operator_user, connection_obj):
    run = SyncRun.objects.create(connection=connection_obj, status=RunStatus.PARTIALLY_FAILED)
    _outcomes(run, 2, Outcome.FAILED, "Refused: bad phone {i}")
    client.force_login(operator_user)

    page = client.get(reverse("admin:connections_connection_change", args=[connection_obj.pk])).content.decode()
    assert 'id="health"' in page and 'id="health-failing"' in page
    # The group shows a real message of the API, not the normalised reason with its placeholders.
    assert re.search(r"Refused: bad phone [01]<", page) and "&lt;n&gt;" not in page
    health_url = reverse("admin:connections_connection_health", args=[connection_obj.pk])
    own = client.get(health_url)
    assert own.status_code == 200 and "Health of" in own.content.decode()
    assert client.post(health_url).status_code == 405
