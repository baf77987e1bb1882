"""A run stopped because a shared service went away mid-run: the database (a restart, a failover, a
dropped connection) or Redis (the broker and the slot store). Nothing is lost then: the records not yet
written stay pending and the next run picks up from there. The run page says so in plain words
instead of a traceback (the traceback goes to the log)."""

from __future__ import annotations

from django.db import InterfaceError, OperationalError

try:  # redis-py is installed with the Redis broker; without it, only the database can go away
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    REDIS_ERRORS: tuple[type[BaseException], ...] = (RedisConnectionError, RedisTimeoutError)
except ImportError:  # pragma: no cover - redis is in requirements.txt
    REDIS_ERRORS = ()

LOST_SERVICE_ERRORS: tuple[type[BaseException], ...] = (OperationalError, InterfaceError, *REDIS_ERRORS)


def lost_service_message(error: BaseException) -> str:
    """The run's error for ``error`` (one of :data:`LOST_SERVICE_ERRORS`), in words, without a traceback."""
    service = "Redis" if isinstance(error, REDIS_ERRORS) else "database"
    detail = " ".join(str(error).split())[:200] or type(error).__name__
    return (
        f"The run stopped: the {service} failed mid-run ({detail}). "
        "Nothing is lost: the records not yet written stay pending, and the next run picks up from there."
    )
