"""A run stopped by a lost database or Redis says so in words (syncengine/lost_service.py); the restart
tests (tests/integration/test_service_restarts.py) show the runner using it on real restarts."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, InterfaceError, OperationalError
from redis.exceptions import ConnectionError as RedisConnectionError

from syncengine.lost_service import LOST_SERVICE_ERRORS, lost_service_message


@pytest.mark.parametrize(
    ("error", "service"),
    [
        (OperationalError("terminating connection due to administrator command\nSSL SYSCALL"), "database"),
        (InterfaceError("connection already closed"), "database"),
        (RedisConnectionError("Error 111 connecting to 127.0.0.1:6390. Connection refused."), "Redis"),
    ],
)
def test_a_lost_service_is_named_in_one_plain_line_that_says_nothing_is_lost(error, service):
    assert isinstance(error, LOST_SERVICE_ERRORS)
    message = lost_service_message(error)
    assert message.startswith(f"The run stopped: the {service} failed mid-run (")
    assert "\n" not in message and "Traceback" not in message
    assert "Nothing is lost" in message and "next run picks up" in message


def test_a_bug_in_our_queries_is_not_taken_for_a_lost_service():
    assert not isinstance(IntegrityError("duplicate key"), LOST_SERVICE_ERRORS)
