"""The pure-ASGI fast path answers exactly as the route handlers do.

Every request is sent twice: with the fast path disabled (``_READS`` emptied: the Litestar route
handler answers) and enabled, on a cold and on a warm cache. Status, every header (the request id
is sent, so it is echoed identically) and body must be equal.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import pytest
from hypothesis import given
from hypothesis import strategies as st
from litestar._asgi.utils import is_valid_host  # the router's check, to compare with ours
from litestar.serialization import encode_json

from service.api import fastpath
from service.api.cache import ResponseCache
from service.domain import codec
from service.domain.files import StoryFolder
from service.domain.wire import BriefQuery
from service.settings import Settings

from .conftest import Api, FastPathSpy, replica, start

STORY = "/v1/stories/ceasefire-2025"
LATEST = f"{STORY}/briefs/latest"
DIFF = f"{STORY}/diff?from=2025-03-14&to=2025-03-18"

PATHS = [
    LATEST,
    f"{STORY}/briefs/brief-2025-03-14",
    f"{STORY}/briefs/2025-03-18",
    f"{STORY}/briefs/2025-02-30",  # not a calendar date: 404
    f"{STORY}/briefs/2025-01-01",  # no brief that day: 404
    f"{STORY}/briefs/no-such-brief",
    f"{STORY}/briefs/Bad_Ref",  # fails the slug pattern: 400
    f"{STORY}/briefs/brief-2025-03-14/revisions/1",
    f"{STORY}/briefs/brief-2025-03-14/revisions/2",
    f"{STORY}/briefs/2025-03-18/revisions/1",
    f"{STORY}/briefs/brief-2025-03-14/revisions/9",  # no such revision: 404
    f"{STORY}/briefs/brief-2025-03-14/revisions/0",  # below the minimum: 400
    "/v1/stories/no-such-story/briefs/latest",
    f"{LATEST}?x=1",  # unknown query parameter: 400
    DIFF,
    f"{STORY}/diff?from=brief-2025-03-14&to=2025-03-19",
    f"{STORY}/diff?from=2025-03-14&to=2025-03-18&hide_trivial=true",
    f"{STORY}/diff?from=2025-03-14&to=2025-03-18&to_revision=1",
    f"{STORY}/diff?from=2025-03-14&to=no-such-brief",
    f"{STORY}/diff?from=2025-03-14",  # missing `to`: 400
    f"{STORY}/diff?from=2025-03-14&from=2025-03-13&to=2025-03-18",
    # Left to the router by the pre-router layer (normalisation, static segments, int parsing):
    f"{LATEST}/",
    f"{STORY}/briefs/brief-2025-03-14/",
    f"{STORY}/briefs/latest/revisions/1",
    f"{STORY}/briefs/brief-2025-03-14/revisions/01",
    f"{STORY}/briefs/brief-2025-03-14/revisions/99999999999",
    "/v1/stories/Ceasefire-2025/briefs/latest",
    f"{STORY}/briefs/latest/",
]


async def _exchange(api: Api, path: str, headers: dict[str, str]) -> tuple[object, ...]:
    response = await api.client.get(path, headers={"X-Request-ID": "fixed-id", **headers})
    return response.status_code, response.headers.multi_items(), response.content


async def _compare(api: Api, path: str, headers: dict[str, str], mp: pytest.MonkeyPatch) -> None:
    cache_bytes = api.app.state.cache.max_bytes
    api.app.state.cache = ResponseCache(cache_bytes)
    with mp.context() as patched:
        patched.setattr(fastpath, "_READS", {})
        handler_cold = await _exchange(api, path, headers)
        handler_warm = await _exchange(api, path, headers)
    fast_warm = await _exchange(api, path, headers)
    api.app.state.cache = ResponseCache(cache_bytes)
    fast_cold = await _exchange(api, path, headers)
    assert handler_cold == handler_warm == fast_warm == fast_cold, (path, headers)


@pytest.fixture(params=[False, True], ids=["public-reads", "auth-for-reads"])
async def matrix(
    request: pytest.FixtureRequest, database_url: str, ceasefire: StoryFolder
) -> AsyncIterator[Api]:
    settings = Settings(
        database_url=database_url,
        load_fixtures=False,
        require_auth_for_reads=request.param,
        cors_origins=("https://desk.example",),
    )
    async for running in start(settings, ceasefire):
        yield running


@pytest.mark.parametrize("role", ["none", "read", "revoked", "malformed"])
async def test_fast_path_matches_the_handlers(
    matrix: Api, role: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    auth = {"Authorization": "Bearer nope"} if role == "malformed" else matrix.tokens.headers(role)
    for path in PATHS:
        await _compare(matrix, path, auth, monkeypatch)
    await _compare(matrix, LATEST, {**auth, "Origin": "https://desk.example"}, monkeypatch)
    await _compare(matrix, DIFF, {**auth, "Accept": "application/json-patch+json"}, monkeypatch)


async def test_conditional_requests_match_the_handlers(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    for path in (LATEST, f"{STORY}/briefs/brief-2025-03-14/revisions/1", DIFF):
        etag = (await api.client.get(path)).headers["ETag"]
        for value in (etag, f"W/{etag}", "*", '"other", ' + etag, '"other"', "x" * 1001):
            await _compare(api, path, {"If-None-Match": value}, monkeypatch)


async def test_fast_path_answers_plain_reads(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    spy = FastPathSpy(monkeypatch)
    routed, answered = spy.routed, spy.answered
    assert (await api.client.get(DIFF)).status_code == 200  # computed by the handler
    for path in (
        LATEST,
        f"{STORY}/briefs/2025-03-18",
        f"{STORY}/briefs/brief-2025-03-14/revisions/2",
        DIFF,
    ):
        assert (await api.client.get(path)).status_code == 200
    assert answered == [False, True, True, True, True]
    assert routed == [False] * 5  # all answered (or declined) by the pre-router layer
    metrics = (await api.client.get("/metrics")).text
    assert 'route="/v1/stories/{story_id}/briefs/latest",status="200"' in metrics
    stats = api.app.state.cache.stats()
    # Misses: the diff (counted once, by the handler), latest, by date, the revision's alias and
    # its body; the one hit is the second diff.
    assert (stats.hits, stats.misses) == (1, 5)
    # An Origin header is the CORS middleware's business: the router runs, the route middleware
    # answers; a declined request is not tried twice.
    assert (await api.client.get(LATEST, headers={"Origin": "https://x.example"})).is_success
    assert (await api.client.get(f"{STORY}/briefs/latest/")).is_success  # the router normalises
    assert routed[5:] == [True, True]
    assert answered[5:] == [True, True]


async def test_a_replica_never_serves_a_stale_revision(
    sqlite_url: str, ceasefire: StoryFolder
) -> None:
    """Two replicas on one database: an update through one is served by the other's next read
    (its cache holds revision bytes, never "which revision is current")."""
    settings = Settings(database_url=sqlite_url, load_fixtures=False)
    async for first in start(settings, ceasefire):
        async with replica(settings) as second:
            before = await second.get(LATEST)  # now cached by the second replica
            assert (await second.get(LATEST)).headers["ETag"] == before.headers["ETag"]
            content = {k: v for k, v in before.json().items() if k not in _IDENTITY}
            updated = await first.client.put(
                f"{STORY}/briefs/{before.json()['id']}",
                json=content,
                headers={"If-Match": before.headers["ETag"], **first.tokens.headers("write")},
            )
            assert updated.status_code == 200, updated.text
            after = await second.get(LATEST)
            assert after.json()["revision"] == before.json()["revision"] + 1
            assert after.headers["ETag"] == updated.headers["ETag"] != before.headers["ETag"]
            assert after.content == updated.content


_IDENTITY = {"id", "as_of", "story_id", "revision", "created_at", "revised_at"}


async def test_listing_bytes_are_unchanged(api: Api) -> None:
    """The listing splices stored JSON; the bytes equal the decoded page encoded as before."""
    store = api.app.state.store
    cases: list[dict[str, str]] = [{}, {"limit": "2"}, {"party": "russia"}, {"fields": "id,as_of"}]
    for params in cases:
        response = await api.client.get(f"{STORY}/briefs", params=params)
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/json"
        query = BriefQuery(limit=int(params.get("limit", 50)), party=params.get("party"))
        page = await store.list_briefs("ceasefire-2025", query)
        if "fields" in params:
            wanted = {"id", "as_of"}
            items = [
                {k: v for k, v in codec.to_builtins(b).items() if k in wanted} for b in page.items
            ]
            assert response.json() == {"items": items, "next_cursor": page.next_cursor}
        else:
            assert response.content == encode_json(page)


async def test_pre_router_answers_are_logged_and_counted_as_routed_ones(
    matrix: Api, caplog: pytest.LogCaptureFixture
) -> None:
    """The access line and the metrics of a request the pre-router answers carry the route
    template, the request id and the token name, as for a request Litestar routed."""
    auth = matrix.tokens.headers("read")
    with caplog.at_level(logging.INFO, logger="briefs.access"):
        for path, request_id in ((LATEST, "pre-1"), (f"{LATEST}/", "routed-1")):
            response = await matrix.client.get(path, headers={"X-Request-ID": request_id, **auth})
            assert response.status_code == 200
            assert response.headers["X-Request-ID"] == request_id
    pre, routed = (r for r in caplog.records if r.name == "briefs.access")
    expected_token = "test-read" if matrix.app.state.settings.require_auth_for_reads else None
    for record, request_id in ((pre, "pre-1"), (routed, "routed-1")):
        assert record.__dict__["request_id"] == request_id
        assert record.__dict__["route"] == "/v1/stories/{story_id}/briefs/latest"
        assert record.__dict__["token_name"] == expected_token
        assert record.__dict__["status"] == 200
    metrics = (await matrix.client.get("/metrics")).text
    assert 'route="/v1/stories/{story_id}/briefs/latest",status="200"} 2.0' in metrics


async def test_pre_router_checks_its_patterns_against_the_router(api: Api) -> None:
    """Each pattern is checked at startup against Litestar's router (same handler, parameters)."""
    handler: object = api.app.asgi_handler
    while not isinstance(handler, fastpath.PreRouter):
        handler = getattr(handler, "app")  # noqa: B009 - walks the wrappers of any type
    for operation, (route_handler, template) in handler.routes.items():
        assert getattr(route_handler, "operation_id", None) == operation
        assert template.startswith("/v1/stories/{story_id}/")
    fastpath.install_pre_router(api.app)  # a second startup does not wrap twice
    assert api.app.asgi_handler is not handler
    assert getattr(api.app.asgi_handler, "app", None) is handler


@pytest.mark.parametrize(
    "host",
    [
        "briefs.example",
        "briefs.example:8000",
        "127.0.0.1:8000",
        "[::1]:8000",
        "",
        "user@briefs.example",  # valid for the router, unusual here: routed
        "bad host",  # the router answers 400
        "briefs.example/x",
    ],
)
async def test_any_host_header_gets_the_routers_answer(
    api: Api, host: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _compare(api, LATEST, {"Host": host}, monkeypatch)


@given(st.from_regex(fastpath._PLAIN_HOST, fullmatch=True))
def test_hosts_the_pre_router_takes_are_hosts_the_router_takes(host: bytes) -> None:
    """The pre-router's own Host pattern accepts nothing Litestar's router would reject."""
    assert is_valid_host(host)
