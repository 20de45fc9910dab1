"""The PostgreSQL store, for several replicas sharing one database: the SQL core on psycopg 3
(async) and an ``AsyncConnectionPool`` of ``db_pool_size`` autocommit connections per worker.

Reads are single statements (no transaction round trips); every write is one transaction, READ
COMMITTED, whose row locks (``FOR UPDATE``) make concurrent editors on any replica queue. Migrations
run at open under an advisory lock, so replicas starting together apply each exactly once.
Writers of the change log take one more advisory lock, so its ids follow commit order (see
migration 0006), and wake every replica's listeners through ``NOTIFY`` (`postgres_notify`).
"""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

import psycopg
from psycopg import errors
from psycopg.types.string import TextLoader
from psycopg_pool import AsyncConnectionPool

from service.domain.errors import InvalidContentError, first_line
from service.store.base import Health
from service.store.core import SQLStore
from service.store.driver import Dialect, ForeignKeyViolationError, UniqueViolationError
from service.store.migrations import latest_version, load_migrations
from service.store.postgres_notify import ChangeNotifications, channel_for
from service.store.records import NUL_MESSAGE

if TYPE_CHECKING:
    from service.store.driver import ChangeWake, Row, T, Tx

Connection = psycopg.AsyncConnection[tuple[Any, ...]]

DIALECT = Dialect(
    backend="postgres",
    contains="strpos(b.search_text, ?) > 0",
    for_update=" FOR UPDATE",
    for_no_key_update=" FOR NO KEY UPDATE",
    canonical_bodies=False,
    json_param=bytes.decode,  # text, which the server casts to the jsonb column
    scopes_param=lambda scopes: scopes,  # a text[] column
    scopes_value=list,
)
# Read as text: the core takes dates and timestamps as ISO 8601 text and bodies as JSON text,
# the shapes SQLite stores; the server casts such text parameters to the column's type.
_TEXT_TYPES = ("jsonb", "date", "timestamptz")
# SQLSTATEs of a write that failed for want of space or on the disk itself.
_STORAGE_FAILURES = {"53100", "53200", "58030"}  # disk_full, out_of_memory, io_error
_HEALTH_TIMEOUT_SECONDS = 5.0
_MIGRATION_LOCK = 0x42524945  # "BRIE": the advisory lock key of the migration runner
# The change log's commit lock: the two-key form, a key space apart from the one-key locks
# (``Tx.lock``'s hashes, the migration lock), so no story's lock can ever be this one.
_SERIALISE_COMMITS = f"SELECT pg_advisory_xact_lock({0x42524945}, 6)"
_NOTIFY_NEWEST = "SELECT pg_notify(%s, (SELECT max(id) FROM changes)::text)"


class PostgresStore(SQLStore):
    """A `Store` on a PostgreSQL database (the schema is the URL's ``search_path``)."""

    def __init__(self, url: str, *, pool_size: int) -> None:
        self.url = url
        super().__init__(PostgresDriver(url, pool_size=pool_size))


class PostgresDriver:
    """Statements on pooled connections; ``?`` placeholders become psycopg's ``%s``."""

    dialect = DIALECT

    def __init__(self, url: str, *, pool_size: int) -> None:
        self._write_failure: str | None = None
        self._url = url
        self._channel = ""  # named at open, after the schema
        self._wake: ChangeWake | None = None
        self._notifications: ChangeNotifications | None = None
        self._pool: AsyncConnectionPool[Any] = AsyncConnectionPool(
            url,
            min_size=pool_size,  # a fixed pool: connection problems show at start-up
            max_size=pool_size,
            open=False,
            kwargs={"autocommit": True},
            configure=_configure,
            name="briefs",
        )

    async def open(self) -> list[int]:
        """Connect the pool and apply pending migrations."""
        await self._pool.open(wait=True, timeout=10.0)
        try:
            async with self._pool.connection() as connection:
                applied = await _migrate(connection)
                cursor = await connection.execute("SELECT current_schema()")
                row = await cursor.fetchone()
        except BaseException:
            await self._pool.close()
            raise
        self._channel = channel_for(str(row[0]) if row else "public")
        self._start_listening()
        return applied

    async def close(self) -> None:
        """Stop listening and close every pooled connection."""
        if self._notifications is not None:
            await self._notifications.stop()
            self._notifications = None
        await self._pool.close()

    def watch_changes(self, wake: ChangeWake) -> None:
        """Wake after this process's commits, and for every replica's (``LISTEN``)."""
        self._wake = wake
        if self._channel:
            self._start_listening()

    async def health(self) -> Health:
        """Reachable, the schema at the version this release expects, and, after a write failed
        for want of space, a probe write (rolled back) that succeeds."""
        expected = latest_version("postgres")
        try:
            async with self._pool.connection(timeout=_HEALTH_TIMEOUT_SECONDS) as connection:
                cursor = await connection.execute("SELECT max(version) FROM schema_migrations")
                row = await cursor.fetchone()
                problem = None if self._write_failure is None else await _probe_write(connection)
        except (psycopg.Error, OSError) as error:  # PoolTimeout is a psycopg.OperationalError
            return Health(ok=False, backend="postgres", detail=first_line(error))
        version = int(row[0] or 0) if row else 0
        if version != expected:
            detail = f"schema version {version}, this release expects {expected}"
            return Health(ok=False, backend="postgres", detail=detail)
        if problem is not None:
            return Health(ok=False, backend="postgres", detail=f"writes fail: {problem}")
        self._write_failure = None
        return Health(ok=True, backend="postgres", detail=f"schema version {version}")

    async def one(self, sql: str, *params: object) -> Row | None:
        """The first row of a read."""
        async with self._connection() as connection:
            cursor = await connection.execute(_sql(sql), params)
            row: Row | None = await cursor.fetchone()
            return row

    async def all(self, sql: str, *params: object) -> list[Row]:
        """Every row of a read."""
        async with self._connection() as connection:
            cursor = await connection.execute(_sql(sql), params)
            rows: list[Row] = await cursor.fetchall()
            return rows

    async def transaction(self, work: Callable[[Tx], Awaitable[T]]) -> T:
        """``work`` in one transaction on a pooled connection; then, if it wrote changes, the
        wake-up of this process's listeners (other replicas hear its ``NOTIFY``)."""
        try:
            async with self._connection() as connection, connection.transaction():
                tx = _PostgresTx(connection, self._channel)
                result = await work(tx)
        except psycopg.Error as error:
            if error.sqlstate in _STORAGE_FAILURES:
                self._write_failure = first_line(error)
            raise
        self._write_failure = None
        if tx.change_id and self._wake is not None:
            self._wake(tx.change_id)
        return result

    @property
    def notifications(self) -> ChangeNotifications | None:
        """The listening connection (``None`` until someone listens)."""
        return self._notifications

    def _start_listening(self) -> None:
        if self._wake is not None and self._notifications is None:
            self._notifications = ChangeNotifications(self._url, self._channel, self._wake)
            self._notifications.start()

    @asynccontextmanager
    async def _connection(self) -> AsyncIterator[Connection]:
        try:
            async with self._pool.connection() as connection:
                yield connection
        except psycopg.DataError as error:
            raise _nul(error) from None


class _PostgresTx:
    """The statements of a transaction, mapping constraint errors to the core's."""

    def __init__(self, connection: Connection, channel: str) -> None:
        self._connection = connection
        self._channel = channel
        self.change_id = 0  # the newest change this transaction wrote (0: none)

    async def one(self, sql: str, *params: object) -> Row | None:
        async with self._mapped():
            cursor = await self._connection.execute(_sql(sql), params)
            row: Row | None = await cursor.fetchone()
            return row

    async def all(self, sql: str, *params: object) -> list[Row]:
        async with self._mapped():
            cursor = await self._connection.execute(_sql(sql), params)
            rows: list[Row] = await cursor.fetchall()
            return rows

    async def execute(self, sql: str, *params: object) -> None:
        async with self._mapped():
            await self._connection.execute(_sql(sql), params)

    async def execute_many(self, sql: str, rows: Sequence[Sequence[object]]) -> None:
        if not rows:
            return
        async with self._mapped(), self._connection.cursor() as cursor:
            await cursor.executemany(_sql(sql), rows)

    async def lock(self, key: str) -> None:
        """A transaction-scoped advisory lock on the key's hash."""
        await self.execute("SELECT pg_advisory_xact_lock(hashtext(?))", key)

    async def append_changes(self, sql: str, rows: Sequence[Sequence[object]]) -> int:
        """The change log's commit lock (transaction-scoped, on every replica; see migration
        0006), the inserts, and a ``NOTIFY`` of the newest id (sent at commit, only if it
        commits), in one round trip (a pipeline); the last id is remembered for this process's
        wake-up after commit. Under the lock the newest id is this transaction's last one."""
        async with self._mapped(), self._connection.pipeline():
            await self._connection.execute(_SERIALISE_COMMITS)
            cursors = [await self._connection.execute(_sql(sql), row) for row in rows]
            await self._connection.execute(_NOTIFY_NEWEST, (self._channel,))
            inserted = await cursors[-1].fetchone()
        assert inserted is not None  # INSERT ... RETURNING gives the row
        self.change_id = int(inserted[0])
        return self.change_id

    @asynccontextmanager
    async def _mapped(self) -> AsyncIterator[None]:
        try:
            yield
        except errors.UniqueViolation as error:
            raise UniqueViolationError(error.diag.constraint_name or "") from None
        except errors.ForeignKeyViolation as error:
            raise ForeignKeyViolationError(first_line(error)) from None


@functools.cache
def _sql(statement: str) -> str:
    """A statement with psycopg's placeholders (the core writes no literal ``%`` or ``?``)."""
    return statement.replace("?", "%s")


async def _configure(connection: Connection) -> None:
    for name in _TEXT_TYPES:
        connection.adapters.register_loader(name, TextLoader)


def _nul(error: psycopg.DataError) -> Exception:
    """The domain's error for text PostgreSQL cannot hold: NUL (in text, or as ``\\u0000`` in
    ``jsonb``), which the core refuses before it writes; this is the backstop for the rest."""
    if error.sqlstate == "22P05" or "NUL" in str(error):
        return InvalidContentError([("$", NUL_MESSAGE)])
    return error


async def _probe_write(connection: Connection) -> str | None:
    """Why a small write fails now (``None``: it succeeds); always rolled back."""
    try:
        async with connection.transaction(force_rollback=True):
            await connection.execute("CREATE TEMPORARY TABLE briefs_write_probe (filler text)")
            await connection.execute("INSERT INTO briefs_write_probe SELECT repeat('x', 65536)")
    except psycopg.Error as error:
        return first_line(error)
    return None


async def _migrate(connection: psycopg.AsyncConnection[Any]) -> list[int]:
    """Apply pending migrations in one transaction under an advisory lock; returns them."""
    applied: list[int] = []
    async with connection.transaction():
        await connection.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
        await connection.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY,"
            " name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        cursor = await connection.execute("SELECT version FROM schema_migrations")
        done = {row[0] for row in await cursor.fetchall()}
        for migration in load_migrations("postgres"):
            if migration.version in done:
                continue
            await connection.execute(migration.sql.encode())  # no parameters: several statements
            await connection.execute(
                "INSERT INTO schema_migrations (version, name) VALUES (%s, %s)",
                (migration.version, migration.name),
            )
            applied.append(migration.version)
    return applied
