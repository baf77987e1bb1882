from django.apps import AppConfig


class MappingsConfig(AppConfig):
    """Field types, the compatibility table, default and custom field mappings."""

    name = "mappings"
    verbose_name = "Field mappings"
