"""The read cursor and the keyset pages of the incremental search (pure; reference B.3)."""

import pytest

from connections.providers.hubspot.cursor import (
    OVERLAP_MS,
    Cursor,
    KeysetPager,
    load_cursor,
    next_lower,
    search_body,
    settled_after,
)


def test_cursor_round_trips_and_a_garbled_one_means_read_everything():
    cursor = Cursor(since=1_700_000_000_000, archived_since=1_700_000_100_000)
    assert load_cursor(cursor.dump()) == cursor
    assert load_cursor(None) is None
    assert load_cursor("not json") is None
    assert load_cursor('{"v": 2, "since": 1}') is None
    assert load_cursor("syncToken-of-another-app") is None


def test_search_filters_and_sorts_on_the_last_modified_property_with_a_full_page():
    body = search_body("lastmodifieddate", 1000, ["email"])
    assert body["filterGroups"] == [
        {"filters": [{"propertyName": "lastmodifieddate", "operator": "GTE", "value": "1000"}]}
    ]
    assert body["sorts"] == [{"propertyName": "lastmodifieddate", "direction": "ASCENDING"}]
    assert body["limit"] == 200 and body["properties"] == ["email"]
    assert "after" not in body  # keyset, never an offset


def test_equal_timestamps_at_a_page_edge_are_read_once_and_none_is_lost():
    pager = KeysetPager(lower=100)
    # A full page (say the limit is 4 here) ending with two records at 300.
    first = [("a", 100), ("b", 200), ("c", 300), ("d", 300)]
    assert pager.take(first, full=True) == ["a", "b", "c", "d"]
    assert pager.lower == 300 and not pager.done
    # The next search starts at 300 (GTE): c and d again, and e at the same millisecond, then f.
    second = [("d", 300), ("c", 300), ("e", 300), ("f", 400)]
    assert pager.take(second, full=False) == ["e", "f"]
    assert pager.done and not pager.stuck and pager.latest == 400


def test_a_full_page_of_one_millisecond_is_stuck_so_the_reader_lists_everything():
    pager = KeysetPager(lower=500)
    assert pager.take([("a", 500), ("b", 500)], full=True) == ["a", "b"]
    assert pager.stuck and pager.done


def test_an_empty_page_ends_the_read_and_keeps_no_time():
    pager = KeysetPager(lower=500)
    assert pager.take([], full=False) == []
    assert pager.done and pager.latest is None


def test_the_overlap_covers_the_search_index_lag():
    assert OVERLAP_MS >= 60_000


MINUTE = 60_000


def test_a_cursor_with_its_read_time_and_settled_time_round_trips_and_an_old_one_still_loads():
    cursor = Cursor(
        since=1_700_000_000_000, archived_since=1, since_read_at=1_700_000_005_000, settled=1_699_999_000_000
    )
    assert load_cursor(cursor.dump()) == cursor
    assert load_cursor('{"v": 1, "since": 5, "archived_since": 3}') == Cursor(since=5, archived_since=3)


def test_the_next_search_starts_at_the_overlap_until_the_window_is_settled():
    since = 1_700_000_000_000
    assert next_lower(Cursor(since=since)) == since - OVERLAP_MS
    assert next_lower(Cursor(since=since, settled=since)) == since  # nothing below it left to read
    assert next_lower(Cursor(since=since, settled=since - 2 * OVERLAP_MS)) == since - OVERLAP_MS


# (the read that first saw ``since`` ended at, this read started at, settled before) -> settled after
SETTLING = [
    (0, OVERLAP_MS - 1, None, None),  # not long enough: HubSpot's index may still owe a record before since
    (0, OVERLAP_MS, None, "since"),  # an overlap later: everything before since is in the index, and read
    (0, 3 * OVERLAP_MS, None, "since"),
    (None, 10 * OVERLAP_MS, None, None),  # a cursor of before: its read time unknown, nothing settled
    (0, 1, 123, 123),  # an earlier settled time stays until this since settles
]


@pytest.mark.parametrize(("read_at", "started", "settled", "expected"), SETTLING)
def test_the_window_settles_an_overlap_after_the_read_that_saw_since_on_this_machines_clock(
    read_at, started, settled, expected
):
    since = 1_700_000_000_000
    local = 5_000_000  # this machine's clock, far from HubSpot's: only durations count
    previous = Cursor(since=since, since_read_at=None if read_at is None else local + read_at, settled=settled)
    got = settled_after(previous, local + started)
    assert got == (since if expected == "since" else expected)
