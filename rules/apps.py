from django.apps import AppConfig
from django.db.models.signals import post_save


class RulesConfig(AppConfig):
    """IF/THEN rules per direction and their evaluator."""

    name = "rules"
    verbose_name = "Rules"

    def ready(self) -> None:
        from connections.models import Connection

        from .signals import create_default_rules

        post_save.connect(create_default_rules, sender=Connection, dispatch_uid="rules.default_rules")
