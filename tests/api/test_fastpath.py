"""The hot-read middleware (``service.api.fastpath``) answers exactly as the route handlers do.

Every request is sent with the middleware's reads switched off (``READS`` emptied: the Litestar
route handler answers) and on, on a cold and on a warm cache. Status, every header (a fixed
request id is sent, so it is echoed identically) and body must be equal: for a list of known
edge cases, and for requests hypothesis generates (path segments, revisions, query strings,
conditional and ``Accept`` headers, tokens).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from service.api import fastpath
from service.api.auth import AuthMiddleware
from service.api.cache import ResponseCache
from service.api.representations import Answer
from service.domain.files import StoryFolder
from service.settings import Settings

from .conftest import Api, start
from .read_paths import DIFF, LATEST, READ_PATHS, STORY

PATCH = "application/json-patch+json"

PATHS = [
    *READ_PATHS,
    f"{STORY}/briefs/2025-01-01",  # no brief that day: 404
    f"{STORY}/briefs/{'a' * 81}",  # too long: 400
    f"{STORY}/briefs/brief-2025-03-14/revisions/0",  # below the minimum: 400
    f"{STORY}/briefs/brief-2025-03-14/revisions/01",
    f"{STORY}/briefs/brief-2025-03-14/revisions/1000001",  # above the maximum: 400
    f"{STORY}/briefs/latest/revisions/1",
    "/v1/stories/Ceasefire-2025/briefs/latest",
    f"{LATEST}?x=1",  # unknown query parameter: 400
    f"{LATEST}?on=2025-03-14",  # time travel: the handler's, never the plain cache's
    f"{LATEST}?on=2025-03-01",  # before every brief: 404
    f"{LATEST}?at=2025-03-15T00:00:00Z",
    f"{LATEST}?at=yesterday",  # 400
    f"{STORY}/briefs/brief-2025-03-14?at=2025-03-15T00:00:00Z",
    f"{STORY}/briefs/2025-03-18?at=2999-01-01T00:00:00%2B02:00",
    f"{STORY}/diff?from=brief-2025-03-14&to=2025-03-19",
    f"{STORY}/diff?from=2025-03-14",  # missing `to`: 400
    f"{STORY}/diff?from=2025-03-14&from=2025-03-13&to=2025-03-18",
    f"{STORY}/diff?to=2025-03-18&from=2025-03-14",
    f"{STORY}/diff?from=2025%2D03%2D14&to=2025-03-18",
]

Exchange = tuple[int, list[tuple[str, str]], bytes]


async def _exchange(api: Api, path: str, headers: dict[str, str]) -> Exchange:
    response = await api.client.get(path, headers={"X-Request-ID": "fixed-id", **headers})
    return response.status_code, response.headers.multi_items(), response.content


async def _compare(api: Api, path: str, headers: dict[str, str]) -> Exchange:
    """The four answers (handler cold and warm, fast path warm and cold) are equal."""
    cache_bytes = api.app.state.cache.max_bytes
    api.app.state.cache = ResponseCache(cache_bytes)
    with mock.patch.dict(fastpath.READS, clear=True):
        handler_cold = await _exchange(api, path, headers)
        handler_warm = await _exchange(api, path, headers)
        # Both formats of a diff in the cache: a hit must be the one this request asks for.
        others = {key: value for key, value in headers.items() if key != "Accept"}
        await _exchange(api, path, others)
        await _exchange(api, path, {**others, "Accept": PATCH})
    fast_warm = await _exchange(api, path, headers)
    api.app.state.cache = ResponseCache(cache_bytes)
    fast_cold = await _exchange(api, path, headers)
    assert handler_cold == handler_warm == fast_warm == fast_cold, (path, headers)
    return fast_warm


def _settings(url: str, *, reads_need_auth: bool) -> Settings:
    return Settings(
        database_url=url,
        load_fixtures=False,
        require_auth_for_reads=reads_need_auth,
        cors_origins=("https://desk.example",),
        auth_failure_limit=0,  # the comparisons send many bad tokens on purpose
    )


@pytest.fixture(params=[False, True], ids=["public-reads", "auth-for-reads"])
async def matrix(
    request: pytest.FixtureRequest, database_url: str, ceasefire: StoryFolder
) -> AsyncIterator[Api]:
    async for running in start(_settings(database_url, reads_need_auth=request.param), ceasefire):
        yield running


@pytest.mark.parametrize("role", ["none", "read", "revoked", "malformed"])
async def test_fast_path_matches_the_handlers(matrix: Api, role: str) -> None:
    auth = {"Authorization": "Bearer nope"} if role == "malformed" else matrix.tokens.headers(role)
    for path in PATHS:
        await _compare(matrix, path, auth)
    await _compare(matrix, LATEST, {**auth, "Origin": "https://desk.example"})
    await _compare(matrix, DIFF, {**auth, "Accept": PATCH})
    memento = {**auth, "Accept-Datetime": "Sat, 15 Mar 2025 00:00:00 GMT"}
    for path in (LATEST, f"{STORY}/briefs/brief-2025-03-14"):
        await _compare(matrix, path, memento)


async def test_conditional_requests_match_the_handlers(api: Api) -> None:
    for path in (LATEST, f"{STORY}/briefs/brief-2025-03-14/revisions/1", DIFF):
        etag = (await api.client.get(path)).headers["ETag"]
        for value in (etag, f"W/{etag}", "*", '"other", ' + etag, '"other"', "x" * 1001):
            await _compare(api, path, {"If-None-Match": value})


class _Spy:
    """Which hot reads the middleware answered (``True``) or handed on (``False``)."""

    def __init__(self) -> None:
        self.answered: list[bool] = []

    def wrap(self, read: Callable[[Any], Awaitable[Answer | None]]) -> Any:
        async def spied(*args: Any) -> Answer | None:
            answer = await read(*args)
            self.answered.append(answer is not None)
            return answer

        return spied


async def test_the_fast_path_answers_plain_reads(api: Api) -> None:
    spy = _Spy()
    reads = {operation: spy.wrap(read) for operation, read in fastpath.READS.items()}
    with mock.patch.dict(fastpath.READS, reads):
        assert (await api.client.get(DIFF)).status_code == 200  # computed by the handler
        for path in (
            LATEST,
            f"{LATEST}/",
            f"{STORY}/briefs/2025-03-18",
            f"{STORY}/briefs/brief-2025-03-14/revisions/2",
            DIFF,
            f"{LATEST}?x=1",  # handed on: the handler answers the 400
        ):
            await api.client.get(path)
    # A read the layer before the router hands on is tried again by the middleware (the diff
    # not yet cached, the 400); a trailing slash reaches the middleware alone.
    assert spy.answered == [False, False, True, True, True, True, True, False, False]


async def test_plain_anonymous_reads_are_answered_before_the_router(matrix: Api) -> None:
    """`BeforeRouter` answers plain reads without a token before Litestar's router; a token, a
    path the router would normalise, an ``Origin`` or a refusal go on to Litestar."""
    entered: list[str] = []  # paths that reached Litestar's middleware
    middleware = AuthMiddleware.__call__

    async def spied(self: AuthMiddleware, scope: Any, receive: Any, send: Any) -> None:
        entered.append(scope["path"])
        await middleware(self, scope, receive, send)

    reads_need_auth = matrix.app.state.settings.require_auth_for_reads
    read = matrix.tokens.headers("read")
    with mock.patch.object(AuthMiddleware, "__call__", spied):
        await matrix.client.get(DIFF)  # computed and cached by the handler
        entered.clear()
        for path in (LATEST, f"{STORY}/briefs/2025-03-18/revisions/1", DIFF):
            response = await matrix.client.get(path)
            assert response.status_code == (401 if reads_need_auth else 200), path
        assert entered == (
            [LATEST, f"{STORY}/briefs/2025-03-18/revisions/1", f"{STORY}/diff"]
            if reads_need_auth
            else []
        )
        entered.clear()
        assert (await matrix.client.get(LATEST, headers=read)).status_code == 200
        assert (await matrix.client.get(f"{LATEST}/")).status_code in {200, 401}
        origin = {"Origin": "https://desk.example"}
        assert (await matrix.client.get(LATEST, headers=origin)).status_code in {200, 401}
        assert entered == [LATEST, LATEST, LATEST]


async def test_fast_answers_are_logged_and_counted_as_routed_ones(
    matrix: Api, caplog: pytest.LogCaptureFixture
) -> None:
    """The access line and the metrics of a request the fast path answers carry the route
    template, the request id and the token name, as for one the handler answers."""
    auth = matrix.tokens.headers("read")
    with caplog.at_level(logging.INFO, logger="briefs.access"):
        fast = await matrix.client.get(LATEST, headers={"X-Request-ID": "fast-1", **auth})
        with mock.patch.dict(fastpath.READS, clear=True):
            handled = await matrix.client.get(LATEST, headers={"X-Request-ID": "slow-1", **auth})
    assert (fast.status_code, handled.status_code) == (200, 200)
    records = [r for r in caplog.records if r.name == "briefs.access"]
    for record, request_id in zip(records, ("fast-1", "slow-1"), strict=True):
        assert record.__dict__["request_id"] == request_id
        assert record.__dict__["route"] == "/v1/stories/{story_id}/briefs/latest"
        assert record.__dict__["token_name"] == "test-read"  # a sent token is always checked
        assert record.__dict__["status"] == 200
    metrics = (await matrix.client.get("/metrics")).text
    assert 'route="/v1/stories/{story_id}/briefs/latest",status="200"} 2.0' in metrics


# Generated requests: mostly plain reads of real briefs (what the fast path answers), mixed with
# near misses and random text of the characters that matter to the slug rule; httpx
# percent-encodes what a path cannot hold.
_SEGMENT_CHARS = "abcz019-_.AZ %~"
_random_segment = st.text(alphabet=_SEGMENT_CHARS, min_size=1, max_size=12)
_REFS = ["brief-2025-03-14", "brief-2025-03-19", "2025-03-14", "2025-03-18", "2025-03-19"]
_NEAR_MISSES = [
    "2025-02-30",
    "2025-01-01",
    "latest",
    "no-such",
    "Bad_Ref",
    "Brief-2025-03-14",
    "-x",
    "x-",
    "a" * 80,
    "a" * 81,
]


def _mostly(good: st.SearchStrategy[Any], other: st.SearchStrategy[Any]) -> Any:
    """``good`` three times in four, else ``other``."""
    return st.integers(0, 3).flatmap(lambda n: good if n else other)


_segment = _mostly(
    st.sampled_from(_REFS), st.one_of(st.sampled_from(_NEAR_MISSES), _random_segment)
)
_story = _mostly(st.just("ceasefire-2025"), st.one_of(st.just("no-such-story"), _segment))
_revision = _mostly(
    st.sampled_from(["1", "2"]),
    st.one_of(
        st.integers(min_value=-2, max_value=9).map(str),
        st.sampled_from(["01", "1000000", "1000001", "99999999999", "x", "1.0"]),
    ),
)
_diff_query = _mostly(
    st.builds(lambda a, b: f"from={a}&to={b}", _segment, _segment),
    st.one_of(
        st.builds(lambda a, b: f"to={b}&from={a}", _segment, _segment),
        st.builds(lambda a, b: f"from={a}&to={b}&from={a}", _segment, _segment),
        st.builds(lambda a, b: f"from={a}&to={b}&hide_trivial=true", _segment, _segment),
        st.sampled_from(["", "from=2025-03-14", "from=2025%2D03%2D14&to=2025-03-18"]),
    ),
)
_other_query = _mostly(
    st.just(""),
    st.sampled_from(
        [
            "x=1",
            "revision=1",
            "from=2025-03-14",
            "on=2025-03-14",
            "on=2025-02-30",
            "at=2025-03-15T00:00:00Z",
            "at=2025-03-15",
        ]
    ),
)


@st.composite
def _requests(draw: st.DrawFn) -> tuple[str, dict[str, str]]:
    base = f"/v1/stories/{draw(_story)}"
    shape = draw(st.sampled_from(["latest", "brief", "revision", "diff"]))
    if shape == "latest":
        path = f"{base}/briefs/latest"
    elif shape == "brief":
        path = f"{base}/briefs/{draw(_segment)}"
    elif shape == "revision":
        path = f"{base}/briefs/{draw(_segment)}/revisions/{draw(_revision)}"
    else:
        path = f"{base}/diff"
    path += draw(_mostly(st.just(""), st.just("/")))
    query = draw(_diff_query if shape == "diff" else _other_query)
    headers: dict[str, str] = {}
    if_none_match = draw(_mostly(st.none(), st.sampled_from(["*", '"other"', "W/*", "x" * 1001])))
    if if_none_match is not None:
        headers["If-None-Match"] = if_none_match
    accept = draw(st.sampled_from([None, None, PATCH, PATCH, "application/json", "x" * 1001]))
    if accept is not None:
        headers["Accept"] = accept
    # Memento: the handler's to answer, as is any time travel.
    when = draw(st.sampled_from([None, None, None, "Sat, 15 Mar 2025 00:00:00 GMT", "soon"]))
    if when is not None:
        headers["Accept-Datetime"] = when
    # What the layer before the router leaves to Litestar: CORS, and hosts it may refuse.
    origin = draw(st.sampled_from([None, None, None, "https://desk.example", "https://x.example"]))
    if origin is not None:
        headers["Origin"] = origin
    host = draw(st.sampled_from([None, None, None, "api.example:8080", "bad host", "a\\b"]))
    if host is not None:
        headers["Host"] = host
    role = draw(
        _mostly(st.sampled_from(["none", "read"]), st.sampled_from(["revoked", "malformed"]))
    )
    headers["X-Role"] = role
    return (f"{path}?{query}" if query else path), headers


def _auth(api: Api, role: str) -> dict[str, str]:
    return {"Authorization": "Bearer nope"} if role == "malformed" else api.tokens.headers(role)


@pytest.mark.parametrize("reads_need_auth", [False, True], ids=["public-reads", "auth-for-reads"])
def test_generated_requests_get_the_handlers_answer(
    sqlite_url: str, ceasefire: StoryFolder, reads_need_auth: bool
) -> None:
    """The property: for any request, the fast path's answer is the handler's answer."""
    settings = _settings(sqlite_url, reads_need_auth=reads_need_auth)
    with asyncio.Runner() as runner:
        stack = contextlib.AsyncExitStack()
        api: Api = runner.run(
            stack.enter_async_context(contextlib.asynccontextmanager(start)(settings, ceasefire))
        )
        statuses: list[int] = []
        try:

            @hypothesis_settings(
                max_examples=250,
                deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture],
            )
            @given(request=_requests())
            def check(request: tuple[str, dict[str, str]]) -> None:
                target, headers = request
                role = headers.pop("X-Role")
                answer = runner.run(_compare(api, target, {**headers, **_auth(api, role)}))
                statuses.append(answer[0])

            check()
            # The generated requests reach the answers the fast path gives, not only refusals.
            assert statuses.count(200) >= 10, statuses
            assert len(statuses) >= 100, statuses
        finally:
            runner.run(stack.aclose())


async def test_reads_answered_before_the_router_are_logged_with_their_route(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="briefs.access"):
        response = await api.client.get(LATEST, headers={"X-Request-ID": "early-1"})
        head = await api.client.head(LATEST, headers={"X-Request-ID": "early-2"})
    assert (response.status_code, head.status_code) == (200, 200)
    assert head.headers["etag"] == response.headers["etag"]
    records = [r for r in caplog.records if r.name == "briefs.access"]
    assert [(r.__dict__["request_id"], r.__dict__["method"]) for r in records] == [
        ("early-1", "GET"),
        ("early-2", "HEAD"),
    ]
    for record in records:
        assert record.__dict__["route"] == "/v1/stories/{story_id}/briefs/latest"
        assert record.__dict__["token_name"] is None


def test_a_literal_segment_of_another_route_is_left_to_the_router(api: Api) -> None:
    """The router prefers a literal segment to a parameter: where another route has one, the
    layer before the router does not claim the path."""
    routes = [route for found in fastpath.hot_routes(api.app).values() for route in found]
    revision = next(route for route in routes if route.operation == "getRevision")

    def match(path: str) -> dict[str, Any] | None:
        return revision.match(path.strip("/").split("/"))

    assert match(f"{STORY}/briefs/latest/revisions/1") is None
    assert match(f"{STORY}/briefs/x/revisions/01") is None  # the router's int, not plainly
    found = match(f"{STORY}/briefs/2025-03-18/revisions/1")
    assert found == {"story_id": "ceasefire-2025", "brief_ref": "2025-03-18", "revision": 1}
