"""A minimal request/response layer over WSGI, so the sandboxes need no framework."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from http import HTTPStatus
from urllib.parse import parse_qsl, quote


@dataclass
class Request:
    """An incoming request as the sandbox sees it.

    ``raw_query`` is the query string exactly as the client sent it, which
    signature checks need; ``query`` is the decoded list of pairs (repeated
    keys kept); ``url_base`` is scheme://host[:port] as the client addressed it;
    ``raw_path`` is the path still percent-encoded as sent (from the server's
    ``REQUEST_URI``), or re-encoded from ``path`` when the server gives none.
    """

    method: str
    path: str
    raw_query: str
    query: list[tuple[str, str]]
    headers: dict[str, str]
    body: bytes
    url_base: str
    raw_path: str = ""

    @classmethod
    def from_environ(cls, environ: dict) -> Request:
        headers = {}
        for key, value in environ.items():
            if key.startswith("HTTP_"):
                headers[key[5:].replace("_", "-").lower()] = value
        if environ.get("CONTENT_TYPE"):
            headers["content-type"] = environ["CONTENT_TYPE"]
        if environ.get("CONTENT_LENGTH"):
            headers["content-length"] = environ["CONTENT_LENGTH"]
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length > 0 else b""
        raw_query = environ.get("QUERY_STRING", "")
        scheme = environ.get("wsgi.url_scheme", "http")
        host = environ.get("HTTP_HOST") or f"{environ['SERVER_NAME']}:{environ['SERVER_PORT']}"
        # PATH_INFO is already percent-decoded by the WSGI server (as latin-1).
        path = environ.get("PATH_INFO", "/").encode("latin-1").decode("utf-8", "replace")
        raw_uri = environ.get("REQUEST_URI") or environ.get("RAW_URI") or ""
        raw_path = raw_uri.split("?", 1)[0]
        if "://" in raw_path:  # absolute-form request target (a proxy request)
            raw_path = "/" + raw_path.split("://", 1)[1].partition("/")[2]
        if not raw_path.startswith("/"):
            raw_path = quote(path, safe="/:@!$&'()*+,;=-._~")
        return cls(
            method=environ["REQUEST_METHOD"].upper(),
            path=path,
            raw_query=raw_query,
            query=parse_qsl(raw_query, keep_blank_values=True),
            headers=headers,
            body=body,
            url_base=f"{scheme}://{host}",
            raw_path=raw_path,
        )

    def header(self, name: str, default: str | None = None) -> str | None:
        return self.headers.get(name.lower(), default)

    def arg(self, name: str, default: str | None = None) -> str | None:
        """The last value of query parameter ``name``."""
        found = default
        for key, value in self.query:
            if key == name:
                found = value
        return found

    def args(self, name: str) -> list[str]:
        """Every value of a repeated query parameter."""
        return [value for key, value in self.query if key == name]

    def json(self):
        """The body parsed as JSON; raises ValueError when it is not JSON."""
        if not self.body:
            raise ValueError("empty body")
        return json.loads(self.body.decode("utf-8"))


@dataclass
class Response:
    """An outgoing response; ``body`` may be bytes, str or a JSON-able object."""

    status: int = 200
    body: object = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json"

    def encoded(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode("utf-8")
        return json.dumps(self.body).encode("utf-8")

    def __call__(self, start_response) -> list[bytes]:
        payload = self.encoded()
        headers = dict(self.headers)
        if payload or self.status not in (204, 304):
            headers.setdefault("Content-Type", self.content_type)
        headers["Content-Length"] = str(len(payload))
        reason = HTTPStatus(self.status).phrase if self.status in HTTPStatus._value2member_map_ else ""
        start_response(f"{self.status} {reason}", list(headers.items()))
        return [payload]


def json_response(body: object, status: int = 200, **headers: str) -> Response:
    return Response(status=status, body=body, headers=headers)
