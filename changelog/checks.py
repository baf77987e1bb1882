"""System check: without the middleware, admin changes are recorded without their author."""

from __future__ import annotations

from django.conf import settings
from django.core import checks

MIDDLEWARE_PATH = "changelog.middleware.ChangeActorMiddleware"


@checks.register()
def middleware_installed(app_configs, **kwargs) -> list[checks.Warning]:
    if MIDDLEWARE_PATH in settings.MIDDLEWARE:
        return []
    return [
        checks.Warning(
            f"{MIDDLEWARE_PATH} is not in MIDDLEWARE: changes made in the admin are recorded without their author.",
            hint="Add it to MIDDLEWARE after django.contrib.auth.middleware.AuthenticationMiddleware.",
            id="changelog.W001",
        )
    ]
