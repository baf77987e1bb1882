"""Fixtures of the HubSpot provider tests: a tiny local HTTP stub that answers canned bodies quoted from the
reference, for the error-parsing and retry tests only (the sandbox, written apart, serves the rest)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

LIST_PAGE = {"results": [], "paging": None}


class Stub:
    """Answers each request with the next (status, body, headers) of ``answers``; remembers what it got."""

    def __init__(self):
        self.answers: list[tuple[int, object, dict]] = []
        self.requests: list[dict] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                stub.requests.append(
                    {"method": self.command, "path": self.path, "auth": self.headers.get("Authorization")}
                )
                self.rfile.read(length)
                status, body, headers = stub.answers.pop(0) if stub.answers else (200, LIST_PAGE, {})
                data = json.dumps(body).encode() if body is not None else b""
                self.send_response(status)
                for name, value in {"Content-Type": "application/json", **headers}.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _answer

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()


@pytest.fixture
def stub():
    running = Stub()
    yield running
    running.server.shutdown()
    running.server.server_close()


UNAUTHENTICATED = {
    "status": "error",
    "message": "Authentication credentials not found.",
    "category": "INVALID_AUTHENTICATION",
}
