"""SQLite health: a cheap live check on every call, ``PRAGMA quick_check`` in the background.

``quick_check`` reads the whole file: 22 s for the 2 GB benchmark database here, far too long for a
readiness probe. So it runs on a thread at most once per ``max_age``; ``health()`` waits for a
running check only ``wait`` seconds (a small database gets a fresh result at once) and otherwise
reports the last result, or that the first check is still running.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from pathlib import Path

from service.store.base import Health
from service.store.sqlite_schema import connect_reader, schema_version

BACKEND = "sqlite"


class IntegrityMonitor:
    """Reports the database's readiness, with the latest ``quick_check`` outcome."""

    def __init__(self, path: Path, *, max_age: float = 600.0, wait: float = 0.5) -> None:
        self.path = path
        self.max_age = max_age
        self.wait = wait
        self._result: tuple[float, list[str]] | None = None  # (monotonic time, problems)
        self._task: asyncio.Task[list[str]] | None = None
        self._running: sqlite3.Connection | None = None

    async def health(self, expected_version: int) -> Health:
        """Reachable, at the expected schema version, and no integrity problem found."""
        if not self.path.is_file():  # connecting would create an empty database
            return Health(ok=False, backend=BACKEND, detail=f"{self.path}: no such file")
        try:
            version = await asyncio.to_thread(self._schema_version)
        except sqlite3.Error as error:
            return Health(ok=False, backend=BACKEND, detail=f"{self.path}: {error}")
        problems = await self._integrity()
        if problems is not None and problems != ["ok"]:
            return Health(ok=False, backend=BACKEND, detail="; ".join(problems[:5]))
        if version != expected_version:
            detail = f"schema version {version}, this release expects {expected_version}"
            return Health(ok=False, backend=BACKEND, detail=detail)
        if self._result is None:
            return Health(
                ok=True,
                backend=BACKEND,
                detail=f"schema version {version}; first quick_check still running",
            )
        age = time.monotonic() - self._result[0]
        detail = f"schema version {version}; quick_check ok {age:.0f} s ago"
        return Health(ok=True, backend=BACKEND, detail=detail)

    async def close(self) -> None:
        """Abort a running ``quick_check`` and wait for its thread."""
        running = self._running
        if running is not None:
            running.interrupt()
        if self._task is not None:
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    async def _integrity(self) -> list[str] | None:
        stale = self._result is None or time.monotonic() - self._result[0] > self.max_age
        if stale and self._task is None:
            self._task = asyncio.create_task(asyncio.to_thread(self._quick_check))
        if self._task is not None:
            await asyncio.wait([self._task], timeout=self.wait)
            if self._task.done():
                self._result = (time.monotonic(), self._task.result())
                self._task = None
        return None if self._result is None else self._result[1]

    def _schema_version(self) -> int:
        connection = connect_reader(self.path)
        try:
            return schema_version(connection)
        finally:
            connection.close()

    def _quick_check(self) -> list[str]:
        try:
            connection = connect_reader(self.path)
        except sqlite3.Error as error:
            return [f"quick_check could not connect: {error}"]
        self._running = connection
        try:
            return [str(row[0]) for row in connection.execute("PRAGMA quick_check")]
        except sqlite3.Error as error:
            return [f"quick_check failed: {error}"]
        finally:
            self._running = None
            connection.close()
