"""Bearer-token authentication and scope checks.

Tokens are ``brf_`` + 32 random bytes (URL-safe base64). Only their SHA-256 is stored: a token is
a random 256-bit secret, not a password, so brute force is hopeless even without a slow KDF, and a
fast hash lets every request look it up by index. The lookup is by hash; the final comparison uses
``hmac.compare_digest`` anyway, so no timing difference depends on the secret.

Scopes are ordered read < write < admin. Each route handler states what it needs in
``opt={"scope": Scope.WRITE}``; handlers without it are reads, public unless
``settings.require_auth_for_reads``. A short, exact set of paths (health, metrics, the OpenAPI
documents) and handlers with ``opt={"public": True}`` (``OPTIONS``) are public whatever the
settings: exact matches, no prefixes. `AuthMiddleware` is the app's one auth layer and reads all
of this from the route handler Litestar matched.

A token sent to a public read is checked all the same: a revoked or unknown one is a 401, so a
client learns that its token is dead rather than reading on as anonymous.

Failed authentications are limited per client address (`FailureLimiter`, one per worker process):
past ``auth_failure_limit`` failures in ``auth_failure_window_seconds``, any request carrying a
token gets 429 with ``Retry-After`` until the window ends, right or wrong, so guessing stays slow.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import math
import secrets
import time
from collections.abc import Callable
from dataclasses import KW_ONLY, dataclass, field

import msgspec
from litestar.datastructures import State
from litestar.enums import ScopeType
from litestar.exceptions import (
    NotAuthorizedException,
    PermissionDeniedException,
    TooManyRequestsException,
)
from litestar.handlers.base import BaseRouteHandler
from litestar.types import ASGIApp, HTTPScope, Receive, Send
from litestar.types import Scope as ASGIScope

from service.domain.wire import Scope, TokenInfo
from service.settings import Settings
from service.store.base import Store, TokenRecord

TOKEN_PREFIX = "brf_"  # noqa: S105 - a public prefix that makes tokens greppable, not a secret
SCOPE_OPT = "scope"
"""Key of a handler's ``opt`` naming the `Scope` it needs (absent: a read)."""
PUBLIC_OPT = "public"
"""Key of a handler's ``opt``: true when anyone may call it whatever the settings."""
LIMITER_STATE = "auth_failures"
"""Key in ``app.state`` of the app's `FailureLimiter`."""

PUBLIC_PATHS = frozenset(
    {
        "/healthz",
        "/readyz",
        "/metrics",
        "/schema",
        "/schema/openapi.json",
        "/schema/openapi.yaml",
        "/schema/openapi.yml",
        "/schema/scalar",
    }
)
"""Paths anyone may call. Exact matches only: ``/healthz-x`` or ``/schema/../v1`` are not here."""

_RANK = {Scope.READ: 1, Scope.WRITE: 2, Scope.ADMIN: 3}


def new_token() -> str:
    """A fresh secret token: ``brf_`` + 32 random bytes, URL-safe."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """The stored form of a token: hex SHA-256 (see the module docstring for why not a KDF)."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token_record(name: str, scopes: list[Scope], now: dt.datetime) -> tuple[TokenRecord, str]:
    """A token record to store and the secret to show once."""
    token = new_token()
    record = TokenRecord(
        id=secrets.token_hex(6),
        name=name,
        scopes=sorted(set(scopes), key=_RANK.__getitem__),
        secret_hash=hash_token(token),
        created_at=now,
    )
    return record, token


def token_info(record: TokenRecord) -> TokenInfo:
    """The listable view of a token record (no secret, no hash)."""
    return msgspec.convert(record, TokenInfo, from_attributes=True)


def grants(scopes: list[Scope], needed: Scope) -> bool:
    """Whether a token with ``scopes`` may do what ``needed`` allows (admin > write > read)."""
    return max((_RANK[scope] for scope in scopes), default=0) >= _RANK[needed]


async def authenticate(store: Store, authorization: str | None) -> TokenRecord:
    """The live token named by an ``Authorization`` header; 401 when missing, unknown or revoked."""
    if not authorization:
        raise NotAuthorizedException("A bearer token is required.")
    scheme, _, token = authorization.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        raise _invalid("The bearer token is malformed.")
    secret_hash = hash_token(token)
    record = await store.find_token(secret_hash)
    if record is None or not hmac.compare_digest(record.secret_hash, secret_hash):
        raise _invalid("The bearer token is not valid.")
    if record.revoked_at is not None:
        raise _invalid("The bearer token has been revoked.")
    return record


def _invalid(detail: str) -> NotAuthorizedException:
    return NotAuthorizedException(
        detail, headers={"WWW-Authenticate": 'Bearer error="invalid_token"'}
    )


def required_scope(handler: BaseRouteHandler, settings: Settings) -> Scope | None:
    """The scope a handler needs under these settings; ``None`` when it is public."""
    needed = handler.opt.get(SCOPE_OPT)
    if isinstance(needed, Scope):
        return needed
    return Scope.READ if settings.require_auth_for_reads else None


@dataclass(eq=False)  # a limiter is one per app, compared by identity
class FailureLimiter:
    """Failed authentications per client address in fixed windows (in memory, per process).

    ``limit`` failures within ``window`` seconds block the address until that window ends;
    ``limit`` 0 turns the limit off. At most ``max_addresses`` are tracked: past that, expired
    windows are dropped first, then the oldest ones, so a flood of addresses cannot grow memory.
    """

    limit: int
    window: float
    _: KW_ONLY
    max_addresses: int = 10_000
    clock: Callable[[], float] = time.monotonic
    _windows: dict[str, tuple[float, int]] = field(default_factory=dict, init=False, repr=False)
    """Per tracked address: when its window started and its failures in it; oldest first."""

    @classmethod
    def from_settings(cls, settings: Settings) -> FailureLimiter:
        """The limiter the settings configure."""
        return cls(settings.auth_failure_limit, settings.auth_failure_window_seconds)

    def retry_after(self, address: str) -> int | None:
        """Whole seconds until ``address`` may try again, or ``None`` when it may now."""
        if not self.limit:
            return None
        found = self._windows.get(address)
        if found is None:
            return None
        started, failures = found
        left = started + self.window - self.clock()
        if left <= 0:
            del self._windows[address]
            return None
        return max(1, math.ceil(left)) if failures >= self.limit else None

    def failed(self, address: str) -> None:
        """Count one failed authentication of ``address``."""
        if not self.limit:
            return
        now = self.clock()
        started, failures = self._windows.pop(address, (now, 0))
        if now - started >= self.window:
            started, failures = now, 0
        self._windows[address] = (started, failures + 1)  # re-inserted: newest last
        if len(self._windows) > self.max_addresses:
            self._evict(now)

    def _evict(self, now: float) -> None:
        expired = [key for key, (start, _) in self._windows.items() if now - start >= self.window]
        for key in expired:
            del self._windows[key]
        while len(self._windows) > self.max_addresses:
            del self._windows[next(iter(self._windows))]


def _header(scope: HTTPScope, name: bytes) -> str | None:
    """The first value of a request header (ASGI servers send names in lower case)."""
    for key, value in scope["headers"]:
        if key == name:
            return value.decode("latin-1")
    return None


def _client_address(scope: HTTPScope) -> str:
    client = scope.get("client")
    return client[0] if client else "unknown"


async def _authenticate_limited(state: State, address: str, authorization: str) -> TokenRecord:
    """`authenticate` a sent token, under the app's failure limit (429 when over it)."""
    limiter: FailureLimiter | None = state.get(LIMITER_STATE)
    if limiter is None:
        return await authenticate(state.store, authorization)
    wait = limiter.retry_after(address)
    if wait is not None:
        raise TooManyRequestsException(
            f"Too many failed authentications from this address; retry in {wait} s.",
            headers={"Retry-After": str(wait)},
        )
    try:
        return await authenticate(state.store, authorization)
    except NotAuthorizedException:
        limiter.failed(address)
        raise


async def check_access(scope: HTTPScope) -> None:
    """401 without a valid token where one is needed (or one is sent anyway), 403 when its scopes
    are not enough for the matched route handler, 429 past the failure limit."""
    handler: BaseRouteHandler = scope["route_handler"]
    if scope["path"] in PUBLIC_PATHS or handler.opt.get(PUBLIC_OPT) or scope["method"] == "OPTIONS":
        return
    state: State = scope["litestar_app"].state
    needed = required_scope(handler, state.settings)
    authorization = _header(scope, b"authorization")
    if not authorization:
        if needed is None:
            return
        raise NotAuthorizedException("A bearer token is required.")
    record = await _authenticate_limited(state, _client_address(scope), authorization)
    scope["state"]["token_name"] = record.name
    if needed is not None and not grants(record.scopes, needed):
        raise PermissionDeniedException(f"This operation needs the {needed.value!r} scope.")


class AuthMiddleware:
    """The app's one authentication layer, in its ``middleware`` list: it runs once Litestar has
    matched the route, before the handler's parameters or body are read, and reads the rules
    from the matched handler (``scope["route_handler"].opt``).

    A middleware rather than a guard: Litestar hands every guard its own copy of the route
    handler, which on a cached read cost about as much as the read.
    """

    __slots__ = ("app",)

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: ASGIScope, receive: Receive, send: Send) -> None:
        """Check the request's access, then pass it on."""
        if scope["type"] == ScopeType.HTTP:
            await check_access(scope)
        await self.app(scope, receive, send)
