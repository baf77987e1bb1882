"""The Mailchimp sandbox served over real HTTP for a test module (reset by each module's own fixture)."""

from __future__ import annotations

import pytest

from sandbox.common.server import SandboxServer
from sandbox.mailchimp import MailchimpSandbox


@pytest.fixture(scope="module")
def running():
    with SandboxServer(MailchimpSandbox()) as server:
        yield server.app, server
