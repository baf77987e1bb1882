"""Fixtures of the reliability tests: a pair of sandboxes whose Google access tokens live briefly."""

from __future__ import annotations

import pytest

from sandbox.common.server import SandboxServer
from sandbox.google import GoogleSandbox
from sandbox.google import default_config as google_config
from sandbox.netsuite import NetSuiteSandbox
from sandbox.netsuite import default_config as netsuite_config

from ..engine.harness import Sandboxes


@pytest.fixture(scope="module")
def running_sandboxes():
    ns_cfg = netsuite_config()
    ns_cfg.faults.concurrency_limit = 5
    netsuite, google = NetSuiteSandbox(ns_cfg), GoogleSandbox(google_config())
    sandboxes = Sandboxes(netsuite, google, SandboxServer(netsuite).start(), SandboxServer(google).start())
    yield sandboxes
    sandboxes.netsuite_server.stop()
    sandboxes.google_server.stop()
