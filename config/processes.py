"""Whether a lease holder's process still runs: shared by the run lease (``syncengine/lease.py``) and the
NetSuite concurrency slots (``connections/slots.py``), whose holders are ``host:pid:token`` strings."""

from __future__ import annotations

import os
import socket


def process_is_gone(host: str, pid: int, *, host_length: int | None = None) -> bool:
    """True when ``pid`` on ``host`` is a process of this host that no longer runs (or a zombie); False for
    another host (its holder waits for the lease to lapse), for this process, and when unsure.
    ``host_length``: the holder stores the host name cut to that many characters."""
    here = socket.gethostname()[:host_length] if host_length else socket.gethostname()
    if host != here or pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    try:  # a zombie (killed, not yet reaped by its parent) still answers kill(0)
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(")")[-1].split()[0] == "Z"
    except OSError:
        return False


def holder_process_is_gone(holder: str, *, host_length: int | None = None) -> bool:
    """:func:`process_is_gone` for a ``host:pid:token`` holder; False when the holder is not of that shape."""
    try:
        host, pid, _ = holder.rsplit(":", 2)
        return process_is_gone(host, int(pid), host_length=host_length)
    except ValueError:
        return False
