"""The wizard's URLs, added to the connection admin (``admin:connections_connection_wizard*``)."""

from __future__ import annotations

from django.urls import path
from django.views.decorators.http import require_POST

from . import views


def wizard_urls(model_admin) -> list:
    """URL patterns of the wizard under the connection admin's prefix (listed before its catch-all)."""
    admin_view = model_admin.admin_site.admin_view
    return [
        path(
            "wizard/",
            admin_view(lambda request: views.wizard_view(model_admin, request)),
            name="connections_connection_wizard",
        ),
        path(
            "wizard/cancel/",
            admin_view(require_POST(lambda request: views.cancel_view(model_admin, request))),
            name="connections_connection_wizard_cancel",
        ),
        path(
            "wizard/<slug:step>/",
            admin_view(lambda request, step: views.wizard_view(model_admin, request, step)),
            name="connections_connection_wizard_step",
        ),
    ]
