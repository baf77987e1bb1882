"""The two roles of the product, as Django groups.

- "Sync operators": view everything except credentials (which nobody can
  view), run / pause / resume connections, browse the logs.
- "Sync administrators": every permission of the product's apps.

The groups are created by a data migration; their permissions are
(re)assigned after every ``migrate`` (permissions of models added by later
migrations only exist then), so the roles follow the models as they arrive.
"""

from __future__ import annotations

OPERATORS = "Sync operators"
ADMINISTRATORS = "Sync administrators"

PRODUCT_APPS = ("connections", "mappings", "rules", "syncengine", "changelog", "django_q")

# Extra permissions operators get beyond viewing (app_label.codename).
OPERATOR_EXTRA = ("connections.run_connection",)


def operator_permission_filter(perm) -> bool:
    """Operators: view permissions (credentials are never viewable anyway) plus OPERATOR_EXTRA."""
    full = f"{perm.content_type.app_label}.{perm.codename}"
    return perm.codename.startswith("view_") or full in OPERATOR_EXTRA


def sync_role_permissions(apps=None, **kwargs) -> None:
    """Create the groups if needed and give them exactly their permissions."""
    if apps is None:
        from django.apps import apps as global_apps

        apps = global_apps
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    perms = list(Permission.objects.filter(content_type__app_label__in=PRODUCT_APPS).select_related("content_type"))
    operators, _ = Group.objects.get_or_create(name=OPERATORS)
    administrators, _ = Group.objects.get_or_create(name=ADMINISTRATORS)
    operators.permissions.set([p for p in perms if operator_permission_filter(p)])
    administrators.permissions.set(perms)
