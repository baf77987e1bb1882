"""Error pages rendered inside the admin's frame."""

from __future__ import annotations

from django.contrib import admin
from django.shortcuts import render


def permission_denied(request, exception=None):
    """403: the admin's header, navigation and the reason (the PermissionDenied message, written for people),
    instead of Django's bare "403 Forbidden" page."""
    context = {**admin.site.each_context(request), "title": "Not allowed", "exception": str(exception or "")}
    return render(request, "403.html", context, status=403)
