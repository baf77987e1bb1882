from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    """The developer and demo commands: ``runsandbox``, ``seed_demo``, ``bench_sync``."""

    name = "devtools"
    verbose_name = "Developer tools"
