"""The per-connection lease: one run per connection at a time, on any number of
workers and machines, on SQLite and PostgreSQL alike.

The lease is a row (:class:`ConnectionState`) with a holder and an expiry,
taken with one conditional UPDATE (atomic on every database, unlike
``select_for_update``, which SQLite ignores). A crashed worker's lease lapses
at its expiry; a lease held by a process on this same host that no longer
exists is taken over at once, so a killed worker does not block the next run.
"""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from datetime import timedelta

from django.db import IntegrityError, InterfaceError, OperationalError, connections, transaction
from django.db.models import Q
from django.utils import timezone

from config.processes import holder_process_is_gone

from .models import ConnectionState

logger = logging.getLogger(__name__)

DEFAULT_TTL = timedelta(minutes=5)
# How long a release keeps trying while the database comes back (a restart takes a second or two).
RELEASE_RETRY_SECONDS = 15.0


class LeaseHeld(Exception):
    """Another worker runs this connection now."""

    def __init__(self, holder: str, expires_at):
        super().__init__(f"another run holds this connection ({holder}) until {expires_at:%Y-%m-%d %H:%M:%S} UTC")
        self.holder = holder
        self.expires_at = expires_at


class LeaseLost(Exception):
    """Our lease expired and someone else took it: stop writing at once."""


def new_holder() -> str:
    """``host:pid:random``: unique per attempt, and tells whether the holder process lives."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _holder_is_dead(holder: str) -> bool:
    """True when ``holder`` names a process on this host that no longer runs."""
    return holder_process_is_gone(holder)


def ensure_state(connection_id: int) -> ConnectionState:
    try:
        with transaction.atomic():
            state, _ = ConnectionState.objects.get_or_create(connection_id=connection_id)
    except IntegrityError:  # created by a concurrent worker between our get and create
        state = ConnectionState.objects.get(connection_id=connection_id)
    return state


def acquire(connection_id: int, holder: str, ttl: timedelta = DEFAULT_TTL) -> None:
    """Take the lease or raise :class:`LeaseHeld`."""
    state = ensure_state(connection_id)
    now = timezone.now()
    free = Q(lease_holder="") | Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lt=now) | Q(lease_holder=holder)
    if state.lease_holder and _holder_is_dead(state.lease_holder):
        free |= Q(lease_holder=state.lease_holder)
    taken = ConnectionState.objects.filter(free, connection_id=connection_id).update(
        lease_holder=holder, lease_expires_at=now + ttl
    )
    if not taken:
        state.refresh_from_db()
        raise LeaseHeld(state.lease_holder, state.lease_expires_at)


def renew(connection_id: int, holder: str, ttl: timedelta = DEFAULT_TTL) -> None:
    """Extend our lease; raise :class:`LeaseLost` if it is no longer ours."""
    renewed = ConnectionState.objects.filter(connection_id=connection_id, lease_holder=holder).update(
        lease_expires_at=timezone.now() + ttl
    )
    if not renewed:
        raise LeaseLost("the connection's lease was lost (it expired and another worker took it)")


def release(connection_id: int, holder: str) -> None:
    """Give the lease back (only if ``holder`` still holds it).

    A run often ends here *because* the database went away (restarted, failed over): the connection
    Django holds is then dead for good (it never reconnects by itself outside a request). So a dead
    connection is dropped and the release tried again on a new one until the database answers (at
    most :data:`RELEASE_RETRY_SECONDS`), rather than leaving the lease held until it lapses. It also
    leaves the caller a working connection for saving the run's end.
    """
    deadline = time.monotonic() + RELEASE_RETRY_SECONDS
    while True:
        try:
            ConnectionState.objects.filter(connection_id=connection_id, lease_holder=holder).update(
                lease_holder="", lease_expires_at=None
            )
            return
        except (OperationalError, InterfaceError) as exc:
            db = connections[ConnectionState.objects.db]
            if db.in_atomic_block or time.monotonic() >= deadline:
                # Inside a transaction the caller owns the connection; past the deadline, give up:
                # the lease lapses at its expiry and the reaper ends the run.
                raise
            logger.warning("releasing the lease of connection %s: %s; reconnecting", connection_id, exc)
            db.close()
            time.sleep(0.5)
