"""The benchmark's theoretical minimum (``devtools.bench.figures``), table-driven and pure: each side's least
time from its app's published limits (the registry's ``Capabilities.limits``) and the latency; no process,
no sandbox, no database."""

from __future__ import annotations

import pytest

from connections.providers.registry import ApiLimits
from devtools.bench.figures import SideLimits, minimum_seconds, side_limits, side_seconds

NONE = {"create": 0, "update": 0}


def test_each_app_declares_the_limits_of_its_reference():
    hubspot = side_limits("hubspot", 5)
    assert (hubspot.limits.full_read_page, hubspot.limits.change_read_page, hubspot.write_batch) == (100, 200, 100)
    assert (hubspot.limits.window_requests, hubspot.limits.window_s, hubspot.limits.change_reads_per_s) == (190, 10, 5)
    assert hubspot.concurrency == 1
    netsuite = side_limits("netsuite", 7)
    assert (netsuite.concurrency, netsuite.write_batch, netsuite.limits.change_read_extra) == (7, 1, 1)
    google = side_limits("google_contacts", 5)
    assert (google.limits.full_read_page, google.write_batch, google.limits.window_requests) == (1000, 200, None)
    assert google.limits.update_batch is None and hubspot.limits.update_batch is None  # updates batch as creates
    # Mailchimp (reference C.3, C.4, C.7): 1,000 members a page, the archived members listed on every read since
    # a cursor, 10 requests in flight, batch subscribe 500, and no batch update: one PATCH a member.
    mailchimp = side_limits("mailchimp", 5)
    assert (mailchimp.limits.full_read_page, mailchimp.limits.change_read_page) == (1000, 1000)
    assert (mailchimp.limits.change_read_extra, mailchimp.concurrency) == (1, 10)
    assert (mailchimp.write_batch, mailchimp.limits.update_batch) == (500, 1)
    assert (mailchimp.limits.window_requests, mailchimp.limits.change_reads_per_s) == (None, None)


# (app, latency s, records read, creates, updates, incremental) -> seconds, and why.
CASES = [
    # HubSpot, first read: 100 list pages + 50 batch creates + 25 batch updates = 175 requests at 50 ms,
    # under 190 in a window: the latency decides.
    ("hubspot", 0.05, 10_000, 5_000, 2_500, False, 175 * 0.05),
    # 1,000 updates and 19,000 listed: 190 + 10 = 200 requests; the 191st waits a window: 10 s + 50 ms
    # beats 200 × 1 ms.
    ("hubspot", 0.001, 19_000, 0, 1_000, False, 10.0 + 0.001),
    # Reading changes: 38 search pages of 200 (7,500 records) and the recycle bin; 5 searches a second:
    # the 38th search starts after 7 s.
    ("hubspot", 0.05, 7_500, 0, 0, True, 7 + 0.05),
    # No change: one search and the recycle bin.
    ("hubspot", 0.05, 0, 0, 0, True, 2 * 0.05),
    # 100 changed, 100 updated: a search, the recycle bin, one batch update.
    ("hubspot", 0.05, 100, 0, 100, True, 3 * 0.05),
    # NetSuite, concurrency 5: 10 pages, then 7,500 writes 5 at a time.
    ("netsuite", 0.05, 10_000, 5_000, 2_500, False, (10 + 1_500) * 0.05),
    # NetSuite since a cursor: a page and the DeletedRecord query.
    ("netsuite", 0.05, 0, 0, 0, True, 2 * 0.05),
    # Google: 10 pages, 25 + 13 batches of 200, no window.
    ("google_contacts", 0.05, 10_000, 5_000, 2_501, False, (10 + 25 + 13) * 0.05),
    # Mailchimp, first read: 10 pages of 1,000 one after the other, then 10 batch subscribes of 500 and
    # 2,500 PATCHes, 10 in flight: 251 rounds.
    ("mailchimp", 0.05, 10_000, 5_000, 2_500, False, (10 + 251) * 0.05),
    # Creates only: 20 batches of 500, 10 at once: 2 rounds after the one page.
    ("mailchimp", 0.05, 1_000, 10_000, 0, False, (1 + 2) * 0.05),
    # 2,501 PATCHes: 251 rounds of 10, the last PATCH alone in its round (no read: still one page).
    ("mailchimp", 0.01, 0, 0, 2_501, False, (1 + 251) * 0.01),
    # Reading changes: 8 pages (7,500 echoes) and the archived members' list.
    ("mailchimp", 0.05, 7_500, 0, 0, True, (8 + 1) * 0.05),
    # No change: one page and the archived list.
    ("mailchimp", 0.05, 0, 0, 0, True, 2 * 0.05),
    # 100 changed, 100 updated: a page, the archived list, 100 PATCHes 10 at a time.
    ("mailchimp", 0.05, 100, 0, 100, True, (1 + 1 + 10) * 0.05),
]


@pytest.mark.parametrize(("app", "latency", "reads", "creates", "updates", "incremental", "expected"), CASES)
def test_a_sides_least_time(app, latency, reads, creates, updates, incremental, expected):
    side = side_limits(app, 5)
    got = side_seconds(latency, side, reads, {"create": creates, "update": updates}, incremental=incremental)
    assert got == pytest.approx(expected)


def test_a_window_and_a_per_second_limit_bound_a_side_that_latency_alone_would_not():
    limits = ApiLimits(full_read_page=10, change_read_page=10, window_requests=4, window_s=2.0, change_reads_per_s=1)
    side = SideLimits(limits, write_batch=10, concurrency=1)
    # 9 requests, 4 per 2 s: the 9th starts after two windows.
    assert side_seconds(0.0, side, 90, NONE, incremental=False) == pytest.approx(4.0)
    # Change reads: 5 pages, 4 per 2 s (the 5th after 2 s) but 1 a second (the 5th after 4 s): the rate wins.
    assert side_seconds(0.0, side, 50, NONE, incremental=True) == pytest.approx(4.0)
    # A first read is not a search: only the window applies.
    assert side_seconds(0.0, side, 50, NONE, incremental=False) == pytest.approx(2.0)
    # Without a window, the per-second limit alone.
    only_rate = SideLimits(ApiLimits(change_read_page=10, change_reads_per_s=2), write_batch=10, concurrency=1)
    assert side_seconds(0.01, only_rate, 50, NONE, incremental=True) == pytest.approx(2.01)


def test_the_run_minimum_is_each_side_after_the_other_and_the_slower_side():
    sides = {"netsuite": side_limits("netsuite", 5), "hubspot": side_limits("hubspot", 5)}
    reads = {"netsuite": 10_000, "hubspot": 10_000}
    writes = {"netsuite": {"create": 5_000, "update": 2_500}, "hubspot": {"create": 5_000, "update": 2_500}}
    serial, overlapped = minimum_seconds(0.05, sides, reads, writes, incremental=False)
    assert serial == pytest.approx(0.05 * (1_510 + 175))
    assert overlapped == pytest.approx(0.05 * 1_510)  # NetSuite's single-record writes are the slower side


def test_against_mailchimp_the_run_minimum_counts_a_patch_per_update():
    sides = {"netsuite": side_limits("netsuite", 5), "mailchimp": side_limits("mailchimp", 5)}
    reads = {"netsuite": 10_000, "mailchimp": 10_000}
    writes = {"netsuite": {"create": 5_000, "update": 2_500}, "mailchimp": {"create": 5_000, "update": 2_500}}
    serial, overlapped = minimum_seconds(0.05, sides, reads, writes, incremental=False)
    # NetSuite 10 pages + 1,500 rounds of 5 writes; Mailchimp 10 pages + 251 rounds of 10 (10 batches, 2,500 PATCHes).
    assert serial == pytest.approx(0.05 * (1_510 + 261))
    assert overlapped == pytest.approx(0.05 * 1_510)


def test_an_update_batch_of_its_own_applies_to_updates_only():
    limits = ApiLimits(full_read_page=100, update_batch=1, concurrency=2)
    side = SideLimits(limits, write_batch=50, concurrency=2)
    # 1 page; 100 creates in 2 batches and 6 updates one each: 8 requests, 2 at a time.
    writes = {"create": 100, "update": 6}
    assert side_seconds(1.0, side, 100, writes, incremental=False) == pytest.approx(1 + 4)
    # Without it, updates batch as creates: 2 + 1 requests, 2 rounds.
    batched = SideLimits(ApiLimits(full_read_page=100, concurrency=2), write_batch=50, concurrency=2)
    assert side_seconds(1.0, batched, 100, writes, incremental=False) == pytest.approx(1 + 2)
