from datetime import UTC, datetime, timedelta

from connections.providers.netsuite.cursor import (
    OVERLAP,
    TIME_ZONE_MARGIN,
    ChangeCursor,
    CursorBuilder,
    scope_key,
)

SINCE = datetime(2024, 5, 1, 10, 0, 0, tzinfo=UTC)
SCOPE = scope_key("company_customers", "3")


def test_cursor_round_trips_through_its_json_text():
    builder = CursorBuilder(SCOPE, SINCE)
    builder.observe("107", SINCE - timedelta(minutes=2))
    builder.observe_deletion("88", SINCE - timedelta(minutes=1))
    text = builder.cursor.encode()
    decoded = ChangeCursor.decode(text, SCOPE)
    assert decoded == builder.cursor
    assert decoded.seen == {"107": "2024-05-01T09:58:00Z"}
    assert decoded.deleted == {"88": "2024-05-01T09:59:00Z"}


def test_a_cursor_of_another_scope_or_version_or_garbage_means_a_full_read():
    text = CursorBuilder(SCOPE, SINCE).cursor.encode()
    assert ChangeCursor.decode(text, scope_key("contacts", "3")) is None
    assert ChangeCursor.decode(text, scope_key("company_customers", "4")) is None
    assert ChangeCursor.decode(text.replace('"v":1', '"v":99'), SCOPE) is None
    assert ChangeCursor.decode("not json", SCOPE) is None
    assert ChangeCursor.decode('{"v":1,"scope":"company_customers@3"}', SCOPE) is None
    assert ChangeCursor.decode(None, SCOPE) is None


def test_the_query_floor_is_a_day_and_the_overlap_before_since():
    cursor = ChangeCursor(SCOPE, SINCE)
    # A SuiteQL date literal is read in the account's time zone (UTC-12 to UTC+14).
    assert SINCE - cursor.query_floor >= timedelta(hours=24) + OVERLAP
    assert cursor.query_floor == SINCE - OVERLAP - TIME_ZONE_MARGIN


def test_only_changes_in_the_window_and_not_seen_with_the_same_time_are_new():
    seen_time = SINCE - timedelta(minutes=3)
    cursor = ChangeCursor(SCOPE, SINCE, seen={"1": "2024-05-01T09:57:00Z"})
    assert not cursor.is_new_change("1", seen_time)  # delivered by the previous read
    assert cursor.is_new_change("1", seen_time + timedelta(seconds=1))  # changed again since
    assert cursor.is_new_change("2", seen_time)  # saved during the previous read, behind its keyset
    assert not cursor.is_new_change("3", SINCE - OVERLAP - timedelta(seconds=1))  # before the window
    assert cursor.is_new_change("4", SINCE + timedelta(hours=1))
    assert cursor.is_new_change("5", None)  # no exact time: deliver rather than lose


def test_deletions_are_deduplicated_the_same_way():
    cursor = ChangeCursor(SCOPE, SINCE, deleted={"9": "2024-05-01T09:55:00Z"})
    assert not cursor.is_new_deletion("9", SINCE - timedelta(minutes=5))
    assert cursor.is_new_deletion("10", SINCE - timedelta(minutes=5))
    assert not cursor.is_new_deletion("11", SINCE - timedelta(hours=2))


def test_the_builder_keeps_only_what_falls_in_the_next_overlap_window():
    builder = CursorBuilder(SCOPE, SINCE)
    builder.observe("old", SINCE - OVERLAP - timedelta(seconds=1))
    builder.observe("edge", SINCE - OVERLAP)
    builder.observe("just-before", SINCE - timedelta(seconds=1))
    builder.observe("unknown", None)
    assert set(builder.cursor.seen) == {"edge", "just-before"}


def test_a_record_stamped_in_the_second_the_read_started_is_delivered_again():
    # It may be saved again within that second, under the same timestamp.
    builder = CursorBuilder(SCOPE, SINCE)
    builder.observe("same-second", SINCE)
    builder.observe("later", SINCE + timedelta(seconds=30))
    assert builder.cursor.seen == {}
    assert builder.cursor.is_new_change("same-second", SINCE)
    builder.observe_deletion("gone", SINCE)  # a deletion cannot happen twice
    assert not builder.cursor.is_new_deletion("gone", SINCE)
