"""NetSuite's concurrency limit, governed per account across every worker process and machine.

NetSuite allows N requests in flight per account (shared by every integration), and refuses the
one over it with 429. Every client of one account, in any connection, worker or machine, takes one of
the account's N slots (``ConnectedAccount.concurrency_limit``) while a request is on the wire
(:meth:`AccountSlots.hold`, called by the transport around each attempt, never around a backoff).

A slot is a **lease with an expiry** (``NETSUITE_SLOT_LEASE_SECONDS``, the API timeout plus a margin),
so the slots of a worker killed mid-request come back by themselves when their leases lapse. Not sooner,
even when the dead process is on this host: the request it sent last may still be running at NetSuite,
which counts it until it ends, whoever waits for the answer.

The slots go **first come, first served** across processes: a request that finds every slot taken joins
the account's queue of waiters, and a free slot goes to the longest waiting request, whichever process
it is in (a newcomer takes a slot only when there are more free slots than waiters). Without the queue,
the process that holds the slots gives one back and takes it again before a waiting process asks: two
connections on one account would run one after the other, not side by side. A waiter that stops asking
for ``WAITER_STALE_SECONDS`` (its process died) loses its place.

Where the leases and the queue live (``NETSUITE_SLOT_STORE``):

- ``redis`` (the default when ``REDIS_URL`` is set): one sorted set per account, member = holder,
  score = expiry in Redis's own clock, and two for its waiters (first ask, last ask); a Lua script
  drops the lapsed leases and the stale waiters and, atomically, adds a lease when the request's turn
  has come, or queues it.
- ``database``: rows (account, number) of :class:`~connections.models.ConcurrencySlot`, claimed with
  one atomic ``UPDATE ... WHERE number = n AND expires < now`` and the request's turn has come (now on
  the database's clock; PostgreSQL and SQLite alike), released by clearing the expiry; the waiters are
  rows of :class:`~connections.models.ConcurrencySlotWaiter`. The leases are taken on a database connection
  of their own, in autocommit: never inside the caller's transaction, never rolled back with it.
- ``process``: this process's memory only (one client's cap; tests and scripts).

Inside one process the account's slots are first taken from a semaphore (:func:`_front_gate`): a
thread waiting for a slot its own process holds is woken the moment that slot is released, without
asking the store. Only a process whose every slot is taken by other processes asks again, after
short sleeps that grow from 5 ms to 100 ms (with jitter).

A lease given back stays this process's for ``IDLE_GRACE`` (20 ms) and goes to its next request, if
one comes, without asking the store; after that a sweeper gives it back. A NetSuite writer sends its
next request within a millisecond or two, so this saves two statements per request (measured: five
threads sending 300 requests each on SQLite took 5 leases instead of 1,500, and 0.05 s of CPU instead
of 0.32 s), while a slot never idles in one process for more than 20 ms while another waits. A lease
is reused only while it is young (``REUSE_FOR``), so it never lapses under a request in flight.
"""

from __future__ import annotations

import logging
import os
import random
import socket
import threading
import time
import uuid
from contextlib import contextmanager

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.utils import load_backend

from .models import ConcurrencySlot, ConcurrencySlotWaiter, ConnectedAccount
from .providers.errors import Unavailable
from .providers.slots import LocalSlots, SlotGate

logger = logging.getLogger(__name__)

FIRST_WAIT, LONGEST_WAIT = 0.005, 0.1  # seconds between two asks of a full store
WAITER_STALE_SECONDS = 2.0  # a waiter not seen asking for this long (its process died) loses its place
IDLE_GRACE = 0.02  # seconds a lease given back stays this process's, for its next request
REUSE_FOR = 5.0  # seconds after its claim a lease may be reused (at most a third of the lease)
NEWCOMER = 1e18  # the first ask of a request not queued yet: every waiter asked before it
DATABASE, REDIS, PROCESS = "database", "redis", "process"
STORES = (DATABASE, REDIS, PROCESS)


def account_key(account: ConnectedAccount) -> str:
    """The identity the limit belongs to: the provider's own account (``netsuite:1234567_SB1``)."""
    return f"{account.provider}:{account.account_id}"


def slots_for(account: ConnectedAccount, *, store: str | None = None) -> SlotGate:
    """The gate every client of ``account`` in this process shares (see the module docstring)."""
    store = store or settings.NETSUITE_SLOT_STORE
    if store not in STORES:
        raise ValueError(f"NETSUITE_SLOT_STORE must be one of {', '.join(STORES)}, not {store!r}")
    key, limit = account_key(account), max(1, int(account.concurrency_limit or 1))
    return _shared(store, key, limit)


# --- one gate per (store, account, limit) in each process -------------------------------------
_registry: dict[tuple, SlotGate] = {}
_registry_lock = threading.Lock()
_registry_pid = os.getpid()


def _shared(store: str, key: str, limit: int) -> SlotGate:
    global _registry_pid
    with _registry_lock:
        if _registry_pid != os.getpid():
            # A forked worker (django-q2) must not inherit its parent's semaphores, which may be taken.
            _registry.clear()
            _registry_pid = os.getpid()
        gate = _registry.get((store, key, limit))
        if gate is None:
            if store == PROCESS:
                gate = LocalSlots(limit)
            else:
                lease = float(settings.NETSUITE_SLOT_LEASE_SECONDS)
                backend = RedisLeases(key, limit, lease) if store == REDIS else DatabaseLeases(key, limit, lease)
                gate = AccountSlots(backend)
            _registry[(store, key, limit)] = gate
        return gate


def _holder_prefix() -> str:
    return f"{socket.gethostname()[:60]}:{os.getpid()}"


class AccountSlots:
    """An account's slots as leases in a shared store, behind this process's own semaphore."""

    def __init__(self, leases: DatabaseLeases | RedisLeases, idle_grace: float = IDLE_GRACE):
        self.leases = leases
        self.limit = leases.limit
        self._front_gate = threading.BoundedSemaphore(leases.limit)
        self._random = random.Random()
        self.idle_grace = idle_grace
        self._reuse_for = min(REUSE_FOR, leases.lease_seconds / 3)
        # Leases given back within the grace: (claim, holder, claimed at, idle since), monotonic clock.
        self._idle: list[tuple[object, str, float, float]] = []
        self._idle_lock = threading.Lock()
        self._sweeping = False

    def __repr__(self) -> str:
        return f"<AccountSlots {type(self.leases).__name__} {self.leases.key} limit={self.limit}>"

    @contextmanager
    def hold(self):
        """Hold one slot for the block: wait for this process's turn, then for a lease (one this process
        gave back in the last ``idle_grace`` seconds, else one from the store)."""
        with self._front_gate:
            lease = self._warm_lease()
            if lease is None:
                holder = f"{_holder_prefix()}:{uuid.uuid4().hex[:12]}"
                lease = (self._claim(holder), holder, time.monotonic())
            try:
                yield
            finally:
                self._give_back(*lease)

    def _warm_lease(self) -> tuple[object, str, float] | None:
        """A lease this process gave back moments ago and that is young enough to reuse, or None."""
        stale = []
        found = None
        now = time.monotonic()
        with self._idle_lock:
            while self._idle and found is None:
                claim, holder, claimed_at, _ = self._idle.pop()
                if now - claimed_at < self._reuse_for:
                    found = (claim, holder, claimed_at)
                else:
                    stale.append((claim, holder))
        for claim, holder in stale:
            self.leases.release(claim, holder)
        return found

    def _give_back(self, claim, holder: str, claimed_at: float) -> None:
        """Keep the lease for this process's next request for ``idle_grace`` seconds (the sweeper then
        gives it back), or give it back at once when it is too old to reuse or there is no grace."""
        now = time.monotonic()
        if self.idle_grace <= 0 or now - claimed_at >= self._reuse_for:
            self.leases.release(claim, holder)
            return
        with self._idle_lock:
            self._idle.append((claim, holder, claimed_at, now))
            if self._sweeping:
                return
            self._sweeping = True
        threading.Thread(target=self._sweep, name=f"slots-sweeper {self.leases.key}", daemon=True).start()

    def _sweep(self) -> None:
        """Give back the leases idle for longer than the grace; stop when none is left idle."""
        while True:
            time.sleep(self.idle_grace)
            now = time.monotonic()
            with self._idle_lock:
                lapsed = [lease for lease in self._idle if now - lease[3] >= self.idle_grace]
                self._idle = [lease for lease in self._idle if now - lease[3] < self.idle_grace]
                done = not self._idle
                if done:
                    self._sweeping = False
            for claim, holder, _, _ in lapsed:
                self.leases.release(claim, holder)
            if done:
                return

    def _claim(self, holder: str):
        """A lease for ``holder``: asked of the store until its turn comes (the store queues it meanwhile)."""
        wait = FIRST_WAIT
        while True:
            claim = self.leases.claim(holder)
            if claim is not None:
                return claim
            time.sleep(wait * (0.5 + self._random.random()))
            wait = min(LONGEST_WAIT, wait * 1.5)


class DatabaseLeases:
    """Leases as rows of :class:`ConcurrencySlot`, on a database connection of this process's own."""

    def __init__(self, key: str, limit: int, lease_seconds: float, alias: str = DEFAULT_DB_ALIAS):
        self.key, self.limit, self.lease_seconds, self.alias = key, limit, lease_seconds, alias
        self._held: set[int] = set()  # numbers this process holds: the first one tried is one it does not
        self._since: dict[str, float] = {}  # this process's queued holders: when each first asked (db clock)
        self._lock = threading.Lock()
        self._table = self._waiters = None
        self._rows_ready = False

    # One connection per process for every account's leases: each statement is one short autocommit
    # UPDATE, so a lock around it costs less than a connection per writer thread.
    _connection = None
    _connection_pid = None
    _connection_lock = threading.Lock()

    @classmethod
    def _db(cls, alias: str):
        if cls._connection is None or cls._connection_pid != os.getpid():
            settings_dict = dict(connections[alias].settings_dict)  # as in use: the test database, in tests
            wrapper = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, alias)
            wrapper.inc_thread_sharing()  # used by every writer thread, one at a time (the lock)
            cls._connection, cls._connection_pid = wrapper, os.getpid()
        return cls._connection

    @classmethod
    def close_connection(cls) -> None:
        """Close this process's lease connection (it opens again when needed): before a test database is
        dropped, or at a worker's shutdown."""
        with cls._connection_lock:
            if cls._connection is not None and cls._connection_pid == os.getpid():
                cls._connection.close()
            cls._connection = None

    def _execute(self, sql: str, params: list) -> tuple[int, list]:
        with self._connection_lock:
            db = self._db(self.alias)
            try:
                if db.connection is None and db.vendor == "sqlite":
                    db.ensure_connection()
                    # A lease is worth no fsync: after a power cut it has lapsed anyway. Without one,
                    # a commit of this connection costs microseconds instead of a disk flush (WAL).
                    db.connection.execute("PRAGMA synchronous=NORMAL")
                with db.cursor() as cursor:
                    cursor.execute(sql, params)
                    rows = cursor.fetchall() if cursor.description else []
                    return cursor.rowcount, rows
            except DatabaseError:
                # A broken connection (the database restarted) is opened again on the next statement.
                db.close()
                raise

    def _now_sql(self) -> str:
        """The database's clock in seconds since the epoch: every worker's leases on one clock."""
        if connections[self.alias].vendor == "postgresql":
            return "EXTRACT(EPOCH FROM clock_timestamp())"
        return "((julianday('now') - 2440587.5) * 86400.0)"

    def _ensure_rows(self) -> None:
        table = connections[self.alias].ops.quote_name(ConcurrencySlot._meta.db_table)
        values = ", ".join(["(%s, %s, '', 0)"] * self.limit)
        params = [v for number in range(self.limit) for v in (self.key, number)]
        self._execute(
            f"INSERT INTO {table} (account, number, holder, expires) VALUES {values} "  # noqa: S608 - no user input
            "ON CONFLICT (account, number) DO NOTHING",
            params,
        )
        self._waiters = connections[self.alias].ops.quote_name(ConcurrencySlotWaiter._meta.db_table)
        self._table, self._rows_ready = table, True

    def claim(self, holder: str) -> int | None:
        """Lease a free slot for ``holder`` when its turn has come; its number, or None (``holder`` is
        then queued, or its place in the queue kept)."""
        try:
            if not self._rows_ready:
                self._ensure_rows()
            with self._lock:
                candidates = [n for n in range(self.limit) if n not in self._held]
                since = self._since.get(holder, NEWCOMER)
            now = self._now_sql()
            # The slot is free and the request's turn has come: fewer live waiters asked before it than
            # there are free slots (a newcomer has every waiter ahead of it; a tie goes by holder, as
            # Redis orders equal scores).
            take = (
                f"UPDATE {self._table} SET holder = %s, expires = {now} + %s "  # noqa: S608 - no user input
                f"WHERE account = %s AND number = %s AND expires < {now} AND ("
                f"SELECT COUNT(*) FROM {self._waiters} WHERE account = %s AND holder <> %s "
                f"AND seen > {now} - %s AND (since < %s OR (since = %s AND holder < %s))) < ("
                f"SELECT COUNT(*) FROM {self._table} WHERE account = %s AND number < %s AND expires < {now})"
            )

            def take_params(number: int) -> list:
                turn = [self.key, holder, WAITER_STALE_SECONDS, since, since, holder, self.key, self.limit]
                return [holder, self.lease_seconds, self.key, number, *turn]

            # The first number this process does not hold is free unless another process holds it:
            # one statement in the usual case. Otherwise, ask which are free and try those.
            tried = candidates[:1]
            for number in tried:
                if self._execute(take, take_params(number))[0] == 1:
                    return self._took(number, holder)
            _, rows = self._execute(
                f"SELECT number FROM {self._table} WHERE account = %s AND number < %s "  # noqa: S608
                f"AND expires < {now} ORDER BY number",
                [self.key, self.limit],
            )
            for (number,) in rows:
                if number in tried or number in self._held:
                    continue
                if self._execute(take, take_params(number))[0] == 1:
                    return self._took(number, holder)
            self._wait_in_queue(holder, now)
        except DatabaseError as exc:
            raise Unavailable(f"could not lease a NetSuite concurrency slot in the database: {exc}") from None
        return None

    def _wait_in_queue(self, holder: str, now: str) -> None:
        """Queue ``holder`` (first ask) or keep its place (a later ask)."""
        if holder not in self._since:
            self._execute(  # waiters of dead processes, long gone: keep the table small
                f"DELETE FROM {self._waiters} WHERE account = %s AND seen < {now} - 60",  # noqa: S608
                [self.key],
            )
        _, rows = self._execute(
            f"INSERT INTO {self._waiters} (account, holder, since, seen) VALUES (%s, %s, {now}, {now}) "  # noqa: S608
            "ON CONFLICT (holder) DO UPDATE SET seen = EXCLUDED.seen RETURNING since",
            [self.key, holder],
        )
        with self._lock:
            self._since[holder] = rows[0][0]

    def _took(self, number: int, holder: str) -> int:
        with self._lock:
            self._held.add(number)
            queued = self._since.pop(holder, None) is not None
        if queued:
            self._execute(f"DELETE FROM {self._waiters} WHERE holder = %s", [holder])  # noqa: S608 - no user input
        return number

    def release(self, number: int, holder: str) -> None:
        """Give the slot back (only if ``holder`` still holds it); a failure leaves it to its expiry."""
        with self._lock:
            self._held.discard(number)
        try:
            self._execute(
                f"UPDATE {self._table} SET expires = 0 WHERE account = %s AND number = %s AND holder = %s",  # noqa: S608
                [self.key, number, holder],
            )
        except DatabaseError as exc:
            logger.warning("could not release slot %s of %s (it lapses with its lease): %s", number, self.key, exc)

    def held(self) -> list[tuple[int, str, float]]:
        """(number, holder, expires) of every unexpired lease of the account (for tests and ops)."""
        if not self._rows_ready:
            self._ensure_rows()
        now = self._now_sql()
        return self._execute(
            f"SELECT number, holder, expires FROM {self._table} "  # noqa: S608
            f"WHERE account = %s AND expires >= {now} ORDER BY number",
            [self.key],
        )[1]


# KEYS: the account's leases (holder -> expiry), its waiters (holder -> first ask) and their last asks
# (holder -> last ask), all in ms on Redis's clock, so every worker's leases are on one clock. ARGV: limit,
# lease in ms, holder, staleness of a waiter in ms. A holder takes a lease when fewer waiters are ahead of
# it than there are free slots (a newcomer has every waiter ahead of it), else it is queued or keeps its
# place. The sets expire when nobody renews them (every holder and waiter gone).
_CLAIM = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local keep = 2 * tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
for _, stale in ipairs(redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now - tonumber(ARGV[4]))) do
  redis.call('ZREM', KEYS[2], stale)
  redis.call('ZREM', KEYS[3], stale)
end
local ahead = redis.call('ZRANK', KEYS[2], ARGV[3])
if not ahead then ahead = redis.call('ZCARD', KEYS[2]) end
if tonumber(ARGV[1]) - redis.call('ZCARD', KEYS[1]) > ahead then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[3])
  redis.call('PEXPIRE', KEYS[1], keep)
  redis.call('ZREM', KEYS[2], ARGV[3])
  redis.call('ZREM', KEYS[3], ARGV[3])
  return 1
end
redis.call('ZADD', KEYS[2], 'NX', now, ARGV[3])
redis.call('ZADD', KEYS[3], now, ARGV[3])
redis.call('PEXPIRE', KEYS[2], keep)
redis.call('PEXPIRE', KEYS[3], keep)
return 0
"""


class RedisLeases:
    """Leases as members of one sorted set per account (score: expiry, ms on Redis's clock)."""

    _clients: dict[tuple[int, str], object] = {}
    _clients_lock = threading.Lock()

    def __init__(self, key: str, limit: int, lease_seconds: float, url: str | None = None):
        self.key = f"contactsync:slots:{key}"
        self.keys = [self.key, f"{self.key}:waiting", f"{self.key}:asked"]
        self.limit, self.lease_seconds = limit, lease_seconds
        self.url = url or settings.REDIS_URL
        if not self.url:
            raise ValueError("NETSUITE_SLOT_STORE is redis but REDIS_URL is not set")
        self._script = None

    @property
    def redis(self):
        import redis

        with self._clients_lock:
            client = self._clients.get((os.getpid(), self.url))
            if client is None:
                client = redis.Redis.from_url(self.url, socket_timeout=10, socket_connect_timeout=5)
                self._clients[(os.getpid(), self.url)] = client
        return client

    def claim(self, holder: str) -> str | None:
        import redis

        try:
            if self._script is None:
                self._script = self.redis.register_script(_CLAIM)
            lease_ms, stale_ms = int(self.lease_seconds * 1000), int(WAITER_STALE_SECONDS * 1000)
            taken = self._script(keys=self.keys, args=[self.limit, lease_ms, holder, stale_ms])
        except redis.RedisError as exc:
            raise Unavailable(f"could not lease a NetSuite concurrency slot in Redis: {exc}") from None
        return holder if taken == 1 else None

    def release(self, claim: str, holder: str) -> None:
        import redis

        try:
            self.redis.zrem(self.key, holder)
        except redis.RedisError as exc:
            logger.warning("could not release a slot of %s (it lapses with its lease): %s", self.key, exc)

    def held(self) -> list[tuple[str, float]]:
        """(holder, expires in seconds) of every unexpired lease of the account (for tests and ops)."""
        seconds, micros = self.redis.time()
        now_ms = seconds * 1000 + micros // 1000
        return [
            (member.decode(), score / 1000)
            for member, score in self.redis.zrangebyscore(self.key, now_ms, "+inf", withscores=True)
        ]
