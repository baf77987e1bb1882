"""Reading records from the sandbox over real HTTP: scope, paging, incremental changes, deletions, lookups."""

import json
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from connections.providers.capabilities import Capabilities, cached_catalog
from connections.providers.fields import FieldSpec, FieldType
from connections.providers.netsuite import NetSuiteClient
from sandbox.common.server import SandboxServer
from sandbox.netsuite import NetSuiteSandbox, default_config

from .conftest import CREDENTIAL_KEYS, id_range, sandbox_requests

SCOPES = {
    "company_customers": ("customer", False),
    "individual_customers": ("customer", True),
    "contacts": ("contact", None),
}


def expected_ids(sandbox, account, contact_type: str, subsidiary_id: str) -> set[str]:
    """The ids the sandbox holds for a contact type in a subsidiary, from its own view of the records."""
    record_type, is_person = SCOPES[contact_type]
    ids = set()
    for record_id in id_range(account, record_type):
        record = sandbox.get_record(record_type, record_id)
        if record is None or record["subsidiary"]["id"] != subsidiary_id:
            continue
        if is_person is None or record["isPerson"] is is_person:
            ids.add(record["id"])
    return ids


@contextmanager
def own_account(**settings):
    """A sandbox account of its own, configured with ``settings`` (time zone...), served
    over HTTP: ``(sandbox, client, base_url)``."""
    config = default_config()
    for name, value in settings.items():
        setattr(config, name, value)
    sandbox = NetSuiteSandbox(config)
    with SandboxServer(sandbox) as server:
        client = NetSuiteClient(
            config.account_id, {k: getattr(config, k) for k in CREDENTIAL_KEYS}, base_url=server.base_url
        )
        try:
            yield sandbox, client, server.base_url
        finally:
            client.close()


def read_all(client, contact_type, cursor, subsidiary_id, **kwargs):
    pages = list(client.read_changes(contact_type, cursor, subsidiary_id=subsidiary_id, **kwargs))
    assert pages and pages[-1].last and pages[-1].cursor
    assert all(page.cursor is None and not page.last for page in pages[:-1])
    records = [record for page in pages for record in page.records]
    return pages, records


@pytest.mark.parametrize("contact_type", list(SCOPES))
def test_each_contact_type_reads_exactly_its_own_records_in_the_subsidiary(client, sandbox, account, contact_type):
    for subsidiary_id in ("2", "3"):
        expected = expected_ids(sandbox, account, contact_type, subsidiary_id)
        assert expected  # the generated account has some of each
        pages, records = read_all(client, contact_type, None, subsidiary_id)
        ids = [r.id for r in records]
        assert sorted(ids) == sorted(expected)  # and no record twice
        assert all(page.full_read for page in pages)
        assert not any(r.deleted for r in records)


def test_records_carry_typed_values_equal_to_what_netsuite_stores(client, sandbox, account):
    _, records = read_all(client, "company_customers", None, "2")
    for record in records:
        stored = sandbox.get_record("customer", int(record.id))
        values = record.values
        assert values["companyName"] == stored["companyName"]
        assert values["email"] == stored.get("email")
        assert values["subsidiary"] == {"id": "2", "name": stored["subsidiary"]["refName"]}
        for ref in ("salesRep", "partner", "leadSource", "entityStatus", "globalSubscriptionStatus"):
            if ref in stored:
                assert values[ref] == {"id": stored[ref]["id"], "name": stored[ref]["refName"]}, ref
            else:
                assert values[ref] is None, ref
        assert record.modified_at == datetime.fromisoformat(stored["lastModifiedDate"].replace("Z", "+00:00"))
        assert record.modified_at.tzinfo == UTC
        assert values["isInactive"] is bool(stored.get("isInactive"))
        if "custentity_renewal_date" in stored:
            assert values["custentity_renewal_date"] == date.fromisoformat(stored["custentity_renewal_date"])
        if "custentity_discount_rate" in stored:
            assert values["custentity_discount_rate"] == Decimal(str(stored["custentity_discount_rate"]))
        if "custentity_interests" in stored:
            assert [v["id"] for v in values["custentity_interests"]] == [
                i["id"] for i in stored["custentity_interests"]["items"]
            ]
            assert all(v["name"] for v in values["custentity_interests"])
        assert record.meta["externalId"] == stored.get("externalId")


def test_paging_is_one_suiteql_request_per_page_without_per_record_gets(client, sandbox, base_url, account):
    client.field_catalog("individual_customers")  # the metadata, fetched once and cached
    before = len(sandbox_requests(base_url))
    pages, records = read_all(client, "individual_customers", None, "2", page_size=5)
    calls = sandbox_requests(base_url)[before:]
    assert len(records) > 10
    assert len(set(r.id for r in records)) == len(records)
    assert {(c["method"], c["path"]) for c in calls} == {("POST", "/services/rest/query/v1/suiteql")}
    record_pages = -(-len(records) // 5) + (1 if len(records) % 5 == 0 else 0)
    # Each page with records costs one more query: the default addresses of its records.
    assert len(calls) == record_pages + len([p for p in pages if p.records])
    assert len(pages) == len([p for p in pages if p.records]) + 1  # record pages, then the closing page


def test_incremental_read_returns_only_changes_and_deletions(client, sandbox, account):
    scope = sorted(expected_ids(sandbox, account, "company_customers", "2"), key=int)
    doomed = sandbox.create_record("customer", {"companyName": "Doomed Co", "subsidiary": {"id": "2"}})
    _, first = read_all(client, "company_customers", None, "2")
    assert str(doomed) in [r.id for r in first]
    cursor = read_all(client, "company_customers", None, "2")[0][-1].cursor

    # Users edit in NetSuite a few seconds before the next sync (record clock shifted back,
    # so that these edits are not stamped in the very second the next read starts).
    sandbox.set_clock_offset(-3)
    touched = scope[:2]
    for record_id in touched:
        sandbox.touch("customer", int(record_id), comments="changed in the NetSuite UI")
    other = next(iter(expected_ids(sandbox, account, "company_customers", "3")))
    sandbox.touch("customer", int(other), comments="another subsidiary")
    individual = next(iter(expected_ids(sandbox, account, "individual_customers", "2")))
    sandbox.touch("customer", int(individual), comments="another contact type")
    new_id = sandbox.create_record("customer", {"companyName": "New Co", "subsidiary": {"id": "2"}})
    sandbox.delete_record("customer", doomed)
    sandbox.set_clock_offset(0)

    pages, records = read_all(client, "company_customers", cursor, "2")
    assert not any(page.full_read for page in pages)
    changed = sorted(r.id for r in records if not r.deleted)
    assert changed == sorted([*touched, str(new_id)])
    assert all(r.values["comments"] == "changed in the NetSuite UI" for r in records if r.id in touched)
    deletions = [r for r in records if r.deleted]
    assert [r.id for r in deletions] == [str(doomed)]
    assert deletions[0].modified_at is not None

    # Nothing new since: the overlap window does not deliver the same changes twice.
    _, again = read_all(client, "company_customers", pages[-1].cursor, "2")
    assert again == []


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Etc/GMT+12"])
def test_a_read_with_nothing_new_is_two_requests_whatever_changed_earlier_that_day(zone):
    # Records changed an hour before the previous read (well inside the day that the
    # time-zone-blind literal spans) must not be read again: the exact UTC condition
    # keeps them out, so the read is one (empty) page of changes and one of deletions.
    with own_account(account_time_zone=zone) as (sandbox, client, base_url):
        ids = [
            sandbox.create_record("customer", {"companyName": f"Hour Co {n}", "subsidiary": {"id": "1"}})
            for n in range(3)
        ]
        sandbox.set_clock_offset(-3600)
        for record_id in ids:
            sandbox.touch("customer", record_id, comments="an hour ago")
        sandbox.set_clock_offset(0)
        client.field_catalog("company_customers")
        cursor = read_all(client, "company_customers", None, "1")[0][-1].cursor
        before = len(sandbox_requests(base_url))
        pages, records = read_all(client, "company_customers", cursor, "1", page_size=1)
        calls = sandbox_requests(base_url)[before:]
        assert records == []
        assert [(c["method"], c["path"]) for c in calls] == [("POST", "/services/rest/query/v1/suiteql")] * 2


def test_a_change_saved_behind_the_keyset_during_a_read_is_not_lost(client, sandbox, account):
    cursor = read_all(client, "company_customers", None, "2")[0][-1].cursor
    scope = sorted(expected_ids(sandbox, account, "company_customers", "2"), key=int)
    # A record stamped 20 minutes ahead of our clock: the next window must start at the
    # read's own start, not at the newest timestamp the read happens to see.
    sandbox.set_clock_offset(20 * 60)
    sandbox.touch("customer", int(scope[-1]), comments="stamped ahead")
    sandbox.set_clock_offset(0)
    reader = client.read_changes("company_customers", cursor, subsidiary_id="2", page_size=1)
    assert [r.id for r in next(reader).records] == [scope[-1]]
    # Saved while the read goes on, on a record the keyset has passed: this read misses it.
    sandbox.touch("customer", int(scope[0]), comments="during the read")
    rest = list(reader)
    assert scope[0] not in [r.id for page in rest for r in page.records]
    _, later = read_all(client, "company_customers", rest[-1].cursor, "2")
    assert [r.values["comments"] for r in later if r.id == scope[0]] == ["during the read"]


def test_a_cursor_of_another_scope_gives_a_full_read(client, account):
    cursor = read_all(client, "company_customers", None, "2")[0][-1].cursor
    pages, records = read_all(client, "company_customers", cursor, "3")
    assert pages[-1].full_read and records
    assert json.loads(pages[-1].cursor)["scope"] == "company_customers@3"
    pages, _ = read_all(client, "company_customers", "not a cursor", "2")
    assert pages[-1].full_read


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Etc/GMT+12", "America/Los_Angeles", "UTC"])
def test_incremental_reads_are_safe_in_any_account_time_zone(zone):
    # NetSuite reads SuiteQL date literals in the account's time zone (UTC-12 to UTC+14).
    with own_account(account_time_zone=zone) as (sandbox, client, _):
        record_id = sandbox.create_record("customer", {"companyName": "Zone Co", "subsidiary": {"id": "1"}})
        cursor = read_all(client, "company_customers", None, "1")[0][-1].cursor
        sandbox.touch("customer", record_id, comments="edited")
        _, records = read_all(client, "company_customers", cursor, "1")
        assert [r.id for r in records] == [str(record_id)]


def test_get_many_returns_the_records_of_that_type_only(client, sandbox, account):
    companies = sorted(expected_ids(sandbox, account, "company_customers", "2"), key=int)[:3]
    person = next(iter(expected_ids(sandbox, account, "individual_customers", "2")))
    records = client.get_many("company_customers", [*companies, person, "999999"])
    assert sorted(r.id for r in records) == sorted(companies)
    assert client.get_many("individual_customers", [person])[0].id == person
    assert client.get_many("company_customers", companies, subsidiary_id="3") == []


def test_find_by_emails_is_case_insensitive_and_returns_every_match(client, sandbox, account):
    _, records = read_all(client, "contacts", None, "2")
    with_email = [r for r in records if r.values["email"]]
    target = with_email[0]
    email = target.values["email"]
    found = client.find_by_emails("contacts", [f"  {email.upper()} ", "nobody@example.com"], subsidiary_id="2")
    assert target.id in [r.id for r in found]
    assert all(r.values["email"].lower() == email.lower() for r in found)

    # Two records sharing one email are both found.
    twin = sandbox.create_record(
        "contact", {"firstName": "Twin", "lastName": "Record", "email": email.title(), "subsidiary": {"id": "2"}}
    )
    found = client.find_by_emails("contacts", [email], subsidiary_id="2")
    assert {target.id, str(twin)} <= {r.id for r in found}
    # Scoped to a subsidiary: the same email in subsidiary 3 finds that record, and only it.
    elsewhere = sandbox.create_record(
        "contact", {"firstName": "Other", "lastName": "Sub", "email": email, "subsidiary": {"id": "3"}}
    )
    in_three = client.find_by_emails("contacts", [email], subsidiary_id="3")
    assert [r.id for r in in_three] == [str(elsewhere)]
    assert [r.values["subsidiary"]["id"] for r in in_three] == ["3"]
    assert client.find_by_emails("contacts", ["", "  "], subsidiary_id="2") == []


def test_a_catalog_handed_over_saves_the_metadata_request(make_client, sandbox, base_url, account):
    cached = make_client().field_catalog("company_customers")
    client = make_client()
    client.use_catalog("company_customers", cached)
    before = len(sandbox_requests(base_url))
    _, records = read_all(client, "company_customers", None, "2")
    calls = sandbox_requests(base_url)[before:]
    assert records
    assert {c["path"] for c in calls} == {"/services/rest/query/v1/suiteql"}


def test_a_stale_catalog_naming_a_removed_field_falls_back_to_the_live_metadata(
    make_client, sandbox, base_url, account
):
    live = make_client().field_catalog("company_customers")
    gone = FieldSpec(id="custentity_removed_since", label="Removed", type=FieldType.TEXT, custom=True)
    client = make_client()
    client.use_catalog("company_customers", [*live, gone])
    before = len(sandbox_requests(base_url))
    _, records = read_all(client, "company_customers", None, "2")
    calls = sandbox_requests(base_url)[before:]
    assert sorted(r.id for r in records) == sorted(expected_ids(sandbox, account, "company_customers", "2"))
    assert calls[0]["status"] == 400  # the query with the removed field
    assert any(c["path"].startswith("/services/rest/record/v1/metadata-catalog/") for c in calls)
    assert all("custentity_removed_since" not in r.values for r in records)


def test_a_refused_cached_catalog_is_remembered_so_the_next_run_reads_the_metadata_at_once(
    make_client, sandbox, base_url, account
):
    live = make_client().field_catalog("company_customers")
    gone = FieldSpec(id="custentity_removed_since", label="Removed", type=FieldType.TEXT, custom=True)
    memory = Capabilities()  # what client_for stores on the account, shared by the runs
    first = make_client(capabilities=memory)
    first.use_catalog("company_customers", [*live, gone])
    before = len(sandbox_requests(base_url))
    read_all(first, "company_customers", None, "2")
    assert sandbox_requests(base_url)[before]["status"] == 400  # refused once
    assert memory.refused(cached_catalog("company_customers"))

    second = make_client(capabilities=memory)  # the next run, handed the same stale catalog
    second.use_catalog("company_customers", [*live, gone])
    before = len(sandbox_requests(base_url))
    _, records = read_all(second, "company_customers", None, "2")
    calls = sandbox_requests(base_url)[before:]
    assert records and all(c["status"] == 200 for c in calls)  # not asked again
    assert calls[0]["path"].startswith("/services/rest/record/v1/metadata-catalog/")


def suiteql_calls(base_url: str, before: int) -> int:
    return sum(1 for c in sandbox_requests(base_url)[before:] if c["path"] == "/services/rest/query/v1/suiteql")


def test_records_seen_in_the_overlap_window_are_not_read_again(client, sandbox, base_url, account):
    # Every record of the scope was just written (the echoes of a sync): all of them lie in the
    # overlap window of the next read, which fingerprints them instead of reading them again.
    scope = sorted(expected_ids(sandbox, account, "company_customers", "2"), key=int)
    sandbox.set_clock_offset(-30)
    for record_id in scope:
        sandbox.touch("customer", int(record_id), comments="written by the last sync")
    sandbox.set_clock_offset(0)
    client.field_catalog("company_customers")
    cursor = read_all(client, "company_customers", None, "2")[0][-1].cursor
    assert len(json.loads(cursor)["seen"]) == len(scope)
    before = len(sandbox_requests(base_url))
    pages, records = read_all(client, "company_customers", cursor, "2", page_size=2)
    assert records == []
    assert suiteql_calls(base_url, before) == 2  # the fingerprint and the deletions
    assert json.loads(pages[-1].cursor)["seen"] == json.loads(cursor)["seen"]  # still remembered

    # One record changed now: the fingerprint differs, the records stamped since the last read
    # are read (one page), and they explain the whole difference: the window is not read again.
    sandbox.touch("customer", int(scope[0]), comments="changed now")
    before = len(sandbox_requests(base_url))
    _, records = read_all(client, "company_customers", pages[-1].cursor, "2", page_size=2)
    assert [(r.id, r.values["comments"]) for r in records] == [(scope[0], "changed now")]
    assert suiteql_calls(base_url, before) == 4  # and the default address of that page's record


@pytest.mark.parametrize("change", ["a new record", "a seen record saved again"])
def test_a_save_committed_late_inside_the_window_is_still_delivered(client, sandbox, base_url, account, change):
    # NetSuite stamps a save when it starts and a reader sees it once committed: a save stamped a
    # minute before the previous read but visible only after it must come with the next read.
    scope = sorted(expected_ids(sandbox, account, "company_customers", "2"), key=int)
    sandbox.set_clock_offset(-300)
    for record_id in scope:
        sandbox.touch("customer", int(record_id), comments="written by the last sync")
    sandbox.set_clock_offset(0)
    cursor = read_all(client, "company_customers", None, "2")[0][-1].cursor
    sandbox.set_clock_offset(-60)  # stamped before the read above started, committed after it
    if change == "a new record":
        late = str(sandbox.create_record("customer", {"companyName": "Late Co", "subsidiary": {"id": "2"}}))
    else:
        late = scope[1]
        sandbox.touch("customer", int(late), comments="saved again, committed late")
    sandbox.set_clock_offset(0)
    pages, records = read_all(client, "company_customers", cursor, "2")
    assert [r.id for r in records] == [late]
    _, again = read_all(client, "company_customers", pages[-1].cursor, "2")
    assert again == []  # delivered once


def test_an_account_refusing_the_change_count_query_is_read_the_plain_way():
    # An account whose SuiteQL refuses SUM (UNCERTAIN in the reference).
    with own_account(suiteql_sum=False) as (sandbox, client, base_url):
        record_id = sandbox.create_record("customer", {"companyName": "Plain Co", "subsidiary": {"id": "1"}})
        cursor = read_all(client, "company_customers", None, "1")[0][-1].cursor
        sandbox.set_clock_offset(-60)  # committed late, inside the window
        sandbox.touch("customer", record_id, comments="late")
        sandbox.set_clock_offset(0)
        before = len(sandbox_requests(base_url))
        pages, records = read_all(client, "company_customers", cursor, "1")
        assert [(r.id, r.values["comments"]) for r in records] == [(str(record_id), "late")]
        assert sandbox_requests(base_url)[before]["status"] == 400  # the refused count query
        _, again = read_all(client, "company_customers", pages[-1].cursor, "1")
        assert again == []
