from django.apps import AppConfig


class ConfigioConfig(AppConfig):
    """Configuration as code: ``export_config`` and ``import_config`` (format: docs/config-format.md)."""

    name = "configio"
    verbose_name = "Configuration import and export"
