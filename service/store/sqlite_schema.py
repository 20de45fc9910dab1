"""SQLite connections (pragmas), transactions and the migration runner.

Every connection runs in autocommit mode (``isolation_level=None``) and opens its transactions
explicitly, so a write transaction is always ``BEGIN IMMEDIATE``: it takes the database's write
lock up front (waiting up to the busy timeout) instead of failing half-way on a lock upgrade.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from service.store.migrations import load_migrations

BUSY_TIMEOUT_SECONDS = 5.0
"""How long a writer waits for another connection's write lock before ``database is locked``."""


def connect_writer(path: Path) -> sqlite3.Connection:
    """The read-write connection: WAL, ``synchronous=FULL``, busy timeout, foreign keys.

    It is created and used only by the store's single writer thread.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = _connect(path, check_same_thread=False)
    # WAL: readers never block the writer nor wait for it; the mode is persistent in the file.
    connection.execute("PRAGMA journal_mode = WAL")
    return connection


def connect_reader(path: Path) -> sqlite3.Connection:
    """A read-only connection (``query_only``) for the event-loop thread."""
    connection = _connect(path, check_same_thread=True)
    connection.execute("PRAGMA query_only = ON")
    return connection


def _connect(path: Path, *, check_same_thread: bool) -> sqlite3.Connection:
    connection = sqlite3.connect(
        path,
        timeout=BUSY_TIMEOUT_SECONDS,
        isolation_level=None,
        check_same_thread=check_same_thread,
        cached_statements=256,
    )
    # FULL: a commit is durable once it returns, even on power loss (NORMAL may lose the last
    # transactions in WAL mode); writes are rare next to reads here, so durability wins.
    connection.execute("PRAGMA synchronous = FULL")
    connection.execute("PRAGMA foreign_keys = ON")
    connection.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
    return connection


@contextmanager
def immediate(connection: sqlite3.Connection) -> Iterator[None]:
    """A write transaction: ``BEGIN IMMEDIATE``, then ``COMMIT``, or ``ROLLBACK`` on any error."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise


def migrate(connection: sqlite3.Connection) -> list[int]:
    """Apply pending migrations in one transaction; returns the versions applied now.

    Idempotent, and safe when several processes open the same file at once: the write lock is
    taken before the applied versions are read.
    """
    applied: list[int] = []
    with immediate(connection):
        connection.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        done = {row[0] for row in connection.execute("SELECT version FROM schema_migrations")}
        for migration in load_migrations("sqlite"):
            if migration.version in done:
                continue
            for statement in split_statements(migration.sql):
                connection.execute(statement)
            connection.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                (migration.version, migration.name, dt.datetime.now(dt.UTC).isoformat()),
            )
            applied.append(migration.version)
    return applied


def schema_version(connection: sqlite3.Connection) -> int:
    """The highest applied migration, 0 for a database without any."""
    try:
        row = connection.execute("SELECT max(version) FROM schema_migrations").fetchone()
    except sqlite3.OperationalError:
        return 0
    return int(row[0] or 0)


def split_statements(script: str) -> Iterator[str]:
    """The statements of a script, split by SQLite's own tokenizer (triggers hold ``;`` too).

    ``executescript`` cannot be used: it commits any open transaction first.
    """
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            yield buffer.strip()
            buffer = ""
    leftover = "\n".join(
        line for line in buffer.splitlines() if line.strip() and not line.strip().startswith("--")
    )
    if leftover:
        raise ValueError(f"incomplete SQL statement at the end of a migration: {leftover[:80]!r}")
