from django.apps import AppConfig


class OpsConfig(AppConfig):
    """The ops pages: the connection wizard, the connection and health pages, the admin of the engine's runs and
    outcomes (registered here; their app label stays ``syncengine``), with their templates and static files."""

    name = "ops"
    verbose_name = "Operations"
