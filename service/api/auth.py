"""Bearer-token authentication and scope checks.

Tokens are ``brf_`` + 32 random bytes (URL-safe base64). Only their SHA-256 is stored: a token is
a random 256-bit secret, not a password, so brute force is hopeless even without a slow KDF, and a
fast hash lets every request look it up by index. The lookup is by hash; the final comparison uses
``hmac.compare_digest`` anyway, so no timing difference depends on the secret.

Scopes are ordered read < write < admin. Each route handler states what it needs in
``opt={"scope": Scope.WRITE}``; handlers without it are reads, public unless
``settings.require_auth_for_reads``. A short, exact set of paths (health, metrics, the OpenAPI
documents) is public whatever the settings: exact matches, no prefixes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from service.domain.wire import Scope, TokenInfo
from service.settings import Settings
from service.store.base import Store, TokenRecord

TOKEN_PREFIX = "brf_"  # noqa: S105 - a public prefix that makes tokens greppable, not a secret
SCOPE_OPT = "scope"
"""Key of a handler's ``opt`` naming the `Scope` it needs (absent: a read)."""

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
    return TokenInfo(
        id=record.id,
        name=record.name,
        scopes=record.scopes,
        created_at=record.created_at,
        revoked_at=record.revoked_at,
    )


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


async def authorize(connection: ASGIConnection[Any, Any, Any, Any]) -> None:
    """401 without a valid token, 403 when its scopes are not enough for the route handler.

    Runs first in the app's ``before_request`` hook (before the body is read) rather than as a
    Litestar guard, which would copy the route handler on every request.
    """
    if connection.scope["path"] in PUBLIC_PATHS or connection.scope.get("method") == "OPTIONS":
        return
    settings: Settings = connection.app.state.settings
    needed = required_scope(connection.route_handler, settings)
    if needed is None:
        return
    record = await authenticate(connection.app.state.store, connection.headers.get("authorization"))
    connection.scope["state"]["token_name"] = record.name
    if not grants(record.scopes, needed):
        raise PermissionDeniedException(f"This operation needs the {needed.value!r} scope.")
