"""A pure-ASGI fast path for the hot immutable reads: latest brief, brief by reference, revision
and diff (cache hits only for the diff).

Litestar's per-request work (a ``Request``, kwargs parsing and validation, dependency injection,
``before_request``, a ``Response``) cost more than the read itself once a read is an index lookup
plus cached bytes. This middleware sits *inside* Litestar's routing, after the request id
middleware, so routing, 404/405, the request id header, CORS, the request metrics and the access
log apply to its responses unchanged. It does only what the route handler would have done, and
whenever a request is anything but the plain case it hands the request on untouched to the
handler, which then answers it (and any error) exactly as before:

* a query string (other than ``from``/``to`` of a diff), an over-long header or a path parameter
  the handler's constraints would reject;
* authentication that fails or lacks the scope (the handler's checks answer 401/403);
* any error from the store (``NotFoundError``: the handler answers the 404 problem);
* a diff not in the cache (computing one is the handler's job).

Authentication uses the same functions as ``service.api.auth.authorize``. The revision lookup
always goes to the database (replicas see each other's writes at once); only the bytes of
immutable revisions come from the cache.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Hashable, Iterable
from typing import Any

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Receive, Scope, Send

from service.api.auth import authenticate, grants, required_scope
from service.api.cache import CachedBody, ResponseCache, matches_weakly
from service.api.representations import resolve_ref, revision_key, stored_body
from service.api.routes.diffs import JSON_PATCH, diff_key
from service.domain.limits import MAX_ID_LENGTH, MAX_REVISION
from service.store.base import Store

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_HEADER_MAX = 1000  # the handlers' ``max_length`` of If-None-Match and Accept


def _slug(value: object) -> str | None:
    if isinstance(value, str) and len(value) <= MAX_ID_LENGTH and _SLUG.fullmatch(value):
        return value
    return None


class _Headers:
    """The few request headers the fast path reads (first occurrence, as Litestar's)."""

    __slots__ = ("accept", "authorization", "if_none_match")

    def __init__(self, raw: Iterable[tuple[bytes, bytes]]) -> None:
        self.accept: str | None = None
        self.authorization: str | None = None
        self.if_none_match: str | None = None
        for name, value in raw:
            if name == b"if-none-match" and self.if_none_match is None:
                self.if_none_match = value.decode("latin-1")
            elif name == b"accept" and self.accept is None:
                self.accept = value.decode("latin-1")
            elif name == b"authorization" and self.authorization is None:
                self.authorization = value.decode("latin-1")


def _diff_refs(query: bytes) -> tuple[str, str] | None:
    """``(from, to)`` when the query string is exactly those two slugs, else ``None``."""
    if b"%" in query or b"+" in query:
        return None  # encoded values: let Litestar decode them
    values: dict[str, str] = {}
    for pair in query.decode("latin-1").split("&"):
        name, sep, value = pair.partition("=")
        if not sep or name not in {"from", "to"} or name in values or _slug(value) is None:
            return None
        values[name] = value
    if len(values) != 2:
        return None
    return values["from"], values["to"]


class _Read:
    """What one fast-path request needs: its path parameters, query, headers, store and cache."""

    __slots__ = ("cache", "headers", "params", "query", "store", "story_id")

    def __init__(
        self, scope: Scope, story_id: str, headers: _Headers, store: Store, cache: ResponseCache
    ) -> None:
        self.params: dict[str, Any] = scope["path_params"]
        self.query: bytes = scope.get("query_string", b"")
        self.story_id = story_id
        self.headers = headers
        self.store = store
        self.cache = cache


async def _latest(read: _Read) -> CachedBody | None:
    if read.query:
        return None
    current = await read.store.latest_ref(read.story_id)
    return await stored_body(
        read.store, read.cache, read.story_id, current.brief_id, current.revision
    )


async def _brief(read: _Read) -> CachedBody | None:
    ref = _slug(read.params.get("brief_ref"))
    if ref is None or read.query:
        return None
    current = await resolve_ref(read.store, read.story_id, ref)
    return await stored_body(
        read.store, read.cache, read.story_id, current.brief_id, current.revision
    )


async def _revision(read: _Read) -> CachedBody | None:
    ref = _slug(read.params.get("brief_ref"))
    revision = read.params.get("revision")
    valid = isinstance(revision, int) and 1 <= revision <= MAX_REVISION
    if ref is None or not valid or read.query:
        return None
    alias: Hashable = ("brief", read.story_id, ref, revision)
    hit = read.cache.get(alias)
    if hit is not None:
        return hit
    brief_id, number = await revision_key(read.store, read.story_id, ref, revision)
    body = await stored_body(read.store, read.cache, read.story_id, brief_id, number)
    return read.cache.put(alias, body)


async def _diff(read: _Read) -> CachedBody | None:
    refs = _diff_refs(read.query) if read.query else None
    if refs is None:
        return None
    old = await revision_key(read.store, read.story_id, refs[0], None)
    new = await revision_key(read.store, read.story_id, refs[1], None)
    accept = read.headers.accept
    fmt = "patch" if accept is not None and JSON_PATCH in accept else "semantic"
    return read.cache.get(diff_key(read.story_id, old, new, fmt), count_miss=False)


_READS: dict[str, Callable[[_Read], Awaitable[CachedBody | None]]] = {
    "getLatestBrief": _latest,
    "getBrief": _brief,
    "getRevision": _revision,
    "getDiff": _diff,
}


async def _answer(operation: str, scope: Scope, send: Send) -> bool:
    """Serve the request if it is a plain case; ``False`` hands it on to the route handler."""
    story_id = _slug(scope["path_params"].get("story_id"))
    headers = _Headers(scope["headers"])
    if story_id is None or any(
        value is not None and len(value) > _HEADER_MAX
        for value in (headers.if_none_match, headers.accept)
    ):
        return False
    state = scope["litestar_app"].state
    store: Store = state.store
    needed = required_scope(scope["route_handler"], state.settings)
    try:
        if needed is not None:
            record = await authenticate(store, headers.authorization)
            if not grants(record.scopes, needed):
                return False
            scope["state"]["token_name"] = record.name
        entry = await _READS[operation](_Read(scope, story_id, headers, store, state.cache))
    except Exception:  # the handler repeats the step and answers its error itself
        return False
    if entry is None:
        return False
    etag = entry.etag.encode("latin-1")
    if headers.if_none_match is not None and matches_weakly(headers.if_none_match, entry.etag):
        await send({"type": "http.response.start", "status": 304, "headers": [(b"etag", etag)]})
        await send({"type": "http.response.body", "body": b"", "more_body": False})
        return True
    start_headers = [
        (b"etag", etag),
        (b"content-type", entry.media_type.encode("latin-1")),
        (b"content-length", str(len(entry.body)).encode("latin-1")),
    ]
    await send({"type": "http.response.start", "status": 200, "headers": start_headers})
    await send({"type": "http.response.body", "body": entry.body, "more_body": False})
    return True


def fast_path_middleware(app: ASGIApp) -> ASGIApp:
    """Answer plain GETs of the hot read routes directly; hand everything else to ``app``."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == ScopeType.HTTP and scope["method"] == "GET":
            operation = getattr(scope.get("route_handler"), "operation_id", None)
            if operation in _READS and await _answer(operation, scope, send):
                return
        await app(scope, receive, send)

    return middleware
