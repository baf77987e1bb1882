"""Secrets never reach the log output."""

import logging
import logging.config

import pytest
from django.conf import settings

from config.redaction import redact, register_secret


@pytest.fixture
def project_logging():
    """Call it inside the test: applies the project's LOGGING config with its
    stdout handler bound to the (captured) stdout of the test body."""
    yield lambda: logging.config.dictConfig(settings.LOGGING)
    logging.config.dictConfig(settings.LOGGING)


def test_log_output_redacts_authorization_header_token_and_secret(project_logging, capsys):
    header = (
        'Authorization: OAuth realm="1234567_SB1", oauth_consumer_key="ck123456", oauth_token="tok-abcdef123456", '
        'oauth_signature="B5OIWznZ2YP0OB7VrJrGkYsTh%2B8H"'
    )
    token = "ya29.a0AfH6SMBx-access-token-value"
    secret = "cs-very-secret-value-987"
    project_logging()
    logger = logging.getLogger("connections.providers.test")
    logger.warning("request failed: %s access_token=%s {'consumer_secret': '%s'}", header, token, secret)
    out = capsys.readouterr().out
    assert "request failed" in out
    for leaked in ("B5OIWznZ2YP0OB7VrJrGkYsTh", "tok-abcdef123456", token, secret):
        assert leaked not in out
    assert out.count("[REDACTED]") >= 3


def test_registered_secret_is_masked_wherever_it_appears():
    register_secret("s3cr3t-token-secret-value")
    assert redact("boom: s3cr3t-token-secret-value in a sentence") == "boom: [REDACTED] in a sentence"


def test_bearer_tokens_and_json_secret_keys_are_masked():
    text = 'headers={"Authorization": "Bearer abc.def.ghi12345"} body={"refresh_token": "1//0gRefresh"}'
    out = redact(text)
    assert "abc.def.ghi12345" not in out
    assert "1//0gRefresh" not in out


def test_exception_tracebacks_are_redacted(project_logging, capsys):
    project_logging()
    logger = logging.getLogger("connections.providers.test")
    try:
        raise RuntimeError("token_secret=leaky-secret-value-1")
    except RuntimeError:
        logger.exception("failed")
    out = capsys.readouterr().out
    assert "leaky-secret-value-1" not in out
    assert "RuntimeError" in out
