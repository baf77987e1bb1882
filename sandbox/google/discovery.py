"""The People API discovery document, as routes, parameter checks and JSON Schema.

The sandbox routes every ``/v1/...`` request through :func:`find_method`, binds
its query string with :func:`check_query` and validates request bodies with
:func:`request_body_problems`, so what the sandbox accepts is what the document
describes. Tests reuse the same functions to check the sandbox's responses and
a client's calls against the document.

The document is a vendored copy of
``googleapiclient/discovery_cache/documents/people.v1.json`` from
google-api-python-client 2.202.0 (revision 20251117, sha256 in
:data:`DOCUMENT_SHA256`): the sandbox runs in the demo, where that package (a
test dependency) is not installed.

Schema translation (discovery -> JSON Schema 2020-12): ``$ref`` becomes a
reference into ``$defs``, ``type``/``properties``/``items``/``enum``/
``additionalProperties`` carry over, ``type: any`` accepts anything, ``format``
is ignored. With ``strict=True`` (the default) an object without
``additionalProperties`` refuses unknown keys, as Google's JSON parser does.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import jsonschema
from jsonschema import Draft202012Validator

DOCUMENT_PATH = Path(__file__).with_name("people.v1.json")
DOCUMENT_SHA256 = "bb15cc8b5cb288d3c78c7b55d3c4028a816e7bfa82990bc3c830a5c2fc22d67a"


@lru_cache(maxsize=1)
def load_document() -> dict:
    """The discovery document as a dict (read once)."""
    return json.loads(DOCUMENT_PATH.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class DiscoveryMethod:
    """One REST method of the document: ``id`` (e.g. ``people.people.get``),
    ``http_method``, ``flat_path`` (``v1/people/{peopleId}``), the method's own
    ``parameters``, the request and response schema names, and OAuth ``scopes``."""

    id: str
    http_method: str
    flat_path: str
    parameters: dict = field(repr=False)
    request_ref: str | None
    response_ref: str | None
    scopes: tuple[str, ...] = field(repr=False)
    pattern: re.Pattern = field(repr=False, compare=False)

    def matches(self, http_method: str, path: str) -> bool:
        return http_method.upper() == self.http_method and self.pattern.match(_relative(path)) is not None

    def path_variables(self, path: str) -> dict[str, str] | None:
        """The path's ``{variables}`` (e.g. ``{"peopleId": "c1"}``), or None when it does not match."""
        found = self.pattern.match(_relative(path))
        return found.groupdict() if found else None

    def query_parameters(self) -> dict[str, dict]:
        """Query parameters this method binds: its own plus the document's global ones."""
        params = dict(load_document().get("parameters", {}))
        params.update({name: spec for name, spec in self.parameters.items() if spec.get("location") == "query"})
        return params


def _relative(path: str) -> str:
    return path.split("?", 1)[0].lstrip("/")


def _path_regex(flat_path: str) -> re.Pattern:
    # A {variable} is one path segment; it stops at "/" and at ":" so that
    # "people/c1:deleteContact" is not taken for "people/{peopleId}".
    parts = re.split(r"(\{[^}]+\})", flat_path)
    regex = "".join(f"(?P<{part[1:-1]}>[^/:]+)" if part.startswith("{") else re.escape(part) for part in parts)
    return re.compile(f"^{regex}$")


def _walk_methods(resources: dict):
    for resource in resources.values():
        yield from resource.get("methods", {}).values()
        yield from _walk_methods(resource.get("resources", {}))


@lru_cache(maxsize=1)
def methods() -> tuple[DiscoveryMethod, ...]:
    """Every method of the document."""
    found = []
    for spec in _walk_methods(load_document()["resources"]):
        found.append(
            DiscoveryMethod(
                id=spec["id"],
                http_method=spec["httpMethod"],
                flat_path=spec["flatPath"],
                parameters=spec.get("parameters", {}),
                request_ref=spec.get("request", {}).get("$ref"),
                response_ref=spec.get("response", {}).get("$ref"),
                scopes=tuple(spec.get("scopes", ())),
                pattern=_path_regex(spec["flatPath"]),
            )
        )
    return tuple(found)


def method_by_id(method_id: str) -> DiscoveryMethod:
    """The method with this id; KeyError when the document has none."""
    for method in methods():
        if method.id == method_id:
            return method
    raise KeyError(method_id)


def find_method(http_method: str, path: str) -> DiscoveryMethod | None:
    """The method serving ``http_method path`` (path with or without the leading
    slash and query string), or None when the document has no such route."""
    for method in methods():
        if method.matches(http_method, path):
            return method
    return None


def check_query(method: DiscoveryMethod, query: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Problems binding a decoded query string to ``method``, as ``(parameter,
    message)``: unknown names, a non-repeated parameter given twice, values of
    the wrong type or outside the enum. Messages follow Google's ("Cannot bind
    query parameter"). Empty when the query binds."""
    params = method.query_parameters()
    problems: list[tuple[str, str]] = []
    seen: set[str] = set()
    for name, value in query:
        spec = params.get(name)
        if spec is None:
            problems.append(
                (
                    name,
                    f'Invalid JSON payload received. Unknown name "{name}": Cannot bind query parameter. '
                    f"Field '{name}' could not be found in request message.",
                )
            )
            continue
        if name in seen and not spec.get("repeated"):
            # Stricter than Google's parser may be (it may keep the last value): a
            # client that repeats a scalar parameter has a bug worth seeing.
            problems.append(
                (name, f'Invalid value for query parameter "{name}": it is not repeated but was given more than once.')
            )
        seen.add(name)
        problem = _value_problem(name, value, spec)
        if problem:
            problems.append((name, problem))
    return problems


def _value_problem(name: str, value: str, spec: dict) -> str | None:
    kind = spec.get("type")
    if kind == "integer":
        try:
            int(value)
        except ValueError:
            return f"Invalid value at '{name}' (TYPE_INT32), \"{value}\""
    elif kind == "boolean" and value not in ("true", "false"):
        return f"Invalid value at '{name}' (TYPE_BOOL), \"{value}\""
    enum = spec.get("enum")
    if enum and value not in enum:
        return f"Invalid value at '{name}' (TYPE_ENUM), \"{value}\""
    return None


# --- schemas ---------------------------------------------------------------


def _translate(node: dict, strict: bool) -> dict:
    if "$ref" in node:
        return {"$ref": f"#/$defs/{node['$ref']}"}
    out: dict = {}
    kind = node.get("type")
    if kind and kind != "any":
        out["type"] = kind
    if "enum" in node:
        out["enum"] = list(node["enum"])
    if "properties" in node:
        out["properties"] = {name: _translate(spec, strict) for name, spec in node["properties"].items()}
    if "items" in node:
        out["items"] = _translate(node["items"], strict)
    if kind == "object":
        if "additionalProperties" in node:
            out["additionalProperties"] = _translate(node["additionalProperties"], strict)
        elif strict:
            out["additionalProperties"] = False
    return out


@lru_cache(maxsize=2)
def _definitions(strict: bool) -> dict:
    return {name: _translate(spec, strict) for name, spec in load_document()["schemas"].items()}


def json_schema(ref: str, *, strict: bool = True) -> dict:
    """A self-contained JSON Schema for the document's schema ``ref`` (e.g. ``Person``)."""
    definitions = _definitions(strict)
    if ref not in definitions:
        raise KeyError(ref)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$defs": definitions, "$ref": f"#/$defs/{ref}"}


@lru_cache(maxsize=64)
def validator(ref: str, *, strict: bool = True) -> Draft202012Validator:
    """A cached jsonschema validator for schema ``ref``."""
    return Draft202012Validator(json_schema(ref, strict=strict))


def validate(instance: object, ref: str, *, strict: bool = True) -> None:
    """Raise :class:`jsonschema.ValidationError` when ``instance`` does not fit ``ref``."""
    error = jsonschema.exceptions.best_match(validator(ref, strict=strict).iter_errors(instance))
    if error is not None:
        raise error


def schema_errors(instance: object, ref: str, *, strict: bool = True) -> list[str]:
    """Every mismatch between ``instance`` and schema ``ref``, as readable lines."""
    return [
        f"{'/'.join(str(p) for p in error.absolute_path) or '<root>'}: {error.message}"
        for error in validator(ref, strict=strict).iter_errors(instance)
    ]


# --- request bodies, with Google's parser messages -------------------------


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()


_PROTO_TYPES = {"string": "TYPE_STRING", "integer": "TYPE_INT32", "boolean": "TYPE_BOOL", "number": "TYPE_DOUBLE"}


def request_body_problems(body: object, ref: str, root: str = "") -> list[tuple[str, str]]:
    """Why Google's JSON parser would refuse ``body`` as a ``ref`` message:
    a list of ``(field path, message)``, empty when the body binds. ``root``
    names the body in messages (``person`` for a Person request body).

    A direct walk of the discovery schemas rather than jsonschema, which is
    about ten times slower (a batch of 200 contacts must bind in milliseconds).
    Unknown names, wrong JSON types (``null`` included: the sandbox refuses it
    where proto3 JSON would read it as unset) and values outside an enum are
    refused."""
    problems: list[tuple[str, str]] = []
    _bind(body, {"$ref": ref}, (root,) if root else (), problems, load_document()["schemas"])
    return problems


def _where(path: tuple) -> str:
    # Google's messages name fields the proto way: snake_case, [index], [map key].
    text = ""
    for part in path:
        if isinstance(part, int) or (isinstance(part, str) and part.startswith("[")):
            text += f"[{part}]" if isinstance(part, int) else part
        else:
            text += f".{_snake(part)}" if text else _snake(part)
    return text


_FITS = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
}


def _bind(value, node: dict, path: tuple, problems: list, schemas: dict) -> None:
    while "$ref" in node:
        node = schemas[node["$ref"]]
    kind = node.get("type")
    if kind == "any" or kind is None:
        return
    if kind == "object":
        if not isinstance(value, dict):
            where = _where(path)
            problems.append((where, f"Invalid JSON payload received. Expected an object for '{where}'."))
            return
        properties = node.get("properties", {})
        extra = node.get("additionalProperties")
        for key, item in value.items():
            if key in properties:
                _bind(item, properties[key], (*path, key), problems, schemas)
            elif extra is not None:
                _bind(item, extra, (*path, f"[{key}]"), problems, schemas)
            else:
                where = _where(path)
                at = f" at '{where}'" if where else ""
                problems.append((where, f'Invalid JSON payload received. Unknown name "{key}"{at}: Cannot find field.'))
    elif kind == "array":
        if not isinstance(value, list):
            where = _where(path)
            problems.append((where, f"Invalid JSON payload received. Expected a list for '{where}'."))
            return
        items = node.get("items", {})
        for index, item in enumerate(value):
            _bind(item, items, (*path, index), problems, schemas)
    elif not _FITS.get(kind, lambda v: True)(value):
        where = _where(path)
        problems.append((where, f"Invalid value at '{where}' ({_PROTO_TYPES.get(kind, kind)}), {json.dumps(value)}"))
    elif "enum" in node and value not in node["enum"]:
        where = _where(path)
        problems.append((where, f"Invalid value at '{where}' (TYPE_ENUM), {json.dumps(value)}"))
