"""The layer rules import-linter cannot express. The arrows between the apps, who may import the sandboxes,
and the models and HTTP clients the pure modules may not reach are import-linter contracts in pyproject.toml,
checked by ``lint-imports`` in scripts/test. What stays here:

- every top-level package of the repository is under those contracts (a new app that is not listed there
  would be checked by nothing);
- the change history reads only ``connections.crypto`` of the layer below it (import-linter forbids modules,
  it cannot allow only one);
- the pure modules touch no ``django.db`` (import-linter sees an outside package such as Django as one
  module, so it cannot tell ``django.db`` from ``django.utils``).

Read with ``ast`` (imports inside functions count too), so a lazy import cannot slip past."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINTER = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
CONTRACTS = {contract["id"]: contract for contract in LINTER["contracts"]}

# Pure logic: no database queries, no HTTP (choices and field specs are plain values): the "pure" contract's modules.
PURE = tuple(CONTRACTS["pure"]["source_modules"])


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


def test_every_package_of_the_repository_is_under_the_import_contracts():
    packages = {p.parent.name for p in ROOT.glob("*/__init__.py")}
    assert packages == set(LINTER["root_packages"])
    layered = {name.strip() for layer in CONTRACTS["layers"]["layers"] for name in layer.replace(":", "|").split("|")}
    # Beside the layers, each with contracts of its own: the change history and the sandboxes.
    assert packages - layered == {"changelog", "sandbox"}
    assert CONTRACTS["changelog"]["source_modules"] == ["changelog"]
    assert CONTRACTS["sandbox-imports-nothing-of-ours"]["source_modules"] == ["sandbox"]
    assert set(CONTRACTS["sandbox-imports-nothing-of-ours"]["forbidden_modules"]) == packages - {"sandbox"}


def test_changelog_uses_only_the_crypto_of_connections():
    used = {m for p in sources("changelog") for m in imports_of(p) if m.startswith("connections")}
    assert used <= {"connections", "connections.crypto"}


@pytest.mark.parametrize("module", PURE)
def test_pure_modules_touch_no_orm(module):
    # Our models and the HTTP clients are the "pure" contract's; Django's ORM is checked here.
    impure = [
        m
        for m in imports_of(ROOT / (module.replace(".", "/") + ".py"))
        if m.startswith("django.db") and not m.startswith("django.db.models.enums")
    ]
    assert impure == []
