"""The match keys of a company (pure): its domain, from its website or else a business email, and its name
normalised, so that "ACME, Inc." in one app and "Acme Inc" in the other are one company.

A free-mail address (gmail.com) says nothing about a company, so it gives no domain; a name keeps its words
but not its case, punctuation, accents or legal form ("Ltd", "GmbH", "Inc.").
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

# Mail services whose addresses belong to people, not to a company's domain.
FREE_MAIL_DOMAINS = frozenset(
    {
        "aol.com",
        "gmail.com",
        "gmx.com",
        "gmx.de",
        "googlemail.com",
        "hotmail.com",
        "icloud.com",
        "live.com",
        "mail.com",
        "me.com",
        "msn.com",
        "outlook.com",
        "proton.me",
        "protonmail.com",
        "web.de",
        "yahoo.com",
        "yandex.com",
        "zoho.com",
    }
)

# Legal forms dropped from the end of a name (after punctuation is gone, lower case).
LEGAL_FORMS = frozenset(
    {
        "ag",
        "bv",
        "bvba",
        "co",
        "company",
        "corp",
        "corporation",
        "gmbh",
        "inc",
        "incorporated",
        "limited",
        "llc",
        "llp",
        "ltd",
        "nv",
        "oy",
        "plc",
        "pty",
        "sa",
        "sarl",
        "sas",
        "spa",
        "srl",
    }
)

_HOST = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)+$")
_WORDS = re.compile(r"[^\w]+", re.UNICODE)


def website_domain(website: str) -> str:
    """``"https://www.Acme.com/about"`` → ``"acme.com"``; '' when it holds no host name."""
    text = (website or "").strip().lower()
    if not text:
        return ""
    host = urlsplit(text if "//" in text else f"//{text}").hostname or ""
    host = host.removeprefix("www.").rstrip(".")
    return host if _HOST.match(host) else ""


def email_domain(email: str) -> str:
    """The domain of a business email ('' for a free-mail address or no email)."""
    _, at, domain = (email or "").strip().lower().rpartition("@")
    domain = domain.rstrip(".")
    if not at or not _HOST.match(domain) or domain in FREE_MAIL_DOMAINS:
        return ""
    return domain


def domain_key(website: str, email: str) -> str:
    """A company's domain: its website's, else its business email's; '' when neither gives one."""
    return website_domain(website) or email_domain(email)


def name_key(name: str) -> str:
    """A company name normalised: accents, case, punctuation and a trailing legal form dropped; ''
    when nothing is left."""
    text = unicodedata.normalize("NFKD", name or "")
    text = "".join(c for c in text if not unicodedata.combining(c)).lower().replace("&", " and ")
    words = [w for w in _WORDS.split(text) if w and w != "_"]
    while len(words) > 1 and words[-1] in LEGAL_FORMS:
        words.pop()
    return " ".join(words)
