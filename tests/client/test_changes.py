"""`BriefsClient.changes` and `change_page` against the app, on both backends: live delivery,
resume after a lost connection and after a server ``disconnect`` (none lost, none twice), and
errors that are the client's own."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

from service.api.app import create_app
from service.client import BriefsClient, ConnectError, NotFound, ResponseDecodeError, StreamStatus
from service.domain.changelog import Change
from service.domain.files import StoryFolder
from service.domain.models import StoryUpdate
from service.settings import Settings
from tests.api.conftest import Tokens, database_url, running_lifespan, seed
from tests.api.streaming import StreamingASGITransport

from .test_errors import assert_no_httpx_chain

__all__ = ["database_url"]  # the API tests' fixture: both backends

STORY = "ceasefire-2025"
BASE_URL = "http://briefs.test"


class Harness:
    """The app, a streaming client of it and a writer."""

    def __init__(self, app: Any, tokens: Tokens, transport: StreamingASGITransport) -> None:
        self.app = app
        self.transport = transport
        self.reader = BriefsClient(httpx.AsyncClient(transport=transport, base_url=BASE_URL))
        writer_http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE_URL)  # type: ignore[arg-type]  # ASGI typing
        self.writer = BriefsClient(writer_http, token=tokens.secrets["write"])

    async def retitle(self, title: str) -> None:
        await self.writer.update_story(STORY, StoryUpdate(title=title))


@contextlib.asynccontextmanager
async def harness_for(settings: Settings, ceasefire: StoryFolder) -> AsyncIterator[Harness]:
    app = create_app(settings)
    async with running_lifespan(app):
        tokens = await seed(app.state.store, ceasefire)
        harness = Harness(app, tokens, StreamingASGITransport(app, send_delay=0.0))
        async with harness.reader.http, harness.writer.http:
            yield harness


@pytest.fixture
async def harness(database_url: str, ceasefire: StoryFolder) -> AsyncIterator[Harness]:
    settings = Settings(database_url=database_url, load_fixtures=False)
    async with harness_for(settings, ceasefire) as running:
        yield running


async def collect(changes: AsyncIterator[Change], into: list[Change]) -> None:
    async for change in changes:
        into.append(change)


async def wait_for(condition: Callable[[], bool], within: float = 3.0) -> None:
    async with asyncio.timeout(within):
        while not condition():  # noqa: ASYNC110 - a condition on state other tasks change
            await asyncio.sleep(0.01)


async def test_a_change_arrives_within_a_second(harness: Harness) -> None:
    statuses: list[StreamStatus] = []
    received: list[Change] = []
    task = asyncio.create_task(
        collect(harness.reader.changes(STORY, on_status=statuses.append), received)
    )
    await wait_for(lambda: statuses == ["live"])
    written = time.monotonic()
    await harness.retitle("Live now")
    await wait_for(lambda: bool(received), within=1.0)
    assert time.monotonic() - written < 1.0
    assert received[0].kind == "story.updated"
    assert received[0].headline == "Live now"
    task.cancel()


async def test_a_lost_connection_resumes_with_last_event_id(harness: Harness) -> None:
    statuses: list[StreamStatus] = []
    received: list[Change] = []
    task = asyncio.create_task(collect(harness.reader.changes(on_status=statuses.append), received))
    await wait_for(lambda: statuses == ["live"])
    await harness.retitle("Before the drop")
    await wait_for(lambda: len(received) == 1)
    harness.transport.drop()
    await harness.retitle("During the drop")  # committed while the client reconnects
    await wait_for(lambda: statuses[-1:] == ["live"] and len(statuses) == 3)
    await harness.retitle("After the drop")
    await wait_for(lambda: len(received) == 3)
    await asyncio.sleep(0.2)
    task.cancel()
    assert [c.headline for c in received] == [
        "Before the drop",
        "During the drop",
        "After the drop",
    ]
    assert [c.id for c in received] == list(range(received[0].id, received[0].id + 3))
    assert statuses == ["live", "reconnecting", "live"]
    resumed = harness.transport.requests[-1]
    assert resumed.headers["Last-Event-ID"] == str(received[0].id)


async def test_after_replays_from_the_log(harness: Harness) -> None:
    await harness.retitle("Old news")
    page = await harness.reader.change_page(STORY, after=0, limit=500)
    last = page.items[-1]
    assert last.headline == "Old news"
    received: list[Change] = []
    task = asyncio.create_task(collect(harness.reader.changes(after=last.id - 1), received))
    await wait_for(lambda: bool(received))
    assert received == [last]
    task.cancel()


async def test_a_disconnect_from_the_server_is_resumed(
    database_url: str, ceasefire: StoryFolder
) -> None:
    settings = Settings(database_url=database_url, load_fixtures=False, stream_queue_size=1)
    async with harness_for(settings, ceasefire) as harness:
        harness.transport.send_delay = 0.2
        received: list[Change] = []
        statuses: list[StreamStatus] = []
        task = asyncio.create_task(
            collect(harness.reader.changes(STORY, on_status=statuses.append), received)
        )
        # Subscribed (not only connected): the burst goes through the stream's queue.
        await wait_for(lambda: harness.app.state.change_broadcaster.subscribers == 1)
        titles = [f"Burst {n}" for n in range(5)]
        for title in titles:
            await harness.retitle(title)
        await wait_for(lambda: len(received) == len(titles), within=10)
        # The server disconnected the stream; the client is back (and read the replay).
        await wait_for(lambda: statuses == ["live", "reconnecting", "live"], within=5)
        await asyncio.sleep(0.5)
        task.cancel()
        assert [c.headline for c in received] == titles  # none lost, none twice


async def test_change_pages(harness: Harness) -> None:
    first = await harness.reader.change_page(limit=2)
    assert len(first.items) == 2
    assert first.has_more
    assert first.last_id == first.items[-1].id
    second = await harness.reader.change_page(after=first.last_id, limit=2)
    assert second.items[0].id > first.last_id
    with pytest.raises(NotFound):
        await harness.reader.change_page("no-such-story")


async def test_an_unknown_story_raises_at_once(harness: Harness) -> None:
    with pytest.raises(NotFound) as raised:
        await anext(harness.reader.changes("no-such-story", max_retries=5))
    assert_no_httpx_chain(raised.value)
    assert len(harness.transport.requests) == 1


async def test_no_server_is_a_connect_error_after_the_retries() -> None:
    async with BriefsClient.connect("http://127.0.0.1:9") as client:
        with pytest.raises(ConnectError) as raised:
            await anext(client.changes(max_retries=2))
    assert_no_httpx_chain(raised.value)


async def test_a_stream_that_is_not_an_event_stream_is_a_decode_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"items": []})

    http = httpx.AsyncClient(base_url=BASE_URL, transport=httpx.MockTransport(handler))
    async with BriefsClient(http, owns_http=True) as client:
        with pytest.raises(ResponseDecodeError):
            await anext(client.changes())


async def test_a_broken_change_is_a_decode_error_and_heartbeats_are_ignored() -> None:
    body = b'id: 0\n\n: keep-alive\n\nid: 1\nevent: story.updated\ndata: {"id": "x"}\n\n'

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=body, headers={"content-type": "text/event-stream"})

    http = httpx.AsyncClient(base_url=BASE_URL, transport=httpx.MockTransport(handler))
    async with BriefsClient(http, owns_http=True) as client:
        with pytest.raises(ResponseDecodeError) as raised:
            await anext(client.changes())
    assert "'1'" in str(raised.value)
