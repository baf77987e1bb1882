"""Every admin URL of the product's models, with placeholder ids, for access tests."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib import admin
from django.urls import URLPattern, URLResolver, reverse


def _patterns(patterns: Iterable) -> Iterable[URLPattern]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern.url_patterns)
        else:
            yield pattern


def admin_model_urls(object_id: str = "1") -> list[str]:
    """Each named URL of each registered ModelAdmin (the standard ones and the product's own: run now,
    pause, refresh catalogs, connect Google, the wizard, ...), reversed with ``object_id`` for every argument."""
    urls = []
    for model_admin in admin.site._registry.values():
        for pattern in _patterns(model_admin.get_urls()):
            if not pattern.name:
                continue  # the bare "<object_id>/" redirect to the change page
            arguments = {name: object_id for name in getattr(pattern.pattern, "converters", {})}
            urls.append(reverse(f"admin:{pattern.name}", kwargs=arguments))
    return sorted(set(urls))
