"""`manage.py runsandbox`: --print-config prints what an account needs (valid JSON), and the
command really serves both sandboxes (a subprocess on free ports, used like the demo uses it)."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
from io import StringIO
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.core.management import CommandError, call_command

from connections.providers.google_contacts import GoogleContactsClient
from connections.providers.google_contacts.oauth import GoogleOAuthEndpoints, exchange_code
from connections.providers.hubspot.client import HubSpotClient
from connections.providers.netsuite import NetSuiteClient
from sandbox.google import default_config as google_config
from sandbox.netsuite import default_config as netsuite_config

from ..integration.processes import child_env

ROOT = Path(__file__).resolve().parents[2]
NETSUITE_KEYS = {"base_url", "account_id", "consumer_key", "consumer_secret", "token_id", "token_secret"}
GOOGLE_KEYS = {"base_url", "client_id", "client_secret", "authorize_url", "token_url"}


def _print_config(*args: str) -> dict:
    out = StringIO()
    call_command("runsandbox", "--print-config", *args, stdout=out)
    return json.loads(out.getvalue())


def test_print_config_prints_base_urls_and_demo_credentials_as_json():
    config = _print_config()

    assert NETSUITE_KEYS <= set(config["netsuite"]) and GOOGLE_KEYS <= set(config["google"])
    ns, google = config["netsuite"], config["google"]
    assert ns["base_url"] == "http://127.0.0.1:8801"
    assert google["base_url"] == "http://127.0.0.1:8802"
    assert config["hubspot"]["base_url"] == "http://127.0.0.1:8803" and config["hubspot"]["access_token"]
    defaults = netsuite_config()
    assert ns["account_id"] == "1234567_SB1" == defaults.account_id
    assert [ns[k] for k in ("consumer_key", "consumer_secret", "token_id", "token_secret")] == [
        defaults.consumer_key,
        defaults.consumer_secret,
        defaults.token_id,
        defaults.token_secret,
    ]
    g_defaults = google_config()
    assert (google["client_id"], google["client_secret"]) == (g_defaults.client_id, g_defaults.client_secret)
    assert google["authorize_url"] == "http://127.0.0.1:8802/o/oauth2/v2/auth"
    assert google["token_url"] == "http://127.0.0.1:8802/token"


def test_print_config_follows_the_host_and_ports():
    config = _print_config(
        "--host", "localhost", "--netsuite-port", "9101", "--google-port", "9102", "--hubspot-port", "9103"
    )

    assert config["netsuite"]["base_url"] == "http://localhost:9101"
    assert config["hubspot"]["base_url"] == "http://localhost:9103"
    assert config["google"]["authorize_url"] == "http://localhost:9102/o/oauth2/v2/auth"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_listening(process: subprocess.Popen, port: int, deadline: float) -> None:
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()[1]
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    pytest.fail(f"runsandbox did not listen on port {port}")


def test_runsandbox_serves_every_sandbox_until_stopped():
    ns_port, g_port, hs_port = _free_port(), _free_port(), _free_port()
    args = ["runsandbox", "--netsuite-port", str(ns_port), "--google-port", str(g_port), "--hubspot-port", str(hs_port)]
    env = child_env()
    config = json.loads(
        subprocess.run(
            [sys.executable, "manage.py", *args, "--print-config"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        ).stdout
    )
    process = subprocess.Popen(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 30
        _wait_until_listening(process, ns_port, deadline)
        _wait_until_listening(process, g_port, deadline)
        _wait_until_listening(process, hs_port, deadline)

        # HubSpot: the printed private-app token, verified by the product's client.
        hs = config["hubspot"]
        assert hs["base_url"] == f"http://127.0.0.1:{hs_port}"
        hubspot = HubSpotClient(hs["portal_id"], {"private_app_token": hs["access_token"]}, base_url=hs["base_url"])
        try:
            hubspot.verify()
        finally:
            hubspot.close()

        # NetSuite: a TBA-signed SuiteQL call with the printed credentials.
        ns = config["netsuite"]
        netsuite = NetSuiteClient(ns["account_id"], ns, base_url=ns["base_url"], timeout=10)
        try:
            assert netsuite.verify()["subsidiary_count"] == 1  # the empty account's root subsidiary
        finally:
            netsuite.close()

        # Google: the consent redirect (to a loopback URI), the code exchange, one People API call.
        g = config["google"]
        endpoints = GoogleOAuthEndpoints.for_base_url(g["base_url"])
        redirect_uri = "http://127.0.0.1:8000/admin/connections/connectedaccount/google/callback/"
        consent = requests.get(
            g["authorize_url"],
            params={
                "client_id": g["client_id"],
                "redirect_uri": redirect_uri,
                "response_type": "code",
                "scope": "https://www.googleapis.com/auth/contacts https://www.googleapis.com/auth/userinfo.email",
                "access_type": "offline",
                "state": "s1",
            },
            allow_redirects=False,
            timeout=10,
        )
        assert consent.status_code == 302
        code = parse_qs(urlsplit(consent.headers["Location"]).query)["code"][0]
        tokens = exchange_code(endpoints, g["client_id"], g["client_secret"], code, redirect_uri)
        google = GoogleContactsClient(
            "", tokens, client_id=g["client_id"], client_secret=g["client_secret"], base_url=g["base_url"]
        )
        try:
            assert google.verify()["email"] == google_config().user_email
        finally:
            google.close()
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=20)
    assert process.returncode == 0, err.decode()
    assert f"NetSuite sandbox on http://127.0.0.1:{ns_port}" in out.decode()
    assert f"Google sandbox on http://127.0.0.1:{g_port}" in out.decode()
    assert f"HubSpot sandbox on http://127.0.0.1:{hs_port}" in out.decode()
    for port in (ns_port, g_port, hs_port):
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()


def test_a_busy_port_is_a_clear_error():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(CommandError, match=f"cannot listen on 127.0.0.1:{port}.*--google-port"):
            call_command("runsandbox", "--netsuite-port", str(_free_port()), "--google-port", str(port))
