"""Change-log wake-ups across replicas: PostgreSQL ``LISTEN/NOTIFY``.

A write that adds changes runs ``pg_notify(channel, newest id)`` in its transaction, so the
notification goes out at commit, and only if it commits. Each process (store) keeps one
dedicated connection that ``LISTEN``s and tells the store of every id it hears, on the event
loop, so a write on replica A wakes the listeners on replica B.

NOTIFY is only a wake-up, and notifications sent while the connection is down are lost, so on
every (re)connection, and every ``RECHECK_SECONDS`` without a notification, the listener reads
the log's newest id and wakes with it: a reader of the log catches up whatever happened. A lost
connection is retried with exponential backoff up to ``MAX_BACKOFF_SECONDS``.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from typing import Any

import psycopg
from psycopg import sql

from service.domain.errors import first_line
from service.store.driver import ChangeWake

RECHECK_SECONDS = 10.0
"""How long the listener waits for a notification before it reads the newest id anyway (which
also proves the connection alive)."""
APPLICATION_NAME = "briefs-change-listener"
"""How the listening connection shows in ``pg_stat_activity``."""
FIRST_BACKOFF_SECONDS = 0.1
MAX_BACKOFF_SECONDS = 5.0
_NEWEST_CHANGE = "SELECT max(id) FROM changes"
_CHANNEL_PREFIX = "briefs_changes"
_MAX_IDENTIFIER_BYTES = 63  # PostgreSQL's NAMEDATALEN - 1
_logger = logging.getLogger("briefs.store.changes")


def channel_for(schema: str) -> str:
    """The notification channel of the store in ``schema``: channels are per database, so each
    schema (each store sharing a database) has its own. Long names are hashed to fit."""
    channel = f"{_CHANNEL_PREFIX}.{schema}"
    if len(channel.encode()) <= _MAX_IDENTIFIER_BYTES:
        return channel
    return f"{_CHANNEL_PREFIX}.{hashlib.sha256(schema.encode()).hexdigest()[:32]}"


class ChangeNotifications:
    """The listening connection of one store: started once, stopped at close."""

    def __init__(self, url: str, channel: str, wake: ChangeWake) -> None:
        self._url = url
        self._channel = channel
        self._wake = wake
        self._task: asyncio.Task[None] | None = None
        self._backoff = FIRST_BACKOFF_SECONDS
        self.listening = asyncio.Event()
        """Set while ``LISTEN`` is in effect (tests wait for it)."""
        self.backend_pid: int | None = None
        """The server process of the listening connection while it is up."""

    def start(self) -> None:
        """Start listening, on the running event loop."""
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        """Stop listening and close the connection."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        self.listening.clear()

    async def _run(self) -> None:
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(
                    self._url, autocommit=True, application_name=APPLICATION_NAME
                ) as connection:
                    await self._listen(connection)
            except (psycopg.Error, OSError) as error:
                _logger.warning("change notifications interrupted: %s", first_line(error))
            finally:
                self.listening.clear()
                self.backend_pid = None
            await asyncio.sleep(self._backoff)
            self._backoff = min(self._backoff * 2, MAX_BACKOFF_SECONDS)

    async def _listen(self, connection: psycopg.AsyncConnection[Any]) -> None:
        await connection.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self._channel)))
        self.backend_pid = connection.info.backend_pid
        self.listening.set()
        self._backoff = FIRST_BACKOFF_SECONDS
        while True:
            # Catch up on what was committed while not listening (or whose notice was lost).
            cursor = await connection.execute(_NEWEST_CHANGE)
            row = await cursor.fetchone()
            if row is not None and row[0] is not None:
                self._wake(int(row[0]))
            async for notice in connection.notifies(timeout=RECHECK_SECONDS):
                try:
                    change_id = int(notice.payload)
                except ValueError:  # not one of ours: the log is read anyway
                    continue
                self._wake(change_id)
