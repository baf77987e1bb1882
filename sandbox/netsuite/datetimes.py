"""Date and time formats the way NetSuite shows and reads them.

- REST datetimes are ISO 8601 UTC with ``Z``, second precision.
- SuiteQL renders dates in the user's date preference (``M/D/YYYY`` ...) without
  the time, in the account time zone, unless the query formats them with TO_CHAR.
- SuiteQL ``TO_DATE``/``TO_TIMESTAMP`` and ``q`` date literals are wall-clock
  times read in the account time zone (``SYS_EXTRACT_UTC`` switches to UTC).

Stored datetimes are integer epoch seconds (UTC).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo


class FormatError(ValueError):
    """A format model or a date literal the sandbox cannot read."""


def iso_utc(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso_datetime(text: str) -> int:
    """An ISO 8601 datetime with an explicit zone (``Z`` or ``+hh:mm``) to epoch seconds."""
    value = text.strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})", value):
        raise FormatError(text)
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return int(parsed.timestamp())


def wall_to_epoch(wall: datetime, zone: ZoneInfo) -> int:
    """A naive wall-clock time in ``zone`` to epoch seconds."""
    return int(wall.replace(tzinfo=zone).timestamp())


def epoch_to_wall(epoch: int, zone: ZoneInfo) -> datetime:
    return datetime.fromtimestamp(epoch, zone).replace(tzinfo=None)


# --- Oracle format models (TO_CHAR, TO_DATE, TO_TIMESTAMP) ----------------------
_ORACLE_TOKEN = re.compile(r'"[^"]*"|YYYY|HH24|HH12|HH|MI|SS|MM|DD|AM|PM|FF\d?|[-/:.,; T]', re.IGNORECASE)


@lru_cache(maxsize=256)
def oracle_format(model: str) -> tuple[str, ...]:
    """Tokenize an Oracle datetime format model; FormatError on anything outside the supported set."""
    tokens: list[str] = []
    pos = 0
    while pos < len(model):
        match = _ORACLE_TOKEN.match(model, pos)
        if not match:
            raise FormatError(f"unsupported format model element at {model[pos:]!r}")
        token = match.group(0)
        tokens.append(token if token.startswith('"') else token.upper())
        pos = match.end()
    return tuple(tokens)


def oracle_to_char(wall: datetime, model: str) -> str:
    out = []
    for token in oracle_format(model):
        if token.startswith('"'):
            out.append(token[1:-1])
        elif token == "YYYY":
            out.append(f"{wall.year:04d}")
        elif token == "MM":
            out.append(f"{wall.month:02d}")
        elif token == "DD":
            out.append(f"{wall.day:02d}")
        elif token == "HH24":
            out.append(f"{wall.hour:02d}")
        elif token in ("HH", "HH12"):
            out.append(f"{(wall.hour % 12) or 12:02d}")
        elif token == "MI":
            out.append(f"{wall.minute:02d}")
        elif token == "SS":
            out.append(f"{wall.second:02d}")
        elif token in ("AM", "PM"):
            out.append("AM" if wall.hour < 12 else "PM")
        elif token.startswith("FF"):
            out.append("0" * int(token[2:] or 6))
        else:
            out.append(token)
    return "".join(out)


_FIELD_PATTERNS = {
    "YYYY": r"(?P<year>\d{4})",
    "MM": r"(?P<month>\d{1,2})",
    "DD": r"(?P<day>\d{1,2})",
    "HH24": r"(?P<hour24>\d{1,2})",
    "HH": r"(?P<hour12>\d{1,2})",
    "HH12": r"(?P<hour12>\d{1,2})",
    "MI": r"(?P<minute>\d{1,2})",
    "SS": r"(?P<second>\d{1,2})",
    "AM": r"(?P<ampm>AM|PM)",
    "PM": r"(?P<ampm>AM|PM)",
}


def oracle_parse(text: str, model: str) -> datetime:
    """TO_DATE/TO_TIMESTAMP: ``text`` read with ``model``, a naive wall-clock datetime."""
    pattern = []
    for token in oracle_format(model):
        if token.startswith('"'):
            pattern.append(re.escape(token[1:-1]))
        elif token in _FIELD_PATTERNS:
            pattern.append(_FIELD_PATTERNS[token])
        elif token.startswith("FF"):
            pattern.append(r"\d{1,9}")
        else:
            pattern.append(re.escape(token))
    try:
        match = re.fullmatch("".join(pattern), text.strip(), re.IGNORECASE)
    except re.error as exc:  # a field repeated in the model
        raise FormatError(f"invalid format model {model!r}") from exc
    if not match:
        raise FormatError(f"literal {text!r} does not match format {model!r}")
    parts = match.groupdict()
    if parts.get("year") is None:
        raise FormatError(f"format {model!r} has no year")
    hour = int(parts.get("hour24") or 0)
    if parts.get("hour12"):
        hour = int(parts["hour12"]) % 12 + (12 if (parts.get("ampm") or "AM").upper() == "PM" else 0)
    try:
        return datetime(
            int(parts["year"]),
            int(parts.get("month") or 1),
            int(parts.get("day") or 1),
            hour,
            int(parts.get("minute") or 0),
            int(parts.get("second") or 0),
        )
    except ValueError as exc:
        raise FormatError(str(exc)) from exc


# --- the user's date preference (M/D/YYYY, DD.MM.YYYY, YYYY-MM-DD ...) -----------
_USER_TOKEN = re.compile(r"YYYY|MM|M|DD|D|[-/. ]")


@lru_cache(maxsize=16)
def _user_format(fmt: str) -> tuple[str, ...]:
    tokens = []
    pos = 0
    while pos < len(fmt):
        match = _USER_TOKEN.match(fmt, pos)
        if not match:
            raise FormatError(f"unsupported date format {fmt!r}")
        tokens.append(match.group(0))
        pos = match.end()
    return tuple(tokens)


def user_date(day: date, fmt: str) -> str:
    """A date in the user's date preference."""
    out = []
    for token in _user_format(fmt):
        out.append(
            {
                "YYYY": f"{day.year:04d}",
                "MM": f"{day.month:02d}",
                "M": str(day.month),
                "DD": f"{day.day:02d}",
                "D": str(day.day),
            }.get(token, token)
        )
    return "".join(out)


def parse_user_date(text: str, fmt: str) -> date:
    pattern = []
    for token in _user_format(fmt):
        if token == "YYYY":
            pattern.append(r"(?P<year>\d{4})")
        elif token in ("MM", "M"):
            pattern.append(r"(?P<month>\d{1,2})")
        elif token in ("DD", "D"):
            pattern.append(r"(?P<day>\d{1,2})")
        else:
            pattern.append(re.escape(token))
    match = re.fullmatch("".join(pattern), text.strip())
    if not match:
        raise FormatError(text)
    try:
        return date(int(match["year"]), int(match["month"]), int(match["day"]))
    except ValueError as exc:
        raise FormatError(text) from exc


def day_bounds(day: date, zone: ZoneInfo) -> tuple[int, int]:
    """Epoch seconds of the start of ``day`` and of the next day, in ``zone``."""
    start = datetime(day.year, day.month, day.day)
    return wall_to_epoch(start, zone), wall_to_epoch(start + timedelta(days=1), zone)
