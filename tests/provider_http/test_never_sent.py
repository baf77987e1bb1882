"""connections.providers.http.never_sent: which failed requests surely never reached the server (a create
may then be sent again; after any other failure its outcome is unknown)."""

from __future__ import annotations

import requests
from urllib3.exceptions import MaxRetryError, NewConnectionError, ProtocolError

from connections.providers.http import never_sent


def test_no_connection_made_means_never_sent():
    refused = NewConnectionError(None, "Failed to establish a new connection: [Errno 111] Connection refused")
    wrapped = requests.exceptions.ConnectionError(MaxRetryError(None, "/crm/v3", reason=refused))
    assert never_sent(wrapped)
    assert never_sent(requests.exceptions.ConnectTimeout("connect timed out"))


def test_a_failure_after_the_connection_may_have_reached_the_server():
    assert not never_sent(requests.exceptions.ReadTimeout("read timed out"))
    reset = requests.exceptions.ConnectionError(ProtocolError("Connection aborted.", ConnectionResetError(104)))
    assert not never_sent(reset)
    assert not never_sent(requests.exceptions.ChunkedEncodingError("body cut short"))
