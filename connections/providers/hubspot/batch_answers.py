"""Reading a batch answer: 200/201 with ``results``, or 207 Multi-Status with ``errors`` too. Pure.

A 207 lists the failed inputs in ``errors[]``, each a ``StandardError`` (reference B.2) whose ``context``
usually names the ids it is about (``{"ids": ["123"]}`` or ``{"id": [...]}``; the key's name varies, so
every list under a key naming ids is read). An error that names no id cannot be pinned to an input: it
goes to every input the results do not account for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import ProviderError
from .api_errors import error_from_payload, malformed


@dataclass
class BatchAnswer:
    """A batch answer taken apart: the objects it returned, the errors per id, the errors naming none."""

    results: list[dict[str, Any]] = field(default_factory=list)
    errors_by_id: dict[str, ProviderError] = field(default_factory=dict)
    unpinned: list[ProviderError] = field(default_factory=list)

    def error_for_missing(self) -> ProviderError:
        """The error of an input that neither a result nor an id-named error accounts for."""
        if len(self.unpinned) == 1:
            return self.unpinned[0]
        if self.unpinned:
            return ProviderError("; ".join(e.message for e in self.unpinned))
        return malformed("a batch answer accounted for neither a result nor an error of this record")


def _status(entry: dict[str, Any]) -> int | None:
    """An error entry's HTTP status: a number when it is one (its ``status`` is often the word "error")."""
    for key in ("status", "statusCode"):
        value = entry.get(key)
        if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
            return int(value)
    return None


def _ids(entry: dict[str, Any]) -> list[str]:
    context = entry.get("context")
    ids: list[str] = []
    if isinstance(context, dict):
        for key, value in context.items():
            # Only keys that name ids ("id", "ids", "objectIds"): others hold property names and the like.
            if "id" in str(key).lower() and isinstance(value, list):
                ids.extend(str(v) for v in value if isinstance(v, str | int))
    if entry.get("id") is not None:
        ids.append(str(entry["id"]))
    return ids


def read_batch_answer(answer: dict[str, Any]) -> BatchAnswer:
    """Take a batch answer apart (see the module docstring)."""
    results = answer.get("results") or []
    errors = answer.get("errors") or []
    if not isinstance(results, list) or not isinstance(errors, list):
        raise malformed("a batch answer's results or errors are not lists")
    parsed = BatchAnswer(results=[r for r in results if isinstance(r, dict)])
    for entry in errors:
        if not isinstance(entry, dict):
            continue
        # Without a numeric status the category alone decides (an unknown one: a plain provider error).
        error = error_from_payload(_status(entry), entry)
        ids = _ids(entry)
        for rid in ids:
            parsed.errors_by_id.setdefault(rid, error)
        if not ids:
            parsed.unpinned.append(error)
    return parsed
