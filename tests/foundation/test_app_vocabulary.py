"""An app is one package: no product code outside ``connections/providers/<app>/`` names the app's fields or API
concepts, nor imports its package (issue 16, item 1; docs/architecture.md, "Apps").

The vocabulary is each app's own: what its package registered (``ProviderInfo.vocabulary``), its provider key
(for the apps beside NetSuite, the hub) and the names its OAuth sign-in derives (URL names, the return
parameter). Code asks the registry instead (``connections.providers.registry``). Scanned: the product's Python
sources and templates, but not ``sandbox/`` (someone else's server), ``tests/`` or migrations (history).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from connections.providers.registry import PROVIDERS, ProviderInfo

ROOT = Path(__file__).resolve().parents[2]
# Not scanned: ``devtools`` (the benchmark and the demo seeding drive the sandboxes with each app's raw API
# payloads, as tests do; it is the only code that may import ``sandbox/``, see the import contracts).
SCANNED = ("config", "connections", "mappings", "rules", "syncengine", "changelog", "ops", "configio", "templates")

# (file, the line's text stripped) -> why it may name an app concept for now. Matched by text, not line
# number, so edits elsewhere in the file do not break it; a line that no longer exists must leave the list.
ALLOWED: dict[tuple[str, str], str] = {
    # The registration line of each app: the settings list the packages to load.
    ("config/settings.py", '"connections.providers.google_contacts",'): "the app's registration line",
    ("config/settings.py", '"connections.providers.hubspot",'): "the app's registration line",
    ("config/settings.py", '"connections.providers.mailchimp",'): "the app's registration line",
}


def vocabulary(info: ProviderInfo) -> set[str]:
    """The names only ``info``'s package may use: what it registered, its key (an app beside the hub),
    and the names its OAuth sign-in derives."""
    words = set(info.vocabulary)
    if not info.is_netsuite:
        words |= {info.key, info.key.upper()}
    if info.oauth is not None:
        slug = info.oauth.slug
        words |= {f"connections_{slug}_connect", f"connections_{slug}_callback", f"{slug}_account"}
        words |= {f"{slug}_oauth_pending"}
    return words


def pattern(words: set[str]) -> re.Pattern[str]:
    """Whole names: ``custentity`` matches ``custentity_vip`` but ``resourceName`` does not match ``myresourceName``."""
    parts = [
        rf"(?<![A-Za-z0-9_]){re.escape(word)}" + (r"(?![A-Za-z])" if word[-1].isalnum() else "")
        for word in sorted(words, key=len, reverse=True)
    ]
    return re.compile("|".join(parts))


def product_files() -> list[Path]:
    files = []
    for top in SCANNED:
        for path in sorted((ROOT / top).rglob("*")):
            if path.suffix in (".py", ".html") and "migrations" not in path.parts and "__pycache__" not in path.parts:
                files.append(path)
    return files


def find_app_concepts(relative: str, text: str) -> list[tuple[int, str, str]]:
    """``(line number, name, line)`` for each line of ``relative`` that names an app's concept outside
    that app's package."""
    found = []
    for key, info in PROVIDERS.items():
        if relative.startswith(f"connections/providers/{key}/"):
            continue
        regex = pattern(vocabulary(info))
        for number, line in enumerate(text.splitlines(), 1):
            for match in regex.finditer(line):
                found.append((number, match.group(0), line.strip()))
    return found


def violations() -> tuple[list[str], set[tuple[str, str]]]:
    bad, used = [], set()
    for path in product_files():
        relative = path.relative_to(ROOT).as_posix()
        for number, name, line in find_app_concepts(relative, path.read_text()):
            if (relative, line) in ALLOWED:
                used.add((relative, line))
            else:
                bad.append(f"{relative}:{number}: names {name!r}: {line}")
    return sorted(set(bad)), used


def test_no_product_code_outside_an_app_package_names_its_fields_or_api_concepts():
    bad, _ = violations()
    assert not bad, (
        "These lines name an app's field or API concept outside its package; ask the registry "
        "(connections.providers.registry) instead:\n" + "\n".join(bad)
    )


def test_the_allow_list_holds_only_lines_that_still_exist():
    _, used = violations()
    stale = sorted(f"{path}: {line}" for path, line in set(ALLOWED) - used)
    assert not stale, "Allowed lines that no longer name an app concept; remove them from ALLOWED:\n" + "\n".join(stale)


def test_no_product_code_outside_an_app_package_imports_it():
    apps = [key for key in PROVIDERS]
    bad = []
    for path in product_files():
        relative = path.relative_to(ROOT).as_posix()
        if path.suffix != ".py":
            continue
        for node in ast.walk(ast.parse(path.read_text(), relative)):
            modules = []
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                modules = [node.module]
            for module in modules:
                for key in apps:
                    package = f"connections.providers.{key}"
                    inside = relative.startswith(f"connections/providers/{key}/")
                    if (module == package or module.startswith(package + ".")) and not inside:
                        line = path.read_text().splitlines()[node.lineno - 1].strip()
                        if (relative, line) not in ALLOWED:
                            bad.append(f"{relative}:{node.lineno}: imports {module}")
    assert not bad, "Only the registry loads an app's package (settings.SYNC_PROVIDERS):\n" + "\n".join(bad)


def test_the_scan_finds_a_field_name_in_code_and_in_a_docstring_but_not_inside_another_name():
    text = "\n".join(
        [
            'values={"isInactive": True}',
            '"""our key lives in clientData"""',
            'field = "custentity_vip"',
            "my_isInactiveX = 1",
        ]
    )
    found = sorted((number, name) for number, name, _ in find_app_concepts("syncengine/example.py", text))
    assert found == [(1, "isInactive"), (2, "clientData"), (3, "custentity")]
    # Inside its own package, an app's names are its business.
    assert find_app_concepts("connections/providers/netsuite/example.py", 'values={"isInactive": True}') == []


def test_every_app_registers_its_vocabulary_and_everything_the_product_asks():
    for key, info in PROVIDERS.items():
        assert info.vocabulary, f"{key} registered no vocabulary: the scan could not protect its seam"
        assert info.build_client is not None, f"{key} registered no way to build its client"
        assert info.credential_fields or info.oauth is not None, f"{key} registered no connect flow"
        # An app whose connections each name a container (an audience) is asked about one of them. An app whose
        # own page of a record needs what the API does not give with it (Mailchimp's web id) links the record's
        # JSON under a sandbox's base URL only.
        object_type = info.default_object_type + ("/x1" if info.object_choice is not None else "")
        assert info.record_url_label, key
        assert info.record_url("1", "", object_type, "7") or info.record_url(
            "1", "http://sandbox/3.0", object_type, "7"
        )
        assert info.object_type_problem(object_type) == "", key
        if info.object_choice is not None:
            assert info.object_type_problem("") and info.object_type_problem(info.default_object_type), key
        if not info.is_netsuite:
            assert info.default_mappings, f"{key} registered no default mappings"
