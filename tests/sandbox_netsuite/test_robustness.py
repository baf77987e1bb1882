"""No input, however odd, makes the SuiteQL or q parser crash: it answers or refuses with a 400."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sandbox.netsuite import NetSuiteSandbox
from sandbox.netsuite import suiteql as suiteql_engine
from sandbox.netsuite.errors import NetSuiteError
from sandbox.netsuite.qfilter import translate_q

SQL_WORDS = [
    "SELECT", "FROM", "WHERE", "AND", "OR", "NOT", "IN", "IS", "NULL", "LIKE", "BETWEEN", "ORDER", "BY", "ASC",
    "DESC", "AS", "COUNT(*)", "*", ",", "(", ")", "=", "<>", "<", ">=", "'x'", "'T'", "''", "1", "2.5", "-",
    "customer", "contact", "deletedrecord", "customlist_interests", "id", "email", "lastmodifieddate",
    "custentity_interests", "custentity_renewal_date", "isperson", "c", "c.id", "LOWER", "UPPER", "BUILTIN.DF",
    "TO_CHAR", "TO_DATE", "TO_TIMESTAMP", "SYS_EXTRACT_UTC", "'YYYY-MM-DD'", "'2026-01-01'", "SYSDATE", "NULLS",
    "FIRST", "JOIN", "GROUP", ";", "||", "\"id\"", "?", "%",
]  # fmt: skip
Q_WORDS = [
    "email", "isPerson", "lastModifiedDate", "subsidiary", "custentity_renewal_date", "custentity_seats", "IS",
    "IS_NOT", "START_WITH", "CONTAIN", "EMPTY", "AFTER", "ON", "ANY_OF", "BETWEEN", "EQUAL", "AND", "OR", "(", ")",
    "true", "1", "1,2", '"3/4/2026"', '"2026-03-04T00:00:00Z"', '"x y"', ",", "%", "_",
]  # fmt: skip


@pytest.fixture(scope="module")
def account() -> NetSuiteSandbox:
    sandbox = NetSuiteSandbox()
    sandbox.seed({"generate": {"customers": 20, "contacts": 20}})
    return sandbox


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(words=st.lists(st.sampled_from(SQL_WORDS), max_size=14), prefix=st.booleans())
def test_any_suiteql_text_is_answered_or_refused_with_400(account, words, prefix):
    text = ("SELECT id FROM customer WHERE " if prefix else "") + " ".join(words)
    try:
        page = suiteql_engine.run(account.store, text, 50, 0, "America/Los_Angeles")
    except NetSuiteError as exc:
        assert exc.status == 400
    else:
        assert all(isinstance(value, str) for item in page.items for key, value in item.items() if key != "links")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(words=st.lists(st.sampled_from(Q_WORDS), max_size=10))
def test_any_q_filter_is_answered_or_refused_with_400(account, words):
    try:
        where, params = translate_q(account.store, "customer", " ".join(words), "M/D/YYYY", account.zone)
    except NetSuiteError as exc:
        assert exc.status == 400
    else:
        account.store.db.execute(f"SELECT COUNT(*) FROM t_customer WHERE {where}", params).fetchone()  # noqa: S608
