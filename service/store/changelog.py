"""The read side of the change log: pages of ``changes`` after an id, and wake-ups.

The log is the truth: a wake-up says only "the newest change id is now N", and a reader reads
the log after the last id it saw (``changes_after``). Ids follow commit order on both backends
(see migration 0006), so such a reader neither misses nor repeats a change. Wake-ups come from
the driver: right after a commit of this process, and when other processes (SQLite) or replicas
(PostgreSQL ``LISTEN/NOTIFY``) commit changes. They are told to the listeners at most once per
id and in increasing order, however many paths deliver them.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable

from service.domain.changelog import Change, ChangeCounts
from service.domain.errors import InvalidContentError
from service.store.base import ChangeListener
from service.store.driver import Driver, Row

MAX_PAGE = 1000
"""The most changes one ``changes_after`` returns."""

_COLUMNS = (
    "id, kind, story_id, at, brief_id, as_of, revision, revised_by, change_note, headline,"
    " issues_opened, issues_closed, stance_shifts, events_added, significance"
)
_AFTER = f"SELECT {_COLUMNS} FROM changes WHERE id > ?"  # noqa: S608 - constants
_logger = logging.getLogger("briefs.store.changes")


class ChangeLog:
    """`ChangeStore` over a driver: the log's reads and the listeners of its wake-ups."""

    def __init__(self, driver: Driver, require_story: Callable[[str], Awaitable[None]]) -> None:
        self._driver = driver
        self._require_story = require_story  # raises NotFoundError for an unknown story
        self._listeners: list[ChangeListener] = []
        self._newest = 0  # the highest id told to listeners
        self._watching = False

    async def changes_after(
        self, after: int, *, story_id: str | None = None, limit: int = 100
    ) -> list[Change]:
        """Up to ``limit`` changes with an id above ``after``, oldest first; ``NotFoundError``
        for an unknown ``story_id``, ``InvalidContentError`` for a negative ``after`` or a
        ``limit`` outside 1 to `MAX_PAGE`."""
        problems = []
        if after < 0:
            problems.append(("$.after", "must be 0 or a change id"))
        if not 1 <= limit <= MAX_PAGE:
            problems.append(("$.limit", f"must be from 1 to {MAX_PAGE}"))
        if problems:
            raise InvalidContentError(problems)
        if story_id is None:
            rows = await self._driver.all(f"{_AFTER} ORDER BY id LIMIT ?", after, limit)
        else:
            rows = await self._driver.all(
                f"{_AFTER} AND story_id = ? ORDER BY id LIMIT ?", after, story_id, limit
            )
            if not rows:
                await self._require_story(story_id)
        return [_change(row) for row in rows]

    async def last_change_id(self, story_id: str | None = None) -> int:
        """The newest change id (of one story, or of all), 0 when there is none."""
        if story_id is None:
            row = await self._driver.one("SELECT max(id) FROM changes")
        else:
            row = await self._driver.one("SELECT max(id) FROM changes WHERE story_id = ?", story_id)
        return int(row[0]) if row is not None and row[0] is not None else 0

    def on_change(self, listener: ChangeListener) -> Callable[[], None]:
        """Call ``listener`` with the newest change id after changes commit; returns the
        function that stops it. Must be called on the event loop (the first call starts the
        driver's watching of other processes or replicas)."""
        if not self._watching:
            self._driver.watch_changes(self.wake)  # raises without a running event loop
            self._watching = True
        self._listeners.append(listener)

        def stop() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return stop

    def wake(self, change_id: int) -> None:
        """Tell every listener of ``change_id`` if it is newer than any told before; a listener
        that raises is logged and the others are still told."""
        if change_id <= self._newest:
            return
        self._newest = change_id
        for listener in list(self._listeners):
            try:
                listener(change_id)
            except Exception:
                _logger.exception("a change listener failed")


def _change(row: Row) -> Change:
    (change_id, kind, story_id, at, brief_id, as_of, revision, revised_by, change_note,
     headline, opened, closed, shifts, events, significance) = row  # fmt: skip
    counts = None
    if opened is not None:
        counts = ChangeCounts(
            issues_opened=opened,
            issues_closed=closed,
            stance_shifts=shifts,
            events_added=events,
            significance=float(significance),
        )
    return Change(
        id=change_id,
        kind=kind,
        story_id=story_id,
        at=dt.datetime.fromisoformat(at),
        brief_id=brief_id,
        as_of=None if as_of is None else dt.date.fromisoformat(as_of),
        revision=revision,
        revised_by=revised_by,
        change_note=change_note,
        headline=headline,
        counts=counts,
    )
