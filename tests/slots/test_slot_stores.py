"""The leases behind NetSuite's per-account concurrency slots (connections/slots.py), on the database
(SQLite or PostgreSQL, whichever the suite runs on) and on Redis. Two ``AccountSlots`` over one account
stand for two worker processes: each has its own front gate, they share only the store."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis

from connections import slots
from connections.slots import AccountSlots, DatabaseLeases, RedisLeases

from ..integration.processes import redis_test_url

REDIS_DB = 9  # a database of its own on the test Redis

# The database leases commit on a connection of their own: the tests must not run inside a transaction.
pytestmark = pytest.mark.django_db(transaction=True)


def redis_url() -> str:
    return redis_test_url(REDIS_DB)


@pytest.fixture(params=["database", "redis"])
def leases(request):
    """A factory of lease stores over one fresh account: ``leases(limit, lease_seconds)``."""
    key = f"netsuite:{uuid.uuid4().hex[:10].upper()}_SB1"
    made = []
    if request.param == "database":

        def make(limit, lease_seconds=30.0):
            made.append(DatabaseLeases(key, limit, lease_seconds))
            return made[-1]
    else:
        try:
            redis.from_url(redis_url()).ping()
        except redis.RedisError as exc:  # a missing service is a failure, not a skip
            pytest.fail(f"Redis is needed at {redis_url()} ({exc}); start it or set REDIS_URL_FOR_TESTS.")

        def make(limit, lease_seconds=30.0):
            made.append(RedisLeases(key, limit, lease_seconds, url=redis_url()))
            return made[-1]

    yield make
    if request.param == "redis" and made:
        made[0].redis.delete(*made[0].keys)


def assert_given_back(store, within: float = 1.0) -> None:
    """Every lease of the account is given back within ``within`` seconds (a lease stays its process's for
    ``IDLE_GRACE`` after its request, for the next one)."""
    deadline = time.monotonic() + within
    while store.held() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert store.held() == []


class CountingLeases:
    """A lease store that counts the claims and releases it passes on (the statements a request costs)."""

    def __init__(self, store):
        self.store, self.claims, self.releases = store, 0, 0
        self.key, self.limit, self.lease_seconds = store.key, store.limit, store.lease_seconds

    def claim(self, holder):
        self.claims += 1
        return self.store.claim(holder)

    def release(self, claim, holder):
        self.releases += 1
        self.store.release(claim, holder)

    def held(self):
        return self.store.held()


def test_back_to_back_requests_of_one_process_reuse_a_lease_and_give_it_back_after_the_grace(leases):
    counting = CountingLeases(leases(2))
    gate = AccountSlots(counting, idle_grace=0.2)
    for _ in range(10):  # one thread's requests, one after another
        with gate.hold():
            assert len(counting.held()) == 1
    assert (counting.claims, counting.releases) == (1, 0)  # one lease for ten requests, not ten
    assert len(counting.held()) == 1  # still this process's, for its next request
    assert_given_back(counting)  # then the sweeper gives it back
    assert counting.releases == 1
    # Another process is never kept waiting longer than the grace by a lease idle in this one.
    other = leases(2)
    assert other.claim("other-1") is not None and other.claim("other-2") is not None


def test_with_no_grace_every_request_claims_and_releases_its_own_lease(leases):
    counting = CountingLeases(leases(2))
    gate = AccountSlots(counting, idle_grace=0)
    for _ in range(3):
        with gate.hold():
            pass
    assert (counting.claims, counting.releases) == (3, 3)
    assert counting.held() == []


def test_two_processes_together_never_hold_more_than_the_accounts_limit(leases):
    workers = [AccountSlots(leases(3)), AccountSlots(leases(3))]
    lock, in_flight, most = threading.Lock(), [0], [0]

    def request(n):
        with workers[n % 2].hold():
            with lock:
                in_flight[0] += 1
                most[0] = max(most[0], in_flight[0])
            time.sleep(0.02)
            with lock:
                in_flight[0] -= 1

    with ThreadPoolExecutor(max_workers=12) as pool:
        list(pool.map(request, range(60)))
    assert most[0] == 3  # as parallel as allowed, never more
    assert_given_back(workers[0].leases)  # every slot given back, once the grace is over


def test_a_released_slot_is_free_at_once_for_another_process(leases):
    first, second = leases(1), leases(1)
    claim = first.claim("worker-a")
    assert claim is not None
    assert second.claim("worker-b") is None
    first.release(claim, "worker-a")
    assert second.claim("worker-b") is not None


def test_a_crashed_holders_slot_comes_back_when_its_lease_expires(leases):
    crashed, survivor = leases(2, lease_seconds=0.6), leases(2, lease_seconds=0.6)
    assert crashed.claim("dead-1") is not None and crashed.claim("dead-2") is not None  # never released
    assert survivor.claim("alive") is None
    started = time.monotonic()
    gate = AccountSlots(survivor)
    with gate.hold():  # waits (short sleeps) until the dead leases lapse
        waited = time.monotonic() - started
    assert 0.3 < waited < 2.0
    assert_given_back(survivor)


def test_a_release_by_a_holder_whose_lease_was_taken_over_frees_nothing(leases):
    slow, other = leases(1, lease_seconds=0.3), leases(1, lease_seconds=30)
    slow_claim = slow.claim("slow")
    time.sleep(0.5)  # the slow holder outlived its lease: the slot went to someone else
    other_claim = other.claim("other")
    assert other_claim is not None
    slow.release(slow_claim, "slow")
    assert [entry for entry in other.held() if "other" in entry] != []
    assert other.claim("third") is None


def test_the_slots_of_a_dead_process_on_this_host_stay_leased_until_the_lease_lapses(leases):
    # Its last request may still be running at NetSuite, which counts it: freeing its slot at once could
    # put one request more than the limit in flight.
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()  # ended and reaped: its pid names no process
    host = socket.gethostname()[:60]
    store = leases(2, lease_seconds=1.0)
    assert store.claim(f"{host}:{gone.pid}:a") is not None and store.claim(f"{host}:{gone.pid}:b") is not None
    started = time.monotonic()
    with AccountSlots(leases(2, lease_seconds=1.0)).hold():
        waited = time.monotonic() - started
    assert 0.7 < waited < 3.0  # the lease, not at once


def test_a_free_slot_goes_to_the_longest_waiting_request_not_to_a_newcomer(leases):
    store = leases(1)
    assert store.claim("first") is not None
    assert store.claim("second") is None  # queued
    time.sleep(0.01)  # the queue's clock counts milliseconds (a tie goes by holder name)
    assert store.claim("third") is None  # queued behind "second"
    store.release(*claim_of(store, "first"))
    time.sleep(0.01)
    assert store.claim("newcomer") is None  # two waiters ahead of it, one free slot
    assert store.claim("third") is None  # "second" is ahead of it
    assert store.claim("second") is not None
    store.release(*claim_of(store, "second"))
    assert store.claim("newcomer") is None  # "third" still waits
    assert store.claim("third") is not None


def test_a_waiter_that_stops_asking_loses_its_place(leases, monkeypatch):
    monkeypatch.setattr(slots, "WAITER_STALE_SECONDS", 0.3)
    store = leases(1)
    assert store.claim("holder") is not None
    assert store.claim("ghost") is None  # queued, then its process dies: it never asks again
    store.release(*claim_of(store, "holder"))
    assert store.claim("newcomer") is None  # the ghost is still ahead
    time.sleep(0.5)
    assert store.claim("newcomer") is not None


def claim_of(store, holder: str) -> tuple:
    """(claim, holder) of ``holder``'s lease, as ``release`` takes them."""
    for entry in store.held():
        if holder in entry:
            return (entry[0] if isinstance(store, DatabaseLeases) else holder), holder
    raise AssertionError(f"{holder} holds no lease")


def test_two_processes_wanting_every_slot_share_them_instead_of_one_waiting_for_the_other(leases):
    # Two connections on one account, each in a worker of its own, each with as many writers as the
    # account has slots. The first to start must not keep every slot to itself until it is done.
    lease_seconds = 1.5  # a lease is reused for a third of it (0.5 s), then goes back to the queue
    workers = [AccountSlots(leases(3, lease_seconds)), AccountSlots(leases(3, lease_seconds))]
    counts, lock, stop = [0, 0], threading.Lock(), threading.Event()
    in_flight, most = [0], [0]

    def writer(n: int, counting: threading.Event):
        while not stop.is_set():
            with workers[n].hold():
                with lock:
                    in_flight[0] += 1
                    most[0] = max(most[0], in_flight[0])
                time.sleep(0.01)
                with lock:
                    in_flight[0] -= 1
                    if counting.is_set():
                        counts[n] += 1

    counting = threading.Event()
    threads = [threading.Thread(target=writer, args=(0, counting)) for _ in range(3)]
    for thread in threads:
        thread.start()
    time.sleep(0.6)  # the first worker holds every slot
    late = [threading.Thread(target=writer, args=(1, counting)) for _ in range(3)]
    for thread in late:
        thread.start()
    time.sleep(0.6)  # at most a reuse period until the second gets its first slot
    counting.set()
    time.sleep(2.0)
    stop.set()
    for thread in threads + late:
        thread.join()
    assert most[0] <= 3
    total = sum(counts)
    assert total > 0 and min(counts) / total >= 0.3, f"requests of each worker while both wanted slots: {counts}"
