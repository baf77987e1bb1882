"""Concurrency slots: what a transport holds while one of its requests is on the wire.

An API whose limit is "N requests in flight per account" (NetSuite) is obeyed by
holding one of N slots around each attempt: :meth:`SlotGate.hold`. A slot is
never held during a backoff sleep, and never longer than one request.

:class:`LocalSlots` caps the requests of one client in one process: right for a
client built on its own (a test, a script). The product passes the gates of
``connections.slots`` instead, shared by every client, worker process and machine
that uses the account (leases in the database or in Redis).
"""

from __future__ import annotations

import threading
from contextlib import AbstractContextManager, contextmanager
from typing import Protocol


class SlotGate(Protocol):
    """Something that hands out one of an account's concurrency slots for the length of a ``with`` block."""

    limit: int

    def hold(self) -> AbstractContextManager[None]:
        """Wait for a free slot, hold it for the block, give it back afterwards (also on error)."""
        ...


class LocalSlots:
    """``limit`` slots in this process's memory (a bounded semaphore): one client's own cap."""

    def __init__(self, limit: int):
        if limit < 1:
            raise ValueError("a concurrency limit must be at least 1")
        self.limit = limit
        self._semaphore = threading.BoundedSemaphore(limit)

    def __repr__(self) -> str:
        return f"<LocalSlots limit={self.limit}>"

    @contextmanager
    def hold(self):
        with self._semaphore:
            yield
