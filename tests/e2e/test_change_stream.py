"""The change stream between real ``briefs serve`` processes: delivery within a second on each
backend, a prompt stop that ends open streams, a write on replica A reaching a subscriber on
replica B (PostgreSQL ``LISTEN/NOTIFY``), and a SIGKILLed replica whose subscriber resumes on the
other one without losing or repeating a change."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import httpx
import pytest

from e2e.conftest import BriefsServer, ServerFactory
from service.client import BriefsClient, StreamStatus
from service.client.sse import EventStreamParser
from service.domain.changelog import Change, ChangePage
from service.domain.models import Party, PartyKind, Story, StoryUpdate

pytestmark = pytest.mark.slow

STORY = Story(
    id="stream-test",
    title="A story for the stream",
    parties=[Party(id="council", name="The council", kind=PartyKind.ORGANISATION)],
)


async def wait_for(condition: Callable[[], bool], within: float) -> None:
    async with asyncio.timeout(within):
        while not condition():  # noqa: ASYNC110 - a condition on state other tasks change
            await asyncio.sleep(0.01)


class Subscriber:
    """A task following ``client.changes()``: what it received and when, its statuses."""

    def __init__(self, client: BriefsClient, *, after: int | None = None) -> None:
        self.received: list[tuple[Change, float]] = []
        self.statuses: list[StreamStatus] = []
        self._task = asyncio.create_task(self._follow(client, after))

    async def _follow(self, client: BriefsClient, after: int | None) -> None:
        async for change in client.changes(after=after, on_status=self.statuses.append):
            self.received.append((change, time.monotonic()))

    @property
    def changes(self) -> list[Change]:
        return [change for change, _ in self.received]

    async def stop(self) -> None:
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task


async def assert_a_write_arrives_within_a_second(
    writer: BriefsClient, reader: BriefsClient
) -> None:
    """A story created through ``writer`` reaches a subscriber of ``reader`` within 1 s."""
    subscriber = Subscriber(reader)
    await wait_for(lambda: subscriber.statuses == ["live"], within=5)
    written = time.monotonic()
    await writer.create_story(STORY)
    await wait_for(lambda: bool(subscriber.received), within=1.0)
    change, arrived = subscriber.received[0]
    assert (change.kind, change.story_id) == ("story.created", STORY.id)
    assert arrived - written < 1.0
    await subscriber.stop()


def database(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    if backend == "postgres":
        url: str = request.getfixturevalue("postgres_url")
        return url
    return f"sqlite:///{tmp_path / 'briefs.db'}"


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
async def test_a_write_arrives_within_a_second_and_a_stop_ends_the_stream(
    backend: str, briefs_server: ServerFactory, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    # A long grace: a stop that waited for the open stream would take it all.
    server = briefs_server(
        database(backend, tmp_path, request), env={"BRIEFS_SHUTDOWN_GRACE_SECONDS": "30"}
    )
    token = server.create_token("write")
    async with server.client(token) as client:
        await assert_a_write_arrives_within_a_second(client, client)
    async with (
        httpx.AsyncClient(base_url=server.base_url, timeout=5) as http,
        http.stream("GET", "/v1/changes", headers={"Accept": "text/event-stream"}) as response,
    ):
        parser = EventStreamParser()
        chunks = response.aiter_bytes()
        while not parser.last_event_id:
            parser.feed(await anext(chunks))
        stopping = time.monotonic()
        stopped = asyncio.create_task(asyncio.to_thread(server.stop))
        events = []
        async for chunk in chunks:
            events += parser.feed(chunk)
        await stopped
    assert time.monotonic() - stopping < 5.0
    assert [event.event for event in events] == ["disconnect"]
    assert "shutting down" in events[0].data


@pytest.mark.postgres
async def test_a_write_on_replica_a_reaches_a_subscriber_on_replica_b(
    postgres_url: str, briefs_server: ServerFactory
) -> None:
    replica_a = briefs_server(postgres_url)
    replica_b = briefs_server(postgres_url)
    token = replica_a.create_token("write")
    async with replica_a.client(token) as writer, replica_b.client() as reader:
        await assert_a_write_arrives_within_a_second(writer, reader)


class FailoverProxy:
    """A TCP proxy on loopback that sends each connection to the first backend that accepts it
    (a load balancer's failover, for the test)."""

    def __init__(self, backends: list[int]) -> None:
        self.backends = backends
        self.port = 0
        self._server: asyncio.Server | None = None

    async def __aenter__(self) -> FailoverProxy:
        self._server = await asyncio.start_server(self._connect, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        assert self._server is not None
        self._server.close()

    async def _connect(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        for port in self.backends:
            try:
                upstream_reader, upstream_writer = await asyncio.open_connection("127.0.0.1", port)
            except OSError:
                continue
            await asyncio.gather(
                self._pipe(reader, upstream_writer), self._pipe(upstream_reader, writer)
            )
            return
        writer.close()

    @staticmethod
    async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError):
            while chunk := await reader.read(65536):
                writer.write(chunk)
                await writer.drain()
        with contextlib.suppress(OSError):
            writer.close()


@contextlib.asynccontextmanager
async def writing(client: BriefsClient, count: int) -> AsyncIterator[list[str]]:
    """Retitle the story ``count`` times in the background; the titles written so far."""
    written: list[str] = []

    async def write() -> None:
        for n in range(count):
            title = f"Update {n}"
            await client.update_story(STORY.id, StoryUpdate(title=title))
            written.append(title)
            await asyncio.sleep(0.03)

    task = asyncio.create_task(write())
    try:
        yield written
    finally:
        await task


@pytest.mark.postgres
async def test_a_killed_replica_loses_no_change_for_a_resuming_subscriber(
    postgres_url: str, briefs_server: ServerFactory
) -> None:
    replica_a = briefs_server(postgres_url)
    replica_b: BriefsServer = briefs_server(postgres_url)
    token = replica_b.create_token("write")
    async with (
        FailoverProxy([replica_a.port, replica_b.port]) as proxy,
        replica_b.client(token) as writer,
        BriefsClient.connect(f"http://127.0.0.1:{proxy.port}", timeout=5) as reader,
    ):
        await writer.create_story(STORY)
        start = (await writer.change_page(after=0, limit=500)).last_id
        subscriber = Subscriber(reader, after=start)
        await wait_for(lambda: subscriber.statuses == ["live"], within=5)
        async with writing(writer, 40) as written:
            await wait_for(lambda: len(subscriber.received) >= 10, within=10)
            replica_a.kill()  # mid-stream: the subscriber's connection dies with it
        await wait_for(lambda: len(subscriber.received) >= len(written), within=10)
        await asyncio.sleep(0.5)  # time for a duplicate to show up, if there were one
        await subscriber.stop()
    assert subscriber.statuses[:3] == ["live", "reconnecting", "live"]
    logged = (await _page(replica_b, start)).items
    assert [c.id for c in subscriber.changes] == [c.id for c in logged]
    assert [c.headline for c in subscriber.changes] == written


async def _page(server: BriefsServer, after: int) -> ChangePage:
    async with server.client() as client:
        return await client.change_page(after=after, limit=500)
