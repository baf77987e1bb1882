"""A Mailchimp API key, its data centre and the API's base URL, and a member's id (reference C.1, C.2).

A key ends in its data centre (``…-us14``): the API of that account is ``https://us14.api.mailchimp.com/3.0``.
A member is addressed by the MD5 of its lower-cased (and trimmed) email, its ``subscriber_hash``.
"""

from __future__ import annotations

import hashlib
import re

from ..errors import AuthenticationError

_DATA_CENTRE = re.compile(r"-([a-z]+[0-9]+)$")


def data_centre(api_key: str) -> str:
    """``"us14"`` for ``"abc…-us14"``; an :class:`AuthenticationError` for a key without one (Mailchimp would
    not know where to send it)."""
    match = _DATA_CENTRE.search((api_key or "").strip())
    if not match:
        raise AuthenticationError(
            "This is not a Mailchimp API key: a key ends in its data centre, such as -us14. "
            "Copy the whole key from Mailchimp (Profile > Extras > API keys)."
        )
    return match.group(1)


def base_url(api_key: str, override: str | None = None) -> str:
    """The API root for ``api_key``: ``https://<dc>.api.mailchimp.com/3.0``, or ``override`` (a sandbox) as is."""
    if override:
        return override.rstrip("/")
    return f"https://{data_centre(api_key)}.api.mailchimp.com/3.0"


def subscriber_hash(email: str) -> str:
    """The member id of ``email``: the MD5 of it trimmed and lower-cased."""
    return hashlib.md5((email or "").strip().lower().encode("utf-8"), usedforsecurity=False).hexdigest()
