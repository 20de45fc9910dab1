"""The broadcaster and a stream's events on an in-memory change log (the `ChangeStore` protocol
alone): fan-out, story filters, the replay boundary, slow streams, shutdown, store failures."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator, Callable

import pytest

from service.api.broadcast import (
    HEARTBEAT,
    MAX_COALESCE_SECONDS,
    SHUTTING_DOWN,
    SLOW_CLIENT,
    ChangeBatch,
    ChangeBroadcaster,
    ChangeEvent,
    StreamClosedError,
    Subscription,
)
from service.api.routes.changes import LOG_UNREADABLE, stream_events
from service.client.sse import EventStreamParser, ServerEvent
from service.domain.changelog import Change, ChangeKind
from service.domain.errors import NotFoundError
from service.store.base import ChangeListener


class MemoryChangeLog:
    """A `ChangeStore` in memory: `commit` appends a change and wakes listeners on the loop."""

    def __init__(self) -> None:
        self.changes: list[Change] = []
        self.listeners: list[ChangeListener] = []
        self.reads = 0
        self.fail_reads = False
        self.stories = {"alpha", "beta"}

    def commit(self, story_id: str = "alpha", kind: ChangeKind = "brief.revised") -> Change:
        change = Change(
            id=len(self.changes) + 1, kind=kind, story_id=story_id, at=dt.datetime.now(dt.UTC)
        )
        self.changes.append(change)
        loop = asyncio.get_running_loop()
        for listener in list(self.listeners):
            loop.call_soon(listener, change.id)
        return change

    async def changes_after(
        self, after: int, *, story_id: str | None = None, limit: int = 100
    ) -> list[Change]:
        self.reads += 1
        await asyncio.sleep(0)
        if self.fail_reads:
            raise OSError("the database is gone")
        if story_id is not None and story_id not in self.stories:
            raise NotFoundError(f"no story {story_id!r}")
        found = [c for c in self.changes if c.id > after and story_id in {None, c.story_id}]
        return found[:limit]

    async def last_change_id(self, story_id: str | None = None) -> int:
        found = [c.id for c in self.changes if story_id in {None, c.story_id}]
        return max(found, default=0)

    def on_change(self, listener: ChangeListener) -> Callable[[], None]:
        self.listeners.append(listener)
        return lambda: self.listeners.remove(listener)


@pytest.fixture
async def log_and_broadcaster() -> AsyncIterator[tuple[MemoryChangeLog, ChangeBroadcaster]]:
    log = MemoryChangeLog()
    broadcaster = ChangeBroadcaster(log, queue_size=8, heartbeat=60)
    await broadcaster.start()
    yield log, broadcaster
    await broadcaster.close()


async def settle() -> None:
    for _ in range(20):
        await asyncio.sleep(0)


async def settle_and_peek(subscription: Subscription) -> list[ChangeEvent]:
    """What the subscription has queued after the loop settles (``[]``: nothing)."""
    await settle()
    try:
        return events_of(await asyncio.wait_for(subscription.take(), 0.05))
    except TimeoutError:
        return []


def events_of(batches: list[ChangeBatch]) -> list[ChangeEvent]:
    return [event for batch in batches for event in batch.events]


async def taken_ids(subscription: Subscription) -> list[int]:
    """The ids of the changes the subscription takes next."""
    return [event.change_id for event in events_of(await asyncio.wait_for(subscription.take(), 1))]


def parse(messages: list[bytes]) -> list[ServerEvent]:
    parser = EventStreamParser()
    return [event for message in messages for event in parser.feed(message)]


async def test_every_subscriber_gets_each_change_once_in_order(
    log_and_broadcaster: tuple[MemoryChangeLog, ChangeBroadcaster],
) -> None:
    log, broadcaster = log_and_broadcaster
    everyone = broadcaster.subscribe(None)
    alpha_only = broadcaster.subscribe("alpha")
    first, second, third = log.commit("alpha"), log.commit("beta"), log.commit("alpha")
    await settle()
    assert await taken_ids(everyone) == [
        first.id,
        second.id,
        third.id,
    ]
    assert await taken_ids(alpha_only) == [
        first.id,
        third.id,
    ]
    assert not await settle_and_peek(everyone)


async def test_one_read_per_wake_up_and_none_without_streams(
    log_and_broadcaster: tuple[MemoryChangeLog, ChangeBroadcaster],
) -> None:
    log, broadcaster = log_and_broadcaster
    log.commit()
    await settle()
    assert log.reads == 0  # nobody listens: nothing is read
    subscription = broadcaster.subscribe(None)
    for _ in range(3):
        log.commit()
    await settle()
    assert log.reads == 1  # three wake-ups before the pump ran: one read
    assert await taken_ids(subscription) == [2, 3, 4]


async def test_a_full_queue_closes_that_stream_only(
    log_and_broadcaster: tuple[MemoryChangeLog, ChangeBroadcaster],
) -> None:
    log, broadcaster = log_and_broadcaster
    slow, fast = broadcaster.subscribe(None), broadcaster.subscribe(None)
    for batch in range(3):
        for _ in range(5):
            log.commit()
        await settle()
        assert len(await taken_ids(fast)) == 5, batch
    with pytest.raises(StreamClosedError) as closed:
        await asyncio.wait_for(slow.take(), 1)
    assert closed.value.reason == SLOW_CLIENT
    assert broadcaster.subscribers == 1


async def test_a_stream_replays_then_goes_live_without_gap_or_repeat(
    log_and_broadcaster: tuple[MemoryChangeLog, ChangeBroadcaster],
) -> None:
    log, broadcaster = log_and_broadcaster
    for _ in range(3):
        log.commit()
    events = stream_events(broadcaster, log, None, 1)
    received: list[bytes] = [await anext(events)]  # the position, then the replay
    log.commit()  # 4, committed as the stream starts: in the replay and in its queue
    received.append(await anext(events))  # the replay, in one message
    for _ in range(2):
        log.commit()
        received.append(await asyncio.wait_for(anext(events), 1))
    ids = [event.last_event_id for event in parse(received)]
    assert ids == ["2", "3", "4", "5", "6"]
    assert len(received) == 4  # position, replay, 5, 6
    await events.aclose()
    assert broadcaster.subscribers == 0


async def test_an_idle_stream_sends_heartbeats_a_busy_one_does_not() -> None:
    log = MemoryChangeLog()
    broadcaster = ChangeBroadcaster(log, queue_size=8, heartbeat=0.1)
    await broadcaster.start()
    try:
        idle = stream_events(broadcaster, log, "beta", 0)
        assert await anext(idle) == b"id: 0\r\n\r\n"
        begun = asyncio.get_running_loop().time()
        assert await asyncio.wait_for(anext(idle), 1) is HEARTBEAT
        assert asyncio.get_running_loop().time() - begun <= 0.15
        assert HEARTBEAT == b": keep-alive\r\n\r\n"
        busy = broadcaster.subscribe("alpha")
        for _ in range(6):
            log.commit("alpha")
            await asyncio.sleep(0.03)
            assert await asyncio.wait_for(busy.take(), 1) != []  # changes, never a heartbeat
        await idle.aclose()
    finally:
        await broadcaster.close()


async def test_shutdown_ends_every_stream_with_a_disconnect(
    log_and_broadcaster: tuple[MemoryChangeLog, ChangeBroadcaster],
) -> None:
    log, broadcaster = log_and_broadcaster
    events = stream_events(broadcaster, log, None, 0)
    await anext(events)
    pending = asyncio.ensure_future(anext(events))
    await settle()
    await broadcaster.close()
    last = await asyncio.wait_for(pending, 1)
    (disconnect,) = parse([last])
    assert disconnect.event == "disconnect"
    assert SHUTTING_DOWN in disconnect.data
    with pytest.raises(StopAsyncIteration):
        await anext(events)
    late = broadcaster.subscribe(None)
    with pytest.raises(StreamClosedError):
        await asyncio.wait_for(late.take(), 1)


async def test_a_failed_read_is_retried_and_the_streams_stay_open(
    log_and_broadcaster: tuple[MemoryChangeLog, ChangeBroadcaster],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("service.api.broadcast.RETRY_SECONDS", 0.01)
    log, broadcaster = log_and_broadcaster
    subscription = broadcaster.subscribe(None)
    log.fail_reads = True
    log.commit()
    await asyncio.sleep(0.05)
    log.fail_reads = False
    assert await taken_ids(subscription) == [1]


async def test_a_replay_that_fails_ends_the_stream_with_a_reason(
    log_and_broadcaster: tuple[MemoryChangeLog, ChangeBroadcaster],
) -> None:
    log, broadcaster = log_and_broadcaster
    log.fail_reads = True
    events = stream_events(broadcaster, log, None, 0)
    messages = [message async for message in events]
    (disconnect,) = parse(messages)
    assert LOG_UNREADABLE in disconnect.data
    assert broadcaster.subscribers == 0


async def test_changes_soon_after_a_fan_out_go_out_together(
    log_and_broadcaster: tuple[MemoryChangeLog, ChangeBroadcaster],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Any cost is then far over its share: the next fan-out waits the longest it may.
    monkeypatch.setattr("service.api.broadcast.FAN_OUT_SHARE", 1e-9)
    monkeypatch.setattr("service.api.broadcast.QUIET_SHARE", 0.0)  # never quiet: always wait
    log, broadcaster = log_and_broadcaster
    loop = asyncio.get_running_loop()
    received: list[tuple[float, bytes]] = []

    async def read() -> None:
        async for message in stream_events(broadcaster, log, None, 0):
            received.append((loop.time(), message))

    reader = asyncio.create_task(read())
    await settle()
    log.commit()
    await asyncio.wait_for(wait_until(lambda: len(received) == 2), 1)  # position, change 1
    first = received[-1][0]  # a quiet spell before it: out at once
    for _ in range(3):
        log.commit()
        await asyncio.sleep(0.02)
    await asyncio.wait_for(wait_until(lambda: len(received) == 3), 1)
    arrived, batch = received[-1]
    assert [event.last_event_id for event in parse([batch])] == ["2", "3", "4"]  # one write
    assert MAX_COALESCE_SECONDS - 0.05 <= arrived - first <= MAX_COALESCE_SECONDS + 0.2
    reader.cancel()


async def test_a_quiet_process_sends_each_change_at_once(
    log_and_broadcaster: tuple[MemoryChangeLog, ChangeBroadcaster],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The period after each fan-out is then the longest there is, but the process is idle.
    monkeypatch.setattr("service.api.broadcast.FAN_OUT_SHARE", 1e-9)
    log, broadcaster = log_and_broadcaster
    loop = asyncio.get_running_loop()
    received: list[tuple[float, bytes]] = []

    async def read() -> None:
        async for message in stream_events(broadcaster, log, None, 0):
            received.append((loop.time(), message))

    reader = asyncio.create_task(read())
    await settle()
    for count in (2, 3, 4):
        await asyncio.sleep(0.1)
        committed = loop.time()
        log.commit()
        await asyncio.wait_for(wait_until(lambda: len(received) == count), 1)  # noqa: B023
        assert received[-1][0] - committed < MAX_COALESCE_SECONDS / 4  # not held back
    reader.cancel()


async def wait_until(condition: Callable[[], bool]) -> None:
    while not condition():  # noqa: ASYNC110 - state other tasks change
        await asyncio.sleep(0.005)
