"""Interpreter settings a sync run tunes for its worker process (a sync runs alone in its process), each
restored when the block ends: fewer garbage-collector pauses, and a shorter thread switch interval so the
NetSuite writer threads are not kept waiting by the planning thread."""

from __future__ import annotations

import gc
import sys
from contextlib import contextmanager

# While the NetSuite writer threads run next to this thread's planning, the
# interpreter hands the GIL over at most every this many seconds (Python's
# default: 5 ms). Each writer takes the GIL back several times per request (after
# connecting, sending, receiving); waiting up to 5 ms each time for a planning
# thread to let go cost a quarter of NetSuite's throughput (measured: 1,000
# PATCHes at 50 ms and concurrency 5 took 1.39x their minimum next to a busy
# thread, 1.15x with 1 ms, 1.07x alone).
GIL_SWITCH_INTERVAL_S = 0.001

# The cyclic garbage collector stops every thread while it runs; during a run
# it is asked to start its young collections after this many new objects rather
# than 700, so the full ones (walking every object of the process, a tenth of a
# second and more with a few chunks of records held) come far less often.
GC_YOUNG_THRESHOLD = 20_000


@contextmanager
def fewer_gc_pauses(young_threshold: int = GC_YOUNG_THRESHOLD):
    """Raise the collector's young-generation threshold for the block, and restore it after."""
    previous = gc.get_threshold()
    gc.set_threshold(max(previous[0], young_threshold), *previous[1:])
    try:
        yield
    finally:
        gc.set_threshold(*previous)


@contextmanager
def responsive_io_threads(interval: float = GIL_SWITCH_INTERVAL_S):
    """Shorten the interpreter's thread switch interval for the block (it is per process:
    a sync runs alone in its worker process), and restore it after."""
    previous = sys.getswitchinterval()
    sys.setswitchinterval(min(previous, interval))
    try:
        yield
    finally:
        sys.setswitchinterval(previous)
