"""Page tokens and sync tokens.

A *page token* names a page of a listing the sandbox prepared on the first
call (the ordered resource names, frozen then), so paging is stable while
contacts change; it remembers that call's parameters, and a page token sent
with other parameters is refused (400 INVALID_ARGUMENT), as the documentation
says ("all other parameters ... must match the first call").

A *sync token* is opaque but self-contained: the change sequence it covers, the
time of the full sync it descends from, a generation (bumped by a reset and by
``expire_sync_tokens()``) and a hash of the listing parameters, signed so a
forged or garbled token is told apart from an expired one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from collections import OrderedDict
from dataclasses import dataclass

from .errors import ApiError, error_info, invalid_argument

# System parameters (the document's global ones) are not part of "the call's parameters".
SYSTEM_PARAMETERS = frozenset(
    {"$.xgafv", "access_token", "alt", "callback", "fields", "key", "oauth_token", "prettyPrint", "quotaUser"}
)
EXPIRED_MESSAGE = "Sync token is expired. Clear local cache and retry call without the sync token."
# Page tokens kept (least recently issued dropped first). Each prepared listing
# holds its resource names (about 8 bytes each), so this bounds memory too.
MAX_PAGE_TOKENS = 1000


def parameters_key(query: list[tuple[str, str]], leave_out: tuple[str, ...]) -> str:
    """A stable digest of the call's parameters, except ``leave_out`` and system ones."""
    kept = sorted((k, v) for k, v in query if k not in leave_out and k not in SYSTEM_PARAMETERS)
    return hashlib.sha256(json.dumps(kept).encode()).hexdigest()[:24]


@dataclass
class Listing:
    """A listing prepared on its first page: what to return and what comes after."""

    kind: str  # "connections" or "groups"
    params: str
    items: list[str]
    total: int
    sync_seq: int  # the change sequence a final nextSyncToken covers
    full_sync_time: float


class PageTokens:
    """Opaque page tokens, each naming an offset in a prepared :class:`Listing`."""

    def __init__(self):
        self._tokens: OrderedDict[str, tuple[Listing, int]] = OrderedDict()

    def reset(self) -> None:
        self._tokens.clear()

    def issue(self, listing: Listing, offset: int) -> str:
        token = secrets.token_urlsafe(24)
        self._tokens[token] = (listing, offset)
        while len(self._tokens) > MAX_PAGE_TOKENS:
            self._tokens.popitem(last=False)
        return token

    def resolve(self, token: str, kind: str, params: str) -> tuple[Listing, int]:
        """The listing and offset of ``token``; 400 INVALID_ARGUMENT when unknown or
        used with parameters other than its first call's. A token may be reused."""
        found = self._tokens.get(token)
        if found is None or found[0].kind != kind:
            raise invalid_argument("Page token is not valid. Make sure the page token is from a previous response.")
        listing, offset = found
        if listing.params != params:
            raise invalid_argument(
                "Parameters of a request with a page token must match the call that provided the page token.",
                "page_token",
            )
        return listing, offset


class SyncTokens:
    """Issue and check sync tokens (see the module docstring)."""

    def __init__(self):
        self._key = secrets.token_bytes(32)
        self.generation = 0

    def expire_all(self) -> None:
        """Every token issued so far is expired from now on."""
        self.generation += 1

    def issue(self, kind: str, seq: int, full_sync_time: float, params: str) -> str:
        payload = json.dumps(
            {"k": kind, "s": seq, "t": full_sync_time, "g": self.generation, "p": params}, separators=(",", ":")
        ).encode()
        signature = hmac.new(self._key, payload, hashlib.sha256).digest()[:12]
        return base64.urlsafe_b64encode(b"\x0a" + signature + payload).decode("ascii").rstrip("=")

    def check(self, token: str, kind: str, params: str, now: float, max_age: float) -> tuple[int, float]:
        """``(seq, full_sync_time)`` of a valid token; raises 400 otherwise: INVALID_ARGUMENT
        for a garbled token or other parameters, FAILED_PRECONDITION with reason
        ``EXPIRED_SYNC_TOKEN`` for an expired one."""
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            signature, payload = raw[1:13], raw[13:]
            if raw[:1] != b"\x0a" or not hmac.compare_digest(
                signature, hmac.new(self._key, payload, hashlib.sha256).digest()[:12]
            ):
                raise ValueError("bad signature")
            data = json.loads(payload)
        except (ValueError, TypeError):
            raise invalid_argument("Sync token is not valid.", "sync_token")
        if data["k"] != kind:
            raise invalid_argument("Sync token is not valid.", "sync_token")
        # "Sync tokens expire 7 days after the full sync": the stricter reading,
        # a token from an incremental sync keeps the time of the full sync.
        if data["g"] != self.generation or now - data["t"] > max_age:
            raise ApiError(
                400,
                "FAILED_PRECONDITION",
                EXPIRED_MESSAGE,
                [error_info("EXPIRED_SYNC_TOKEN", domain="people.googleapis.com")],
            )
        if data["p"] != params:
            raise invalid_argument(
                "Parameters of a request with a sync token must match the call that provided the sync token.",
                "sync_token",
            )
        return data["s"], data["t"]
