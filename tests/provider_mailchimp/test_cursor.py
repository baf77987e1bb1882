"""An audience's read cursor (pure): the overlap before the latest change read, and the window that settles once
a read has covered it at least the overlap after the change was first seen (as HubSpot's does)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from connections.providers.mailchimp.cursor import OVERLAP, Cursor, load_cursor, lower_bound, next_cursor

T0 = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)


def test_the_cursor_round_trips_and_reads_the_first_bare_time_form():
    cursor = Cursor(T0, T0 + timedelta(seconds=3), T0 - timedelta(hours=1))
    assert load_cursor(cursor.dump()) == cursor
    assert load_cursor("2026-12-05T09:00:00+00:00") == Cursor(T0)
    for broken in (None, "", "nonsense", '{"v": 2, "since": "2026-12-05T09:00:00+00:00"}', '{"v": 1}'):
        assert load_cursor(broken) is None


def test_a_first_read_starts_the_cursor_at_its_latest_change_or_at_its_start_for_an_empty_audience():
    ended = T0 + timedelta(seconds=9)
    assert next_cursor(None, T0 - timedelta(minutes=2), T0, ended) == Cursor(T0 - timedelta(minutes=2), ended)
    assert next_cursor(None, None, T0, ended) == Cursor(T0, ended)


def test_reads_overlap_until_one_starts_the_overlap_after_the_change_was_first_seen_then_start_there():
    first = Cursor(T0, since_read_at=T0 + timedelta(seconds=10))
    assert lower_bound(first) == T0 - OVERLAP
    soon = next_cursor(first, None, T0 + timedelta(minutes=1), T0 + timedelta(minutes=1, seconds=1))
    assert soon == first  # too soon: nothing settled, the same overlap read again
    late = T0 + timedelta(seconds=10) + OVERLAP
    settled = next_cursor(first, None, late, late + timedelta(seconds=1))
    assert settled.settled == T0 and settled.since == T0
    assert lower_bound(settled) == T0 - timedelta(seconds=1)  # the strict bound reads T0's own second again


def test_a_newer_change_moves_since_and_keeps_what_was_settled():
    settled = Cursor(T0, T0 + timedelta(seconds=5), settled=T0)
    newer = T0 + timedelta(minutes=30)
    moved = next_cursor(settled, newer, newer + timedelta(seconds=2), newer + timedelta(seconds=4))
    assert (moved.since, moved.since_read_at, moved.settled) == (newer, newer + timedelta(seconds=4), T0)
    assert lower_bound(moved) == newer - OVERLAP  # the overlap again, for the new change
