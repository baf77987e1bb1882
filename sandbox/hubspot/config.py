"""Settings of the HubSpot sandbox: its portal, its private-app token, and the
rate limits (reference B.8)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from sandbox.common.control import FaultConfig

# The demo private-app token. Not a secret: it opens only this local simulator,
# and runsandbox and the docs print it. Real private-app tokens look the same ("pat-<region>-<uuid>").
DEMO_TOKEN = "pat-na1-00000000-5a4d-4b0c-9f00-000000000001"
ALL_SCOPES = (
    "crm.objects.contacts.read",
    "crm.objects.contacts.write",
    "crm.objects.companies.read",
    "crm.objects.companies.write",
    "crm.schemas.contacts.read",
    "crm.schemas.contacts.write",
    "crm.schemas.companies.read",
    "crm.schemas.companies.write",
    "communication_preferences.read",
    "communication_preferences.write",
)


@dataclass
class HubSpotSandboxConfig:
    """Everything a test or the demo may change about the sandbox.

    Limits default to a Professional portal's private app (reference B.8):
    190 requests per rolling 10 s, 650,000 a day, and the search API's own 5 a
    second. ``None`` turns a limit off.
    """

    portal_id: str = "20260001"
    app_id: str = "3000001"
    token: str = DEMO_TOKEN
    scopes: tuple[str, ...] = ALL_SCOPES
    ten_second_limit: int | None = 190
    daily_limit: int | None = 650_000
    search_per_second: int | None = 5
    # "Newly created or updated records take a few moments to appear in search" (B.3). Off by default
    # (search sees writes at once) so that tests stay quick and exact; turn it on to test a client's
    # tolerance of the lag (e.g. search finds no contact, the create then gets 409).
    search_lag_seconds: float = 0.0
    first_id: int = 1001  # ids are numbers sent as strings; contacts and companies have their own sequences
    faults: FaultConfig = field(default_factory=FaultConfig)

    def __repr__(self) -> str:  # the token stays out of logs and test output
        return f"HubSpotSandboxConfig(portal_id={self.portal_id!r})"

    def replace(self, **changes) -> HubSpotSandboxConfig:
        return dataclasses.replace(self, **changes)


def default_config() -> HubSpotSandboxConfig:
    """The configuration the tests and the demo start from."""
    return HubSpotSandboxConfig()
