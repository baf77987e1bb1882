from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ConnectionsConfig(AppConfig):
    """Connected accounts, subsidiaries, connections and the provider clients."""

    name = "connections"
    verbose_name = "Connections"

    def ready(self) -> None:
        from .signals import sync_roles_after_migrate

        # No sender: permissions of every app are created by their own
        # post_migrate emission, so sync after each one (idempotent, cheap).
        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="connections.sync_roles")
