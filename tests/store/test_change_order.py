"""Store contract: change ids follow commit order, so a reader resuming after the last id it saw
never misses a change, under concurrent writers on several stories and store instances."""

from __future__ import annotations

import asyncio

import pytest

from service.domain.models import Brief
from service.settings import Settings
from service.store import writes
from service.store.base import Store
from service.store.driver import Tx
from service.store.factory import open_store
from service.store.postgres import PostgresStore

from .factories import NOW, day, make_draft, make_story

STORIES = 4
BRIEFS_PER_STORY = 8


async def test_a_resuming_reader_sees_every_change_of_concurrent_writers(
    store: Store, settings: Settings
) -> None:
    other = await open_store(settings)
    try:
        for n in range(STORIES):
            await store.create_story(make_story(f"story-{n}"))
        start = await store.last_change_id()
        done = asyncio.Event()
        resumed: list[int] = []

        async def reader() -> None:
            after = start
            while True:
                finished = done.is_set()  # read once more after the writers finished
                for change in await other.changes_after(after, limit=5):
                    resumed.append(change.id)
                    after = change.id
                if finished:
                    return
                await asyncio.sleep(0)

        async def writer(n: int) -> None:
            for b in range(BRIEFS_PER_STORY):
                draft = make_draft(f"brief-{b}", day(b + 1))
                await (store, other)[(n + b) % 2].create_brief(f"story-{n}", draft, NOW)

        reading = asyncio.create_task(reader())
        await asyncio.gather(*(writer(n) for n in range(STORIES)))
        done.set()
        await reading
        logged = [change.id for change in await store.changes_after(start, limit=1000)]
        assert len(logged) == STORIES * BRIEFS_PER_STORY
        assert logged == sorted(set(logged))
        assert resumed == logged  # none missed, none twice
    finally:
        await other.close()


@pytest.mark.postgres
async def test_a_later_writer_waits_for_an_earlier_ones_commit(postgres_url: str) -> None:
    """On PostgreSQL, a transaction that took a change id holds later writers (of any story)
    until it commits, so no reader can see a higher id before a lower one."""
    store = PostgresStore(postgres_url, pool_size=3)
    await store.open()
    try:
        await store.create_story(make_story("slow-story"))
        await store.create_story(make_story("fast-story"))
        holding, release = asyncio.Event(), asyncio.Event()

        async def slow(tx: Tx) -> Brief:
            brief = await writes.create_brief(
                tx, store.driver.dialect, "slow-story", make_draft("slow", day(1)), NOW
            )
            holding.set()  # its change row is written: its id taken, not committed
            await release.wait()
            return brief

        slow_write = asyncio.create_task(store.driver.transaction(slow))
        await asyncio.wait_for(holding.wait(), 5)
        fast_write = asyncio.create_task(
            store.create_brief("fast-story", make_draft("fast", day(1)), NOW)
        )
        await asyncio.sleep(0.3)
        assert not fast_write.done()  # waiting for the slow one's commit
        assert [change.story_id for change in await store.changes_after(2)] == []
        release.set()
        await asyncio.gather(slow_write, fast_write)
        changes = await store.changes_after(2)
        assert [change.story_id for change in changes] == ["slow-story", "fast-story"]
    finally:
        await store.close()
