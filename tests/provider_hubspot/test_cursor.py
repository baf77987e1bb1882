"""The read cursor and the keyset pages of the incremental search (pure; reference B.3)."""

from connections.providers.hubspot.cursor import OVERLAP_MS, Cursor, KeysetPager, load_cursor, search_body


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
