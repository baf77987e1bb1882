"""Who is making the changes being recorded.

Changes are captured by model signals, which know nothing of the request;
the author travels beside them in a context variable: the middleware
(:class:`changelog.middleware.ChangeActorMiddleware`) sets it for each web
request, commands and background code set it with :func:`acting_as`.
A context variable (not a thread-local) is right for threads and async alike.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Actor:
    """The author of the changes being made now: a user (possibly a lazy
    ``request.user``) and the way the change came in ("admin", "import_config",
    "sync engine", ...)."""

    user: Any = None
    via: str = ""
    # Tells one request's (or command's) changes from another's, to merge a save with its many-to-many changes.
    token: str = field(default_factory=lambda: uuid.uuid4().hex)

    def resolved_user(self):
        """The user, when it is a real signed-in one (never an anonymous user)."""
        user = self.user
        if user is None or not getattr(user, "is_authenticated", False):
            return None
        return user


_NOBODY = Actor()
_current: ContextVar[Actor | None] = ContextVar("changelog_actor", default=None)


def current_actor() -> Actor:
    """The actor of the code running now (an empty one when nobody said)."""
    return _current.get() or _NOBODY


@contextmanager
def acting_as(user: Any = None, via: str = "") -> Iterator[Actor]:
    """Record the changes made inside the block as made by ``user`` through ``via``."""
    actor = Actor(user=user, via=via)
    token = _current.set(actor)
    try:
        yield actor
    finally:
        _current.reset(token)
