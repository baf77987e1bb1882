from django.apps import AppConfig


class RulesConfig(AppConfig):
    """IF/THEN rules per direction and their evaluator."""

    name = "rules"
    verbose_name = "Rules"
