"""The sandbox account's settings: account id, demo TBA credentials, preferences, governance."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from sandbox.common.control import FaultConfig

# Fixed demo credentials. They are not secrets: they open nothing but this local
# simulator, and are printed by ``manage.py runsandbox --print-config``. They are
# 64-hex-character strings like the ones NetSuite issues.
DEMO_CONSUMER_KEY = "5a1e0c0ffee0c0de5a1e0c0ffee0c0de5a1e0c0ffee0c0de5a1e0c0ffee0c0d1"
DEMO_CONSUMER_SECRET = "5ec0de5a1dbeef0000000000000000000000000000000000005ec0de5a1dbee2"
DEMO_TOKEN_ID = "70ce1d0000000000000000000000000000000000000000000000000070ce1d03"
DEMO_TOKEN_SECRET = "70ce15ec0000000000000000000000000000000000000000000070ce15ec0004"


def _default_faults() -> FaultConfig:
    # A shared-tier NetSuite account allows 5 concurrent web-service requests.
    return FaultConfig(concurrency_limit=5)


@dataclass
class NetSuiteSandboxConfig:
    """Everything that makes one simulated NetSuite account.

    ``account_id`` is NetSuite's form (upper case, underscore): it is the only
    realm accepted. ``date_format`` is the user's date preference, used where
    SuiteQL renders dates; ``account_time_zone`` is the account/user time zone
    in which SuiteQL and ``q`` date literals are read. ``timestamp_skew_seconds``
    is how far an ``oauth_timestamp`` may be from the sandbox clock.
    """

    account_id: str = "1234567_SB1"
    consumer_key: str = DEMO_CONSUMER_KEY
    consumer_secret: str = DEMO_CONSUMER_SECRET
    token_id: str = DEMO_TOKEN_ID
    token_secret: str = DEMO_TOKEN_SECRET
    date_format: str = "M/D/YYYY"
    # NetSuite reads SuiteQL/q date literals in the account's time zone, not UTC.
    # A Pacific default makes a client that sends UTC wall-clock literals miss up
    # to 8 hours of changes, unless it reads with an overlap window (it should).
    account_time_zone: str = "America/Los_Angeles"
    timestamp_skew_seconds: int = 300
    # SuiteQL's SUM is Oracle's, but undocumented for SuiteQL (UNCERTAIN): False makes the
    # account refuse it, to show that clients cope without aggregates.
    suiteql_sum: bool = True
    faults: FaultConfig = field(default_factory=_default_faults)

    def __repr__(self) -> str:  # never show the secrets, even demo ones
        return (
            f"NetSuiteSandboxConfig(account_id={self.account_id!r}, date_format={self.date_format!r}, "
            f"account_time_zone={self.account_time_zone!r}, timestamp_skew_seconds={self.timestamp_skew_seconds})"
        )

    def copy(self) -> NetSuiteSandboxConfig:
        return dataclasses.replace(self, faults=dataclasses.replace(self.faults))


def default_config() -> NetSuiteSandboxConfig:
    """The documented default account: ``1234567_SB1`` with the demo credentials."""
    return NetSuiteSandboxConfig()
