"""Countries and states as codes, from ISO 3166 (``pycountry``), for every app that needs them.

Apps disagree on how an address names its country and state: Google Contacts keeps free text
("Germany", "California") and an optional ``countryCode``; NetSuite wants the ISO 3166-1 alpha-2
code and, for the countries whose addresses pick the state from a list, the state's code. These
functions turn either form into the code, and leave anything they do not recognise exactly as
given (an unknown country must reach the app that refuses it, with the app's own message: we never
guess a country).
"""

from __future__ import annotations

from functools import lru_cache

import pycountry

# The countries whose state is written as a code. NetSuite keeps a state list for these (the
# UNCERTAIN part: which other countries it lists; we convert only where the codes are known to be
# ISO 3166-2's own: "CA", "ON", "NSW"). Elsewhere the state is free text and kept as given.
STATE_CODE_COUNTRIES = frozenset({"US", "CA", "AU"})


@lru_cache(maxsize=1024)
def country_code(country: str) -> str:
    """The ISO 3166-1 alpha-2 code of ``country`` (a name, an official or common name, or an alpha-2
    or alpha-3 code, in any case), or ``country`` trimmed and as given when ISO 3166 does not know it."""
    text = country.strip()
    if not text:
        return text
    try:
        return pycountry.countries.lookup(text).alpha_2
    except LookupError:
        return text


@lru_cache(maxsize=1024)
def region_code(region: str, country: str | None) -> str:
    """The state's code (``"California"`` in ``US`` -> ``"CA"``) in the countries of
    :data:`STATE_CODE_COUNTRIES`; ``region`` trimmed and as given anywhere else, or when the
    country's subdivisions do not know it."""
    text = region.strip()
    code = country_code(country) if country else None
    if not text or code not in STATE_CODE_COUNTRIES:
        return text
    wanted = text.casefold()
    for subdivision in pycountry.subdivisions.get(country_code=code) or ():
        short = subdivision.code.split("-", 1)[1]
        if wanted in (short.casefold(), subdivision.name.casefold()):
            return short
    return text


def _squeezed(text: str) -> str:
    return "".join(text.casefold().split())


@lru_cache(maxsize=1024)
def country_code_from_name(country: str) -> str:
    """:func:`country_code`, and where that finds nothing, a fuzzy search that is kept only when it is
    unambiguous: exactly one country, whose own name contains the text ("Russia" -> ``"RU"``,
    "Vietnam" -> ``"VN"``). A text that also fits other countries ("Korea"), or that matches only
    through a state's name ("California", "Holland"), is kept as given: the app that needs a code
    refuses it with its own message, and we never guess a country."""
    code = country_code(country)
    text = country.strip()
    if code != text or len(text) < 3 or code_is_country(code):
        return code
    try:
        found = pycountry.countries.search_fuzzy(text)
    except LookupError:
        return text
    if len(found) != 1:
        return text
    match = found[0]
    names = (match.name, getattr(match, "official_name", ""), getattr(match, "common_name", ""))
    return match.alpha_2 if any(_squeezed(text) in _squeezed(name) for name in names if name) else text


def code_is_country(code: str) -> bool:
    """Whether ``code`` is an ISO 3166-1 alpha-2 code (exactly: two letters, upper case)."""
    return len(code) == 2 and code.isupper() and pycountry.countries.get(alpha_2=code) is not None


@lru_cache(maxsize=512)
def country_name(code: str) -> str:
    """The name people use for the country of alpha-2 ``code`` ("United States", "Taiwan"); ``code``
    as given when it is not one."""
    country = pycountry.countries.get(alpha_2=code.strip().upper()) if code.strip() else None
    if country is None:
        return code
    return getattr(country, "common_name", None) or country.name


@lru_cache(maxsize=1)
def countries() -> tuple[tuple[str, str], ...]:
    """Every country as (alpha-2 code, name people use), sorted by name."""
    return tuple(sorted(((c.alpha_2, country_name(c.alpha_2)) for c in pycountry.countries), key=lambda c: c[1]))
