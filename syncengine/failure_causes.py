"""Failure messages grouped by cause: what varies from record to record (ids, emails, quoted values,
numbers) is taken out, so identical causes group; and the API's own words picked out of our messages.
Pure (no ORM, no I/O): used by the failure notices and by the health and run pages."""

from __future__ import annotations

import re
from collections.abc import Iterable

# What varies from record to record inside an API's message, and the placeholder it becomes. The patterns
# are written in the subset of regular expressions that Python (SQLite's REGEXP) and PostgreSQL share.
_VARIABLE_PARTS: tuple[tuple[str, str, str], ...] = (
    ("dquoted", r'"[^"]*"', '"…"'),
    ("squoted", r"'[^']*'", "'…'"),
    ("email", r"[A-Za-z0-9_.+-]+@[A-Za-z0-9_.-]*", "<email>"),  # valid or not (an invalid one often is the cause)
    ("hexid", r"[0-9a-fA-F]{12,}", "<id>"),
    ("number", r"[0-9]+", "<n>"),
)
_FINDER = re.compile("|".join(f"(?P<{name}>{pattern})" for name, pattern, _ in _VARIABLE_PARTS))
_PLACEHOLDER_OF = {name: placeholder for name, _, placeholder in _VARIABLE_PARTS}
_PATTERN_OF = {placeholder: pattern for _, pattern, placeholder in _VARIABLE_PARTS}
_PLACEHOLDERS = re.compile("(" + "|".join(re.escape(p) for p in _PATTERN_OF) + ")")


def failure_reason(message: str) -> str:
    """The cause of a failure without what varies per record (ids, emails, quoted values, numbers),
    so that identical causes group: "Invalid email 'x@'" and "Invalid email 'y@'" are one reason.
    Only the first line counts."""
    lines = (message or "").strip().splitlines()
    first = lines[0].strip() if lines else ""
    return _FINDER.sub(lambda m: _PLACEHOLDER_OF[m.lastgroup], first)


# What precedes an API's own words in our messages: "… : HTTP 400 USER_ERROR: <the API's text>" (NetSuite),
# "Google People API: <the API's text> (HTTP 400 INVALID_ARGUMENT)" (Google).
_AFTER_STATUS = re.compile(r"HTTP [0-9]{3}\s+(?:[A-Z][A-Z0-9_.]+:\s*)?(?P<text>\S.*)$")
_BEFORE_STATUS = re.compile(r"^[^:]{0,80}:\s*(?P<text>\S.*?)\s*\(HTTP [0-9]{3}[^)]*\)\.?$")


def meaningful_message(message: str) -> str:
    """The part of a failure message an operator reads first: the API's own text, without our prefixes
    ("NetSuite refused the request (…): HTTP 400 USER_ERROR: ") or suffixes ("(HTTP 400 …)"). Only the
    first line; the whole message stays on the outcome's page."""
    lines = (message or "").strip().splitlines()
    first = lines[0].strip() if lines else ""
    for pattern in (_BEFORE_STATUS, _AFTER_STATUS):
        found = pattern.search(first)
        if found and found.group("text").strip():
            return found.group("text").strip()
    return first


def reason_regex(reason: str) -> str:
    """A regular expression matching the messages whose :func:`failure_reason` is ``reason``
    (for ``message__regex``; the same on SQLite and PostgreSQL)."""
    parts = _PLACEHOLDERS.split(reason)
    # re.escape only escapes punctuation, which a backslash makes literal in PostgreSQL too.
    body = "".join(_PATTERN_OF.get(part) or re.escape(part) for part in parts)
    return "^\\s*" + body + "\\s*($|[\\r\\n])"


def group_by_cause(counted: Iterable[tuple[str, str, int]]) -> list[tuple[tuple[str, str], int, str]]:
    """Failure counts ``(scope, message, n)`` grouped by cause (pure): ``[((scope, reason), n, example
    message)]``, most records first. Messages that differ only in ids, emails and numbers are one cause
    (:func:`failure_reason`); ``scope`` keeps causes apart (a direction), or is the same for all."""
    groups: dict[tuple[str, str], list] = {}
    for scope, message, n in counted:
        group = groups.setdefault((scope, failure_reason(message)), [0, message])
        group[0] += n
    return sorted(((key, n, example) for key, (n, example) in groups.items()), key=lambda item: (-item[1], item[0]))
