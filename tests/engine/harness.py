"""A running pair of sandboxes and a connection between them, for engine tests."""

from __future__ import annotations

from dataclasses import dataclass

from connections.models import ConnectedAccount, Connection, free_connection_name
from connections.services import verify_account
from sandbox.common.server import SandboxServer
from sandbox.google import GoogleSandbox
from sandbox.google import default_config as google_config
from sandbox.netsuite import NetSuiteSandbox
from sandbox.netsuite import default_config as netsuite_config
from syncengine.choices import Trigger
from syncengine.models import SyncRun
from syncengine.runner import run_sync


@dataclass
class Sandboxes:
    netsuite: NetSuiteSandbox
    google: GoogleSandbox
    netsuite_server: SandboxServer
    google_server: SandboxServer

    def reset(self) -> None:
        self.netsuite.reset()
        self.google.reset()

    def requests(self) -> dict[str, list[dict]]:
        return {"netsuite": self.netsuite.requests(), "google": self.google.requests()}

    def clear_logs(self) -> None:
        for app in (self.netsuite, self.google):
            with app._log_lock:
                app.request_log = []


def start_sandboxes() -> Sandboxes:
    ns_cfg = netsuite_config()
    ns_cfg.faults.concurrency_limit = 5
    netsuite, google = NetSuiteSandbox(ns_cfg), GoogleSandbox(google_config())
    return Sandboxes(netsuite, google, SandboxServer(netsuite).start(), SandboxServer(google).start())


def make_connection(
    sandboxes: Sandboxes, settings, *, contact_type: str = "individual_customers", **fields
) -> Connection:
    """NetSuite and Google accounts pointing at the sandboxes, verified over HTTP,
    and a connection on the first usable subsidiary (with default mappings and rules)."""
    ns_info = sandboxes.netsuite.print_config(sandboxes.netsuite_server.base_url)
    netsuite = ConnectedAccount(
        provider="netsuite",
        label="Sandbox NetSuite",
        account_id=ns_info["account_id"],
        api_base_url=ns_info["base_url"],
    )
    netsuite.set_credentials({k: ns_info[k] for k in ("consumer_key", "consumer_secret", "token_id", "token_secret")})
    netsuite.save()
    result = verify_account(netsuite)
    assert result.ok, result.message
    g_info = sandboxes.google.print_config(sandboxes.google_server.base_url)
    settings.GOOGLE_CLIENT_ID, settings.GOOGLE_CLIENT_SECRET = g_info["client_id"], g_info["client_secret"]
    tokens = sandboxes.google.issue_tokens()
    google = ConnectedAccount(
        provider="google_contacts",
        label="Sandbox Google",
        account_id=sandboxes.google.config.user_email,
        api_base_url=g_info["base_url"],
    )
    google.set_credentials({"refresh_token": tokens["refresh_token"]})
    google.save()
    subsidiary = netsuite.subsidiaries.filter(is_inactive=False, is_elimination=False).order_by("internal_id").first()
    fields.setdefault("name", free_connection_name("Sandbox ⇄ Google"))  # names are unique: a second gets " (2)"
    return Connection.objects.create(
        netsuite_account=netsuite,
        subsidiary=subsidiary,
        contact_type=contact_type,
        app_account=google,
        **fields,
    )


def sync(connection: Connection, **kwargs) -> SyncRun:
    run = SyncRun.objects.create(connection=connection, trigger=kwargs.pop("trigger", Trigger.MANUAL), **kwargs)
    return run_sync(run.pk)
