"""The control plane every sandbox shares: request log, latency, faults, concurrency.

:class:`SandboxApp` is a WSGI application. Requests under ``/_sandbox/`` are the
control API (not part of the simulated vendor API); every other request goes
through latency, the concurrency gate and fault injection, then to the
subclass's :meth:`SandboxApp.handle`, and is written to the request log.

Control API (JSON in and out):
- ``POST /_sandbox/reset``: empty state, default faults, empty request log;
- ``POST /_sandbox/seed``: the subclass's seeding (explicit records or a generator);
- ``GET /_sandbox/state``: the subclass's state dump;
- ``GET /_sandbox/requests``: list of ``{method, path, status, ms, start, end, fault}``;
- ``GET|POST /_sandbox/faults``: read or change :class:`FaultConfig` fields (``methods`` limits the
  injected faults to some HTTP methods, e.g. the writes).
"""

from __future__ import annotations

import dataclasses
import random
import threading
import time
from dataclasses import dataclass

from .http import Request, Response, json_response


@dataclass
class FaultConfig:
    """What goes wrong, and how slow it is. Rates are probabilities per request."""

    latency_ms: float = 0.0
    concurrency_limit: int | None = None  # None: unlimited
    error_rate: float = 0.0  # 5xx (503 by default)
    error_status: int = 503
    rate_limit_rate: float = 0.0  # random 429s
    burst_429: int = 0  # the next N API requests get 429
    timeout_rate: float = 0.0  # the request hangs for timeout_seconds, then fails with 504
    timeout_seconds: float = 30.0
    malformed_rate: float = 0.0  # 200 with a body that is not valid JSON
    drop_rate: float = 0.0  # the connection is closed without a response
    # The HTTP methods the faults above hit (e.g. ["PUT", "PATCH", "DELETE"]: NetSuite's record writes,
    # leaving its SuiteQL reads, which are POSTs, alone); empty: every method. Latency and the
    # concurrency limit apply to every request regardless.
    methods: list[str] = dataclasses.field(default_factory=list)
    seed: int | None = None  # seeds the random generator, for repeatable runs

    def update(self, values: dict) -> None:
        names = {f.name for f in dataclasses.fields(self)}
        unknown = set(values) - names
        if unknown:
            raise ValueError(f"unknown fault settings: {sorted(unknown)}")
        if "methods" in values:
            methods = values["methods"]
            if not isinstance(methods, list) or not all(isinstance(m, str) and m.strip() for m in methods):
                raise ValueError('methods must be a list of HTTP methods, e.g. ["PATCH", "PUT"]')
            values = {**values, "methods": sorted({m.strip().upper() for m in methods})}
        for key, value in values.items():
            setattr(self, key, value)


class DropConnection(Exception):
    """Raised inside a request to close the client's connection without an answer."""


class SandboxApp:
    """Base WSGI app of a sandbox. Subclasses implement handle, reset, seed, state
    and fault_response (the vendor's own error body for 5xx and 429)."""

    name = "sandbox"

    def __init__(self, faults: FaultConfig | None = None):
        self.lock = threading.RLock()
        self._log_lock = threading.Lock()
        self.default_faults = dataclasses.replace(faults) if faults else FaultConfig()
        self.faults = dataclasses.replace(self.default_faults)
        self.request_log: list[dict] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._random = random.Random(self.faults.seed)
        self._epoch = time.monotonic()

    # --- to implement -------------------------------------------------
    def handle(self, request: Request) -> Response:  # pragma: no cover - abstract
        raise NotImplementedError

    def reset_state(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def seed(self, payload: dict) -> dict:  # pragma: no cover - abstract
        raise NotImplementedError

    def state(self) -> dict:  # pragma: no cover - abstract
        raise NotImplementedError

    def fault_response(self, status: int, reason: str) -> Response:  # pragma: no cover - abstract
        """The vendor's error response for an injected ``status`` (429 or 5xx)."""
        raise NotImplementedError

    # --- control plane --------------------------------------------------
    def reset(self) -> None:
        with self.lock:
            self.reset_state()
            self.faults = dataclasses.replace(self.default_faults)
            self._random = random.Random(self.faults.seed)
        with self._log_lock:
            self.request_log = []
            self.max_in_flight = 0

    def requests(self) -> list[dict]:
        with self._log_lock:
            return list(self.request_log)

    def _control(self, request: Request) -> Response:
        action = request.path[len("/_sandbox/") :].strip("/")
        try:
            payload = request.json() if request.body else {}
        except ValueError:
            return json_response({"error": "body is not JSON"}, 400)
        if action == "reset" and request.method == "POST":
            self.reset()
            return json_response({"ok": True})
        if action == "seed" and request.method == "POST":
            try:
                return json_response(self.seed(payload))
            except (KeyError, ValueError, TypeError) as exc:
                return json_response({"error": f"bad seed: {exc}"}, 400)
        if action == "state" and request.method == "GET":
            return json_response(self.state())
        if action == "requests" and request.method == "GET":
            return json_response(self.requests())
        if action == "faults":
            if request.method == "POST":
                try:
                    with self.lock:
                        self.faults.update(payload)
                        if "seed" in payload:
                            self._random = random.Random(self.faults.seed)
                except ValueError as exc:
                    return json_response({"error": str(exc)}, 400)
            return json_response(dataclasses.asdict(self.faults))
        return json_response({"error": f"unknown control call {request.method} {request.path}"}, 404)

    # --- request pipeline ------------------------------------------------
    def _pick_fault(self, method: str) -> str | None:
        with self.lock:
            f = self.faults
            if f.methods and method.upper() not in f.methods:
                return None  # the faults hit other methods only (a burst is kept for them)
            if f.burst_429 > 0:
                f.burst_429 -= 1
                return "429"
            roll = self._random.random
            if f.drop_rate and roll() < f.drop_rate:
                return "drop"
            if f.timeout_rate and roll() < f.timeout_rate:
                return "timeout"
            if f.rate_limit_rate and roll() < f.rate_limit_rate:
                return "429"
            if f.error_rate and roll() < f.error_rate:
                return "5xx"
            if f.malformed_rate and roll() < f.malformed_rate:
                return "malformed"
        return None

    def _serve_api(self, request: Request) -> tuple[Response, str | None]:
        with self._log_lock:
            limit = self.faults.concurrency_limit
            over_limit = limit is not None and self.in_flight >= limit
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if self.faults.latency_ms:
                time.sleep(self.faults.latency_ms / 1000.0)
            if over_limit:
                return self.fault_response(429, "concurrency"), "concurrency"
            fault = self._pick_fault(request.method)
            if fault == "drop":
                raise DropConnection()
            if fault == "timeout":
                time.sleep(self.faults.timeout_seconds)
                return self.fault_response(504, "timeout"), fault
            if fault == "429":
                return self.fault_response(429, "rate"), fault
            if fault == "5xx":
                return self.fault_response(self.faults.error_status, "error"), fault
            response = self.handle(request)
            if fault == "malformed" and response.status < 300:
                # Cut the body short: valid headers, invalid JSON.
                body = response.encoded()
                response = Response(
                    status=response.status, body=body[: max(1, len(body) // 2)] or b"{", headers=response.headers
                )
            return response, fault
        finally:
            with self._log_lock:
                self.in_flight -= 1

    def __call__(self, environ, start_response):
        request = Request.from_environ(environ)
        if request.path.startswith("/_sandbox/"):
            return self._control(request)(start_response)
        started = time.monotonic()
        fault = None
        try:
            response, fault = self._serve_api(request)
        except DropConnection:
            self._log(request, 0, started, "drop")
            drop = environ.get("sandbox.drop")
            if drop:
                drop()
            # Writing to the shut socket fails with a broken pipe, which the
            # WSGI server treats as a client that went away (no traceback).
            start_response("500 Internal Server Error", [("Content-Length", "0")])
            return [b""]
        self._log(request, response.status, started, fault)
        return response(start_response)

    def _log(self, request: Request, status: int, started: float, fault: str | None) -> None:
        ended = time.monotonic()
        entry = {
            "method": request.method,
            "path": request.path,
            "status": status,
            "ms": round((ended - started) * 1000, 3),
            "start": round(started - self._epoch, 6),
            "end": round(ended - self._epoch, 6),
            "fault": fault,
        }
        with self._log_lock:
            self.request_log.append(entry)
