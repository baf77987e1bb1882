from django.apps import AppConfig


class ConnectionsConfig(AppConfig):
    """Connected accounts, subsidiaries, connections and the provider clients."""

    name = "connections"
    verbose_name = "Connections"
