"""The admin index as ops staff need it: the product's apps first, then authentication and the task queue,
and (through ``templates/admin/index.html``) the connections' status on top."""

from __future__ import annotations

from functools import wraps

from django.contrib import admin

# Django's own apps and the task queue: needed, but not what ops staff open the admin for.
BACKGROUND_APPS = ("auth", "django_q")


def product_apps_first(app_list: list[dict]) -> list[dict]:
    """``app_list`` with the background apps moved to the end, each group keeping its order."""
    return sorted(app_list, key=lambda app: app["app_label"] in BACKGROUND_APPS)  # sorted() is stable


def install(site: admin.AdminSite) -> None:
    """Order ``site``'s app list (index and sidebar) with :func:`product_apps_first`.

    AdminSite sorts apps by name and has no ordering hook, and replacing ``admin.site`` with a subclass would
    touch every ``admin.register``: wrapping the one method on the instance is the smallest change.
    """
    original = site.get_app_list
    if getattr(original, "product_apps_first", False):
        return

    @wraps(original)
    def get_app_list(request, app_label=None):
        return product_apps_first(original(request, app_label))

    get_app_list.product_apps_first = True
    site.get_app_list = get_app_list
