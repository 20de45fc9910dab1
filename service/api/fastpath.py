"""Hot reads answered from the response cache by an ordinary Litestar middleware.

Once a read is an index lookup plus cached bytes, Litestar's per-request work around the handler
(a ``Request``, parameter parsing and validation, dependency injection, ``before_request``) costs
several times the read itself. `FastReads` sits in the app's ``middleware`` list, after
`AuthMiddleware`: Litestar's router has matched the route (paths, 404, 405 and the route template
are the router's), the auth middleware has checked the token (one definition of auth), and it
answers the plain case of four reads with the handlers' own functions (``revision_body``,
``stored_body``, ``serve``: one definition of what is read and of conditional requests). Anything
else goes on to the handler, untouched, which answers it (and any error) as always:

* a query string (other than exactly ``from`` and ``to`` of a diff);
* a path parameter, ``If-None-Match`` or ``Accept`` the handler's constraints would reject: the
  checks use the constants the handlers' ``Parameter`` declarations use (`SLUG_PATTERN`,
  ``MAX_ID_LENGTH``, ``MAX_REVISION``, `HEADER_MAX`);
* any error from the store (the handler answers the 404 problem);
* a diff not in the cache (computing one is the handler's job).

tests/api/test_fastpath.py checks with generated requests that the answer with this layer equals
the handler's, header for header and byte for byte.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from litestar.enums import ScopeType
from litestar.types import ASGIApp, HTTPScope, Receive, Scope, Send

from service.api.cache import ResponseCache
from service.api.representations import (
    HEADER_MAX,
    SLUG_PATTERN,
    Answer,
    revision_body,
    revision_key,
    serve,
)
from service.api.routes.diffs import diff_key
from service.domain.limits import MAX_ID_LENGTH, MAX_REVISION
from service.domain.wire import JSON_PATCH
from service.store.base import Store

_SLUG = re.compile(SLUG_PATTERN)


def _slug(value: object) -> str | None:
    """``value`` if the handlers' slug parameters accept it, else ``None``."""
    if isinstance(value, str) and 1 <= len(value) <= MAX_ID_LENGTH and _SLUG.match(value):
        return value
    return None


class _Headers:
    """The request headers a hot read depends on (first occurrence, as Litestar reads them)."""

    __slots__ = ("accept", "if_none_match")

    def __init__(self, raw: Iterable[tuple[bytes, bytes]]) -> None:
        self.accept: str | None = None
        self.if_none_match: str | None = None
        for name, value in raw:
            if name == b"if-none-match" and self.if_none_match is None:
                self.if_none_match = value.decode("latin-1")
            elif name == b"accept" and self.accept is None:
                self.accept = value.decode("latin-1")


class _Read:
    """One hot read: path parameters, query string, headers, store and cache."""

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


async def _latest(read: _Read) -> Answer | None:
    if read.query:
        return None
    body = await revision_body(read.store, read.cache, read.story_id, None, None)
    return serve(body, read.headers.if_none_match)


async def _brief(read: _Read) -> Answer | None:
    ref = _slug(read.params.get("brief_ref"))
    if ref is None or read.query:
        return None
    body = await revision_body(read.store, read.cache, read.story_id, ref, None)
    return serve(body, read.headers.if_none_match)


async def _revision(read: _Read) -> Answer | None:
    ref = _slug(read.params.get("brief_ref"))
    revision = read.params.get("revision")
    valid = type(revision) is int and 1 <= revision <= MAX_REVISION
    if ref is None or not valid or read.query:
        return None
    body = await revision_body(read.store, read.cache, read.story_id, ref, revision)
    return serve(body, read.headers.if_none_match, pinned=True)


def _diff_refs(query: bytes) -> tuple[str, str] | None:
    """``(from, to)`` when the query string is exactly those two slugs, else ``None``."""
    if b"%" in query or b"+" in query:
        return None  # encoded values: the handler decodes them
    values: dict[str, str] = {}
    for pair in query.decode("latin-1").split("&"):
        name, sep, value = pair.partition("=")
        if not sep or name not in {"from", "to"} or name in values or _slug(value) is None:
            return None
        values[name] = value
    if len(values) != 2:
        return None
    return values["from"], values["to"]


async def _diff(read: _Read) -> Answer | None:
    refs = _diff_refs(read.query) if read.query else None
    if refs is None:
        return None
    old = await revision_key(read.store, read.story_id, refs[0], None)
    new = await revision_key(read.store, read.story_id, refs[1], None)
    accept = read.headers.accept
    fmt = "patch" if accept is not None and JSON_PATCH in accept else "semantic"
    entry = read.cache.get(diff_key(read.story_id, old, new, fmt), count_miss=False)
    if entry is None:
        return None
    return serve(entry, read.headers.if_none_match, vary="Accept")


READS: dict[str, Callable[[_Read], Awaitable[Answer | None]]] = {
    "getLatestBrief": _latest,
    "getBrief": _brief,
    "getRevision": _revision,
    "getDiff": _diff,
}
"""The hot reads by operation id (tests empty it to compare with the handlers)."""


async def _answer(scope: HTTPScope, operation: str) -> Answer | None:
    """The answer to a plain hot read, or ``None`` to hand the request to its handler."""
    params = scope["path_params"]
    story_id = _slug(params.get("story_id"))
    headers = _Headers(scope["headers"])
    if (
        story_id is None
        or (headers.if_none_match is not None and len(headers.if_none_match) > HEADER_MAX)
        or (headers.accept is not None and len(headers.accept) > HEADER_MAX)
    ):
        return None
    state = scope["litestar_app"].state
    read = _Read(params, scope["query_string"], story_id, headers, state.store, state.cache)
    try:
        return await READS[operation](read)
    except Exception:  # the handler repeats the step and answers its error itself
        return None


class FastReads:
    """Middleware: answer plain GETs of the hot reads from the cache; pass on everything else."""

    __slots__ = ("app",)

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer the request if it is a plain hot read, else pass it to the handler."""
        if scope["type"] == ScopeType.HTTP and scope["method"] == "GET":
            operation = getattr(scope["route_handler"], "operation_id", None)
            if operation in READS:
                answer = await _answer(scope, operation)
                if answer is not None:
                    await answer(scope, receive, send)
                    return
        await self.app(scope, receive, send)
