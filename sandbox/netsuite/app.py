"""The NetSuite sandbox: a WSGI app that behaves like one NetSuite account's REST web services.

Every API request passes the control plane of :class:`SandboxApp` (latency,
the account concurrency limit answering 429, injected faults, request log),
then Token-Based Authentication, then the record service or SuiteQL.

Python-level helpers for tests and benchmarks (no HTTP): :meth:`NetSuiteSandbox.seed`,
:meth:`~NetSuiteSandbox.touch` and :meth:`~NetSuiteSandbox.delete_record` (changes
"made by a NetSuite user"), :meth:`~NetSuiteSandbox.get_record`,
:meth:`~NetSuiteSandbox.set_clock_offset` and :meth:`~NetSuiteSandbox.revoke_token`.
"""

from __future__ import annotations

import functools
import logging
import sqlite3
import threading
import time
from zoneinfo import ZoneInfo

from sandbox.common.control import SandboxApp
from sandbox.common.http import Request, Response, json_response

from . import api
from .config import NetSuiteSandboxConfig, default_config
from .errors import NetSuiteError, invalid_login
from .fields import RECORD_TYPES, SEED_ORDER, CustomFieldDef, Kind, SelectList
from .generator import generate
from .records import RecordService
from .render import render_record
from .store import DELETED_TABLE, Store
from .tba import Credentials, TbaVerifier

logger = logging.getLogger(__name__)
_AUDIT_KEEP = 200
_FAULT_CODES = {
    500: ("UNEXPECTED_ERROR", "An unexpected error occurred. Please try again later."),
    502: ("UNEXPECTED_ERROR", "Bad gateway."),
    503: ("SERVICE_UNAVAILABLE", "The service is temporarily unavailable. Please try again later."),
    504: ("TIMEOUT", "The request timed out."),
}


class _HybridMethod:
    """A method callable on the class (default config) or on an instance (its own config)."""

    def __init__(self, func):
        self.func = func
        functools.update_wrapper(self, func)

    def __get__(self, instance, owner):
        return functools.partial(self.func, instance if instance is not None else owner)


class NetSuiteSandbox(SandboxApp):
    """One simulated NetSuite account (see ``sandbox/netsuite/README.md``)."""

    name = "netsuite"

    def __init__(self, config: NetSuiteSandboxConfig | None = None):
        self.config = (config or default_config()).copy()
        super().__init__(self.config.faults)
        self.zone = ZoneInfo(self.config.account_time_zone)
        self.store_lock = threading.RLock()
        self.clock_offset = 0.0
        self.tba = TbaVerifier(
            self.config.account_id,
            Credentials(
                self.config.consumer_key, self.config.consumer_secret, self.config.token_id, self.config.token_secret
            ),
            self.config.timestamp_skew_seconds,
        )
        self._audit: list[dict] = []
        self._audit_lock = threading.Lock()
        self._new_account()

    def __repr__(self) -> str:
        return f"NetSuiteSandbox(account_id={self.config.account_id!r})"

    # --- clock -----------------------------------------------------------------------
    def now(self) -> int:
        """The account's clock (whole seconds, like lastModifiedDate), shifted by the test offset."""
        return int(time.time() + self.clock_offset)

    def set_clock_offset(self, seconds: float) -> None:
        """Shift the record clock (lastModifiedDate, deleteddate, SYSDATE); TBA timestamps keep real time."""
        self.clock_offset = float(seconds)

    def advance_clock(self, seconds: float) -> None:
        self.clock_offset += float(seconds)

    # --- account lifecycle -------------------------------------------------------------
    def _new_account(self) -> None:
        with self.store_lock:
            self.store = Store(self.config.date_format, self.config.account_time_zone)
            self.service = RecordService(self.store, self.now)
            now = self.now()
            # Every OneWorld account has its root subsidiary.
            self.store.insert(
                "subsidiary",
                {
                    "id": self.store.next_id("subsidiary"),
                    "name": "Parent Company",
                    "legalname": "Parent Company Inc.",
                    "currency": 1,
                    "isinactive": "F",
                    "iselimination": "F",
                    "country": "US",
                    "datecreated": now,
                    "lastmodifieddate": now,
                },
            )

    def reset_state(self) -> None:
        self._new_account()
        self.tba.reset()
        self.clock_offset = 0.0
        with self._audit_lock:
            self._audit = []

    def revoke_token(self) -> None:
        """Revoke the access token (the next requests fail with INVALID_LOGIN)."""
        self.tba.revoked = True

    # --- the NetSuite API ----------------------------------------------------------------
    def handle(self, request: Request) -> Response:
        url = request.url_base + (request.raw_path or request.path)
        reason = self.tba.check(request.method, url, request.query, request.header("authorization"))
        if reason is not None:
            self._log_login(request, reason)
            return invalid_login().response()
        try:
            return api.handle(self, request)
        except NetSuiteError as exc:
            return exc.response()
        except Exception:
            # A sandbox bug: answer like NetSuite's unexpected error, and say where it broke.
            logger.exception("NetSuite sandbox failed on %s %s", request.method, request.path)
            return self.fault_response(500, "bug")

    def fault_response(self, status: int, reason: str) -> Response:
        if status == 429:
            # UNCERTAIN (reference 5.2): the REST 429 body and Retry-After; the sandbox
            # sends NetSuite's error shape and no Retry-After (the stricter case).
            detail = (
                "The request could not be processed because the account's concurrency limit was exceeded."
                if reason == "concurrency"
                else "Request limit exceeded. Retry the request later."
            )
            return NetSuiteError(429, "CONCURRENCY_LIMIT_EXCEEDED", detail).response()
        code, detail = _FAULT_CODES.get(status, ("UNEXPECTED_ERROR", "An unexpected error occurred."))
        return NetSuiteError(status, code, detail).response()

    def _log_login(self, request: Request, reason: str) -> None:
        # What NetSuite's Login Audit Trail would show; never the header or a secret.
        with self._audit_lock:
            self._audit.append({"method": request.method, "path": request.path, "detail": reason})
            del self._audit[:-_AUDIT_KEEP]

    def login_audit_trail(self) -> list[dict]:
        """Refused logins, oldest first: ``{method, path, detail}`` with the refusal reason."""
        with self._audit_lock:
            return list(self._audit)

    # --- control plane ---------------------------------------------------------------------
    def seed(self, payload: dict) -> dict:
        """Add data: ``{"records": {type: [REST bodies]}}`` and/or ``{"generate": {...}}``.

        Also ``customLists`` (``[{"name": "customlist_x", "options": {"1": "A"}}]``) and
        ``customFields`` (``[{"scriptId", "label", "type", "appliesTo", "list" | "recordType"}]``).
        Raises ValueError (400 over HTTP) on a bad payload; explicit records follow
        NetSuite's validation, with ``id``, ``dateCreated`` and ``lastModifiedDate`` allowed.
        """
        if not isinstance(payload, dict):
            raise ValueError("the seed payload must be an object")
        unknown = set(payload) - {"records", "generate", "customLists", "customFields"}
        if unknown:
            raise ValueError(f"unknown seed keys: {sorted(unknown)}")
        try:
            with self.store_lock:
                return self._seed(payload)
        except (AttributeError, sqlite3.Error) as exc:
            raise ValueError(f"bad seed payload: {exc}") from exc

    def _seed(self, payload: dict) -> dict:
        result: dict = {}
        for entry in payload.get("customLists", []):
            options = {int(k): str(v) for k, v in dict(entry["options"]).items()}
            self.store.add_list(SelectList(str(entry["name"]), options, str(entry["name"])))
        for entry in payload.get("customFields", []):
            self.store.add_custom_field(
                CustomFieldDef(
                    str(entry["scriptId"]),
                    str(entry.get("label") or entry["scriptId"]),
                    Kind(entry["type"]),
                    tuple(entry.get("appliesTo", ("customer", "contact"))),
                    entry.get("list"),
                    entry.get("recordType"),
                )
            )
        if "generate" in payload:
            settings = payload["generate"]
            if not isinstance(settings, dict):
                raise ValueError("generate takes an object of settings")
            result.update(generate(self.store, self.now(), settings))
        if "records" in payload:
            result["created"] = self._seed_records(payload["records"])
        return result

    def _seed_records(self, records: dict) -> dict:
        if not isinstance(records, dict):
            raise ValueError("records must map a record type to a list of bodies")
        unknown = set(records) - set(RECORD_TYPES)
        if unknown:
            raise ValueError(f"unknown record types: {sorted(unknown)}")
        created: dict[str, list[int]] = {}
        for record_type in SEED_ORDER:
            for index, body in enumerate(records.get(record_type, [])):
                try:
                    record_id = self.service.create(record_type, body, seeding=True)
                except NetSuiteError as exc:
                    raise ValueError(f"{record_type}[{index}]: {exc.detail}") from exc
                created.setdefault(record_type, []).append(record_id)
        return created

    def state(self) -> dict:
        with self.store_lock:
            counts = {name: self.store.count(name) for name in RECORD_TYPES}
            deleted = self.store.db.execute(f"SELECT COUNT(*) FROM t_{DELETED_TABLE}").fetchone()[0]  # noqa: S608
            custom_fields = {
                c.script_id: {"label": c.label, "type": c.kind.value, "appliesTo": list(c.applies_to)}
                for c in self.store.custom_fields.values()
            }
        return {
            "accountId": self.config.account_id,
            "timeZone": self.config.account_time_zone,
            "dateFormat": self.config.date_format,
            "clockOffsetSeconds": self.clock_offset,
            "now": self.now(),
            "counts": counts,
            "deletedRecords": deleted,
            "customFields": custom_fields,
            "maxInFlight": self.max_in_flight,
            "loginAuditTrail": self.login_audit_trail()[-50:],
        }

    def _control(self, request: Request) -> Response:
        """The shared control API plus ``touch``, ``delete`` and ``clock`` (README)."""
        action = request.path[len("/_sandbox/") :].strip("/")
        if action not in ("touch", "delete", "clock") or request.method != "POST":
            return super()._control(request)
        try:
            payload = request.json() if request.body else {}
            if action == "touch":
                return json_response(self.touch(payload["type"], int(payload["id"]), **payload.get("fields", {})))
            if action == "delete":
                self.delete_record(payload["type"], int(payload["id"]))
                return json_response({"ok": True})
            if "offsetSeconds" in payload:
                self.set_clock_offset(payload["offsetSeconds"])
            if "advanceSeconds" in payload:
                self.advance_clock(payload["advanceSeconds"])
            return json_response({"clockOffsetSeconds": self.clock_offset, "now": self.now()})
        except NetSuiteError as exc:
            return json_response({"error": exc.detail}, 400)
        except (KeyError, ValueError, TypeError) as exc:
            return json_response({"error": f"bad {action} call: {exc}"}, 400)

    # --- Python-level helpers ---------------------------------------------------------------
    def touch(self, record_type: str, record_id: int, **fields: object) -> dict:
        """Change a record as a NetSuite user would in the UI (REST-shaped values); bumps lastModifiedDate.

        Returns the record as GET would render it (links relative to no host).
        """
        with self.store_lock:
            # Strict names: a misspelt field in a test should fail loudly, not be ignored.
            self.service.update(record_type, record_id, fields, strict_names=True)
            return self.get_record(record_type, record_id)

    def create_record(self, record_type: str, body: dict) -> int:
        """Create a record as a NetSuite user would (same validation as the API)."""
        with self.store_lock:
            return self.service.create(record_type, body, strict_names=True)

    def delete_record(self, record_type: str, record_id: int) -> None:
        """Delete a record as a NetSuite user would; it shows up in DeletedRecord."""
        with self.store_lock:
            self.service.delete(record_type, record_id, context="UI")

    def get_record(self, record_type: str, record_id: int, base_url: str = "") -> dict | None:
        """The record as ``GET ...?expandSubResources=true`` renders it, or None."""
        with self.store_lock:
            row = self.store.row(record_type, record_id)
            return None if row is None else render_record(self.store, record_type, row, base_url, expand=True)

    @_HybridMethod
    def print_config(self_or_cls, base_url: str) -> dict:  # noqa: N805 - works on the class and on instances
        """What a client needs to connect: base URL, account id and the demo TBA credentials."""
        config = self_or_cls.config if isinstance(self_or_cls, NetSuiteSandbox) else default_config()
        return {
            "base_url": base_url,
            "account_id": config.account_id,
            "consumer_key": config.consumer_key,
            "consumer_secret": config.consumer_secret,
            "token_id": config.token_id,
            "token_secret": config.token_secret,
        }
