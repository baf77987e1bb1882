"""The codec's round trip of typed values, and its one-pass JSON form used to store the mirror."""

import json
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from syncengine import codec

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.text(),
    st.decimals(allow_nan=False, allow_infinity=False),
    st.dates(),
    st.datetimes(timezones=st.sampled_from([UTC, timezone(timedelta(hours=-7))])),
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(min_size=2), inner, max_size=3),
    max_leaves=10,
)
records = st.dictionaries(st.text(min_size=1), values, max_size=6)


@given(records)
def test_dumps_values_is_the_json_of_encode_values(record):
    assert json.loads(codec.dumps_values(record)) == codec.encode_values(record)


@given(records)
def test_decoding_the_stored_json_gives_the_typed_values_back(record):
    assert codec.decode_values(json.loads(codec.dumps_values(record))) == codec.decode_values(
        codec.encode_values(record)
    )


def test_tags_say_the_type():
    stored = json.loads(
        codec.dumps_values(
            {"when": datetime(2024, 5, 1, 10, 0, tzinfo=UTC), "day": date(2024, 5, 1), "rate": Decimal("0.10")}
        )
    )
    assert stored == {
        "when": {"$dt": "2024-05-01T10:00:00+00:00"},
        "day": {"$date": "2024-05-01"},
        "rate": {"$dec": "0.10"},
    }
