"""Every admin page costs a fixed number of SQL queries (issue 15, "Speed"): the same with a small data set and
one three times as big (no query per row, per run or per record), and at most the number written here.

The pages are those ``scripts/admin-timings`` times (``devtools.admin_timings.admin_pages``), the data
that script's scale seed (``seed_scale``) at test size.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import connection as db
from django.db import transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from devtools.admin_timings import Page, ScaleSize, admin_pages, seed_scale
from syncengine.models import WorkerHeartbeat

SMALL = ScaleSize(
    connections=2,
    runs_per_connection=2,
    outcomes=16,
    records_per_connection=6,
    change_entries_per_connection=3,
    google_accounts=2,
    extra_mappings=1,
    rule_parts=1,
)
# Three times as many connections, runs, outcomes, records, change entries, custom mappings and conditions and
# actions per rule (lists hold 3x the rows; the pages of one connection or rule show 3x its own).
BIG = ScaleSize(
    connections=6,
    runs_per_connection=6,
    outcomes=6 * 6 * 12,
    records_per_connection=18,
    change_entries_per_connection=9,
    google_accounts=6,
    extra_mappings=3,
    rule_parts=3,
)

# The most queries each page may take (a superuser's request: its session and user are two of them).
MAX_QUERIES = {
    "index": 4,
    "groups (list)": 5,
    "users (list)": 6,
    "Scheduled tasks (list)": 6,
    "Successful tasks (list)": 7,
    "Failed tasks (list)": 7,
    "Queued tasks (list)": 6,
    "connected accounts (list)": 5,
    "subsidiaries (list)": 6,
    "field mappings (list)": 6,
    "field catalogs (list)": 6,
    "rules (list)": 8,
    "connections (list)": 7,
    "sync runs (list)": 8,
    "record outcomes (list)": 5,
    "record links (list)": 5,
    "worker heartbeats (list)": 5,
    "changes (list)": 10,
    "outcomes: latest of each record": 5,
    "outcomes: latest, one connection": 5,
    "outcomes: failing (latest)": 5,
    "outcomes: all failing": 5,
    "outcomes: search 'rosa'": 5,
    "outcomes: page 2": 5,
    "runs: one connection": 8,
    "links: one connection": 5,
    "connections: needs attention": 7,
    "connection page": 51,
    "run page": 5,
    "outcome page": 7,
    "record link page": 6,
    "change history entry": 4,
    "NetSuite account page": 3,
    "Google account page": 3,
    "subsidiary page": 4,
    "field mapping page": 10,
    "field catalog page": 4,
    "rule page": 12,
    "user page": 7,
    "worker heartbeat page": 3,
    "rule: add (start links)": 4,
    "rule: add for a connection": 6,
    "connection: add": 6,
    "health page": 15,
    "progress (JSON)": 9,
    "wizard: start": 7,
    "Run now (POST)": 9,  # 8, and since issue 16 the time its task was sent (sent_at: a lost task is sent again)
    "Dry run (POST)": 9,
    "Full resync: its confirmation (POST)": 3,
}


def _queries(client, page: Page) -> int:
    with CaptureQueriesContext(db) as captured:
        response = client.get(page.url) if page.post is None else client.post(page.url, page.post)
    assert response.status_code < 400, f"{page.label}: HTTP {response.status_code}"
    return len(captured)


def _counts(client, connection_id: int) -> dict[str, int]:
    from connections.models import Connection
    from syncengine.models import SyncRun

    counts = {}
    for page in admin_pages(Connection.objects.get(pk=connection_id)):
        for _ in range(2):  # the second time: Django's caches (content types) are as warm as in a running site
            counts[page.label] = _queries(client, page)
            if page.post is not None:
                SyncRun.objects.filter(status="queued").delete()  # Run now queued one: the next would queue none
    return counts


@pytest.fixture
def counts_small_and_big(db, _measured_once):
    return _measured_once


@pytest.fixture(scope="module")
def _measured_once(django_db_setup, django_db_blocker):
    """Query counts of every page about a connection of the small data set, then (with the big one added)
    about a connection of the big one: measured once for the tests below, in a transaction rolled back
    afterwards (as pytest-django's ``db`` does around a test), by a superuser like ``admin_client``'s."""
    with django_db_blocker.unblock(), transaction.atomic():
        admin_user = get_user_model().objects.create_superuser("admin", "ops@example.com", "password")
        admin_client = Client()
        admin_client.force_login(admin_user)
        WorkerHeartbeat.objects.create(cluster="test", host="localhost", last_seen=timezone.now())
        small_ids = seed_scale(SMALL, tag="S")
        small = _counts(admin_client, small_ids[0])
        big_ids = seed_scale(BIG, tag="B", seed=16)
        big = _counts(admin_client, big_ids[0])
        transaction.set_rollback(True)
    return small, big


def test_every_admin_page_is_measured(counts_small_and_big):
    small, _ = counts_small_and_big
    assert set(small) == set(MAX_QUERIES), "a page without a query budget, or a budget without its page"


def test_no_admin_page_costs_more_queries_with_three_times_the_data(counts_small_and_big):
    small, big = counts_small_and_big
    grew = {label: (small[label], big[label]) for label in small if big[label] != small[label]}
    assert not grew, f"queries per page (small → 3x data) not fixed: {grew}"


def test_each_admin_page_stays_within_its_query_budget(counts_small_and_big):
    small, big = counts_small_and_big
    over = {
        label: max(small[label], big[label])
        for label in small
        if max(small[label], big[label]) > MAX_QUERIES.get(label, 0)
    }
    assert not over, f"pages over their query budget: {over}"


def test_the_latest_outcome_filter_picks_what_grouping_every_outcome_picks(db):
    """``is_latest`` (no later real outcome of the record) and ``latest_outcome_ids`` (the highest id per
    connection, direction and record) choose the same outcomes: dry runs left out, a record's id shared by two
    connections (S0 and B0 use the same NetSuite ids) counted per connection."""
    from syncengine.latest_outcomes import is_latest, latest_outcome_ids
    from syncengine.models import RecordOutcome

    seed_scale(SMALL, tag="S")
    seed_scale(BIG, tag="B", seed=16)

    grouped = set(RecordOutcome.objects.filter(id__in=latest_outcome_ids()).values_list("id", flat=True))
    filtered = set(RecordOutcome.objects.filter(is_latest()).values_list("id", flat=True))
    assert RecordOutcome.objects.filter(run__dry_run=True).exists()
    assert 0 < len(grouped) < RecordOutcome.objects.count()
    assert filtered == grouped
