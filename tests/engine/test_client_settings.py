"""Settings that reach the provider clients built for a connection's accounts."""

import pytest

from connections.clients import client_for
from connections.providers.errors import Unavailable


def test_the_api_timeout_setting_reaches_both_clients(connection, settings):
    settings.API_TIMEOUT_SECONDS = 4.5
    netsuite = client_for(connection.netsuite_account)
    google = client_for(connection.app_account)
    assert netsuite.transport.timeout == 4.5
    assert google.transport.timeout == 4.5


def test_a_request_slower_than_the_timeout_fails_as_unreachable(connection, sandboxes, settings):
    settings.API_TIMEOUT_SECONDS = 0.2
    sandboxes.netsuite.faults.latency_ms = 600  # every answer comes after the timeout
    client = client_for(connection.netsuite_account)
    client.transport.max_retries = 0  # one attempt: the retries are tested elsewhere
    try:
        with pytest.raises(Unavailable, match=r"did not answer within 0\.2s"):
            client.verify()
    finally:
        sandboxes.netsuite.faults.latency_ms = 0
