from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class SyncengineConfig(AppConfig):
    """Sync runs, record links, per-record outcomes and the background schedules."""

    name = "syncengine"
    verbose_name = "Sync engine"

    def ready(self) -> None:
        from connections.models import Connection

        from .signals import connection_deleted, connection_saved

        post_save.connect(connection_saved, sender=Connection, dispatch_uid="syncengine.schedule_on_save")
        post_delete.connect(connection_deleted, sender=Connection, dispatch_uid="syncengine.schedule_on_delete")
