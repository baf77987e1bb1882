"""Small display helpers for the admin's lists, shared by the apps: a long text cut to one line with the
whole of it on hover, and a moment written short (the whole, with seconds and zone, on hover).

They produce escaped HTML; the styles (``.cell-clip``) are in ``ops/static/ops/admin-lists.css``,
loaded on every changelist by ``templates/admin/change_list.html``."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

CLIP_SIZES = ("s", "m", "l")


def clipped(text, size: str = "m", *, title: str | None = None) -> SafeString | str:
    """``text`` on one line, cut with an ellipsis by CSS at a width of its ``size`` (s, m, l); on hover
    ``title``, by default the whole ``text``."""
    if text in (None, ""):
        return "—"
    if size not in CLIP_SIZES:
        raise ValueError(f"size must be one of {CLIP_SIZES}, not {size!r}")
    return format_html('<span class="cell-clip clip-{}" title="{}">{}</span>', size, title or text, text)


def moment(value: datetime | None) -> SafeString | str:
    """A moment as ``2026-12-04 15:02`` in the site's time zone, the full timestamp on hover."""
    if value is None:
        return "—"
    local = timezone.localtime(value)
    return format_html(
        '<time datetime="{}" title="{}">{}</time>',
        value.isoformat(),
        local.strftime("%Y-%m-%d %H:%M:%S %Z"),
        local.strftime("%Y-%m-%d %H:%M"),
    )
