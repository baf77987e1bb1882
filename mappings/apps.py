from django.apps import AppConfig
from django.db.models.signals import post_save


class MappingsConfig(AppConfig):
    """Field types, the compatibility table, default and custom field mappings."""

    name = "mappings"
    verbose_name = "Field mappings"

    def ready(self) -> None:
        from connections.models import Connection

        from .signals import create_default_mappings

        post_save.connect(create_default_mappings, sender=Connection, dispatch_uid="mappings.default_mappings")
