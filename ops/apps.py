from django.apps import AppConfig


class OpsConfig(AppConfig):
    """The ops pages: the connection wizard (its templates and static files live in this app)."""

    name = "ops"
    verbose_name = "Operations"
