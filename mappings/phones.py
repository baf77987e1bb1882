"""Phone numbers for the converters, the merge and the matcher (pure): reading a number in a region's
numbering plan, its E.164 form, and the key two numbers compare by."""

from __future__ import annotations

import phonenumbers

__all__ = ["normalize_phone", "parse_phone", "phone_key"]


def parse_phone(value: str, region: str | None) -> phonenumbers.PhoneNumber | None:
    """The number ``value`` reads as in ``region``'s plan, or None when it is not a possible number (or its
    E.164 form would read back as another one)."""
    try:
        parsed = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(parsed):
        return None
    if parsed.italian_leading_zero and not _e164_is_stable(parsed):
        return None  # e.g. "00000000000" in GB: its E.164 form reads back as another number
    return parsed


def _e164_is_stable(parsed: phonenumbers.PhoneNumber) -> bool:
    """Whether the E.164 form of a number reads back as the same E.164 form (leading zeros may not)."""
    e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    try:
        again = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.format_number(again, phonenumbers.PhoneNumberFormat.E164) == e164


def normalize_phone(value: str | None, region: str | None = None) -> str | None:
    """The E.164 form of a phone number (``+3225551234``), or ``None`` when it has none.

    ``None`` when the text is not a possible phone number for its country, or
    carries an extension, which E.164 cannot hold. Numbers without a country
    code are read in ``region``'s numbering plan (ISO 3166-1 alpha-2); with
    no region, only numbers written with their country code can be read.
    """
    if not value or not value.strip():
        return None
    parsed = parse_phone(value, region)
    if parsed is None or parsed.extension:
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def phone_key(value: str, region: str | None) -> str:
    """What identifies a phone number for comparisons: E.164 plus extension, else the trimmed text."""
    parsed = parse_phone(value, region)
    if parsed is None:
        return value.strip()
    e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    return f"{e164};ext={parsed.extension}" if parsed.extension else e164
