"""Settings of the Google sandbox: the OAuth client it knows, its user, token
lifetimes and the per-minute quotas."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from sandbox.common.control import FaultConfig

# Demo credentials of the sandbox's one OAuth client. They are not secrets: they
# only open this local simulator, and the demo and the docs print them. The
# number before the dash plays the Cloud project number, as in real client ids.
DEMO_CLIENT_ID = "100000000001-contactsync-sandbox.apps.googleusercontent.com"
DEMO_CLIENT_SECRET = "GOCSPX-sandbox-demo-secret"

CONTACTS_SCOPE = "https://www.googleapis.com/auth/contacts"
USERINFO_EMAIL_SCOPE = "https://www.googleapis.com/auth/userinfo.email"
USERINFO_PROFILE_SCOPE = "https://www.googleapis.com/auth/userinfo.profile"

WEEK = 7 * 24 * 3600.0

# Per-minute, per-user defaults of the Cloud console as quoted by third parties
# (reference A.8): critical reads 60, critical writes 30, other writes 30,
# group reads 90. See GoogleSandboxConfig.with_console_quotas().
CONSOLE_QUOTAS = {
    "read_quota_per_minute": 60,
    "write_quota_per_minute": 30,
    "other_write_quota_per_minute": 30,
    "group_read_quota_per_minute": 90,
}


@dataclass
class GoogleSandboxConfig:
    """Everything a test or the demo may change about the sandbox.

    Quotas are per minute for the sandbox's single user, ``None`` meaning
    unlimited. Buckets and costs follow the reference (A.8): a contact read
    (list page, get, batchGet) costs 1 critical read; a single create or update
    1 critical read + 1 critical write; a batch create or update (up to 200)
    6 + 6; a delete 1 "write request", a batch delete 10; contact-group reads
    1 group read; group writes and ``members:modify`` 1 "write request".

    The defaults are deliberately generous: a 10,000-record sync at batch size
    200 and page size 1000 needs about 10 list pages plus 50 batch writes, i.e.
    about 310 critical reads and 300 critical writes; 3,000 per minute leaves
    tenfold headroom, so nothing is throttled unless a test lowers a quota (or
    uses :meth:`with_console_quotas` for Google's real, much lower, defaults).
    """

    client_id: str = DEMO_CLIENT_ID
    client_secret: str = DEMO_CLIENT_SECRET
    user_email: str = "demo.user@example.com"
    user_given_name: str = "Demo"
    user_family_name: str = "User"
    # Exact redirect URIs registered for the client. Besides these, loopback URIs
    # (http://127.0.0.1:<any port>/..., http://localhost:...) are accepted when
    # allow_loopback_redirects is on, as Google does for desktop clients: the
    # admin's callback URL depends on where the demo runs.
    redirect_uris: tuple[str, ...] = ()
    allow_loopback_redirects: bool = True
    access_token_ttl: float = 3600.0  # seconds; may go down to 1 for tests
    authorization_code_ttl: float = 600.0
    sync_token_max_age: float = WEEK  # "sync tokens expire 7 days after the full sync"
    read_quota_per_minute: int | None = 3000  # critical reads (contact and profile reads)
    write_quota_per_minute: int | None = 3000  # critical writes (contact creates and updates)
    other_write_quota_per_minute: int | None = 3000  # contact deletes and contact group writes
    group_read_quota_per_minute: int | None = 3000  # contact group reads
    # The extra, fixed quota on the first page of a full sync (undocumented
    # number, so off by default).
    full_sync_quota_per_minute: int | None = None
    faults: FaultConfig = field(default_factory=FaultConfig)

    def __post_init__(self) -> None:
        if self.access_token_ttl < 1:
            raise ValueError("access_token_ttl must be at least 1 second")

    def __repr__(self) -> str:  # the client secret stays out of logs and test output
        return f"GoogleSandboxConfig(client_id={self.client_id!r}, user_email={self.user_email!r})"

    @classmethod
    def with_console_quotas(cls, **overrides) -> GoogleSandboxConfig:
        """A config with Google's console default quotas (60/30/30/90 a minute)."""
        return cls(**{**CONSOLE_QUOTAS, **overrides})

    def replace(self, **changes) -> GoogleSandboxConfig:
        return dataclasses.replace(self, **changes)


def default_config() -> GoogleSandboxConfig:
    """The configuration ``manage.py runsandbox`` and the tests start from."""
    return GoogleSandboxConfig()
