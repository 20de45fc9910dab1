"""One process's fan-out of the change log to its change streams.

`ChangeBroadcaster` subscribes to the store once (``ChangeStore.on_change``): every wake-up, from
a commit on this process or (PostgreSQL) on any replica, makes it read the log once after the
last change it saw and hand each change, encoded once, to every stream that wants it. Each
stream has a bounded queue (`Subscription`): a stream whose queue is full is closed with a reason
instead, so a slow client never holds up a writer, the broadcaster or another client. It resumes
from the log with ``Last-Event-ID`` like any dropped stream.

The log is the truth: a wake-up only says "read". Without streams a wake-up reads nothing, it
only moves the position on, since a stream that opens later replays from the log itself.

Streams never end on their own, and an ASGI server's graceful stop (granian's, uvicorn's) waits
for open responses before it runs the app's shutdown: it would wait out its whole grace period.
So where the server handles SIGTERM/SIGINT, `start` puts a handler in front of the server's that
ends every stream with a ``disconnect`` first (then calls the server's); `close` puts the
server's back. Where nothing handles them (tests, an embedding program) it changes nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import FrameType

from litestar.response import ServerSentEventMessage

from service.domain import codec
from service.domain.changelog import Change
from service.domain.stream import DISCONNECT_EVENT, HEARTBEAT_COMMENT, StreamDisconnect
from service.store.base import ChangeStore

logger = logging.getLogger("service.api.changes")

READ_LIMIT = 500
"""Changes read from the log per query, by the broadcaster and by a stream's replay."""
RETRY_SECONDS = 1.0
"""How long the broadcaster waits before reading again after the store failed."""
FAN_OUT_SHARE = 0.05
"""The most of the process's CPU time that fanning changes out may take while the process is
busy: after a fan-out that cost ``c`` CPU seconds, the next one starts ``c / share`` seconds
after it at the earliest (at most `MAX_COALESCE_SECONDS`), and the changes committed meanwhile
go out together (one wake-up of each stream for all of them)."""
QUIET_SHARE = 0.5
"""Below this share of a core used by the process since the last fan-out started (that fan-out
included), the process is quiet and the next fan-out goes at once: spacing fan-outs apart only
helps when something else wants the CPU."""
QUIET_WINDOW = 0.05
"""How often a waiting fan-out looks again whether the process has become quiet."""
FAN_OUT_CHUNK = 50
"""Streams woken per turn of the event loop by a fan-out."""
MAX_COALESCE_SECONDS = 1.0
"""The longest a fan-out may wait, whatever the last one cost: the bound on the added latency
while the process is saturated (a quiet process sends a change at once; a busy one within a
few `QUIET_WINDOW` once it quietens)."""
SLOW_CLIENT = "the client fell behind the change stream; resume with Last-Event-ID"
SHUTTING_DOWN = "the server is shutting down; resume with Last-Event-ID"


def encoded(message: ServerSentEventMessage) -> bytes:
    """``message`` in the stream's format (Litestar's encoder), encoded once for every stream."""
    return message.encode()


HEARTBEAT = encoded(ServerSentEventMessage(data=None, comment=HEARTBEAT_COMMENT))
"""``: keep-alive``: a comment readers ignore, sent so proxies keep an idle stream open."""


def position_event(after: int) -> bytes:
    """The id-only block that opens a stream: the reader's position before any change."""
    return encoded(ServerSentEventMessage(data=None, id=after))


def disconnect_event(reason: str) -> bytes:
    """The last event of a stream the server ends on purpose."""
    data = codec.encode(StreamDisconnect(reason=reason)).decode()
    return encoded(ServerSentEventMessage(data=data, event=DISCONNECT_EVENT))


@dataclass(frozen=True, slots=True)
class ChangeEvent:
    """A change and its event bytes."""

    change_id: int
    story_id: str
    message: bytes


def change_event(change: Change) -> ChangeEvent:
    """A change as its stream event: ``id``, ``event`` (its kind), ``data`` (its JSON)."""
    data = codec.encode(change).decode()
    message = encoded(ServerSentEventMessage(data=data, event=change.kind, id=change.id))
    return ChangeEvent(change.id, change.story_id, message)


def joined(events: Sequence[ChangeEvent]) -> bytes:
    """Several events as one message: one write to the client instead of one per change."""
    return b"".join(event.message for event in events)


@dataclass(frozen=True, slots=True)
class ChangeBatch:
    """The changes of one fan-out that one audience (every story, or one story) wants, in commit
    order, with their bytes joined once: every stream of that audience sends the same message,
    so a fan-out costs a stream one offer and one write however many changes it carries."""

    events: tuple[ChangeEvent, ...]
    message: bytes

    @property
    def last_id(self) -> int:
        """The id of its newest change."""
        return self.events[-1].change_id

    def after(self, change_id: int) -> bytes:
        """Its message without the changes up to ``change_id`` (a replay sent those already)."""
        if self.events[0].change_id > change_id:
            return self.message
        return joined([event for event in self.events if event.change_id > change_id])


class Audiences:
    """One fan-out's batches by audience (``None``: every story), each made on first demand."""

    def __init__(self, events: list[ChangeEvent]) -> None:
        self._events = events
        self._batches: dict[str | None, ChangeBatch | None] = {}

    def batch_for(self, story_id: str | None) -> ChangeBatch | None:
        """What a stream of ``story_id`` gets from this fan-out; ``None``: nothing."""
        if story_id not in self._batches:
            wanted = tuple(e for e in self._events if story_id in (None, e.story_id))
            self._batches[story_id] = ChangeBatch(wanted, joined(wanted)) if wanted else None
        return self._batches[story_id]


class StreamClosedError(Exception):
    """The broadcaster ended this stream; ``reason`` says why (the ``disconnect`` event)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class FanOutMeter:
    """What a fan-out costs, and so how soon the next may start.

    The cost is the CPU time of the process (granian's I/O threads, which send the bytes,
    included) from the fan-out's start until every stream it woke waits again; writes that ran
    in between count too: an overestimate under load, which spaces fan-outs further apart, in
    the writers' favour.
    """

    def __init__(self) -> None:
        self.cycle = 0
        self.started_at = 0.0
        """When the last fan-out started (the loop's clock)."""
        self.period = 0.0
        """How long after the start of a fan-out the next may start (0 until one is measured)."""
        self._busy = 0
        self._offering = False
        self._cpu_at_start = 0.0

    def pause(self, now: float) -> float:
        """How long the next fan-out should wait before it asks again: not at all when the
        process is quiet (`QUIET_SHARE`) or the period is over, else at most `QUIET_WINDOW`."""
        elapsed = now - self.started_at
        if time.process_time() - self._cpu_at_start < QUIET_SHARE * elapsed:
            return 0.0
        return min(QUIET_WINDOW, self.started_at + self.period - now)

    def begin(self, now: float) -> None:
        """A fan-out starts (its own measurement ends any earlier one still open)."""
        self.cycle += 1
        self.started_at = now
        self._busy = 0
        self._offering = True
        self._cpu_at_start = time.process_time()

    def woke(self) -> int:
        """A stream was woken by this fan-out; the cycle it must report back to."""
        self._busy += 1
        return self.cycle

    def offered(self) -> None:
        """The fan-out has offered its changes to every stream."""
        self._offering = False
        if self._busy == 0:
            self._end()

    def settled(self, cycle: int) -> None:
        """A stream woken by ``cycle`` is done with it."""
        if cycle == self.cycle:
            self._busy -= 1
            if self._busy == 0 and not self._offering:
                self._end()

    def _end(self) -> None:
        """Every woken stream is done: the cost is known, and with it the spacing."""
        cost = time.process_time() - self._cpu_at_start
        self.period = min(MAX_COALESCE_SECONDS, cost / FAN_OUT_SHARE)


class Subscription:
    """One stream's bounded queue of change batches (of one story, or of all).

    Waiting costs one future per wake-up and no timer: with 1,000 streams, a change wakes 1,000
    of them at once. The broadcaster's heartbeat tick wakes the quiet ones instead.
    """

    __slots__ = (
        "_batches",
        "_capacity",
        "_heartbeat_due",
        "_meter",
        "_queued",
        "_quiet",
        "_waiter",
        "closed_reason",
        "story_id",
        "woken_in",
    )

    def __init__(self, story_id: str | None, capacity: int, meter: FanOutMeter) -> None:
        self.story_id = story_id
        self.closed_reason: str | None = None
        self.woken_in = 0
        """The fan-out that woke this stream and has not seen it wait again (0: none)."""
        self._meter = meter
        self._capacity = capacity
        self._batches: deque[ChangeBatch] = deque()
        self._queued = 0  # changes in `_batches`
        self._waiter: asyncio.Future[None] | None = None
        self._quiet = True  # nothing offered since the last heartbeat tick
        self._heartbeat_due = False

    def offer(self, batch: ChangeBatch) -> bool:
        """Queue the batch; when the changes queued would pass the capacity, close the stream
        instead and say false. A stream that took everything before is not behind: it gets
        the batch whatever its size."""
        if self.closed_reason is not None:
            return False
        if self._queued and self._queued + len(batch.events) > self._capacity:
            self.close(SLOW_CLIENT)
            return False
        self._batches.append(batch)
        self._queued += len(batch.events)
        self._quiet = False
        if self._wake():
            self.woken_in = self._meter.woke()
        return True

    def tick(self) -> None:
        """A heartbeat tick: a stream offered nothing since the last one sends a heartbeat."""
        if self._quiet:
            self._heartbeat_due = True
            self._wake()
        self._quiet = True

    def close(self, reason: str) -> None:
        """End the stream: what is queued is dropped (the log replays it on resume)."""
        if self.closed_reason is None:
            self.closed_reason = reason
            self._batches.clear()
            self._queued = 0
            self._wake()

    def _wake(self) -> bool:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)
            return True
        return False

    def settle(self) -> None:
        """Tell the meter this stream is done with what woke it (it waits again, or ended)."""
        if self.woken_in:
            self._meter.settled(self.woken_in)
            self.woken_in = 0

    async def take(self) -> list[ChangeBatch]:
        """Every queued batch, once there is one; ``[]`` when a heartbeat is due instead;
        raises `StreamClosedError` once the stream is closed."""
        if not self._batches and self.closed_reason is None and not self._heartbeat_due:
            self.settle()
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        if self.closed_reason is not None:
            raise StreamClosedError(self.closed_reason)
        self._heartbeat_due = False
        taken = list(self._batches)
        self._batches.clear()
        self._queued = 0
        return taken


class ChangeBroadcaster:
    """Reads the change log once per wake-up and fans it out to this process's streams."""

    def __init__(self, store: ChangeStore, *, queue_size: int, heartbeat: float) -> None:
        self._store = store
        self._queue_size = queue_size
        self._heartbeat = heartbeat
        self._subscriptions: set[Subscription] = set()
        self._last_seen = 0
        self._newest_known = 0
        self._meter = FanOutMeter()
        self._wake = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._unsubscribe: Callable[[], None] | None = None
        self._closed = False
        self._server_handlers: dict[int, Callable[[int, FrameType | None], object]] = {}

    @property
    def subscribers(self) -> int:
        """How many streams are open."""
        return len(self._subscriptions)

    async def start(self) -> None:
        """Listen to the store, then start from its newest change (listening first: a commit
        in between is then read, not missed)."""
        self._unsubscribe = self._store.on_change(self._on_change)
        self._last_seen = await self._store.last_change_id()
        self._tasks = [
            asyncio.create_task(self._pump(), name="change-broadcaster"),
            asyncio.create_task(self._tick(), name="change-stream-heartbeats"),
        ]
        self._end_streams_on_stop_signal()

    def end_streams(self) -> None:
        """End every stream with a ``disconnect`` and refuse new ones: the server is stopping."""
        self._closed = True
        for subscription in self._subscriptions:
            subscription.close(SHUTTING_DOWN)
        self._subscriptions.clear()

    async def close(self) -> None:
        """Stop listening and end every stream with a ``disconnect`` (the server shuts down)."""
        for signum, handler in self._server_handlers.items():
            signal.signal(signum, handler)
        self._server_handlers.clear()
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        for task in self._tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []
        self.end_streams()

    def _end_streams_on_stop_signal(self) -> None:
        """See the module docstring: streams end before the server's graceful stop waits."""
        if threading.current_thread() is not threading.main_thread():
            return  # signal handlers belong to the main thread
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            server_handler = signal.getsignal(signum)
            if not callable(server_handler) or server_handler is signal.default_int_handler:
                continue  # the server does not handle it (default, ignored, or Python's own)

            def stopping(
                number: int,
                frame: FrameType | None,
                server_handler: Callable[[int, FrameType | None], object] = server_handler,
            ) -> None:
                loop.call_soon_threadsafe(self.end_streams)
                server_handler(number, frame)

            self._server_handlers[signum] = server_handler
            signal.signal(signum, stopping)

    def subscribe(self, story_id: str | None) -> Subscription:
        """A new stream's queue; every change committed from now on reaches it."""
        subscription = Subscription(story_id, self._queue_size, self._meter)
        if self._closed:
            subscription.close(SHUTTING_DOWN)
        else:
            self._subscriptions.add(subscription)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        """Forget a stream that ended."""
        subscription.settle()
        self._subscriptions.discard(subscription)

    def _on_change(self, newest: int) -> None:
        self._newest_known = max(self._newest_known, newest)
        if newest > self._last_seen:
            self._wake.set()

    async def _tick(self) -> None:
        """Every half heartbeat, so that no stream stays silent longer than one."""
        while True:
            await asyncio.sleep(self._heartbeat / 2)
            for subscription in self._subscriptions:
                subscription.tick()

    async def _pump(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await self._wake.wait()
            if not self._subscriptions:
                # Nobody to tell: a stream opened later replays from the log itself.
                self._wake.clear()
                self._last_seen = max(self._last_seen, self._newest_known)
                continue
            while (pause := self._meter.pause(loop.time())) > 0:  # noqa: ASYNC110 - a CPU measure says when, no event
                await asyncio.sleep(pause)  # changes committed meanwhile go out together
            self._wake.clear()
            try:
                await self._read_and_fan_out(loop)
            except Exception:  # the store failed: the streams stay open, try again soon
                logger.exception("reading the change log failed; retrying")
                await asyncio.sleep(RETRY_SECONDS)
                self._wake.set()

    async def _read_and_fan_out(self, loop: asyncio.AbstractEventLoop) -> None:
        while True:
            changes = await self._store.changes_after(self._last_seen, limit=READ_LIMIT)
            if changes:
                self._last_seen = changes[-1].id
                self._meter.begin(loop.time())
                await self._fan_out([change_event(change) for change in changes])
                self._meter.offered()
            if len(changes) < READ_LIMIT:
                return

    async def _fan_out(self, events: list[ChangeEvent]) -> None:
        """Offer each stream its audience's batch, `FAN_OUT_CHUNK` streams at a time: the loop
        runs the woken ones (and any write waiting) between chunks, so no request waits for
        all."""
        audiences = Audiences(events)
        everyone = list(self._subscriptions)  # one that subscribes meanwhile replays these
        for start in range(0, len(everyone), FAN_OUT_CHUNK):
            for subscription in everyone[start : start + FAN_OUT_CHUNK]:
                batch = audiences.batch_for(subscription.story_id)
                if batch is not None and not subscription.offer(batch):
                    self.unsubscribe(subscription)
            await asyncio.sleep(0)
