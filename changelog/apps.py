from django.apps import AppConfig


class ChangelogConfig(AppConfig):
    """The change history of the product's configuration: who changed what, when, field by field."""

    name = "changelog"
    verbose_name = "Change history"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system check)
        from .recorder import connect_signals

        connect_signals()
