"""How a side of a connection derives the keys that pair a record no link holds yet.

People are paired by email. Companies (a connection whose app object holds companies: NetSuite Company
Customers ⇄ the app's companies) by domain and then name (:mod:`.pipeline.company_keys`), from the values each
app registered as a company's match values (``ProviderInfo.company_match_values``). The mirror stores the
keys (``MirrorRecord.email_key`` holds the email or the domain, ``name_key`` the name), so pairing is one
indexed query per chunk, never a search per record.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from connections.providers.registry import NETSUITE, get_provider
from mappings.converters import normalize_email

from .choices import Side
from .pipeline.company_keys import domain_key, name_key


@dataclass(frozen=True)
class KeyMaker:
    """The match keys of one side's records: ``(email or domain, name)``. ``company_values`` is the
    side's app's company match values (None: people, paired by email)."""

    company_values: Callable[[dict], tuple[str, str, str]] | None = None

    def keys(self, values: dict) -> tuple[str, str]:
        if self.company_values is None:
            return normalize_email(values.get("email")) or "", ""
        website, email, name = self.company_values(values)
        return domain_key(website, email), name_key(name)


PEOPLE = KeyMaker()


def key_maker(connection, side: str) -> KeyMaker:
    """The key maker of ``side`` of ``connection``."""
    if not connection.syncs_companies:
        return PEOPLE
    provider = NETSUITE if side == Side.NETSUITE else connection.app_account.provider
    return KeyMaker(get_provider(provider).company_match_values)
