"""read_changes against the HubSpot sandbox over real HTTP: the first full listing, the incremental search
with its cursor, archived contacts as deletions, ties of one millisecond at a page edge, and the fallback
to a full listing when more than 10,000 records changed (reference B.3, B.7)."""

import json
import time

from connections.providers.base import WriteRequest
from connections.providers.hubspot.cursor import Cursor
from connections.providers.hubspot.objects import SYNC_KEY_PROPERTY

LIST = "/crm/v3/objects/contacts"
SEARCH = "/crm/v3/objects/contacts/search"
HOUR = 3600.0


def _read(client, cursor):
    """Every page of one read: (records, the new cursor, whether it was a full read)."""
    pages = list(client.read_changes("contacts", cursor))
    assert pages[-1].last and all(not p.last for p in pages[:-1])
    assert all(p.cursor is None for p in pages[:-1])
    records = [r for p in pages for r in p.records]
    return records, pages[-1].cursor, pages[-1].full_read


def test_first_read_lists_every_contact_over_several_pages(hubspot):
    hubspot.app.seed({"generate": {"contacts": 250, "companies": 0}})
    hubspot.app.archive("contacts", "1010")  # in the recycle bin: not listed, and no deletion on a first read

    records, cursor, full = _read(hubspot.client(), None)

    assert full and cursor
    assert len(records) == 249 and len({r.id for r in records}) == 249
    assert "1010" not in {r.id for r in records} and not any(r.deleted for r in records)
    assert len(hubspot.api_calls("GET", LIST)) == 3  # 100 a page (the list's maximum): 249 contacts need three pages
    assert hubspot.api_calls("POST", SEARCH) == []
    one = next(r for r in records if r.id == "1001")
    assert one.values["email"].endswith("@example.org") and one.modified_at is not None


def _at(hubspot, hours: float) -> None:
    """Set the sandbox's clock ``hours`` from now (the writes that follow happen then)."""
    hubspot.app.clock = lambda: time.time() + hours * HOUR


def test_incremental_read_returns_only_what_changed_and_its_cursor_round_trips(hubspot):
    # The contacts were made five hours ago, and 1001 changed three hours ago: the first read's watermark.
    _at(hubspot, -5)
    hubspot.app.seed({"generate": {"contacts": 120, "companies": 0}})
    _at(hubspot, -3)
    hubspot.app.touch("contacts", "1001", lastname="Watermark")
    _at(hubspot, 0)
    client = hubspot.client()
    _, cursor, _ = _read(client, None)

    _at(hubspot, -1)  # changes after the watermark
    hubspot.app.touch("contacts", "1005", firstname="Renamed")
    hubspot.app.touch("contacts", "1110", jobtitle="CTO")
    [new] = hubspot.seed_contacts({"email": "new@example.com", "firstname": "New"})
    hubspot.app.archive("contacts", "1050")

    records, cursor2, full = _read(hubspot.client(), cursor)  # a new client: the cursor is all it knows

    assert not full
    changed = {r.id: r for r in records if not r.deleted}
    deleted = {r.id for r in records if r.deleted}
    # 1001 sits at the old watermark: the search is GTE it (minus the client's 10-minute overlap for the
    # index lag), so it is read again; none of the 116 other unchanged contacts is.
    assert set(changed) == {"1001", "1005", "1110", new}
    assert changed["1005"].values["firstname"] == "Renamed"
    assert changed["1110"].values["jobtitle"] == "CTO"
    assert deleted == {"1050"}
    assert len(records) == 5  # each once
    assert hubspot.api_calls("POST", SEARCH)

    # Later, one more change: the next read from the returned cursor has it, and nothing older than the
    # previous read's changes (those sit in the overlap of the new watermark).
    _at(hubspot, 0)
    hubspot.app.touch("contacts", "1002", lastname="Again")
    records, cursor3, full = _read(hubspot.client(), cursor2)
    ids = {r.id for r in records}
    assert not full and cursor3
    assert "1002" in ids and ids <= {"1002", "1005", "1110", new, "1050"}
    assert next(r for r in records if r.id == "1002").values["lastname"] == "Again"


def test_an_archived_contact_comes_as_a_deletion_and_the_old_recycle_bin_does_not(hubspot):
    _at(hubspot, -5)
    ids = hubspot.app.seed(
        {
            "contacts": [
                {"properties": {"email": "a@example.com"}},
                {"properties": {"email": "b@example.com"}},
                {"properties": {"email": "old@example.com"}, "archived": True},  # deleted before we synced
            ]
        }
    )["ids"]["contacts"]
    _at(hubspot, 0)
    client = hubspot.client()
    _, cursor, _ = _read(client, None)
    _at(hubspot, 1)
    hubspot.app.archive("contacts", ids[0])

    lists_before = len(hubspot.api_calls("GET", LIST))
    records, _, full = _read(client, cursor)

    assert not full
    assert len(hubspot.api_calls("GET", LIST)) > lists_before  # the recycle bin (search never shows it, B.3)
    assert {r.id for r in records if r.deleted} == {ids[0]}
    assert ids[0] not in {r.id for r in records if not r.deleted}
    assert ids[2] not in {r.id for r in records}


def test_a_tie_of_one_millisecond_across_a_page_edge_loses_nothing(hubspot):
    hubspot.app.seed({"generate": {"contacts": 300, "companies": 0}})
    client = hubspot.client()
    _, cursor, _ = _read(client, None)

    # An hour later, 150 contacts change one after another, then 150 in the same millisecond (as one
    # batch write may): the search's page of 200 ends in the middle of that tie.
    base = int((time.time() + HOUR) * 1000)
    store = hubspot.app.portal.store("contacts")
    with hubspot.app.lock:
        for i, record_id in enumerate(range(1001, 1301)):
            store.touch(store.records[record_id], base + min(i, 150))

    records, _, full = _read(client, cursor)

    assert not full
    ids = [r.id for r in records]
    assert len(ids) == len(set(ids)) == 300  # none lost, none twice
    assert set(ids) == {str(i) for i in range(1001, 1301)}
    assert len(hubspot.api_calls("POST", SEARCH)) >= 2


def test_more_than_10000_changes_fall_back_to_listing_everything(hubspot):
    started = time.monotonic()
    hubspot.app.seed({"generate": {"contacts": 10_001, "companies": 0}})
    seeded_in = time.monotonic() - started
    # A cursor of an hour ago, as the last read would have left it: 10,001 contacts changed since.
    an_hour_ago = int((time.time() - HOUR) * 1000)
    cursor = Cursor(since=an_hour_ago, archived_since=an_hour_ago).dump()

    records, cursor2, full = _read(hubspot.client(), cursor)

    assert full
    assert len({r.id for r in records if not r.deleted}) == 10_001
    searches = hubspot.api_calls("POST", SEARCH)
    assert len(searches) == 1  # the first search said total 10,001: no paging into the 400 beyond 10,000
    assert seeded_in < 5
    assert cursor2


def test_after_the_fallback_the_next_read_searches_again(hubspot):
    # Once the fallback left the cursor at the latest change it saw (the import itself): the next search,
    # from it minus the overlap, counted the same 10,001 contacts again and every later read listed all.
    _at(hubspot, -2)  # a bulk import two hours ago
    hubspot.app.seed({"generate": {"contacts": 10_001, "companies": 0}})
    _at(hubspot, 0)
    three_hours_ago = int((time.time() - 3 * HOUR) * 1000)
    _, cursor, full = _read(hubspot.client(), Cursor(since=three_hours_ago, archived_since=three_hours_ago).dump())
    assert full
    hubspot.app.touch("contacts", "1001", firstname="Next")  # one change, two hours after the import
    records, _, full = _read(hubspot.client(), cursor)
    assert not full and len(records) < 10_001


def test_a_change_the_search_index_shows_late_is_read_by_the_next_run(hubspot):
    # "Newly created or updated records take a few moments to appear in search" (B.3): the overlap of the
    # cursor catches a change the index did not show yet.
    hubspot.app.config.search_lag_seconds = 30
    hubspot.app.reset()  # the stores take the lag when they are made
    _at(hubspot, -5)
    hubspot.app.seed({"generate": {"contacts": 20, "companies": 0}})
    _at(hubspot, 0)
    client = hubspot.client()
    _, cursor, _ = _read(client, None)
    _at(hubspot, 1)
    hubspot.app.touch("contacts", "1002", firstname="Early")
    _at(hubspot, 1.5)
    hubspot.app.touch("contacts", "1003", firstname="Late")  # still in the index's lag at the next read

    records, cursor, _ = _read(client, cursor)
    assert {r.id: r.values["firstname"] for r in records if r.id in ("1002", "1003")} == {"1002": "Early"}

    _at(hubspot, 1.5 + 60 / HOUR)  # a minute later the index shows it
    records, _, _ = _read(client, cursor)
    assert "Late" in [r.values["firstname"] for r in records if r.id == "1003"]


def test_companies_read_and_write_with_their_own_modified_property(hubspot):
    _at(hubspot, -5)
    hubspot.app.seed({"generate": {"contacts": 0, "companies": 130}})
    _at(hubspot, -3)
    hubspot.app.touch("companies", "1001", name="Watermark Inc")
    _at(hubspot, 0)
    client = hubspot.client()
    records, cursor, full = _read_type(client, "companies", None)
    assert full and len(records) == 130 and records[0].values["name"]

    _at(hubspot, 1)
    hubspot.app.touch("companies", "1007", name="Renamed Ltd")
    [created] = client.create_many("companies", [WriteRequest(key="ns:c1", values={"name": "New Co"})])
    assert created.ok, created.error
    records, _, full = _read_type(client, "companies", cursor)
    changed = {r.id: r.values["name"] for r in records if not r.deleted}
    assert not full
    assert changed["1007"] == "Renamed Ltd" and changed[created.record_id] == "New Co"
    assert set(changed) == {"1001", "1007", created.record_id}  # 1001: at the old watermark (the overlap)
    assert SYNC_KEY_PROPERTY in hubspot.app.state()["custom_properties"]["companies"]


def _read_type(client, object_type, cursor):
    pages = list(client.read_changes(object_type, cursor))
    return [r for p in pages for r in p.records], pages[-1].cursor, pages[-1].full_read


def test_a_quiet_portal_is_searched_again_only_until_the_overlap_has_passed(hubspot):
    # A bulk of 300 contacts written twenty minutes ago, and nothing since: the reads right after the first
    # search them all again (the overlap), and keep doing so while HubSpot's index might still owe one.
    _at(hubspot, -20 / 60)
    hubspot.app.seed({"generate": {"contacts": 300, "companies": 0}})
    _at(hubspot, 0)
    records, cursor, full = _read(hubspot.client(), None)
    assert full and len(records) == 300
    records, cursor, _ = _read(hubspot.client(), cursor)
    assert len(records) == 300  # the overlap, read back
    assert json.loads(cursor).get("settled") is None

    # An overlap later on this machine's clock (the cursor's read time set back, as if the runs were eleven
    # minutes apart): one more read of the window, after which it is settled.
    later = json.loads(cursor)
    later["since_read_at"] -= 11 * 60_000
    records, cursor, _ = _read(hubspot.client(), json.dumps(later))
    assert len(records) == 300
    assert json.loads(cursor)["settled"] == later["since"]

    hubspot.app.touch("contacts", "1100", firstname="Fresh")  # a change after it is read as ever
    before = len(hubspot.api_calls("POST", SEARCH))
    records, cursor, full = _read(hubspot.client(), cursor)
    assert not full
    fresh = [r for r in records if r.id == "1100"]
    assert fresh and fresh[0].values["firstname"] == "Fresh"
    assert len(records) < 10  # the fresh change and the contacts at the settled millisecond, not the 300
    assert len(hubspot.api_calls("POST", SEARCH)) - before == 1
