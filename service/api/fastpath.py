"""A pure-ASGI fast path for the hot immutable reads: latest brief, brief by reference, revision
and diff (cache hits only for the diff).

Litestar's per-request work (a ``Request``, kwargs parsing and validation, dependency injection,
``before_request``, a ``Response``) cost more than the read itself once a read is an index lookup
plus cached bytes. This middleware sits *inside* Litestar's routing (and inside the request
observer, which assigns the request id), so routing, 404/405, the request id header, CORS, the
request metrics and the access log apply to its responses unchanged. It does only what the
route handler would have done, and whenever a request is anything but the plain case it hands
the request on untouched to the handler, which then answers it (and any error) exactly as
before:

* a query string (other than ``from``/``to`` of a diff), an over-long header or a path parameter
  the handler's constraints would reject;
* authentication that fails or lacks the scope (the handler's checks answer 401/403);
* any error from the store (``NotFoundError``: the handler answers the 404 problem);
* a diff not in the cache (computing one is the handler's job).

`PreRouter` runs the same fast path one step earlier, before Litestar's router (inside the
request observer), for the paths its patterns match; what it does not answer goes on to Litestar
and is not tried again by the route middleware.

Authentication uses the same functions as ``service.api.auth.authorize``. The revision lookup
always goes to the database (replicas see each other's writes at once); only the bytes of
immutable revisions come from the cache.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Hashable, Iterable
from typing import Any

from litestar import Litestar
from litestar.datastructures import State
from litestar.enums import ScopeType
from litestar.handlers.base import BaseRouteHandler
from litestar.types import ASGIApp, Receive, Scope, Send

from service.api.auth import authenticate, grants, required_scope
from service.api.cache import CachedBody, ResponseCache, matches_weakly
from service.api.representations import resolve_ref, revision_key, stored_body
from service.api.routes.diffs import diff_key
from service.domain.limits import MAX_ID_LENGTH, MAX_REVISION
from service.domain.wire import JSON_PATCH
from service.store.base import Store

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_HEADER_MAX = 1000  # the handlers' ``max_length`` of If-None-Match and Accept
_TRIED = "briefs.fast_path_tried"
"""Scope key set by the pre-router layer once it has tried (and declined) a request."""


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

    def __init__(  # noqa: PLR0917 - a private record, built in one place
        self,
        params: dict[str, Any],
        query: bytes,
        story_id: str,
        headers: _Headers,
        store: Store,
        cache: ResponseCache,
    ) -> None:
        self.params = params
        self.query = query
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


async def _answer(
    operation: str,
    handler: BaseRouteHandler,
    params: dict[str, Any],
    *,
    state: State,
    scope: Scope,
    send: Send,
) -> bool:
    """Serve the request if it is a plain case; ``False`` hands it on to the route handler."""
    story_id = _slug(params.get("story_id"))
    headers = _Headers(scope["headers"])
    if_none_match = headers.if_none_match
    if (
        story_id is None
        or (if_none_match is not None and len(if_none_match) > _HEADER_MAX)
        or (headers.accept is not None and len(headers.accept) > _HEADER_MAX)
    ):
        return False
    store: Store = state.store
    needed = required_scope(handler, state.settings)
    try:
        if needed is not None:
            record = await authenticate(store, headers.authorization)
            if not grants(record.scopes, needed):
                return False
            scope["state"]["token_name"] = record.name
        read = _Read(params, scope.get("query_string", b""), story_id, headers, store, state.cache)
        entry = await _READS[operation](read)
    except Exception:  # the handler repeats the step and answers its error itself
        return False
    if entry is None:
        return False
    if if_none_match is not None and matches_weakly(if_none_match, entry.etag):
        await send(
            {"type": "http.response.start", "status": 304, "headers": [entry.start_headers[0]]}
        )
        await send({"type": "http.response.body", "body": b"", "more_body": False})
        return True
    await send({"type": "http.response.start", "status": 200, "headers": list(entry.start_headers)})
    await send({"type": "http.response.body", "body": entry.body, "more_body": False})
    return True


def fast_path_middleware(app: ASGIApp) -> ASGIApp:
    """Answer plain GETs of the hot read routes directly; hand everything else to ``app``."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == ScopeType.HTTP and scope["method"] == "GET" and _TRIED not in scope:
            handler = scope["route_handler"]
            operation = getattr(handler, "operation_id", None)
            if operation in _READS and await _answer(
                operation,
                handler,
                scope["path_params"],
                state=scope["litestar_app"].state,
                scope=scope,
                send=send,
            ):
                return
        await app(scope, receive, send)

    return middleware


# The hot routes, matched before Litestar's router. Segments are slugs (anything else goes to the
# router, which answers it); revision numbers have no sign or leading zero. ``latest`` is a static
# segment of the router, never a brief reference here.
_PREFIX = "/v1/stories/"
_PATTERNS: tuple[tuple[str, re.Pattern[str], str], ...] = (
    (
        "getLatestBrief",
        re.compile(r"/v1/stories/(?P<story_id>[a-z0-9-]+)/briefs/latest"),
        "a/briefs/latest",
    ),
    (
        "getRevision",
        re.compile(
            r"/v1/stories/(?P<story_id>[a-z0-9-]+)/briefs/(?!latest/)(?P<brief_ref>[a-z0-9-]+)"
            r"/revisions/(?P<revision>[1-9][0-9]{0,8})"
        ),
        "a/briefs/b/revisions/1",
    ),
    (
        "getBrief",
        re.compile(
            r"/v1/stories/(?P<story_id>[a-z0-9-]+)/briefs/(?!latest\Z)(?P<brief_ref>[a-z0-9-]+)"
        ),
        "a/briefs/b",
    ),
    ("getDiff", re.compile(r"/v1/stories/(?P<story_id>[a-z0-9-]+)/diff"), "a/diff"),
)


def _match(path: str) -> tuple[str, dict[str, Any]] | None:
    """The hot read operation and its path parameters (typed as the router's), or ``None``."""
    if not path.startswith(_PREFIX):
        return None
    for operation, pattern, _ in _PATTERNS:
        found = pattern.fullmatch(path)
        if found is not None:
            params: dict[str, Any] = found.groupdict()
            if "revision" in params:
                params["revision"] = int(params["revision"])
            return operation, params
    return None


# Host names, IPv4 and bracketed IPv6 addresses, with a port: a subset of what the router
# accepts. Any other Host header goes to the router, which answers 400 where it must.
_PLAIN_HOST = re.compile(rb"[0-9A-Za-z.\-]*(?:\[[0-9A-Fa-f:.]+\])?(?::[0-9]{1,5})?")


def _plain(scope: Scope) -> bool:
    """No header the router or the CORS middleware would act on (an ``Origin``, an unusual
    ``Host``)."""
    for name, value in scope["headers"]:
        if name == b"origin" or (name == b"host" and _PLAIN_HOST.fullmatch(value) is None):
            return False
    return True


class PreRouter:
    """Answers plain GETs of the hot reads before Litestar's router; passes on everything else.

    Installed inside the request observer (every request is still given its id, timed, counted
    and logged) and outside Litestar's exception, CORS and routing layers. For a request it
    answers it does what those layers and the route middleware would: ``scope["path_template"]``
    (the router's template string, taken from the router at startup), and through `_answer` the
    same auth decision and bytes as the route middleware. It declines
    (the request goes on untouched, to the router) for any other method or path, a ``root_path``,
    an ``Origin`` header, an unusual ``Host`` header, and whatever `_answer` declines.
    """

    def __init__(self, app: ASGIApp, litestar: Litestar) -> None:
        self.app = app
        self.litestar = litestar
        self.routes: dict[str, tuple[BaseRouteHandler, str]] = {}
        for operation, pattern, sample in _PATTERNS:
            path = _PREFIX + sample
            _, handler, _, params, template = litestar.asgi_router.handle_routing(path, "GET")
            ours = _match(path)
            # The router must agree with the patterns: same handler, same typed parameters.
            found = getattr(handler, "operation_id", None)
            if ours is None or found != operation or ours != (operation, params):
                msg = f"the fast path's pattern {pattern.pattern!r} disagrees with the router"
                raise RuntimeError(msg)
            self.routes[operation] = (handler, template)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer the request if it is a plain hot read, else pass it to the wrapped app."""
        if (
            scope["type"] == ScopeType.HTTP
            and scope["method"] == "GET"
            and not scope.get("root_path")
        ):
            matched = _match(scope["path"])
            if matched is not None and matched[0] in _READS and _plain(scope):
                operation, params = matched
                handler, template = self.routes[operation]
                scope[_TRIED] = True  # type: ignore[literal-required]  # our own marker key
                state = self.litestar.state
                if await _answer(operation, handler, params, state=state, scope=scope, send=send):
                    scope["path_template"] = template
                    return
        await self.app(scope, receive, send)


def install_pre_router(app: Litestar) -> None:
    """Startup hook: wrap the app's ASGI handler in a `PreRouter` (once).

    Runs before the observability hook's, so the request observer ends up outside it.
    """
    handler: object = app.asgi_handler
    while handler is not None:
        if isinstance(handler, PreRouter):
            return
        handler = getattr(handler, "app", None)
    app.asgi_handler = PreRouter(app.asgi_handler, app)
