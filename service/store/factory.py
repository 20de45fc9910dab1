"""Choosing, opening and migrating the store the settings name."""

from __future__ import annotations

from service.settings import Settings
from service.store.base import Store
from service.store.postgres import PostgresStore
from service.store.sqlite import SQLiteStore


def create_store(settings: Settings) -> Store:
    """The store for ``settings.database_url``, not yet opened.

    PostgreSQL for ``postgresql://`` URLs, otherwise SQLite at ``settings.sqlite_path``.
    """
    if settings.is_postgres:
        return PostgresStore(settings.database_url, pool_size=settings.db_pool_size)
    return SQLiteStore(settings.sqlite_path)


async def open_store(settings: Settings) -> Store:
    """The store for the settings, connected and migrated; ``close()`` it when done."""
    store = create_store(settings)
    await store.open()
    return store


async def upgrade(settings: Settings) -> list[int]:
    """Apply pending schema migrations (``briefs db upgrade``); returns the versions applied now.

    An empty list means the schema was already current. Safe to run while servers are up and from
    several processes at once: migrations take the database's write (or advisory) lock.
    """
    store: SQLiteStore | PostgresStore
    if settings.is_postgres:
        store = PostgresStore(settings.database_url, pool_size=1)
    else:
        store = SQLiteStore(settings.sqlite_path)
    await store.open()
    await store.close()
    return store.applied_migrations
