"""The retry policy every provider's transport uses (connections/providers/http.py): what is retried,
how long it waits, and when it gives up. The sleeps are collected instead of slept."""

from datetime import UTC, datetime

import pytest

from connections.providers.errors import RateLimited, Unavailable, ValidationError
from connections.providers.http import RetryPolicy, parse_retry_after


def failing(*errors):
    """An attempt that raises ``errors`` in turn, then answers "ok"; it counts its calls."""
    calls = []

    def attempt():
        calls.append(1)
        if len(calls) <= len(errors):
            raise errors[len(calls) - 1]
        return "ok"

    attempt.calls = calls
    return attempt


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("7", 7.0),
        (" 0.4 ", 0.4),
        ("-3", 0.0),
        (None, None),
        ("", None),
        ("soon", None),
        ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0),  # in the past
        ("Fri, 04 Dec 2026 12:00:30 GMT", 30.0),
    ],
)
def test_retry_after_is_read_as_seconds_or_as_an_http_date(header, seconds):
    assert parse_retry_after(header, now=datetime(2026, 12, 4, 12, 0, 0, tzinfo=UTC)) == seconds


def test_retryable_errors_are_retried_until_the_call_succeeds():
    sleeps = []
    attempt = failing(Unavailable("503"), RateLimited("429"))
    assert RetryPolicy(max_retries=5).call(attempt, sleep=sleeps.append) == "ok"
    assert len(attempt.calls) == 3
    assert len(sleeps) == 2


def test_an_error_that_cannot_succeed_later_is_raised_at_once():
    sleeps = []
    attempt = failing(ValidationError("400"))
    with pytest.raises(ValidationError):
        RetryPolicy().call(attempt, sleep=sleeps.append)
    assert (len(attempt.calls), sleeps) == (1, [])


def test_after_max_retries_the_last_error_is_raised_unwrapped():
    sleeps = []
    attempt = failing(*[Unavailable(f"503 #{n}") for n in range(10)])
    with pytest.raises(Unavailable, match="503 #3"):
        RetryPolicy(max_retries=3).call(attempt, sleep=sleeps.append)
    assert len(attempt.calls) == 4 and len(sleeps) == 3


def test_backoff_doubles_with_equal_jitter_up_to_its_ceiling():
    sleeps = []
    attempt = failing(*[Unavailable("503")] * 12)
    with pytest.raises(Unavailable):
        RetryPolicy(max_retries=11, backoff_base=0.5, backoff_max=30.0).call(attempt, sleep=sleeps.append)
    for n, delay in enumerate(sleeps):
        ceiling = min(30.0, 0.5 * 2**n)
        assert ceiling / 2 <= delay <= ceiling, (n, delay)
    assert len(set(sleeps)) > 1  # jittered, not a fixed schedule


def test_retry_after_is_waited_for_with_a_little_jitter():
    sleeps = []
    attempt = failing(RateLimited("429", retry_after=2.0))
    assert RetryPolicy(backoff_base=0.5).call(attempt, sleep=sleeps.append) == "ok"
    assert 2.0 <= sleeps[0] <= 2.5


def test_a_retry_after_longer_than_the_maximum_gives_up_at_once_or_waits_the_maximum():
    too_long = RateLimited("429", retry_after=600.0)
    sleeps = []
    with pytest.raises(RateLimited):
        RetryPolicy(max_retry_after=60.0).call(failing(too_long), sleep=sleeps.append)
    assert sleeps == []
    capped = RetryPolicy(max_retry_after=64.0, give_up_on_long_retry_after=False, retry_after_jitter=0.0)
    assert capped.call(failing(too_long), sleep=sleeps.append) == "ok"
    assert sleeps == [64.0]


def test_the_caller_decides_which_errors_are_worth_retrying():
    attempt = failing(Unavailable("maybe written"))
    with pytest.raises(Unavailable):
        RetryPolicy().call(attempt, retryable=lambda error: False, sleep=lambda _: None)
    assert len(attempt.calls) == 1
