"""PostgreSQL specifics of the change log's wake-ups: the listening connection reconnects and
catches up, and stores in different schemas of one database do not wake each other."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import psycopg
import pytest

from service.store.postgres import PostgresStore
from service.store.postgres_notify import ChangeNotifications, channel_for

from .factories import NOW, STORY_ID, day, make_draft, make_story

pytestmark = pytest.mark.postgres


@pytest.fixture
async def pg_store(postgres_url: str) -> AsyncIterator[PostgresStore]:
    store = PostgresStore(postgres_url, pool_size=2)
    await store.open()
    await store.create_story(make_story())
    yield store
    await store.close()


def listener_of(store: PostgresStore) -> ChangeNotifications:
    notifications = store.driver.notifications  # type: ignore[attr-defined]
    assert isinstance(notifications, ChangeNotifications)
    return notifications


async def test_the_listener_reconnects_and_catches_up(
    pg_store: PostgresStore, postgres_url: str
) -> None:
    woken: asyncio.Queue[int] = asyncio.Queue()
    pg_store.on_change(woken.put_nowait)
    assert await asyncio.wait_for(woken.get(), 5) == await pg_store.last_change_id()
    notifications = listener_of(pg_store)
    pid = notifications.backend_pid
    assert pid is not None

    async with await psycopg.AsyncConnection.connect(postgres_url, autocommit=True) as admin:
        await admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        for _ in range(100):  # until the listener has noticed
            if not notifications.listening.is_set():
                break
            await asyncio.sleep(0.02)
        # A write from elsewhere while nobody listens: its NOTIFY reaches no one.
        await admin.execute(
            "INSERT INTO changes (kind, story_id, headline, at)"
            " VALUES ('story.updated', %s, 'Written while down', now())",
            (STORY_ID,),
        )
    missed = await pg_store.last_change_id()
    # Reconnected, it reads the newest id and wakes with it.
    assert await asyncio.wait_for(woken.get(), 5) == missed
    assert notifications.backend_pid not in (None, pid)
    await pg_store.create_brief(STORY_ID, make_draft("opening", day(1)), NOW)
    assert await asyncio.wait_for(woken.get(), 5) == await pg_store.last_change_id()


async def test_stores_in_other_schemas_are_not_woken(
    pg_store: PostgresStore, postgres_url: str, postgres_server_url: str
) -> None:
    woken: list[int] = []
    pg_store.on_change(woken.append)
    await asyncio.wait_for(listener_of(pg_store).listening.wait(), 5)
    await asyncio.sleep(0.2)  # the catch-up read after LISTEN
    woken.clear()
    async with await psycopg.AsyncConnection.connect(postgres_server_url) as other:
        # A NOTIFY on the channel of a store in another schema.
        await other.execute("SELECT pg_notify(%s, '999')", (channel_for("another_store_schema"),))
        await other.commit()
    await asyncio.sleep(0.3)
    assert woken == []


def test_long_schema_names_get_a_channel_that_fits() -> None:
    assert channel_for("briefs") == "briefs_changes.briefs"
    long = channel_for("s" * 80)
    assert len(long) <= 63
    assert long == channel_for("s" * 80) != channel_for("s" * 81)
