"""Tell the change history who makes the changes of a web request."""

from __future__ import annotations

from .actor import Actor, _current


class ChangeActorMiddleware:
    """Sets the request's user as the author of every change recorded during the request.

    Place it after ``AuthenticationMiddleware``. ``request.user`` is kept lazy:
    the session is only read when a change is actually recorded.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current.set(Actor(user=getattr(request, "user", None), via="admin"))
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)
