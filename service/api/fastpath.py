"""Hot reads answered from the response cache by an ordinary Litestar middleware.

Once a read is an index lookup plus cached bytes, Litestar's per-request work around the handler
(a ``Request``, parameter parsing and validation, dependency injection, ``before_request``) costs
several times the read itself. `FastReads` sits in the app's ``middleware`` list, after
`AuthMiddleware`: Litestar's router has matched the route (paths, 404, 405 and the route template
are the router's), the auth middleware has checked the token (one definition of auth), and it
answers the plain case of four reads with the handlers' own functions (``revision_body``,
``stored_body``, ``serve``: one definition of what is read and of conditional requests). Anything
else goes on to the handler, untouched, which answers it (and any error) as always:

* a query string (other than exactly ``from`` and ``to`` of a diff: time travel's ``on`` and
  ``at`` included) or an ``Accept-Datetime`` header (Memento);
* a path parameter, ``If-None-Match`` or ``Accept`` the handler's constraints would reject: the
  checks use the constants the handlers' ``Parameter`` declarations use (`SLUG_PATTERN`,
  ``MAX_ID_LENGTH``, ``MAX_REVISION``, `HEADER_MAX`);
* any error from the store (the handler answers the 404 problem);
* a diff not in the cache (computing one is the handler's job).

`BeforeRouter` answers the same reads, with the same `_answer`, one step earlier: in the outer
layers ``create_app`` composes, before Litestar's app, exception and router layers (a cached
latest read: 0.031 → 0.025 ms of CPU in-process, docs/perf/api-hotpath.md). It matches only
what plainly belongs to one hot read, from the route table Litestar built (`app.routes`: each
route's ``path``, its handlers' ``http_methods``, ``operation_id`` and ``opt``), compiled once
when the app is made, and hands everything else to Litestar untouched:

* a path Litestar would normalise (empty segments, a trailing ``/``), a ``root_path``, a path
  segment that another route names as a literal where the hot read has a parameter (Litestar
  prefers the literal), a revision that is not plain decimal digits;
* a ``Host`` header outside a conservative subset of what Litestar's router accepts, an
  ``Origin`` header (CORS is Litestar's), an ``Authorization`` header (the auth middleware
  checks tokens, once, under the failure limit);
* a request the auth rule (`check_access`, the middleware's own function) refuses without a
  token.

tests/api/test_fastpath.py checks with generated requests that the answer with these layers
equals the handler's, header for header and byte for byte.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from litestar.enums import ScopeType
from litestar.types import ASGIApp, HTTPScope, Receive, Scope, Send

from service.api.auth import check_access
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

if TYPE_CHECKING:
    from litestar import Litestar
    from litestar.handlers import HTTPRouteHandler

_SLUG = re.compile(SLUG_PATTERN)


def _slug(value: object) -> str | None:
    """``value`` if the handlers' slug parameters accept it, else ``None``."""
    if isinstance(value, str) and 1 <= len(value) <= MAX_ID_LENGTH and _SLUG.match(value):
        return value
    return None


class _Headers:
    """The request headers a hot read depends on (first occurrence, as Litestar reads them)."""

    __slots__ = ("accept", "if_none_match", "negotiates_time")

    def __init__(self, raw: Iterable[tuple[bytes, bytes]]) -> None:
        self.accept: str | None = None
        self.if_none_match: str | None = None
        self.negotiates_time = False  # Memento's Accept-Datetime: the handler's to answer
        for name, value in raw:
            if name == b"if-none-match" and self.if_none_match is None:
                self.if_none_match = value.decode("latin-1")
            elif name == b"accept" and self.accept is None:
                self.accept = value.decode("latin-1")
            elif name == b"accept-datetime":
                self.negotiates_time = True


@dataclass(slots=True)  # not frozen: a frozen init costs a setattr call per field, per read
class _Read:
    """One hot read: path parameters, query string, headers, store and cache."""

    params: dict[str, Any]
    query: bytes
    story_id: str
    headers: _Headers
    store: Store
    cache: ResponseCache


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
        or headers.negotiates_time
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


# A subset of the ``Host`` values Litestar's router accepts (it refuses others with a 400): a
# name or address and a port. Anything else is left to the router to judge.
_PLAIN_HOST = re.compile(rb"\A[0-9A-Za-z.\-:\[\]]*\Z")
_PLAIN_REVISION = re.compile(r"[1-9][0-9]{0,9}")
_PARAM = re.compile(r"\{(\w+):(\w+)\}")


class HotRoute:
    """One hot read's route, compiled: its literal segments and its typed parameters."""

    __slots__ = ("handler", "literals", "operation", "params", "path_format", "reserved")

    def __init__(
        self, handler: HTTPRouteHandler, path: str, path_format: str, others: Sequence[str]
    ) -> None:
        self.handler = handler
        self.operation: str = handler.operation_id  # type: ignore[assignment]  # in READS
        self.path_format = path_format
        segments = path.strip("/").split("/")
        self.literals: list[tuple[int, str]] = []
        self.params: list[tuple[int, str, str]] = []
        for index, segment in enumerate(segments):
            param = _PARAM.fullmatch(segment)
            if param is None:
                self.literals.append((index, segment))
            else:
                self.params.append((index, param.group(1), param.group(2)))
        # Literals other routes have where this one has a parameter: Litestar's router tries a
        # literal first, so a request naming one is not plainly this route's.
        self.reserved: dict[int, set[str]] = {index: set() for index, _, _ in self.params}
        for other in others:
            for index, segment in enumerate(other.strip("/").split("/")):
                if index in self.reserved and not segment.startswith("{"):
                    self.reserved[index].add(segment)

    def match(self, segments: list[str]) -> dict[str, Any] | None:
        """The path parameters, as the router would parse them, or ``None`` if not plain."""
        for index, literal in self.literals:
            if segments[index] != literal:
                return None
        params: dict[str, Any] = {}
        for index, name, kind in self.params:
            value = segments[index]
            if value in self.reserved[index]:
                return None
            if kind == "int":
                if not _PLAIN_REVISION.fullmatch(value):
                    return None
                params[name] = int(value)
            elif kind == "str":
                params[name] = value
            else:
                return None
        return params


def hot_routes(app: Litestar) -> dict[int, list[HotRoute]]:
    """The hot reads' routes by segment count, the most literal first (as the router prefers)."""
    paths = [route.path for route in app.routes]
    if any(":path}" in path for path in paths):
        return {}  # a route that takes the rest of the path: leave all matching to Litestar
    by_length: dict[int, list[HotRoute]] = {}
    for route in app.routes:
        for handler in getattr(route, "route_handlers", ()):
            if "GET" not in handler.http_methods or getattr(handler, "operation_id", None) not in (
                READS
            ):
                continue
            others = [path for path in paths if path != route.path]
            template = HotRoute(handler, route.path, route.path_format, others)
            length = len(template.literals) + len(template.params)
            by_length.setdefault(length, []).append(template)
    for found in by_length.values():
        found.sort(key=lambda template: len(template.params))
    return by_length


class BeforeRouter:
    """ASGI layer in front of Litestar: a plain anonymous hot read answered from the cache with
    `_answer`, everything else passed to Litestar (``litestar``) as it came."""

    __slots__ = ("app", "litestar", "templates")

    def __init__(self, app: Litestar, litestar: ASGIApp) -> None:
        self.app = app
        self.litestar = litestar
        self.templates = hot_routes(app)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer the request if it is a plain hot read, else pass it to Litestar."""
        if scope["type"] == ScopeType.HTTP and scope["method"] == "GET":
            answer = await self._answer(scope)
            if answer is not None:
                await answer(scope, receive, send)
                return
        await self.litestar(scope, receive, send)

    async def _answer(self, scope: HTTPScope) -> Answer | None:
        if scope.get("root_path") or not READS:
            return None
        path = scope["path"]
        segments = path[1:].split("/")
        candidates = self.templates.get(len(segments))
        if (
            candidates is None
            or not path.startswith("/")
            or "" in segments
            or not _plain_headers(scope["headers"])
        ):
            return None
        for template in candidates:
            params = template.match(segments)
            if params is not None:
                break
        else:
            return None
        operation = template.operation
        if operation not in READS:
            return None
        # What the router and Litestar write into the scope of a matched route, and the handler
        # `check_access` and `_answer` read their rules from.
        scope["app"] = scope["litestar_app"] = self.app
        scope.setdefault("state", {})
        scope["route_handler"] = template.handler
        scope["path_params"] = params
        try:
            await check_access(scope)
        except Exception:  # no token was sent: refusing it has no side effect to repeat
            return None
        answer = await _answer(scope, operation)
        if answer is not None:
            scope["path_template"] = template.path_format
        return answer


def _plain_headers(headers: Iterable[tuple[bytes, bytes]]) -> bool:
    """No ``Authorization`` or ``Origin`` header, and a plain ``Host`` (if any)."""
    for name, value in headers:
        if name in {b"authorization", b"origin"}:
            return False
        if name == b"host" and _PLAIN_HOST.match(value) is None:
            return False
    return True
