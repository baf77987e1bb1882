"""Account id conventions: the OAuth realm and the REST host derived from an account id.

NetSuite account ids come in several spellings (``1234567``, ``1234567_SB1``,
``1234567-sb1``, ``TSTDRV1234567``). The realm NetSuite checks is the id in
upper case with an underscore; the host name is the id in lower case with a
hyphen. A lower-case sandbox realm (``1234567_sb1``) is refused with
"Invalid login attempt", the most common TBA mistake (reference, 1.1 and 7.1).
"""

from __future__ import annotations

import re

_ACCOUNT_ID = re.compile(r"^[A-Za-z0-9]+(?:[_-][A-Za-z0-9]+)*$")


def _checked(account_id: str) -> str:
    value = (account_id or "").strip()
    if not _ACCOUNT_ID.match(value):
        raise ValueError(f"not a NetSuite account id: {account_id!r} (expected e.g. 1234567 or 1234567_SB1)")
    return value


def realm_for(account_id: str) -> str:
    """The OAuth realm of an account: upper case, underscore (``1234567_sb1`` -> ``1234567_SB1``)."""
    return _checked(account_id).upper().replace("-", "_")


def host_for(account_id: str) -> str:
    """The SuiteTalk REST base URL of an account (``1234567_SB1`` -> ``https://1234567-sb1.suitetalk.api.netsuite.com``)."""
    slug = _checked(account_id).lower().replace("_", "-")
    return f"https://{slug}.suitetalk.api.netsuite.com"
