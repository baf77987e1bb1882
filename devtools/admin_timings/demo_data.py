"""The demo data set: ``seed_demo`` against in-process sandboxes, synced for real."""

from __future__ import annotations

from django.conf import settings

from connections.models import Connection
from syncengine.choices import Trigger
from syncengine.models import SyncRun

from .progress import Log


def seed_demo_synced(log: Log) -> Connection:
    """The demo as ``scripts/run`` makes it: both sandboxes (in this process) seeded by ``seed_demo``, and the
    demo connection synced twice for real (the first sync, then one with nothing new). The sandboxes are
    stopped afterwards: no admin page may need them."""
    from django.core.management import call_command

    from sandbox.common.server import SandboxServer
    from sandbox.google import GoogleSandbox
    from sandbox.netsuite import NetSuiteSandbox
    from syncengine.runner import run_sync

    from ..management.commands.seed_demo import DEMO_CONNECTION

    netsuite = SandboxServer(NetSuiteSandbox(), "127.0.0.1", 0).start()
    google = SandboxServer(GoogleSandbox(), "127.0.0.1", 0).start()
    previous_hosts = getattr(settings, "API_BASE_URL_ALLOWED_HOSTS", [])
    settings.API_BASE_URL_ALLOWED_HOSTS = ["127.0.0.1"]
    try:
        log("Seeding the demo (seed_demo against in-process sandboxes) and syncing it twice...")
        call_command(
            "seed_demo", netsuite_url=netsuite.base_url, google_url=google.base_url, no_run=True, stdout=_Null()
        )
        connection = Connection.objects.get(name=DEMO_CONNECTION)
        for trigger in (Trigger.INITIAL, Trigger.SCHEDULE):
            run = SyncRun.objects.create(connection=connection, trigger=trigger)
            run = run_sync(run.pk)
            log(f"  demo run {run.pk}: {run.get_status_display()}")
        from mappings.catalog_cache import refresh_connection_catalogs

        refresh_connection_catalogs([connection])  # as an operator would once: custom fields, option lists
    finally:
        settings.API_BASE_URL_ALLOWED_HOSTS = previous_hosts
        netsuite.stop()
        google.stop()
    return connection


class _Null:
    def write(self, *args, **kwargs):
        pass

    def flush(self):
        pass
