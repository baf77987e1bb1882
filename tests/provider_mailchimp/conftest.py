"""The Mailchimp sandbox served over real HTTP for a test module (reset by each module's own fixture)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def running(running_mailchimp):
    """``(app, server)``: the root conftest's ``running_mailchimp``."""
    return running_mailchimp
