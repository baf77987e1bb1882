from datetime import UTC, datetime, timedelta, timezone

import pytest

from connections.providers.netsuite import suiteql


def test_text_literal_doubles_quotes_so_a_value_cannot_end_the_literal():
    assert suiteql.text("O'Brien") == "'O''Brien'"
    assert suiteql.text("x' OR '1'='1") == "'x'' OR ''1''=''1'"


@pytest.mark.parametrize("bad", ["1 OR 1=1", "7;", "", "abc"])
def test_integer_refuses_anything_but_a_plain_integer(bad):
    with pytest.raises(ValueError):
        suiteql.integer(bad)


def test_in_list_quotes_each_value_and_refuses_an_empty_list():
    assert suiteql.in_list(["a@x.com", "o'b@x.com"]) == "('a@x.com', 'o''b@x.com')"
    assert suiteql.in_list(["7", " 12"], numeric=True) == "(7, 12)"
    with pytest.raises(ValueError):
        suiteql.in_list([])


def test_to_date_writes_the_utc_wall_clock_time():
    moment = datetime(2024, 5, 1, 12, 30, 5, tzinfo=timezone(timedelta(hours=2)))
    assert suiteql.to_date(moment) == "TO_DATE('2024-05-01 10:30:05', 'YYYY-MM-DD HH24:MI:SS')"


def test_utc_text_formats_a_datetime_column_as_iso_utc():
    assert suiteql.utc_text("lastmodifieddate") == (
        'TO_CHAR(SYS_EXTRACT_UTC(lastmodifieddate), \'YYYY-MM-DD"T"HH24:MI:SS"Z"\')'
    )


def test_select_pages_by_keyset_with_a_unique_order():
    select = suiteql.Select("customer", ["id", "email"], ["subsidiary = 3", "isperson = 'F' OR email IS NULL"])
    assert select.page_sql() == (
        "SELECT id, email FROM customer WHERE subsidiary = 3 AND (isperson = 'F' OR email IS NULL) ORDER BY id"
    )
    assert select.page_sql(after=1042).endswith("AND id > 1042 ORDER BY id")


def test_chunks_cut_long_lists():
    assert [len(c) for c in suiteql.chunks(list(range(1201)), 500)] == [500, 500, 201]


def test_to_date_accepts_utc():
    assert "2024-01-02 03:04:05" in suiteql.to_date(datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC))
