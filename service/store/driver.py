"""The small interface the SQL store core (`service.store.core`) runs on, and what it maps to.

A driver answers single statements (``one``, ``all``) and runs a write as one transaction
(``transaction``); the SQLite and PostgreSQL drivers hold only what truly differs between the
backends: connections and threads, locking, error codes and a few words of dialect. Statements
use ``?`` placeholders everywhere; the PostgreSQL driver rewrites them once per statement.

Values cross the interface in one shape on both backends: dates and timestamps as ISO 8601 text,
bodies as the JSON text or bytes ``codec`` reads, scopes through the dialect.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol, TypeVar

import msgspec

from service.store.base import Health

T = TypeVar("T")
Row = tuple[Any, ...]


class Dialect(msgspec.Struct, kw_only=True, frozen=True):
    """The words of SQL and the value shapes that differ between the backends."""

    backend: str
    """``sqlite`` or ``postgres``, as `Health` names it."""
    contains: str
    """Substring test of ``b.search_text`` against the next ``?``."""
    for_update: str
    """Appended to a ``SELECT`` whose rows the transaction goes on to change (row lock)."""
    for_no_key_update: str
    """Appended to the ``SELECT`` of a parent row whose children the transaction changes."""
    canonical_bodies: bool
    """Whether a stored body reads back as the very bytes ``codec.encode`` wrote (PostgreSQL's
    ``jsonb`` keeps neither key order nor spacing)."""
    json_param: Callable[[bytes], object]
    """How encoded JSON is passed as a parameter."""
    scopes_param: Callable[[list[str]], object]
    """How a token's scope names are passed as a parameter."""
    scopes_value: Callable[[Any], list[str]]
    """A token's scope names from the column's value."""


class UniqueViolationError(Exception):
    """A unique or primary-key constraint refused a row; ``constraint`` names what the driver
    reports of it (PostgreSQL: the constraint's name; SQLite: its columns)."""

    def __init__(self, constraint: str) -> None:
        super().__init__(constraint)
        self.constraint = constraint


class ForeignKeyViolationError(Exception):
    """A foreign key refused a row (its parent is missing)."""


class Tx(Protocol):
    """The statements of one write transaction."""

    async def one(self, sql: str, *params: object) -> Row | None:
        """The first row of a query, if any."""

    async def all(self, sql: str, *params: object) -> list[Row]:
        """Every row of a query."""

    async def execute(self, sql: str, *params: object) -> None:
        """A statement without result rows."""

    async def execute_many(self, sql: str, rows: Sequence[Sequence[object]]) -> None:
        """One statement for each parameter row (none at all for no rows)."""

    async def lock(self, key: str) -> None:
        """Serialise the transactions that take the same key (released at commit)."""

    async def append_changes(self, sql: str, rows: Sequence[Sequence[object]]) -> int:
        """Run ``sql`` (an ``INSERT ... RETURNING id`` into ``changes``) for each row, in order,
        as the transaction's last statements; the last id.

        From here to its commit the transaction runs one at a time with every other that appends
        changes, in every process, so ids are committed in the order they are taken. Once it
        commits, listeners are told of the last id (PostgreSQL: a ``NOTIFY`` every replica's
        listening connection receives).
        """


ChangeWake = Callable[[int], None]
"""Called on the event loop with the newest change id a driver has learnt of."""


class Driver(Protocol):
    """A connected backend: single-statement reads and whole write transactions."""

    dialect: Dialect

    async def open(self) -> list[int]:
        """Connect and apply pending migrations; returns the versions applied now."""

    async def close(self) -> None:
        """Release connections and threads."""

    async def health(self) -> Health:
        """Reachable, schema current, sound, and writes not failing for want of space."""

    async def one(self, sql: str, *params: object) -> Row | None:
        """The first row of a read, if any."""

    async def all(self, sql: str, *params: object) -> list[Row]:
        """Every row of a read."""

    def watch_changes(self, wake: ChangeWake) -> None:
        """From now on, call ``wake`` with the change id a committed transaction of this driver
        notified (right after its commit), and with the newest id when other processes (or
        replicas) commit changes, until ``close``. Called once, on the event loop; the work of
        watching other processes starts then, or at ``open`` if the driver is not open yet."""

    async def transaction(self, work: Callable[[Tx], Awaitable[T]]) -> T:
        """Run ``work`` in one transaction: committed when it returns, rolled back if it raises.

        ``work`` may run on another thread (SQLite's writer) and must not await anything but
        the statements of its ``Tx``. A write that fails for want of space (or on an I/O error)
        is remembered until one succeeds, and ``health`` reports it.
        """
