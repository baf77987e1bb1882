from django.apps import AppConfig


class SyncengineConfig(AppConfig):
    """Sync runs, record links and per-record outcomes."""

    name = "syncengine"
    verbose_name = "Sync engine"
