"""Keep secrets out of log output.

Two nets, so that a secret is caught whichever way it reaches a message:

1. patterns: ``Authorization`` headers, ``oauth_signature="..."`` and other
   ``oauth_*`` values, and ``key=value`` / ``"key": "value"`` pairs whose key
   names a secret (token, secret, password, api key, ...);
2. known values: every credential decrypted in this process is registered with
   :func:`register_secret`, and its literal value is masked wherever it appears.
"""

from __future__ import annotations

import logging
import re
import threading

MASK = "[REDACTED]"

_SECRET_KEY_NAMES = (
    r"(?:[a-z_]*_)?(?:secret|token|password|passwd|api[_-]?key|apikey|access[_-]?key|signature|"
    r"refresh[_-]?token|access[_-]?token|client[_-]?secret|consumer[_-]?secret|token[_-]?secret|code)"
)

_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    # Authorization: OAuth realm=..., Bearer xyz, Basic abc (header lines and dict reprs)
    (re.compile(r"(?i)(authorization['\"]?\s*[:=]\s*['\"]?)(?:OAuth|Bearer|Basic|Token)\s+[^'\"\n]*"), r"\1" + MASK),
    (re.compile(r"(?i)\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}"), r"\1 " + MASK),
    # oauth_signature="...", oauth_token="..." inside an OAuth header
    (re.compile(r"(?i)\b(oauth_(?:signature|token|consumer_key|nonce))=(\"?)[^\",\s&]*\2"), r"\1=\2" + MASK + r"\2"),
    # "client_secret": "abc"  /  'token_secret': 'abc'
    (re.compile(r"(?i)([\"']" + _SECRET_KEY_NAMES + r"[\"']\s*:\s*[\"'])[^\"']*([\"'])"), r"\1" + MASK + r"\2"),
    # refresh_token=abc&...  /  token_secret=abc
    (re.compile(r"(?i)\b(" + _SECRET_KEY_NAMES + r")=([^&\s,;\"']+)"), r"\1=" + MASK),
]

_known_secrets: set[str] = set()
_known_lock = threading.Lock()
_MIN_SECRET_LENGTH = 6  # shorter strings would mask ordinary words


def register_secret(value: str | None) -> None:
    """Remember a secret value so that it is masked in every later log message."""
    if value and isinstance(value, str) and len(value) >= _MIN_SECRET_LENGTH:
        with _known_lock:
            _known_secrets.add(value)


def redact(text: str) -> str:
    """Return ``text`` with every secret it contains replaced by ``[REDACTED]``."""
    if not text:
        return text
    with _known_lock:
        known = sorted(_known_secrets, key=len, reverse=True)
    for secret in known:
        if secret in text:
            text = text.replace(secret, MASK)
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactSecretsFilter(logging.Filter):
    """A logging filter that rewrites each record's message (and traceback) redacted."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: log it as it stands
            message = str(record.msg)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        record.msg = redact(message)
        record.args = None
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True
