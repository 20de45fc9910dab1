"""Following a story as it changes: a screen mixes in `LiveMixin` and hears each change.

With a server (a `ChangeFeed` source) the screen opens the story's change stream in one
long-lived worker of its own group (``live``), so loads and edits, in their own groups, never
cancel it, nor it them. The status bar says ``live`` while the stream is connected and
``reconnecting`` after a drop; the stream is resumed from the last change received, so nothing
is missed or heard twice. A folder source has no stream: the bar keeps saying "offline folder".
"""

from __future__ import annotations

import asyncio

from textual import events, on, work

from service.domain.changelog import Change
from tui.screens.base import DataScreen
from tui.source import ChangeFeed, SourceError, StreamStatus

RETRY_SECONDS = (1.0, 2.0, 5.0, 10.0)
"""Waits before reopening a stream the source gave up on (the client already retries drops
itself); the last one repeats."""


class LiveMixin(DataScreen):
    """A data screen of one story that hears its changes (see the module docstring)."""

    story_id: str

    #: The id of the last change heard: where a reopened stream resumes.
    last_change_id: int | None = None

    def change_arrived(self, change: Change) -> None:
        """React to one change of this story (a hook)."""

    @on(events.Mount)
    def _start_following(self) -> None:
        if isinstance(self.source, ChangeFeed) and self.source.live:
            self.follow(self.source)

    @work(exclusive=True, exit_on_error=False, group="live")
    async def follow(self, feed: ChangeFeed) -> None:
        """Hear the story's changes until the screen closes; reopen the stream if the source
        gives up on it (from the last change heard), stop on an error retrying cannot help."""
        failures = 0
        while True:
            try:
                async for change in feed.changes(
                    self.story_id, after=self.last_change_id, on_status=self.stream_status
                ):
                    failures = 0
                    self.last_change_id = change.id
                    if change.story_id == self.story_id:
                        self.change_arrived(change)
            except SourceError as error:
                if not error.retryable:
                    self.notify(
                        f"Live updates stopped: {error.message}",
                        title="Briefs",
                        severity="error",
                        timeout=8,
                    )
                    return
            self.stream_status("reconnecting")
            await asyncio.sleep(RETRY_SECONDS[min(failures, len(RETRY_SECONDS) - 1)])
            failures += 1

    def stream_status(self, state: StreamStatus) -> None:
        """Show the stream's state in the status bar."""
        status = self.status
        if status is None or status.connection == state:
            return
        status.connection = state
        self.show_status()
