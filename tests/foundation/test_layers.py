"""The layer rules of docs/architecture.md, checked on the source: arrows point down, the sandboxes
import nothing of the product and only the dev tools import them, the pure modules touch no ORM or HTTP.

Read with ``ast`` (imports inside functions count too), so a lazy import cannot slip past."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ("config", "connections", "mappings", "rules", "syncengine", "changelog")

# Which top-level packages each app may import (besides itself, Django and the standard library).
MAY_IMPORT = {
    "connections": {"config", "changelog"},  # changelog: the audit trail every app writes to
    "mappings": {"config", "changelog", "connections"},
    "rules": {"config", "changelog", "connections", "mappings"},
    "syncengine": {"config", "changelog", "connections", "mappings", "rules"},
    "changelog": {"config", "connections"},  # connections.crypto only, to mask secrets (checked below)
    "config": set(),
    "sandbox": set(),  # a stand-in for someone else's server: nothing of ours
}
# The dev tools: the only product code that may start or seed a sandbox.
DEV_TOOLS = {
    "devtools/management/commands/runsandbox.py",
    "devtools/bench.py",
    "devtools/management/commands/bench_sync.py",
    "devtools/management/commands/seed_demo.py",
}
# Pure logic: no database queries, no HTTP (choices and field specs are plain values).
PURE = (
    "rules/evaluator.py",
    "rules/operators.py",
    "mappings/converters.py",
    "mappings/compatibility.py",
    "syncengine/merge.py",
    "syncengine/planner.py",
)


def imports_of(path: Path) -> list[str]:
    """Every module ``path`` imports, absolute (relative imports resolved against its package)."""
    package = path.relative_to(ROOT).with_suffix("").parts[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = list(package[: len(package) - node.level + 1]) if node.level else []
            module = ".".join([*base, node.module] if node.module else base)
            found += [module] + [f"{module}.{alias.name}" for alias in node.names]
    return found


def sources(app: str) -> list[Path]:
    return [p for p in (ROOT / app).rglob("*.py") if "migrations" not in p.parts]


@pytest.mark.parametrize("app", sorted(MAY_IMPORT))
def test_imports_point_down_only(app):
    ours = set(MAY_IMPORT) | set(PRODUCT)
    wrong = []
    for path in sources(app):
        relative = str(path.relative_to(ROOT))
        allowed = MAY_IMPORT[app] | {app} | ({"sandbox"} if relative in DEV_TOOLS else set())
        for module in imports_of(path):
            top = module.split(".")[0]
            if top in ours and top not in allowed:
                wrong.append(f"{relative} imports {module}")
    assert wrong == []


def test_changelog_uses_only_the_crypto_of_connections():
    used = {m for p in sources("changelog") for m in imports_of(p) if m.startswith("connections")}
    assert used <= {"connections", "connections.crypto"}


@pytest.mark.parametrize("relative", PURE)
def test_pure_modules_touch_no_orm_and_no_http(relative):
    impure = [
        m
        for m in imports_of(ROOT / relative)
        if m.endswith(".models")
        or ".models." in m
        or m.split(".")[0] in {"httpx", "requests", "urllib3"}
        or m.startswith("django.db")
        and not m.startswith("django.db.models.enums")
    ]
    assert impure == []
