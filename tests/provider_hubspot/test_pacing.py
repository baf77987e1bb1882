"""The search pacer (``connections/providers/hubspot/pacing.py``): at most N searches start in any second,
so a client paging through a search meets no 429 of its own making. A fake clock; no HTTP."""

from __future__ import annotations

import pytest

from connections.providers.hubspot.pacing import MARGIN_S, Pacer


class FakeClock:
    def __init__(self):
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_the_sixth_search_of_a_second_waits_until_the_first_is_a_second_old():
    clock = FakeClock()
    pacer = Pacer(5, clock=clock, sleep=clock.sleep)
    starts = []
    for _ in range(11):
        pacer.wait()
        starts.append(clock.now)
        clock.now += 0.01  # each search answered in 10 ms
    assert clock.slept and all(s > 0 for s in clock.slept)
    for i in range(5, len(starts)):
        assert starts[i] - starts[i - 5] >= 1.0, i  # never six starts within a second
    assert starts[5] - starts[0] == pytest.approx(1.0 + MARGIN_S)


def test_searches_a_second_apart_never_wait():
    clock = FakeClock()
    pacer = Pacer(5, clock=clock, sleep=clock.sleep)
    for _ in range(20):
        assert pacer.wait() == 0.0
        clock.now += 0.25
    assert clock.slept == []
