"""The SQLite store (the default backend): the SQL core on the stdlib ``sqlite3`` module.

Measured here, a primary-key read costs ~11 µs through ``sqlite3`` against ~68 µs through
aiosqlite and ~0.4 ms through SQLAlchemy async (see docs/perf/store.md), so:

* reads run inline on the event loop, on one ``query_only`` connection: in WAL mode they never
  wait for a writer, and a lookup takes microseconds, less than a thread hop would;
* writes can wait up to the busy timeout for another process's write lock, so they run on one
  dedicated writer thread with its own connection. It serialises this process's writers without
  a lock, and each write is one ``BEGIN IMMEDIATE`` transaction, atomic across processes. The
  core's transaction (a coroutine) runs there in one step: its statements never suspend.

Change-log wake-ups: after each commit that wrote changes, on the event loop; and, while anyone
listens, a poll of the log's newest id (an index lookup of microseconds) every
``CHANGE_POLL_SECONDS`` finds the commits of other processes sharing the file (workers).
"""

from __future__ import annotations

import asyncio
import functools
import sqlite3
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec

from service.domain.errors import first_line
from service.store.base import Health
from service.store.core import SQLStore
from service.store.driver import Dialect, ForeignKeyViolationError, UniqueViolationError
from service.store.migrations import latest_version
from service.store.sqlite_health import IntegrityMonitor
from service.store.sqlite_schema import connect_reader, connect_writer, immediate, migrate

if TYPE_CHECKING:
    from service.store.driver import ChangeWake, Row, T, Tx

_scopes_decoder = msgspec.json.Decoder(list[str])
DIALECT = Dialect(
    backend="sqlite",
    contains="instr(b.search_text, ?) > 0",
    for_update="",  # BEGIN IMMEDIATE has locked the whole database already
    for_no_key_update="",
    canonical_bodies=True,
    json_param=lambda body: body,
    scopes_param=lambda scopes: msgspec.json.encode(scopes).decode(),
    scopes_value=_scopes_decoder.decode,
)
# The primary result codes of a write that failed for want of space or on the disk itself.
_STORAGE_FAILURES = {sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN}
_PROBE_BYTES = 64 * 1024  # more than a page: the probe must allocate pages, as writes do
CHANGE_POLL_SECONDS = 0.2
"""How often a listened-to store looks for changes other processes committed to the file."""
_NEWEST_CHANGE = "SELECT max(id) FROM changes"


class SQLiteStore(SQLStore):
    """A `Store` on one SQLite file; several processes may open the same file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(SQLiteDriver(path))


class SQLiteDriver:
    """Inline reads on a ``query_only`` connection; transactions on the writer thread."""

    dialect = DIALECT

    def __init__(self, path: Path) -> None:
        self.path = path
        self._writer_thread: ThreadPoolExecutor | None = None
        self._writer: sqlite3.Connection | None = None
        self._reader: sqlite3.Connection | None = None
        self._integrity = IntegrityMonitor(path)
        self._write_failure: str | None = None
        self._wake: ChangeWake | None = None
        self._poll: asyncio.Task[None] | None = None

    async def open(self) -> list[int]:
        """Create the file if needed, apply pending migrations, open the reader."""
        if self._writer_thread is not None:
            raise RuntimeError("the store is already open")
        self._writer_thread = ThreadPoolExecutor(1, thread_name_prefix="briefs-sqlite-writer")
        try:
            self._writer = await self._on_writer(connect_writer, self.path)
            applied = await self._on_writer(migrate, self._writer)
            self._reader = connect_reader(self.path)
        except BaseException:
            await self.close()
            raise
        self._start_polling()
        return applied

    async def close(self) -> None:
        """Close both connections and stop the writer and integrity-check threads."""
        if self._poll is not None:
            self._poll.cancel()
            await asyncio.gather(self._poll, return_exceptions=True)
            self._poll = None
        await self._integrity.close()
        if self._reader is not None:
            self._reader.close()
            self._reader = None
        if self._writer is not None:
            await self._on_writer(_optimize_and_close, self._writer)
            self._writer = None
        if self._writer_thread is not None:
            self._writer_thread.shutdown(wait=False)
            self._writer_thread = None

    async def health(self) -> Health:
        """Schema version on a short-lived connection, the latest ``PRAGMA quick_check``, and
        whether writes fail: after a write failed for want of space (or on an I/O error), a
        probe write, rolled back, must succeed before the store is ready again."""
        health = await self._integrity.health(latest_version("sqlite"))
        if health.ok and self._write_failure is not None and self._writer is not None:
            problem = await self._on_writer(_probe_write, self._writer)
            if problem is None:
                self._write_failure = None
            else:
                return Health(ok=False, backend="sqlite", detail=f"writes fail: {problem}")
        return health

    async def one(self, sql: str, *params: object) -> Row | None:
        """The first row of a read, inline on the event loop."""
        row: Row | None = self._read.execute(sql, params).fetchone()
        return row

    async def all(self, sql: str, *params: object) -> list[Row]:
        """Every row of a read, inline on the event loop."""
        return self._read.execute(sql, params).fetchall()

    def watch_changes(self, wake: ChangeWake) -> None:
        """Wake after this process's commits, and poll for other processes' (see the module)."""
        self._wake = wake
        if self._reader is not None:
            self._start_polling()

    async def transaction(self, work: Callable[[Tx], Awaitable[T]]) -> T:
        """``work`` in one ``BEGIN IMMEDIATE`` transaction on the writer thread; then, if it
        wrote changes, the wake-up."""
        writer = self._writer
        if writer is None:
            raise RuntimeError("the store is not open")
        try:
            done: tuple[T, int] = await self._on_writer(_run, writer, work)
        except sqlite3.Error as error:
            code = getattr(error, "sqlite_errorcode", None)  # None when not raised by SQLite
            if code is not None and code & 0xFF in _STORAGE_FAILURES:
                self._write_failure = first_line(error)
            raise
        self._write_failure = None
        result, change_id = done
        if change_id and self._wake is not None:
            self._wake(change_id)
        return result

    def _start_polling(self) -> None:
        if self._wake is not None and self._poll is None:
            self._poll = asyncio.get_running_loop().create_task(self._poll_changes(self._wake))

    async def _poll_changes(self, wake: ChangeWake) -> None:
        while True:
            await asyncio.sleep(CHANGE_POLL_SECONDS)
            try:
                row = self._read.execute(_NEWEST_CHANGE).fetchone()
            except sqlite3.Error:  # busy or failing disk: health reports it; try again later
                continue
            if row is not None and row[0] is not None:
                wake(int(row[0]))

    @property
    def _read(self) -> sqlite3.Connection:
        if self._reader is None:
            raise RuntimeError("the store is not open")
        return self._reader

    async def _on_writer(self, function: Callable[..., T], *args: Any) -> T:
        if self._writer_thread is None:
            raise RuntimeError("the store is not open")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._writer_thread, functools.partial(function, *args))


class _WriterTx:
    """The statements of a transaction, on the writer's connection, mapping constraint errors."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection
        self.change_id = 0  # the newest change this transaction wrote (0: none)

    async def one(self, sql: str, *params: object) -> Row | None:
        row: Row | None = self._execute(sql, params).fetchone()
        return row

    async def all(self, sql: str, *params: object) -> list[Row]:
        return self._execute(sql, params).fetchall()

    async def execute(self, sql: str, *params: object) -> None:
        self._execute(sql, params)

    async def execute_many(self, sql: str, rows: Sequence[Sequence[object]]) -> None:
        try:
            self._connection.executemany(sql, rows)
        except sqlite3.IntegrityError as error:
            raise _constraint(error) from None

    async def lock(self, key: str) -> None:
        """Nothing to do: ``BEGIN IMMEDIATE`` serialises every writer of the file."""

    async def append_changes(self, sql: str, rows: Sequence[Sequence[object]]) -> int:
        """The inserts, in order (``BEGIN IMMEDIATE`` already serialises every writer of the
        file); the last id is remembered for the wake-up after commit."""
        for row in rows:
            inserted = self._execute(sql, tuple(row)).fetchone()
            assert inserted is not None  # INSERT ... RETURNING gives the row
            self.change_id = int(inserted[0])
        return self.change_id

    def _execute(self, sql: str, params: tuple[object, ...]) -> sqlite3.Cursor:
        try:
            return self._connection.execute(sql, params)
        except sqlite3.IntegrityError as error:
            raise _constraint(error) from None


def _constraint(error: sqlite3.IntegrityError) -> Exception:
    """The core's error for a constraint's refusal (a trigger's refusal stays as it is)."""
    text = str(error)
    if text.startswith("UNIQUE constraint failed: "):
        return UniqueViolationError(text.removeprefix("UNIQUE constraint failed: "))
    if text.startswith("FOREIGN KEY constraint failed"):
        return ForeignKeyViolationError(text)
    return error


def _run(connection: sqlite3.Connection, work: Callable[[Tx], Awaitable[T]]) -> tuple[T, int]:
    """Run the transaction ``work`` to completion on this (the writer) thread; its result and
    the newest change id it wrote (0: none)."""
    tx = _WriterTx(connection)
    with immediate(connection):
        result = _complete(work(tx))
    return result, tx.change_id


def _complete(awaitable: Awaitable[T]) -> T:
    # The statements of a _WriterTx never suspend, so the coroutine finishes on its first step,
    # here, with no event loop: one thread hop per transaction rather than one per statement.
    coroutine: Coroutine[Any, Any, T] = awaitable  # type: ignore[assignment]
    try:
        coroutine.send(None)
    except StopIteration as done:
        result: T = done.value
        return result
    coroutine.close()
    raise RuntimeError("a SQLite transaction awaited something other than its statements")


def _probe_write(connection: sqlite3.Connection) -> str | None:
    """Why a small write that allocates pages fails now (``None``: it succeeds); rolled back."""
    try:
        connection.execute("BEGIN IMMEDIATE")
        try:
            connection.execute("CREATE TABLE briefs_write_probe (filler BLOB)")
            connection.execute(
                "INSERT INTO briefs_write_probe VALUES (zeroblob(?))", (_PROBE_BYTES,)
            )
        finally:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
    except sqlite3.Error as error:
        return first_line(error)
    return None


def _optimize_and_close(connection: sqlite3.Connection) -> None:
    # SQLite's advice: refresh the planner's statistics where they are stale, at close. It is an
    # optimisation, so it is skipped when another process holds the write lock for too long.
    try:
        with immediate(connection):
            connection.execute("PRAGMA optimize")
    except sqlite3.OperationalError:
        pass
    finally:
        connection.close()
