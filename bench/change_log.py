"""What the change log costs a write: median and p90 of ``update_brief`` and ``create_brief`` on
the fixture story's briefs (realistic bodies, so the diff behind the counts is realistic too).

    .venv/bin/python -m bench.change_log                     # SQLite in a temporary directory
    .venv/bin/python -m bench.change_log --postgres 'postgresql://postgres@127.0.0.1:5432/test'

Each update alternates a brief between two of the story's revisions (a correction and back), so
every revision has a real diff; each new brief, dated a day after the last, has the content of
the story's last brief or of the one before it, in turn, so it differs from its previous brief
as a new day's brief does.
The writes run in batches alternating with and without the change log (its rows, the previous
brief's read and the diff patched out), in one process on one database, so both sides see the
same machine load; on a shared machine that matters more than anything else.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import statistics
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import psycopg

from service.domain.files import load_story_dir, sort_briefs
from service.domain.models import Brief, BriefContent, BriefDraft, BriefUpdate
from service.settings import Settings
from service.store import outbox, writes
from service.store.core import SQLStore
from service.store.driver import Tx
from service.store.factory import open_store
from service.store.outbox import PendingChange

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "stories" / "ceasefire-2025"
NOW = dt.datetime(2025, 4, 1, tzinfo=dt.UTC)


BATCH = 10
T = TypeVar("T")


async def _skip_changes(tx: Tx, changes: Sequence[PendingChange]) -> None:
    """``append_changes`` patched out."""


async def _no_new_brief_change(tx: Tx, brief: Brief, counted: object) -> None:
    """``new_brief_change`` patched out."""


def _no_counts(brief: Brief, previous: Brief | None) -> None:
    """``brief_change`` patched out."""


async def _no_count_new_brief(driver: object, brief: Brief) -> None:
    """``count_new_brief`` patched out."""


_PATCHED_OUT = {
    (writes, "append_changes"): _skip_changes,
    (writes, "new_brief_change"): _no_new_brief_change,
    (writes, "brief_change"): _no_counts,
    (outbox, "count_new_brief"): _no_count_new_brief,
}
"""What the writes call for the change log, and what stands in for it when it is off."""


@contextmanager
def change_log(enabled: bool) -> Iterator[None]:
    """The change log's work in the writes, or (``enabled`` false) none of it."""
    if enabled:
        yield
        return
    saved = {(module, name): getattr(module, name) for module, name in _PATCHED_OUT}
    for (module, name), stand_in in _PATCHED_OUT.items():
        setattr(module, name, stand_in)
    try:
        yield
    finally:
        for (module, name), original in saved.items():
            setattr(module, name, original)


Timings = dict[bool, list[tuple[float, float, float]]]
"""With (true) and without the change log: (wall, in the transaction, process CPU) µs of each
call. The time in the transaction is what other writers wait for (SQLite: the file's write lock;
PostgreSQL: the story's row lock)."""


class TransactionClock:
    """Times every transaction of a store's driver."""

    def __init__(self, store: SQLStore) -> None:
        self.seconds = 0.0
        transaction = store.driver.transaction

        async def timed_transaction(work: Callable[[Tx], Awaitable[T]]) -> T:
            started = time.perf_counter()
            try:
                return await transaction(work)
            finally:
                self.seconds += time.perf_counter() - started

        store.driver.transaction = timed_transaction  # type: ignore[method-assign]


async def timed(store: SQLStore, samples: int, call: Callable[[int], Awaitable[object]]) -> Timings:
    """``samples`` calls with the change log and as many without, in alternating batches. The
    process's CPU time (every thread: SQLite writes on the writer thread) is what the machine's
    load inflates least; the database server's own work is not in it."""
    durations: Timings = {True: [], False: []}
    clock = TransactionClock(store)
    for i in range(2 * samples):
        enabled = (i // BATCH) % 2 == 0
        with change_log(enabled):
            clock.seconds = 0.0
            started, cpu = time.perf_counter(), time.process_time()
            await call(i)
            wall_us = (time.perf_counter() - started) * 1e6
            cpu_us = (time.process_time() - cpu) * 1e6
            durations[enabled].append((wall_us, clock.seconds * 1e6, cpu_us))
    return durations


async def measure(store: SQLStore, samples: int) -> dict[str, Timings]:
    folder = load_story_dir(FIXTURE)
    await store.import_folder(folder)
    story = folder.story.id
    briefs = sort_briefs(folder.briefs)
    target = max(briefs, key=lambda brief: brief.revision)  # a brief with a correction
    one, two = (brief for brief in briefs if brief.id == target.id and brief.revision <= 2)
    content = BriefContent.__struct_fields__

    async def update(i: int) -> object:
        current = await store.current_ref(story, target.id)
        source = (one, two)[i % 2]
        body = BriefUpdate(**{field: getattr(source, field) for field in content})
        return await store.update_brief(story, target.id, body, current.revision, NOW)

    latest = briefs[-1]
    before_latest = next(brief for brief in reversed(briefs) if brief.id != latest.id)

    async def create(i: int) -> object:
        source = (latest, before_latest)[i % 2]  # unlike the brief before it, as a new day's
        draft = BriefDraft(
            **{field: getattr(source, field) for field in content},
            id=f"copy-{i}",
            as_of=latest.as_of + dt.timedelta(days=i + 1),
        )
        return await store.create_brief(story, draft, NOW)

    return {
        "update_brief": await timed(store, samples, update),
        "create_brief": await timed(store, samples, create),
    }


async def run(url: str, samples: int) -> dict[str, Timings]:
    store = await open_store(Settings(database_url=url, db_pool_size=2))
    assert isinstance(store, SQLStore)
    try:
        return await measure(store, samples)
    finally:
        await store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--postgres", help="a PostgreSQL URL (a fresh schema is made in it)")
    args = parser.parse_args()
    if args.postgres:
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(args.postgres, autocommit=True) as connection:
            connection.execute(f"CREATE SCHEMA {schema}")
        try:
            url = f"{args.postgres}?options=-csearch_path%3D{schema}"
            results = asyncio.run(run(url, args.samples))
        finally:
            with psycopg.connect(args.postgres, autocommit=True) as connection:
                connection.execute(f"DROP SCHEMA {schema} CASCADE")
    else:
        with tempfile.TemporaryDirectory() as folder:
            results = asyncio.run(run(f"sqlite:///{folder}/bench.db", args.samples))
    for name, sides in results.items():
        for enabled, durations in sides.items():
            walls = [wall for wall, _, _ in durations]
            in_tx = statistics.median(tx for _, tx, _ in durations)
            cpu = statistics.median(cpu for _, _, cpu in durations)
            median, p90 = statistics.median(walls), statistics.quantiles(walls, n=10)[-1]
            label = f"{name} {'with' if enabled else 'without'} the change log"
            print(
                f"{label:38} median {median:6.0f} µs  p90 {p90:6.0f} µs"
                f"  in transaction {in_tx:6.0f} µs  CPU {cpu:6.0f} µs"
            )


if __name__ == "__main__":
    main()
