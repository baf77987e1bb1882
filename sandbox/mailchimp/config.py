"""Settings of the Mailchimp sandbox: its account, data center and API keys,
and what the reference (``../shared/reference/mailchimp.md``) left open."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from sandbox.common.control import FaultConfig

# The demo API key. Not a secret: it opens only this local simulator, and runsandbox and the docs print
# it. Real keys look the same: 32 hex digits, a dash, the data center (C.1).
DEMO_KEY = "0123456789abcdef0123456789abcdef-us6"
DEMO_LIST_ID = "a1b2c3d4e5"


def _faults() -> FaultConfig:
    # C.7: 10 simultaneous connections per account; the 11th in flight gets 429.
    return FaultConfig(concurrency_limit=10)


@dataclass
class MailchimpSandboxConfig:
    """Everything a test or the demo may change about the sandbox.

    The sandbox serves one account in one data center (``dc``). On 127.0.0.1 there
    is no ``<dc>.api.mailchimp.com`` host to read it from, so the data center is
    configured: a key whose suffix names another data center gets 403
    ``Wrong Datacenter``; an unknown key of this data center gets 401 ``API Key Invalid``.
    """

    dc: str = "us6"
    account_id: str = "8d3a3db4d97663a9074efcc16"
    api_keys: tuple[str, ...] = (DEMO_KEY,)
    # The audience the sandbox starts with (more through ``sandbox.seed({"lists": [...]})``).
    default_list_id: str = DEMO_LIST_ID
    default_list_name: str = "Demo audience"
    # UNCERTAIN (C.2): which unsubscribed members the API may move back to "subscribed". Stricter
    # default: none (400 "Member In Compliance State"); "pending" (double opt-in) is allowed. True lets
    # members unsubscribed *through the API* be resubscribed; those who unsubscribed themselves
    # (``sandbox.unsubscribe_by_contact``) or bounced (cleaned) never can.
    api_unsubscribed_may_resubscribe: bool = False
    # UNCERTAIN (C.2): archived members are left out of an unfiltered GET /members (only status=archived).
    list_archived_by_default: bool = False
    # C.2 "looks fake or invalid": addresses at these domains are refused (400 Invalid Resource).
    fake_domains: tuple[str, ...] = ("example.com", "example.org", "example.net", "test.com", "mailinator.com")
    faults: FaultConfig = field(default_factory=_faults)

    def __repr__(self) -> str:  # the keys stay out of logs and test output
        return f"MailchimpSandboxConfig(dc={self.dc!r}, account_id={self.account_id!r})"

    def replace(self, **changes) -> MailchimpSandboxConfig:
        return dataclasses.replace(self, **changes)


def default_config() -> MailchimpSandboxConfig:
    """The configuration the tests and the demo start from."""
    return MailchimpSandboxConfig()
