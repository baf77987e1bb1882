"""``fields`` and ``exclude_fields`` (reference C.3): comma-separated paths in dot
notation (``members.email_address,total_items``) that keep or drop parts of an answer.

A path through a list applies to each item. UNCERTAIN: a path naming nothing the
answer has is refused with 422 "Requested Fields Invalid" (glossary C.6), where
Mailchimp might ignore it; that is the stricter reading.
"""

from __future__ import annotations

from .errors import ApiError


def _paths(raw: str | None) -> list[list[str]]:
    if not raw:
        return []
    return [p.strip().split(".") for p in raw.split(",") if p.strip()]


def _known(value, path: list[str]) -> bool:
    """Whether ``path`` can name something in ``value`` (empty lists can hold anything)."""
    if not path:
        return True
    if isinstance(value, list):
        return not value or any(_known(item, path) for item in value)
    if isinstance(value, dict):
        return path[0] in value and _known(value[path[0]], path[1:])
    return False


def _keep(value, paths: list[list[str]]):
    if any(not p for p in paths):
        return value
    if isinstance(value, list):
        return [_keep(item, paths) for item in value]
    if not isinstance(value, dict):
        return value
    kept = {}
    for key in value:
        below = [p[1:] for p in paths if p[0] == key]
        if below:
            kept[key] = _keep(value[key], below)
    return kept


def _drop(value, paths: list[list[str]]):
    if isinstance(value, list):
        return [_drop(item, paths) for item in value]
    if not isinstance(value, dict):
        return value
    result = {}
    for key, item in value.items():
        below = [p[1:] for p in paths if p[0] == key]
        if any(not p for p in below):
            continue
        result[key] = _drop(item, below) if below else item
    return result


def apply(body, fields: str | None, exclude: str | None):
    keep, drop = _paths(fields), _paths(exclude)
    bad = [".".join(p) for p in keep + drop if not _known(body, p)]
    if bad:
        raise ApiError(
            422,
            "Requested Fields Invalid",
            f"The following fields were requested but are not valid: {', '.join(bad)}",
        )
    if keep:
        body = _keep(body, keep)
    if drop:
        body = _drop(body, drop)
    return body
