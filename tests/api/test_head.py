"""``HEAD`` answers what ``GET`` answers, without the body.

Requests go to the app as raw ASGI calls rather than through httpx, whose ``ASGITransport`` drops
a ``HEAD`` answer's body itself (a body sent by the app would go unnoticed). Each call sends a
fixed ``X-Request-ID``, so every header of the two answers must be equal.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from typing import Any

import pytest

from service.api.app import BriefsApp
from service.api.head import HeadAsGet
from service.domain.files import StoryFolder
from service.observability.requests import RequestObserver
from service.settings import Settings

from .conftest import Api, start

STORY = "/v1/stories/ceasefire-2025"
LATEST = f"{STORY}/briefs/latest"
REVISION = f"{STORY}/briefs/brief-2025-03-14/revisions/1"
MARKDOWN = f"{STORY}/briefs/brief-2025-03-14/markdown"
DIFF = f"{STORY}/diff?from=2025-03-14&to=2025-03-18"
TEMPLATE = "/v1/stories/{story_id}/briefs/latest"

PATHS = [
    LATEST,
    f"{LATEST}/",  # the router normalises the trailing slash
    f"{STORY}/briefs/brief-2025-03-14",
    f"{STORY}/briefs/2025-03-18",
    REVISION,
    DIFF,
    f"{STORY}/briefs/2025-03-18/diff",
    "/v1/stories",
    STORY,
    f"{STORY}/briefs?limit=2&party=russia",
    f"{STORY}/briefs/brief-2025-03-14/revisions",
    f"{STORY}/timeline",
    f"{STORY}/issues?state=open",
    f"{STORY}/parties/russia/stances",
    MARKDOWN,
    f"{STORY}/briefs/brief-2025-03-14/ninjs",
    "/healthz",
    "/readyz",
    "/schema/openapi.json",
    "/v1/stories/no-such-story/briefs/latest",  # 404 from the handler
    "/nowhere",  # 404 from the router
    f"{LATEST}?x=1",  # unknown query parameter: 400
    f"{STORY}/briefs/brief-2025-03-14/revisions/0",  # below the minimum: 400
]


class Answer:
    """What the app sent for one request: status, headers and the body messages."""

    def __init__(self, messages: list[dict[str, Any]]) -> None:
        start, *bodies = messages
        assert start["type"] == "http.response.start"
        assert all(message["type"] == "http.response.body" for message in bodies)
        self.status: int = start["status"]
        self.headers: list[tuple[bytes, bytes]] = list(start.get("headers", ()))
        self.body = b"".join(message.get("body", b"") for message in bodies)
        self.more_body = [message.get("more_body", False) for message in bodies]

    def header(self, name: bytes) -> bytes | None:
        """The first value of header ``name`` (lower case), if any."""
        return next((value for key, value in self.headers if key == name), None)

    def without(self, name: bytes) -> list[tuple[bytes, bytes]]:
        """The headers but ``name`` (lower case)."""
        return [(key, value) for key, value in self.headers if key != name]


async def call(api: Api, method: str, target: str, headers: dict[str, str] | None = None) -> Answer:
    """Send one request to the app as an ASGI server would and collect its answer.

    The server's scope must keep the method the client sent while the app answers: servers read
    it back when sending (uvicorn does, to accept an empty ``HEAD`` body).
    """
    path, _, query = target.partition("?")
    raw_headers = [(b"host", b"testserver"), (b"x-request-id", b"fixed-id")]
    raw_headers += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": raw_headers,
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    received = False
    messages: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal received
        if received:
            return {"type": "http.disconnect"}
        received = True
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        assert scope["method"] == method, "the server's scope was changed"
        messages.append(message)

    await api.app(scope, receive, send)  # type: ignore[arg-type]  # a plain dict as the scope
    assert scope["method"] == method
    return Answer(messages)


async def assert_head_matches_get(
    api: Api, target: str, headers: dict[str, str] | None = None
) -> Answer:
    """``HEAD`` before and after the ``GET`` (cold and warm caches) answers as the ``GET`` does,
    with empty body messages; returns the ``GET``'s answer."""
    cold = await call(api, "HEAD", target, headers)
    get = await call(api, "GET", target, headers)
    warm = await call(api, "HEAD", target, headers)
    for head in (cold, warm):
        assert (head.status, head.headers) == (get.status, get.headers), target
        assert head.body == b"", target
        assert head.more_body == get.more_body, target
    assert get.body or get.status == 304, target
    if get.status != 304:
        assert get.header(b"content-length") == str(len(get.body)).encode(), target
    return get


async def test_head_answers_as_get_without_the_body(api: Api) -> None:
    for target in PATHS:
        await assert_head_matches_get(api, target)
    patch = {"Accept": "application/json-patch+json"}
    assert (await assert_head_matches_get(api, DIFF, patch)).status == 200


async def test_head_of_metrics_has_the_headers_of_get(api: Api) -> None:
    """The metrics change with every request, so their length may differ from one to the next."""
    get = await call(api, "GET", "/metrics")
    head = await call(api, "HEAD", "/metrics")
    assert (head.status, head.without(b"content-length")) == (200, get.without(b"content-length"))
    assert head.header(b"content-length") is not None
    assert head.body == b""


async def test_statuses_of_the_representative_paths(api: Api) -> None:
    """The comparison above covers successes and errors alike."""
    statuses = {target: (await call(api, "HEAD", target)).status for target in PATHS}
    assert statuses[LATEST] == statuses[f"{LATEST}/"] == statuses[DIFF] == 200
    assert statuses["/v1/stories/no-such-story/briefs/latest"] == statuses["/nowhere"] == 404
    assert statuses[f"{LATEST}?x=1"] == 400
    assert set(statuses.values()) == {200, 400, 404}


@pytest.mark.parametrize("target", [LATEST, f"{LATEST}/", REVISION, DIFF, MARKDOWN])
async def test_head_with_a_matching_etag_is_not_modified(api: Api, target: str) -> None:
    etag = (await call(api, "GET", target)).header(b"etag")
    assert etag is not None
    get = await assert_head_matches_get(api, target, {"If-None-Match": etag.decode()})
    assert get.status == 304
    assert get.header(b"etag") == etag


async def test_head_of_a_post_only_path_answers_as_get(api: Api) -> None:
    get = await assert_head_matches_get(api, "/v1/tokens/desk/revoke")
    assert get.status == 405
    assert get.header(b"allow") == b"OPTIONS, POST"


@pytest.mark.parametrize(
    ("method", "target", "allow"),
    [
        ("DELETE", "/healthz", b"GET, HEAD, OPTIONS"),  # 405
        ("OPTIONS", "/healthz", b"GET, HEAD, OPTIONS"),
        ("DELETE", STORY, b"GET, HEAD, OPTIONS, PATCH"),  # 405
        ("OPTIONS", STORY, b"GET, HEAD, OPTIONS, PATCH"),
        ("DELETE", f"{STORY}/briefs", b"GET, HEAD, OPTIONS, POST"),
        ("OPTIONS", f"{STORY}/briefs", b"GET, HEAD, OPTIONS, POST"),
        ("DELETE", "/v1/tokens/desk/revoke", b"OPTIONS, POST"),  # no GET, so no HEAD
        ("OPTIONS", "/v1/tokens/desk/revoke", b"OPTIONS, POST"),
    ],
)
async def test_allow_lists_head_wherever_it_lists_get(
    api: Api, method: str, target: str, allow: bytes
) -> None:
    answer = await call(api, method, target)
    assert answer.header(b"allow") == allow, (method, target, answer.status)


async def test_options_allows_what_a_405_allows_on_every_path(api: Api) -> None:
    """Issue 9: OPTIONS listed ``GET, HEAD, OPTIONS`` where a 405 listed ``POST`` too."""
    checked = 0
    for route in api.app.routes:
        target = re.sub(r"\{\w+:(\w+)\}", lambda m: "1" if m[1] == "int" else "x", route.path)
        options = await call(api, "OPTIONS", target)
        refused = await call(api, "DELETE", target)
        if refused.status != 405:
            continue
        assert options.status == 204, target
        assert options.header(b"allow") == refused.header(b"allow"), target
        checked += 1
    assert checked > 10


@pytest.fixture
async def auth_api(database_url: str, ceasefire: StoryFolder) -> AsyncIterator[Api]:
    """The API with ``require_auth_for_reads``."""
    settings = Settings(database_url=database_url, load_fixtures=False, require_auth_for_reads=True)
    async for running in start(settings, ceasefire):
        yield running


@pytest.mark.parametrize("target", [LATEST, f"{LATEST}/", f"{STORY}/timeline"])
@pytest.mark.parametrize(("role", "status"), [("none", 401), ("revoked", 401), ("read", 200)])
async def test_head_needs_what_get_needs(
    auth_api: Api, target: str, role: str, status: int
) -> None:
    get = await assert_head_matches_get(auth_api, target, auth_api.tokens.headers(role))
    assert get.status == status
    if status == 401:
        assert (get.header(b"www-authenticate") or b"").startswith(b"Bearer")


async def test_head_needs_the_scope_get_needs(auth_api: Api) -> None:
    get = await assert_head_matches_get(auth_api, "/v1/tokens", auth_api.tokens.headers("write"))
    assert get.status == 403


async def test_head_is_logged_and_counted_as_head(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    """The access line and the metrics say ``HEAD`` and the route template, whether a route or
    nobody (an unknown path) answered."""
    with caplog.at_level(logging.INFO, logger="briefs.access"):
        for target in (LATEST, f"{LATEST}/", "/nowhere"):
            await call(api, "HEAD", target)
    records = [record for record in caplog.records if record.name == "briefs.access"]
    fields = [record.__dict__ for record in records]
    seen = [(f["method"], f["route"], f["status"], f["request_id"]) for f in fields]
    assert seen == [
        ("HEAD", TEMPLATE, 200, "fixed-id"),
        ("HEAD", TEMPLATE, 200, "fixed-id"),
        ("HEAD", "<unmatched>", 404, "fixed-id"),
    ]
    assert records[0].getMessage() == f"HEAD {LATEST} 200"
    metrics = (await call(api, "GET", "/metrics")).body.decode()
    assert f'method="HEAD",route="{TEMPLATE}",status="200"}} 2.0' in metrics


async def test_the_request_path_is_built_once_in_create_app(api: Api) -> None:
    """Observer, `HeadAsGet`, Litestar: composed by ``create_app``; nothing replaces Litestar's
    own ASGI handler after startup."""
    assert isinstance(api.app, BriefsApp)
    observer = api.app._entry
    assert isinstance(observer, RequestObserver)
    assert isinstance(observer.app, HeadAsGet)
    assert not isinstance(api.app.asgi_handler, (RequestObserver, HeadAsGet))


async def test_the_scope_is_restored_even_when_the_app_fails() -> None:
    """The app sees a ``GET``; the caller's scope says ``HEAD`` again afterwards and holds what
    the app wrote into it; other scopes and methods pass through as they are."""
    seen: list[tuple[str, str]] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        seen.append((scope["type"], scope.get("method", "")))
        if scope["type"] == "http" and scope["method"] == "GET":
            scope["path_template"] = "/x"
            scope["state"]["token_name"] = "t"
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": b"abc", "more_body": True})
            raise RuntimeError("boom")

    async def receive() -> Any:
        raise AssertionError

    sent: list[dict[str, Any]] = []

    async def send(message: Any) -> None:
        sent.append(message)

    layer = HeadAsGet(app)
    scope: dict[str, Any] = {"type": "http", "method": "HEAD", "state": {}}
    with pytest.raises(RuntimeError, match="boom"):
        await layer(scope, receive, send)  # type: ignore[arg-type]  # a minimal scope
    assert scope == {
        "type": "http",
        "method": "HEAD",
        "state": {"token_name": "t"},
        "path_template": "/x",
    }
    assert sent[1] == {"type": "http.response.body", "body": b"", "more_body": True}
    for other in ({"type": "http", "method": "POST", "state": {}}, {"type": "lifespan"}):
        await layer(other, receive, send)  # type: ignore[arg-type]  # a minimal scope
        assert other.get("method") != "GET"
    assert seen == [("http", "GET"), ("http", "POST"), ("lifespan", "")]
