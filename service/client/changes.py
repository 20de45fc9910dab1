"""The client's reads of the change log: cursor pages, and the live stream with resume."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator, Callable
from typing import Literal

import httpx
import msgspec

from service.client.errors import ResponseDecodeError, ServerError, TransportError
from service.client.params import story_path
from service.client.sse import EventStreamParser, ServerEvent
from service.client.transport import HttpSession
from service.domain.changelog import CHANGE_KINDS, Change, ChangePage
from service.domain.stream import DISCONNECT_EVENT, EVENT_STREAM, LAST_EVENT_ID

StreamStatus = Literal["live", "reconnecting"]
"""What `ChangeReads.changes` reports through ``on_status``: connected, or trying again."""

RETRY_INITIAL_SECONDS = 0.1
RETRY_MAX_SECONDS = 5.0
IDLE_TIMEOUT_SECONDS = 45.0
"""How long a stream may stay silent before it counts as dropped: three heartbeats at the
server's default ``BRIEFS_STREAM_HEARTBEAT_SECONDS`` (15)."""

_change = msgspec.json.Decoder(Change)
_change_page = msgspec.json.Decoder(ChangePage)
_kinds = frozenset(CHANGE_KINDS)


def changes_path(story_id: str | None) -> str:
    """``/v1/changes``, or the story's ``.../changes``."""
    return "/v1/changes" if story_id is None else f"{story_path(story_id)}/changes"


def retry_delay(attempt: int) -> float:
    """Seconds to wait before reconnect attempt ``attempt`` (0-based): exponential from
    `RETRY_INITIAL_SECONDS` up to `RETRY_MAX_SECONDS`, with jitter so that clients a server
    dropped at once do not come back at once."""
    ceiling = min(RETRY_MAX_SECONDS, RETRY_INITIAL_SECONDS * 2**attempt)
    return random.uniform(ceiling / 2, ceiling)  # noqa: S311 - jitter, not a secret


class ChangeReads(HttpSession):
    """The change log for `BriefsClient`: ``change_page`` and ``changes``."""

    async def change_page(
        self, story_id: str | None = None, *, after: int = 0, limit: int = 100
    ) -> ChangePage:
        """Up to ``limit`` changes after ``after``, oldest first, of one story or of all
        (``listStoryChanges``/``listChanges``); pass ``last_id`` back as ``after``."""
        response = await self.send(
            "GET", changes_path(story_id), params={"after": after, "limit": limit}
        )
        return self._decode(response, _change_page)

    async def changes(
        self,
        story_id: str | None = None,
        *,
        after: int | None = None,
        idle_timeout: float = IDLE_TIMEOUT_SECONDS,
        max_retries: int | None = None,
        on_status: Callable[[StreamStatus], None] | None = None,
    ) -> AsyncIterator[Change]:
        """Every change from now on (or after the change id ``after``), of one story or all,
        as it is committed, until the caller stops iterating.

        A dropped or silent stream (``idle_timeout`` seconds without even a heartbeat), a 5xx,
        and a stream the server ends (``disconnect``) are resumed with ``Last-Event-ID`` after
        a backoff, so no change is lost or repeated. ``max_retries`` consecutive failed
        reconnects (default: no limit) raise the last error; 4xx errors raise at once.
        ``on_status`` hears ``"live"`` on every connect and ``"reconnecting"`` on every drop.
        """
        position = after
        attempt = 0
        timeouts = httpx.Timeout(10.0, connect=5.0, read=idle_timeout)
        while True:
            parser = EventStreamParser()
            try:
                headers = {"Accept": EVENT_STREAM}
                if position is not None:
                    headers[LAST_EVENT_ID] = str(position)
                async with self.stream(
                    changes_path(story_id), EVENT_STREAM, headers=headers, timeouts=timeouts
                ) as chunks:
                    attempt = 0
                    if on_status is not None:
                        on_status("live")
                    async for chunk in chunks:
                        for event in parser.feed(chunk):
                            change = self._stream_change(event)
                            if change is not None and (position is None or change.id > position):
                                position = change.id
                                yield change
                        position = _later(position, parser.last_event_id)
            except (TransportError, ServerError):
                if max_retries is not None and attempt >= max_retries:
                    raise
            position = _later(position, parser.last_event_id)
            if on_status is not None:
                on_status("reconnecting")
            await asyncio.sleep(retry_delay(attempt))
            attempt += 1

    def _stream_change(self, event: ServerEvent) -> Change | None:
        """The change an event carries; ``None`` for other events (``disconnect``: the
        stream ends next and is resumed)."""
        if event.event == DISCONNECT_EVENT or event.event not in _kinds:
            return None
        try:
            return _change.decode(event.data)
        except msgspec.DecodeError as error:
            raise ResponseDecodeError(
                f"Unreadable change {event.last_event_id!r} in the change stream: {error}.",
                status=200,
            ) from None


def _later(position: int | None, last_event_id: str) -> int | None:
    """The later of a position and a stream's last event id (when it is a change id)."""
    if not (last_event_id.isascii() and last_event_id.isdigit()):
        return position
    return max(position or 0, int(last_event_id))
