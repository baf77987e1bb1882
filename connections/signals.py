"""Signal handlers of the connections app."""

from .roles import sync_role_permissions


def sync_roles_after_migrate(sender, **kwargs) -> None:
    """Keep the roles' permissions complete after every migrate (see roles.py)."""
    sync_role_permissions()
