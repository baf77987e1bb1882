"""SuiteQL: the supported subset answers like NetSuite; everything else is a 400, never a wrong answer."""

from datetime import datetime

import pytest
import requests
from requests_oauthlib import OAuth1

from sandbox.common.server import SandboxServer
from sandbox.netsuite import NetSuiteSandbox, NetSuiteSandboxConfig
from sandbox.netsuite.errors import SEARCH_PREFIX

SUITEQL = "/services/rest/query/v1/suiteql"


def _iso(epoch_text: str) -> int:
    return int(datetime.fromisoformat(epoch_text.replace("Z", "+00:00")).timestamp())


@pytest.fixture
def people(sandbox, small_account) -> dict:
    """Customers and contacts in two subsidiaries with known modification times (UTC)."""
    us, uk = str(small_account["us"]), str(small_account["uk"])
    created = sandbox.seed(
        {
            "records": {
                "customer": [
                    {"companyName": "Alpha Co", "email": "Info@Alpha.example.com", "subsidiary": {"id": us},
                     "salesRep": {"id": str(small_account["rep"])}, "custentity_vip": True,
                     "dateCreated": "2026-11-01T08:00:00Z", "lastModifiedDate": "2026-11-27T12:00:00Z"},
                    {"companyName": "Beta Co", "subsidiary": {"id": us}, "phone": "4155550101",
                     "lastModifiedDate": "2026-11-27T19:30:00Z"},
                    {"isPerson": True, "firstName": "Cleo", "lastName": "Person", "email": "cleo@example.com",
                     "subsidiary": {"id": us}, "lastModifiedDate": "2026-11-27T20:00:00Z"},
                    {"companyName": "Delta Ltd", "email": "hello@delta.example.com", "subsidiary": {"id": uk},
                     "lastModifiedDate": "2026-11-28T09:00:00Z"},
                ],
                "contact": [
                    {"firstName": "Eve", "lastName": "Contact", "email": "cleo@example.com", "subsidiary": {"id": us},
                     "lastModifiedDate": "2026-11-27T21:00:00Z"},
                ],
            }
        }
    )["created"]  # fmt: skip
    alpha, beta, cleo, delta = created["customer"]
    return {
        "us": us,
        "uk": uk,
        "alpha": alpha,
        "beta": beta,
        "cleo": cleo,
        "delta": delta,
        "eve": created["contact"][0],
    }


def _ids(rows: list[dict]) -> list[int]:
    return [int(row["id"]) for row in rows]


def test_the_incremental_company_query_with_to_date_returns_exactly_its_records(client, people):
    # 2026-11-27 10:00 in the account's zone (Los Angeles, UTC-8) is 18:00 UTC.
    query = (
        "SELECT id, companyname, email, lastmodifieddate, "
        "TO_CHAR(lastmodifieddate, 'YYYY-MM-DD\"T\"HH24:MI:SS') AS modified "
        f"FROM customer WHERE subsidiary = {people['us']} AND isperson = 'F' "
        "AND lastmodifieddate >= TO_DATE('2026-11-27 10:00:00', 'YYYY-MM-DD HH24:MI:SS') "
        f"AND id > {people['alpha'] - 1} ORDER BY id"
    )
    rows = client.rows(query)
    assert _ids(rows) == [people["beta"]]  # Alpha (12:00 UTC = 04:00 LA) is before; Cleo is a person
    (beta,) = rows
    assert beta == {
        "links": [],
        "id": str(people["beta"]),
        "companyname": "Beta Co",
        "lastmodifieddate": "11/27/2026",  # the user's date format, no time
        "modified": "2026-11-27T11:30:00",  # TO_CHAR shows the account's wall clock
    }  # email is NULL: omitted


def test_to_timestamp_and_sys_extract_utc_compare_in_utc(client, people):
    query = (
        "SELECT id, TO_CHAR(SYS_EXTRACT_UTC(lastmodifieddate), 'YYYY-MM-DD\"T\"HH24:MI:SS') AS modified_utc "
        "FROM customer WHERE SYS_EXTRACT_UTC(lastmodifieddate) >= "
        "TO_TIMESTAMP('2026-11-27 10:00:00', 'YYYY-MM-DD HH24:MI:SS') ORDER BY id"
    )
    rows = client.rows(query)
    assert _ids(rows) == [people["alpha"], people["beta"], people["cleo"], people["delta"]]
    assert rows[0]["modified_utc"] == "2026-11-27T12:00:00"


def test_a_client_assuming_utc_literals_misses_records_without_an_overlap_window(client, people):
    # The record changed at 12:00 UTC. A client that sends its UTC cursor as a
    # literal is read as 12:00 in Los Angeles (20:00 UTC) and misses it...
    missed = client.rows(
        "SELECT id FROM customer WHERE lastmodifieddate >= TO_TIMESTAMP('2026-11-27 12:00:00', "
        "'YYYY-MM-DD HH24:MI:SS') ORDER BY id"
    )
    assert people["alpha"] not in _ids(missed)
    # ... while a window that starts a day earlier catches it.
    caught = client.rows(
        "SELECT id FROM customer WHERE lastmodifieddate >= TO_TIMESTAMP('2026-11-26 12:00:00', "
        "'YYYY-MM-DD HH24:MI:SS') ORDER BY id"
    )
    assert people["alpha"] in _ids(caught)


def test_values_are_strings_booleans_t_f_and_keys_lower_case(client, people):
    (row,) = client.rows(
        f"SELECT ID, CompanyName, IsPerson, custentity_vip, subsidiary, BUILTIN.DF(salesrep), "
        f"BUILTIN.DF(subsidiary) AS sub_name FROM customer WHERE id = {people['alpha']}"
    )
    assert row == {
        "links": [],
        "id": str(people["alpha"]),
        "companyname": "Alpha Co",
        "isperson": "F",
        "custentity_vip": "T",
        "subsidiary": people["us"],
        "expr1": "Sam Rep",
        "sub_name": "US West",
    }


def test_email_in_is_case_sensitive_and_lower_email_in_is_not(client, people):
    exact = client.rows("SELECT id FROM customer WHERE email IN ('info@alpha.example.com', 'hello@delta.example.com')")
    assert _ids(exact) == [people["delta"]]
    folded = client.rows(
        "SELECT id FROM customer WHERE LOWER(email) IN ('info@alpha.example.com', 'hello@delta.example.com') "
        "ORDER BY id"
    )
    assert _ids(folded) == [people["alpha"], people["delta"]]
    shared = client.rows("SELECT id, email FROM contact WHERE email = 'cleo@example.com'")
    assert _ids(shared) == [people["eve"]]


def test_null_tests_or_and_parentheses(client, people):
    rows = client.rows(
        "SELECT id FROM customer WHERE (email IS NULL OR isperson = 'T') "
        f"AND subsidiary <> {people['uk']} ORDER BY id DESC"
    )
    assert _ids(rows) == [people["cleo"], people["beta"]]
    assert client.rows("SELECT COUNT(*) AS n FROM customer WHERE email IS NOT NULL") == [{"links": [], "n": "3"}]


def test_aggregates_alone_count_and_sum_numbers(client, people):
    ids = [int(r["id"]) for r in client.rows("SELECT id FROM customer WHERE email IS NOT NULL ORDER BY id")]
    stamps = client.rows(
        "SELECT TO_CHAR(SYS_EXTRACT_UTC(lastmodifieddate), 'YYYYMMDDHH24MISS') AS s FROM customer "
        "WHERE email IS NOT NULL ORDER BY id"
    )
    rows = client.rows(
        "SELECT COUNT(*) AS n, SUM(id) AS ids, "
        "SUM(TO_NUMBER(TO_CHAR(SYS_EXTRACT_UTC(lastmodifieddate), 'YYYYMMDDHH24MISS'))) AS stamps "
        "FROM customer WHERE email IS NOT NULL"
    )
    assert rows == [
        {"links": [], "n": str(len(ids)), "ids": str(sum(ids)), "stamps": str(sum(int(r["s"]) for r in stamps))}
    ]
    # Over no row: the count is 0 and the sums are NULL, so NetSuite leaves them out.
    assert client.rows("SELECT COUNT(*) AS n, SUM(id) AS ids FROM customer WHERE id < 0") == [{"links": [], "n": "0"}]


@pytest.mark.parametrize(
    "query",
    [
        "SELECT id, COUNT(*) FROM customer",  # a column next to an aggregate needs GROUP BY
        "SELECT SUM(email) FROM customer",  # not a number
        "SELECT SUM(TO_NUMBER(email)) FROM customer WHERE email IS NOT NULL",  # ORA-01722 at run time
        "SELECT COUNT(*) FROM customer ORDER BY id",
        "SELECT TO_NUMBER(email) FROM customer WHERE email IS NOT NULL",
    ],
)
def test_aggregates_outside_the_subset_are_refused(client, people, query):
    response = client.suiteql(query)
    assert response.status_code == 400, response.text


def test_subsidiaries_query_from_the_reference(client, small_account):
    rows = client.rows("SELECT id, name, parent, isinactive, iselimination, currency FROM subsidiary ORDER BY id")
    by_id = {int(row["id"]): row for row in rows}
    assert by_id[1] == {
        "links": [],
        "id": "1",
        "name": "Parent Company",
        "isinactive": "F",
        "iselimination": "F",
        "currency": "1",
    }
    assert by_id[small_account["inactive_sub"]]["isinactive"] == "T"
    assert by_id[small_account["elimination_sub"]]["iselimination"] == "T"
    assert by_id[small_account["us"]]["parent"] == "1"


def test_option_lists_are_queryable(client, small_account):
    reps = client.rows("SELECT id, entityid FROM employee WHERE issalesrep = 'T' AND isinactive = 'F'")
    assert reps == [{"links": [], "id": str(small_account["rep"]), "entityid": "Sam Rep"}]
    sources = client.rows("SELECT id, title FROM campaign WHERE isinactive = 'F'")
    assert [row["title"] for row in sources] == ["Web Form"]
    tiers = client.rows("SELECT id, name FROM customlist_loyalty_tier ORDER BY id")
    assert [row["name"] for row in tiers] == ["Gold", "Silver", "Bronze"]


def test_deleted_records_are_queryable_by_date(client, sandbox, people):
    sandbox.set_clock_offset(_iso("2026-11-29T10:00:00Z") - sandbox.now() + sandbox.clock_offset)
    assert client.delete(f"/services/rest/record/v1/contact/{people['eve']}").status_code == 204
    rows = client.rows(
        "SELECT recordid, type, name, TO_CHAR(SYS_EXTRACT_UTC(deleteddate), 'YYYY-MM-DD HH24:MI') AS at "
        "FROM DeletedRecord WHERE deleteddate >= TO_DATE('2026-11-29', 'YYYY-MM-DD')"
    )
    assert rows == [
        {
            "links": [],
            "recordid": str(people["eve"]),
            "type": "contact",
            "name": "Eve Contact",
            "at": "2026-11-29 10:00",
        }
    ]


def test_keyset_paging_walks_every_row_once(client, sandbox):
    sandbox.seed({"generate": {"customers": 2300, "contacts": 0, "seed": 3}})
    seen, last, pages = [], 0, 0
    while True:
        response = client.suiteql(f"SELECT id, email FROM customer WHERE id > {last} ORDER BY id", limit=1000)
        body = response.json()
        pages += 1
        if not body["items"]:
            break
        seen += _ids(body["items"])
        last = seen[-1]
        if len(body["items"]) < 1000:
            break
    assert len(seen) == len(set(seen)) == 2300
    assert seen == sorted(seen)
    assert pages == 3


def test_offset_paging_reports_totals_and_next_links(client, sandbox):
    sandbox.seed({"generate": {"customers": 25, "contacts": 0}})
    first = client.suiteql("SELECT id FROM customer ORDER BY id", limit=10).json()
    assert (first["count"], first["hasMore"], first["offset"], first["totalResults"]) == (10, True, 0, 25)
    assert any(link["rel"] == "next" and "offset=10" in link["href"] for link in first["links"])
    last = client.suiteql("SELECT id FROM customer ORDER BY id", limit=10, offset=20).json()
    assert (last["count"], last["hasMore"]) == (5, False)


def test_offset_paging_without_a_unique_order_loses_and_repeats_rows(client, sandbox):
    sandbox.seed({"generate": {"customers": 60, "contacts": 0}})
    collected = []
    for offset in range(0, 60, 20):
        collected += _ids(client.suiteql("SELECT id FROM customer", limit=20, offset=offset).json()["items"])
    assert len(collected) == 60
    assert len(set(collected)) < 60  # as Oracle warns: without a unique ORDER BY, pages overlap


def test_offset_beyond_the_100000_row_cap_is_refused(client, error_of):
    response = client.suiteql("SELECT id FROM customer ORDER BY id", limit=1000, offset=100000)
    assert response.status_code == 400
    assert error_of(response)[1].startswith(SEARCH_PREFIX)


def test_suiteql_requires_prefer_transient_and_a_q_body(client, error_of):
    no_prefer = client.post(SUITEQL, json={"q": "SELECT id FROM customer"})
    assert no_prefer.status_code == 400
    no_q = client.post(SUITEQL, json={"query": "SELECT id FROM customer"}, headers={"Prefer": "transient"})
    assert no_q.status_code == 400
    assert client.suiteql("SELECT id FROM customer", limit=1001).status_code == 400


@pytest.mark.parametrize(
    "query",
    [
        "SELECT c.id, s.name FROM customer c RIGHT JOIN subsidiary s ON c.subsidiary = s.id",  # INNER and LEFT only
        "SELECT c.id FROM customer c, subsidiary s",
        "SELECT subsidiary, COUNT(*) FROM customer GROUP BY subsidiary",
        "SELECT id FROM customer WHERE id IN (SELECT company FROM contact)",
        "SELECT id FROM customer UNION SELECT id FROM contact",
        "SELECT DISTINCT email FROM customer",
        "SELECT NVL(email, 'none') FROM customer",
        "SELECT firstname || ' ' || lastname FROM customer",
        "SELECT id FROM customer WHERE ROWNUM <= 10",
        "SELECT id FROM customer FETCH FIRST 10 ROWS ONLY",
        "SELECT id FROM customer;",
        "DELETE FROM customer",
        "UPDATE customer SET email = 'x'",
        "SELECT id FROM spaceship",
        "SELECT shoesize FROM customer",
        "SELECT id FROM customer WHERE lastmodifieddate >= '2026-11-27'",
        "SELECT id FROM customer WHERE id = 'abc'",
        "SELECT id FROM customer WHERE email = 5",
        "SELECT TO_CHAR(lastmodifieddate, 'DS TS') FROM customer",
        "SELECT id FROM customer WHERE lastmodifieddate >= TO_DATE('27/11/2026', 'YYYY-MM-DD')",
        "SELECT id FROM customer x WHERE y.id = 1",
        "",
    ],
)
def test_sql_outside_the_subset_gets_the_400_search_error(client, error_of, query):
    response = client.suiteql(query)
    assert response.status_code == 400, response.text
    code, detail = error_of(response)
    assert code == "INVALID_PARAMETER"
    assert detail.startswith(SEARCH_PREFIX)


def test_in_lists_longer_than_1000_are_refused(client, error_of):
    values = ", ".join(f"'u{i}@example.com'" for i in range(1001))
    response = client.suiteql(f"SELECT id FROM customer WHERE email IN ({values})")
    assert response.status_code == 400
    assert "1000" in error_of(response)[1]


def test_date_format_preference_is_configurable():
    sandbox = NetSuiteSandbox(NetSuiteSandboxConfig(date_format="DD.MM.YYYY", account_time_zone="Europe/Berlin"))
    sandbox.seed(
        {
            "records": {
                "customer": [
                    {"companyName": "Z", "subsidiary": {"id": "1"}, "lastModifiedDate": "2026-03-04T23:30:00Z"}
                ]
            }
        }
    )
    config = sandbox.config
    auth = OAuth1(
        config.consumer_key, config.consumer_secret, config.token_id, config.token_secret,
        signature_method="HMAC-SHA256", realm=config.account_id,
    )  # fmt: skip
    with SandboxServer(sandbox) as server:
        response = requests.post(
            server.base_url + SUITEQL,
            json={"q": "SELECT lastmodifieddate FROM customer"},
            headers={"Prefer": "transient"},
            auth=auth,
            timeout=10,
        )
    # 23:30 UTC on March 4 is already March 5 in Berlin.
    assert response.json()["items"][0]["lastmodifieddate"] == "05.03.2026"
