"""The child process serving both sandboxes, the bench's control calls to it, and the summary of their
request logs (reads, writes, 429s, requests in flight)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import requests
from django.conf import settings

from sandbox.common.http import Request, json_response
from sandbox.common.server import SandboxServer
from sandbox.google import GoogleSandbox
from sandbox.google import default_config as google_default
from sandbox.hubspot import HubSpotSandbox
from sandbox.hubspot import default_config as hubspot_default
from sandbox.mailchimp import MailchimpSandbox
from sandbox.mailchimp import default_config as mailchimp_default
from sandbox.mailchimp.errors import ApiError as MailchimpError
from sandbox.netsuite import NetSuiteSandbox
from sandbox.netsuite import default_config as netsuite_default

from .options import BENCH_GOOGLE_USER, BENCH_HUBSPOT_PORTAL, BENCH_NETSUITE_ACCOUNT, READY, SANDBOX_HOST


def _is_read(side: str, method: str, path: str) -> bool:
    if method == "GET":
        return True
    # SuiteQL is a POST that reads; so are HubSpot's search and batch read.
    if side == "netsuite":
        return method == "POST" and path.endswith("/suiteql")
    return side == "hubspot" and method == "POST" and (path.endswith("/search") or path.endswith("/batch/read"))


def _call_path(path: str) -> str:
    """The path with record ids left out, so that calls of one kind count together."""
    parts = []
    for part in path.split("/"):
        if part.isdigit() or part.startswith("eid:") or (part[:1] == "c" and part[1:].isdigit()) or _is_md5(part):
            part = "{id}"
        parts.append(part)
    return "/".join(parts)


def _is_md5(part: str) -> bool:
    """A Mailchimp member id (the MD5 of its email)."""
    return len(part) == 32 and all(c in "0123456789abcdef" for c in part)


def summarize_requests(side: str, log: list[dict]) -> dict:
    """Reads, writes and 429s of ``log`` (a sandbox's request log), the time at least one request
    was in flight (``busy_s``) and the most requests in flight at once."""
    kinds = ["read" if _is_read(side, r["method"], r["path"]) else "write" for r in log]
    counts = Counter(kinds)
    server_ms = Counter()
    for kind, entry in zip(kinds, log, strict=True):
        server_ms[kind] += entry["ms"]
    events = sorted([(r["start"], 1) for r in log] + [(r["end"], -1) for r in log])
    busy = 0.0
    in_flight = most = 0
    since = 0.0
    for moment, step in events:
        if in_flight == 0 and step > 0:
            since = moment
        in_flight += step
        most = max(most, in_flight)
        if in_flight == 0:
            busy += moment - since
    calls = Counter(f"{r['method']} {_call_path(r['path'])}" for r in log)
    # The sandbox's own verdict on each request: one that arrived while the limit was in flight was
    # answered 429 ("concurrency"), the request the API would refuse over the account's limit.
    over_limit = sum(1 for r in log if r.get("fault") == "concurrency")
    writes = [r for r, kind in zip(log, kinds, strict=True) if kind == "write"]
    return {
        "read": counts["read"],
        "write": counts["write"],
        "calls": dict(calls.most_common()),
        "throttled": sum(1 for r in log if r["status"] == 429),
        "over_limit": over_limit,
        "busy_s": round(busy, 3),
        # Time the sandbox took per request (latency included), from its arrival to its answer.
        "mean_ms": {
            kind: round(server_ms[kind] / counts[kind], 1) if counts[kind] else None for kind in ("read", "write")
        },
        "max_in_flight": most,
        # When the writes ran within the window: from the first request to the first write
        # (reading and planning before anything is written), and from the last write's answer
        # to the last request's (reading back and the end of the run).
        # Requests in flight on average in each second of the window (the first request's second first).
        "in_flight_per_s": _in_flight_per_second(log),
        "writes_from_s": round(min(r["start"] for r in writes) - min(r["start"] for r in log), 3) if writes else None,
        "after_writes_s": round(max(r["end"] for r in log) - max(r["end"] for r in writes), 3) if writes else None,
    }


def _in_flight_per_second(log: list[dict]) -> list[float]:
    if not log:
        return []
    origin = min(r["start"] for r in log)
    seconds = [0.0] * (int(max(r["end"] for r in log) - origin) + 1)
    for r in log:
        start, end = r["start"] - origin, r["end"] - origin
        second = int(start)
        while start < end:
            edge = min(end, second + 1)
            seconds[second] += edge - start
            start, second = edge, second + 1
    return [round(value, 2) for value in seconds]


class BenchControls:
    """WSGI middleware over one sandbox adding the bench's control calls under ``/_bench/``:

    - ``POST /_bench/mark``: start a new measuring window of the request log;
    - ``GET /_bench/requests``: :func:`summarize_requests` of the window;
    - ``GET /_bench/records``: how many records of each kind the sandbox holds, and how many emails
      more than one of them shares (:func:`record_census`);
    - ``POST /_bench/seed_past`` (HubSpot): ``{"payload": <seed>, "seconds_ago": N}``, the sandbox's seed
      with its clock N seconds back; (Mailchimp) ``{"members": [{..., "seconds_ago": N}]}``, each member
      added to the default audience (as a sign-up form would) with the clock N seconds back;
    - ``POST /_bench/touch`` (the app's sandbox): ``{"changes": [{"resourceName", "person"}]}`` (Google),
      ``{"changes": [{"id", "properties"}]}`` (HubSpot contacts), each applied with the sandbox's ``touch``, or
      ``{"changes": [{"id", "merge_fields"}]}`` (Mailchimp members: the member's update, as its own form
      makes it) (a change made by the user in the app; no sandbox has such a call in its control API,
      unlike NetSuite's ``/_sandbox/touch``).
    """

    def __init__(self, side: str, app):
        self.side = side
        self.app = app
        self.mark = 0

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if not path.startswith("/_bench/"):
            return self.app(environ, start_response)
        request = Request.from_environ(environ)
        action = path[len("/_bench/") :]
        if action == "mark" and request.method == "POST":
            self.mark = len(self.app.requests())
            return json_response({"ok": True})(start_response)
        if action == "requests" and request.method == "GET":
            return json_response(summarize_requests(self.side, self.app.requests()[self.mark :]))(start_response)
        if action == "records" and request.method == "GET":
            return json_response(record_census(self.side, self.app))(start_response)
        if action == "seed_past" and request.method == "POST" and self.side in ("hubspot", "mailchimp"):
            try:
                seeded = self._seed_past(request.json())
            except (KeyError, ValueError, TypeError) as exc:
                return json_response({"error": f"bad seed: {exc}"}, 400)(start_response)
            return json_response(seeded)(start_response)
        if action == "touch" and request.method == "POST" and self.side != "netsuite":
            try:
                for change in request.json()["changes"]:
                    if self.side == "mailchimp":
                        self._touch_member(change["id"], change["merge_fields"])
                    elif self.side == "hubspot":
                        self.app.touch("contacts", change["id"], **change["properties"])
                    else:
                        self.app.touch(change["resourceName"], **change["person"])
            except (KeyError, ValueError, TypeError) as exc:
                return json_response({"error": f"bad touch: {exc}"}, 400)(start_response)
            return json_response({"ok": True})(start_response)
        return json_response({"error": f"unknown bench call {request.method} {path}"}, 404)(start_response)

    def _seed_past(self, body: dict) -> dict:
        """HubSpot's seed with the sandbox's clock set ``seconds_ago`` back: the records were last changed
        then, as the NetSuite seed's (HubSpot stamps a record when it is stored, and its seed takes no
        modification time). Mailchimp's members likewise, each at its own time (``{"ids": [member id, ...]}``)."""
        if self.side == "mailchimp":
            return {"ids": [self._add_member_past(dict(member)) for member in body["members"]]}
        with self.app.lock:
            clock = self.app.clock
            self.app.clock = lambda: clock() - float(body["seconds_ago"])
            try:
                return self.app.seed(body["payload"])
            finally:
                self.app.clock = clock

    def _add_member_past(self, member: dict) -> str:
        """One Mailchimp member added through the sandbox's ``add_member`` (the API's checks), last changed
        ``seconds_ago`` back."""
        seconds_ago = float(member.pop("seconds_ago"))
        with self.app.lock:
            clock = self.app.clock
            self.app.clock = lambda: clock() - seconds_ago
            try:
                return self.app.add_member(**member)
            finally:
                self.app.clock = clock

    def _touch_member(self, member_id: str, merge_fields: dict) -> None:
        """A Mailchimp member's merge fields changed by the member (its profile form): the update the API
        would make, last_changed now."""
        with self.app.lock:
            account = self.app.account
            audience = account.lists[self.app.config.default_list_id]
            try:
                account.write_member(audience, {"merge_fields": merge_fields}, mode="patch", path_hash=member_id)
            except MailchimpError as error:
                raise ValueError(f"{error.title}: {error.detail}") from None


def record_census(side: str, app) -> dict:
    """What a sandbox holds after a bench: records per kind (NetSuite ``company``, ``individual``,
    ``contact``; Google ``contact``) and, per kind, the emails more than one live record bears (a
    record synced twice would show here: every bench record has an email of its own)."""
    if side == "netsuite":
        with app.store_lock:
            db = app.store.db
            kinds = {
                "company": ("t_customer", "isperson = 'F'"),
                "individual": ("t_customer", "isperson = 'T'"),
                "contact": ("t_contact", "1 = 1"),
            }
            records, shared = {}, {}
            for kind, (table, where) in kinds.items():
                records[kind] = db.execute(f"SELECT COUNT(*) FROM {table} WHERE {where}").fetchone()[0]  # noqa: S608
                shared[kind] = db.execute(
                    f"SELECT COUNT(*) FROM (SELECT lower(email) FROM {table} WHERE {where} "  # noqa: S608
                    "AND email IS NOT NULL AND email != '' GROUP BY lower(email) HAVING COUNT(*) > 1)"
                ).fetchone()[0]
        return {"records": records, "shared_emails": shared}
    if side == "mailchimp":
        with app.lock:
            audience = app.account.lists[app.config.default_list_id]
            members = [m.email.strip().lower() for m in audience.members.values() if m.status != "archived"]
        counts = Counter(members)
        return {
            "records": {"member": len(members)},
            "shared_emails": {"member": sum(1 for n in counts.values() if n > 1)},
        }
    if side == "hubspot":
        with app.lock:
            contacts = [
                (r.properties.get("email") or "").strip().lower() for r in app.portal.store("contacts").active()
            ]
        counts = Counter(email for email in contacts if email)
        return {
            "records": {"contact": len(contacts)},
            "shared_emails": {"contact": sum(1 for n in counts.values() if n > 1)},
        }
    emails: Counter = Counter()
    live = 0
    with app.lock:
        for contact in app.store.contacts.values():
            if contact.deleted:
                continue
            live += 1
            for address in {e.get("value", "").strip().lower() for e in contact.fields.get("emailAddresses", [])}:
                if address:
                    emails[address] += 1
    return {"records": {"contact": live}, "shared_emails": {"contact": sum(1 for n in emails.values() if n > 1)}}


def google_sides(users: int) -> list[str]:
    """The names of the Google sandboxes served for ``users`` users: ``google``, then ``google-2``, ..."""
    return ["google"] + [f"google-{n}" for n in range(2, users + 1)]


def serve_sandboxes(
    latency_ms: float,
    netsuite_concurrency: int,
    host: str = SANDBOX_HOST,
    google_users: tuple[str, ...] = (BENCH_GOOGLE_USER,),
    app: str = "google",
) -> None:
    """The child process's main: serve the NetSuite sandbox and the app's, on free ports (Google: one sandbox
    per user, the Google sandbox has one user each), print their base URLs as one JSON line, and serve
    until stdin closes (the parent ended, or stopped us)."""
    netsuite_cfg = netsuite_default()
    netsuite_cfg.account_id = BENCH_NETSUITE_ACCOUNT
    netsuite_cfg.faults.latency_ms = latency_ms
    netsuite_cfg.faults.concurrency_limit = netsuite_concurrency
    servers = {"netsuite": SandboxServer(BenchControls("netsuite", NetSuiteSandbox(netsuite_cfg)), host, 0).start()}
    if app == "hubspot":
        # HubSpot's limits stay on (a Professional private app: 190 requests per rolling 10 s, 5 searches a
        # second): the minimum is computed with them, and a run must live with them as it would in HubSpot.
        hubspot_cfg = hubspot_default().replace(portal_id=BENCH_HUBSPOT_PORTAL)
        hubspot_cfg.faults.latency_ms = latency_ms
        servers["hubspot"] = SandboxServer(BenchControls("hubspot", HubSpotSandbox(hubspot_cfg)), host, 0).start()
        google_users = ()
    if app == "mailchimp":
        # Mailchimp's limit stays on: 10 requests in flight per account, the 11th answered 429 (C.7).
        mailchimp_cfg = mailchimp_default()
        mailchimp_cfg.faults.latency_ms = latency_ms
        servers["mailchimp"] = SandboxServer(
            BenchControls("mailchimp", MailchimpSandbox(mailchimp_cfg)), host, 0
        ).start()
        google_users = ()
    for side, user in zip(google_sides(len(google_users)) if google_users else (), google_users, strict=True):
        # Google's per-minute quotas are left out: the bench measures the engine against latency,
        # concurrency and batch sizes, not a quota (10,000 records would wait minutes on 60 a minute).
        google_cfg = google_default().replace(
            user_email=user,
            read_quota_per_minute=None,
            write_quota_per_minute=None,
            other_write_quota_per_minute=None,
            group_read_quota_per_minute=None,
        )
        google_cfg.faults.latency_ms = latency_ms
        servers[side] = SandboxServer(BenchControls(side, GoogleSandbox(google_cfg)), host, 0).start()
    sys.stdout.write(READY + json.dumps({side: server.base_url for side, server in servers.items()}) + "\n")
    sys.stdout.flush()
    # From now on nobody reads our stdout: send what logging writes there to stderr, lest a full
    # pipe block the sandboxes.
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    try:
        sys.stdin.read()
    finally:
        for server in servers.values():
            server.stop()


class SandboxProcess:
    """The child process serving the sandboxes, and the control calls the bench makes to it."""

    def __init__(
        self, latency_ms: float, netsuite_concurrency: int, google_users: tuple[str, ...] = (), app: str = "google"
    ):
        self.latency_ms = latency_ms
        self.netsuite_concurrency = netsuite_concurrency
        self.google_users = google_users  # empty: the bench's one user
        self.app = app
        self.session = requests.Session()
        self.process: subprocess.Popen | None = None
        self.urls: dict[str, str] = {}

    def start(self) -> SandboxProcess:
        self._errors = tempfile.TemporaryFile(mode="w+")
        env = dict(os.environ, DJANGO_SETTINGS_MODULE=settings.SETTINGS_MODULE, PYTHONUNBUFFERED="1")
        command = [
            sys.executable,
            str(Path(settings.BASE_DIR) / "manage.py"),
            "bench_sync",
            "--serve-sandboxes",
            "--latency-ms",
            str(self.latency_ms),
            "--netsuite-concurrency",
            str(self.netsuite_concurrency),
        ]
        if self.google_users:
            command += ["--google-users", ",".join(self.google_users)]
        if self.app != "google":
            command += ["--app", self.app]
        self.process = subprocess.Popen(
            command,
            cwd=settings.BASE_DIR,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._errors,
            text=True,
        )
        for line in self.process.stdout:  # log lines may come first
            if line.startswith(READY):
                self.urls = json.loads(line[len(READY) :])
                return self
        self._errors.seek(0)
        errors = self._errors.read()[-2000:]
        self.stop()
        raise RuntimeError(f"The sandbox process did not start: {errors}")

    def stop(self) -> None:
        if self.process is None:
            return
        try:
            self.process.stdin.close()  # the child serves until its stdin closes
            self.process.wait(timeout=15)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait(timeout=15)
        self.process.stdout.close()
        self._errors.close()
        self.session.close()
        self.process = None

    def __enter__(self) -> SandboxProcess:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def call(self, side: str, method: str, path: str, payload: dict | None = None, timeout: float = 600) -> dict:
        response = self.session.request(method, self.urls[side] + path, json=payload, timeout=timeout)
        if response.status_code != 200:
            raise RuntimeError(f"{method} {path} on the {side} sandbox: HTTP {response.status_code} {response.text}")
        return response.json()

    def mark(self) -> None:
        for side in self.urls:
            self.call(side, "POST", "/_bench/mark")

    def request_summary(self) -> dict[str, dict]:
        return {side: self.call(side, "GET", "/_bench/requests") for side in self.urls}

    def record_census(self) -> dict[str, dict]:
        return {side: self.call(side, "GET", "/_bench/records") for side in self.urls}
