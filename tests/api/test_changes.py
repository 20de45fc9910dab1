"""The change stream and the change pages over HTTP, on both backends: delivery within a second,
resume with ``Last-Event-ID`` (none lost, none twice), pages, slow clients, errors, shutdown."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import msgspec
import pytest

from service.api.app import create_app
from service.api.broadcast import SHUTTING_DOWN, SLOW_CLIENT
from service.client.sse import EventStreamParser, ServerEvent
from service.domain.changelog import Change, ChangePage
from service.domain.files import StoryFolder
from service.settings import Settings
from tests.api.conftest import Api, running_lifespan, seed
from tests.api.streaming import StreamingASGITransport

STORY = "ceasefire-2025"
STREAM = {"Accept": "text/event-stream"}
_change = msgspec.json.Decoder(Change)


class EventReader:
    """The events of one streamed response, read with a deadline."""

    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        self.parser = EventStreamParser()
        self._chunks = response.aiter_bytes()
        self._ready: list[ServerEvent] = []

    async def next(self, within: float = 2.0) -> ServerEvent:
        """The next event (comments and id-only blocks are not events)."""
        async with asyncio.timeout(within):
            while not self._ready:
                self._ready += self.parser.feed(await anext(self._chunks))
        return self._ready.pop(0)

    async def changes(self, count: int, within: float = 2.0) -> list[Change]:
        return [_change.decode((await self.next(within)).data) for _ in range(count)]

    async def position(self, within: float = 2.0) -> int:
        """The stream's opening position (its first, id-only block)."""
        async with asyncio.timeout(within):
            while not self.parser.last_event_id:
                self._ready += self.parser.feed(await anext(self._chunks))
        return int(self.parser.last_event_id)


@contextlib.asynccontextmanager
async def stream(
    app: Any, path: str = "/v1/changes", *, send_delay: float = 0.0, **headers: str
) -> AsyncIterator[EventReader]:
    transport = StreamingASGITransport(app, send_delay=send_delay)
    async with (
        httpx.AsyncClient(transport=transport, base_url="http://testserver") as client,
        client.stream("GET", path, headers={**STREAM, **headers}) as response,
    ):
        assert response.status_code == 200, await response.aread()
        assert response.headers["content-type"].startswith("text/event-stream")
        assert response.headers["cache-control"] == "no-cache"
        yield EventReader(response)


async def retitle(api: Api, title: str, story_id: str = STORY) -> None:
    response = await api.request("PATCH", f"/v1/stories/{story_id}", "write", json={"title": title})
    assert response.status_code == 200, response.text


async def test_a_subscriber_receives_a_change_within_a_second(api: Api) -> None:
    async with (
        stream(api.app) as everything,
        stream(api.app, f"/v1/stories/{STORY}/changes") as one,
    ):
        start = await everything.position()
        assert await one.position() == start
        written = time.monotonic()
        await retitle(api, "Ceasefire talks, live")
        for reader in (everything, one):
            event = await reader.next(within=1.0)
            assert time.monotonic() - written < 1.0
            change = _change.decode(event.data)
            assert event.event == change.kind == "story.updated"
            assert event.last_event_id == str(change.id) == str(start + 1)
            assert change.story_id == STORY
            assert change.headline == "Ceasefire talks, live"


async def test_last_event_id_replays_exactly_the_missed_changes(api: Api) -> None:
    async with stream(api.app) as reader:
        start = await reader.position()
        await retitle(api, "One")
        (seen,) = await reader.changes(1)
    await retitle(api, "Two")  # while no stream is open
    await retitle(api, "Three")
    async with stream(api.app, **{"Last-Event-ID": str(seen.id)}) as resumed:
        assert await resumed.position() == seen.id
        missed = await resumed.changes(2)
        await retitle(api, "Four")
        (live,) = await resumed.changes(1, within=1.0)
        with pytest.raises(TimeoutError):
            await resumed.next(within=0.3)
    assert [c.headline for c in [seen, *missed, live]] == ["One", "Two", "Three", "Four"]
    assert [c.id for c in [seen, *missed, live]] == list(range(start + 1, start + 5))


async def test_after_query_resumes_and_the_header_wins(api: Api) -> None:
    page = await api.request("GET", "/v1/changes?limit=500")
    logged = msgspec.json.decode(page.content, type=ChangePage).items
    assert len(logged) >= 2, "the fixture import logs its changes"
    async with stream(api.app, f"/v1/changes?after={logged[-2].id}") as reader:
        assert [c.id for c in await reader.changes(1)] == [logged[-1].id]
    async with stream(api.app, "/v1/changes?after=0", **{"Last-Event-ID": str(logged[-1].id)}) as r:
        await retitle(api, "After the header")
        (change,) = await r.changes(1)
        assert change.id == logged[-1].id + 1


async def test_pages_follow_last_id_to_the_end(api: Api) -> None:
    await retitle(api, "Paged")
    seen: list[Change] = []
    after = 0
    while True:
        response = await api.request("GET", f"/v1/changes?after={after}&limit=3")
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/json"
        page = msgspec.json.decode(response.content, type=ChangePage)
        seen += page.items
        after = page.last_id
        if not page.has_more:
            break
    ids = [change.id for change in seen]
    assert ids == sorted(set(ids))
    assert ids[0] == 1
    assert seen[-1].headline == "Paged"
    empty = await api.request("GET", f"/v1/changes?after={after}")
    assert msgspec.json.decode(empty.content, type=ChangePage) == ChangePage(
        items=[], last_id=after
    )
    story = await api.request("GET", f"/v1/stories/{STORY}/changes", headers={"Accept": "*/*"})
    items = msgspec.json.decode(story.content, type=ChangePage).items
    assert items
    assert {change.story_id for change in items} == {STORY}


@pytest.mark.parametrize(
    ("path", "headers", "status"),
    [
        ("/v1/stories/no-such-story/changes", {}, 404),
        ("/v1/stories/no-such-story/changes", STREAM, 404),
        ("/v1/changes?limit=0", {}, 400),
        ("/v1/changes?limit=501", {}, 400),
        ("/v1/changes?after=-1", STREAM, 400),
        ("/v1/changes?after=x", {}, 400),
        ("/v1/changes?since=3", {}, 400),
        ("/v1/changes", {"Last-Event-ID": "seven", **STREAM}, 400),
    ],
)
async def test_errors_are_problems(
    api: Api, path: str, headers: dict[str, str], status: int
) -> None:
    response = await api.request("GET", path, headers=headers)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == status
    assert problem["instance"] == path.split("?", 1)[0]
    assert problem["request_id"]


async def test_streams_need_a_read_token_where_reads_do(
    database_url: str, ceasefire: StoryFolder
) -> None:
    settings = Settings(database_url=database_url, load_fixtures=False, require_auth_for_reads=True)
    app = create_app(settings)
    async with running_lifespan(app):
        tokens = await seed(app.state.store, ceasefire)
        transport = StreamingASGITransport(app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            for role, status in (("none", 401), ("revoked", 401)):
                async with client.stream(
                    "GET", "/v1/changes", headers={**STREAM, **tokens.headers(role)}
                ) as response:
                    assert response.status_code == status
                    assert response.headers["content-type"] == "application/problem+json"
                    assert response.headers["www-authenticate"].startswith("Bearer")
            async with client.stream(
                "GET", "/v1/changes", headers={**STREAM, **tokens.headers("read")}
            ) as response:
                assert response.status_code == 200


async def test_a_slow_client_is_disconnected_and_others_are_not(
    database_url: str, ceasefire: StoryFolder
) -> None:
    settings = Settings(database_url=database_url, load_fixtures=False, stream_queue_size=2)
    app = create_app(settings)
    async with running_lifespan(app):
        tokens = await seed(app.state.store, ceasefire)
        http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")
        async with http, stream(app, send_delay=0.3) as slow, stream(app) as fast:
            start = await fast.position()
            await slow.position()
            for n in range(6):
                response = await http.patch(
                    f"/v1/stories/{STORY}", json={"title": f"T{n}"}, headers=tokens.headers("write")
                )
                assert response.status_code == 200
            assert [c.id for c in await fast.changes(6)] == list(range(start + 1, start + 7))
            events = []
            while not events or events[-1].event != "disconnect":
                events.append(await slow.next(within=5.0))
            assert msgspec.json.decode(events[-1].data) == {"reason": SLOW_CLIENT}
            with pytest.raises(StopAsyncIteration):
                await slow.next()  # the server ended the stream
            await http.patch(
                f"/v1/stories/{STORY}", json={"title": "Later"}, headers=tokens.headers("write")
            )
            assert [c.headline for c in await fast.changes(1)] == ["Later"]


async def test_shutdown_ends_open_streams(database_url: str, ceasefire: StoryFolder) -> None:
    app = create_app(Settings(database_url=database_url, load_fixtures=False))
    async with running_lifespan(app), stream(app) as reader:
        await reader.position()
        stopping = asyncio.ensure_future(app.state.change_broadcaster.close())
        event = await reader.next()
        await stopping
        assert event.event == "disconnect"
        assert msgspec.json.decode(event.data) == {"reason": SHUTTING_DOWN}
        with pytest.raises(StopAsyncIteration):
            await reader.next()


async def test_an_idle_stream_gets_heartbeats(database_url: str) -> None:
    settings = Settings(
        database_url=database_url, load_fixtures=False, stream_heartbeat_seconds=0.05
    )
    app = create_app(settings)
    async with running_lifespan(app), stream(app) as reader:
        body = b""
        async with asyncio.timeout(2):
            while body.count(b": keep-alive\r\n\r\n") < 2:
                body += await anext(reader._chunks)
        assert body.startswith(b"id: ")
        assert reader.parser.feed(body) == []


async def test_the_openapi_document_describes_both_representations(api: Api) -> None:
    document = (await api.request("GET", "/schema/openapi.json")).json()
    for path, operation_id in (
        ("/v1/changes", "listChanges"),
        ("/v1/stories/{story_id}/changes", "listStoryChanges"),
    ):
        operation = document["paths"][path]["get"]
        assert operation["operationId"] == operation_id
        content = operation["responses"]["200"]["content"]
        assert content["application/json"]["schema"] == {"$ref": "#/components/schemas/ChangePage"}
        assert content["text/event-stream"]["schema"]["type"] == "string"
        assert {"400", "401", "403", "404", "500"} <= set(operation["responses"])
        schemas = {parameter["name"]: parameter["schema"] for parameter in operation["parameters"]}
        assert schemas["Last-Event-ID"]["type"] == "string"
        assert schemas["after"]["type"] == "integer"
        assert schemas["after"]["minimum"] == 0
        assert schemas["limit"]["minimum"] == 1
