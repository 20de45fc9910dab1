"""SQLite store at scale: the same reads on 1,000 and on 1,000,000 briefs, plus the cost of one
primary-key lookup through the store against raw ``sqlite3``, measured in the same run.

    .venv/bin/python -m bench.store_scale                  # 1k vs 1M (builds /tmp files once)
    .venv/bin/python -m bench.store_scale --rebuild        # rebuild both databases
    .venv/bin/python -m bench.store_scale --large 100000   # a smaller large side, for a quick run
    .venv/bin/python -m bench.store_scale --postgres 'postgresql://...?options=-csearch_path%3Dbench'

Both databases hold stories of ``--per-story`` briefs (100 by default: 10 stories for 1k, 10,000
for 1M), so the comparison isolates the size of the database, not the size of one story. The
databases are built with the store's own migrations, then bulk-loaded (``executemany`` in big
transactions, journal off) with synthetic briefs whose index rows come from the store's helpers.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import random
import sqlite3
import statistics
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import msgspec

from service.domain import codec
from service.domain.files import StoryFolder
from service.domain.models import (
    Brief,
    Issue,
    IssueStatus,
    Party,
    PartyKind,
    Position,
    Source,
    Stance,
    Story,
)
from service.domain.wire import BriefQuery
from service.store.base import Store
from service.store.postgres import PostgresStore
from service.store.records import brief_index
from service.store.sqlite import SQLiteStore

PARTIES = ["north", "south", "east", "west", "board", "guild", "council", "league"]
START = dt.date(2000, 1, 1)
STAMP = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
BATCH = 50_000


def story_id(number: int) -> str:
    return f"story-{number:05d}"


def brief_id(number: int) -> str:
    return f"brief-{number:04d}"


def synthetic_story(number: int) -> Story:
    return Story(
        id=story_id(number),
        title=f"Synthetic story {number}",
        parties=[Party(id=party, name=party.title(), kind=PartyKind.STATE) for party in PARTIES],
    )


def synthetic_brief(story: int, number: int) -> Brief:
    """A small brief: two positions, two issues, one source (about 900 bytes of JSON)."""
    as_of = START + dt.timedelta(days=number)
    parties = [PARTIES[(story + number) % 8], PARTIES[(story + 3 * number + 1) % 8]]
    return Brief(
        id=brief_id(number),
        as_of=as_of,
        story_id=story_id(story),
        headline=f"Synthetic brief {number} of story {story}",
        summary=f"Day {number}: the parties keep talking; nothing is settled yet.",
        takeaways=["Talks continue.", "No date for a vote."],
        positions=[
            Position(party_id=party, stance=Stance.UNDECIDED, statement=f"{party} waits.")
            for party in dict.fromkeys(parties)
        ],
        issues=[
            Issue(id="toll", title="Who pays the toll", opened_on=START, status=IssueStatus.OPEN),
            Issue(
                id=f"item-{number % 5}",
                title="A smaller item",
                opened_on=as_of,
                status=IssueStatus.DISPUTED if number % 2 else IssueStatus.SCHEDULED,
            ),
        ],
        sources=[Source(id="S1", outlet="Synthetic Wire", title=f"Report {number}")],
        created_at=STAMP,
        revised_at=STAMP,
    )


def build(path: Path, stories: int, per_story: int) -> float:
    """Create the database with the store's migrations, then bulk-load; returns seconds."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    started = time.perf_counter()
    asyncio.run(_migrate(path))
    connection = sqlite3.connect(path, isolation_level=None)
    # Bulk load only: no journal, no fsync, no per-row foreign-key checks (the data is built
    # consistent). The store's own connections always run WAL, FULL and foreign keys on.
    connection.execute("PRAGMA journal_mode = OFF")
    connection.execute("PRAGMA synchronous = OFF")
    connection.execute("PRAGMA foreign_keys = OFF")
    connection.execute("PRAGMA cache_size = -262144")  # 256 MiB while loading
    for chunk in _chunks(stories, per_story):
        connection.execute("BEGIN")
        _load(connection, chunk, per_story)
        connection.execute("COMMIT")
        done = chunk[-1] + 1
        if done % max(1, stories // 10) == 0:
            elapsed = time.perf_counter() - started
            print(f"  {done * per_story:>9,} briefs loaded ({elapsed:.0f} s)", flush=True)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("ANALYZE")
    connection.close()
    return time.perf_counter() - started


async def _migrate(path: Path) -> None:
    store = SQLiteStore(path)
    await store.open()
    await store.close()


def _chunks(stories: int, per_story: int) -> Iterator[list[int]]:
    size = max(1, BATCH // per_story)
    for first in range(0, stories, size):
        yield list(range(first, min(stories, first + size)))


def _load(connection: sqlite3.Connection, story_numbers: list[int], per_story: int) -> None:
    stories: list[tuple[object, ...]] = []
    revisions: list[tuple[object, ...]] = []
    current: list[tuple[object, ...]] = []
    parties: list[tuple[object, ...]] = []
    issues: list[tuple[object, ...]] = []
    for story in story_numbers:
        record = synthetic_story(story)
        stories.append((record.id, record.title, codec.encode(record)))
        for number in range(per_story):
            brief = synthetic_brief(story, number)
            index = brief_index(brief)
            as_of = brief.as_of.isoformat()
            stamp = brief.created_at.isoformat()
            key = (brief.story_id, brief.id)
            revisions.append(
                (*key, 1, as_of, "usable", brief.headline, stamp, stamp, codec.encode(brief))
            )
            current.append(
                (*key, as_of, 1, "usable", brief.headline, index.open_issues, index.search_text)
            )
            parties.extend((*key, party) for party in index.parties)
            issues.extend((*key, issue, status) for issue, status in index.issues)
    connection.executemany("INSERT INTO stories (id, title, body) VALUES (?, ?, ?)", stories)
    # Named columns: a later migration's new columns (revised_by, change_note) stay NULL, as
    # for a revision imported from a file without them.
    connection.executemany(
        "INSERT INTO brief_revisions (story_id, brief_id, revision, as_of, status, headline,"
        " created_at, revised_at, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        revisions,
    )
    connection.executemany(
        "INSERT INTO briefs (story_id, brief_id, as_of, revision, status, headline,"
        " open_issues, search_text) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        current,
    )
    connection.executemany("INSERT INTO brief_parties VALUES (?, ?, ?)", parties)
    connection.executemany("INSERT INTO brief_issues VALUES (?, ?, ?, ?)", issues)


def brief_count(path: Path) -> int:
    if not path.exists():
        return 0
    connection = sqlite3.connect(path)
    try:
        return int(connection.execute("SELECT count(*) FROM briefs").fetchone()[0])
    except sqlite3.Error:
        return 0
    finally:
        connection.close()


async def timed(samples: int, call: Callable[[int], Awaitable[object]]) -> float:
    """Median microseconds of ``call(i)`` over ``samples`` calls (after a short warm-up)."""
    for i in range(min(50, samples)):
        await call(i)
    durations = []
    for i in range(samples):
        started = time.perf_counter_ns()
        await call(i)
        durations.append(time.perf_counter_ns() - started)
    return statistics.median(durations) / 1000


async def measure(path: Path, stories: int, per_story: int, samples: int) -> dict[str, float]:
    """Median latencies (µs) of the store's reads on random stories and briefs."""
    rng = random.Random(7)
    picks = [(rng.randrange(stories), rng.randrange(per_story)) for _ in range(samples + 50)]
    store = SQLiteStore(path)
    await store.open()
    raw = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    pk_read = (
        "SELECT body FROM brief_revisions WHERE story_id = ? AND brief_id = ? AND revision = 1"
    )

    async def raw_lookup(i: int) -> object:
        story, number = picks[i]
        return raw.execute(pk_read, (story_id(story), brief_id(number))).fetchone()

    async def raw_lookup_decoded(i: int) -> object:
        story, number = picks[i]
        row = raw.execute(pk_read, (story_id(story), brief_id(number))).fetchone()
        return codec.decode_brief(row[0])

    async def raw_lookup_in_thread(i: int) -> object:
        story, number = picks[i]
        query = raw.execute
        return await asyncio.to_thread(
            lambda: query(pk_read, (story_id(story), brief_id(number))).fetchone()
        )

    try:
        return {
            "raw sqlite3 PK read (no decode)": await timed(samples, raw_lookup),
            "raw sqlite3 PK read via asyncio.to_thread": await timed(samples, raw_lookup_in_thread),
            "raw sqlite3 PK read + decode": await timed(samples, raw_lookup_decoded),
            **await store_reads(store, picks, per_story, samples),
        }
    finally:
        raw.close()
        await store.close()


async def store_reads(
    store: Store, picks: list[tuple[int, int]], per_story: int, samples: int
) -> dict[str, float]:
    """Median µs of the store's reads (the same calls on every backend)."""
    page = BriefQuery()
    return {
        "store.get_brief(revision=1)": await timed(
            samples, lambda i: store.get_brief(story_id(picks[i][0]), brief_id(picks[i][1]), 1)
        ),
        "store.get_brief (latest)": await timed(
            samples, lambda i: store.get_brief(story_id(picks[i][0]), brief_id(picks[i][1]))
        ),
        "store.list_briefs (first page, 50)": await timed(
            samples, lambda i: store.list_briefs(story_id(picks[i][0]), page)
        ),
        "store.latest_brief": await timed(
            samples, lambda i: store.latest_brief(story_id(picks[i][0]))
        ),
        "store.list_stories (every story: 10 vs 10,000)": await timed(
            20, lambda i: store.list_stories()
        ),
        f"store.story_briefs ({per_story})": await timed(
            max(50, samples // 10), lambda i: store.story_briefs(story_id(picks[i][0]))
        ),
    }


async def measure_postgres(
    url: str, stories: int, per_story: int, samples: int
) -> dict[str, float]:
    """The same reads on PostgreSQL (loaded through ``import_folder`` when the schema is empty)."""
    rng = random.Random(7)
    picks = [(rng.randrange(stories), rng.randrange(per_story)) for _ in range(samples + 50)]
    store = PostgresStore(url, pool_size=2)
    await store.open()
    try:
        if await store.is_empty():
            for story in range(stories):
                briefs = [synthetic_brief(story, number) for number in range(per_story)]
                await store.import_folder(StoryFolder(story=synthetic_story(story), briefs=briefs))
        return await store_reads(store, picks, per_story, samples)
    finally:
        await store.close()


async def write_latency(path: Path, stories: int, samples: int) -> float:
    """Median µs of ``update_brief`` (a thread hop, a transaction and a FULL fsync)."""
    store = SQLiteStore(path)
    await store.open()
    try:
        revisions: dict[str, int] = {}

        async def update(i: int) -> object:
            story = story_id(i % stories)
            current = revisions.get(story) or (await store.get_brief(story, brief_id(0))).revision
            # The body names the revision it was read at (read-only fields must match).
            brief = msgspec.structs.replace(synthetic_brief(i % stories, 0), revision=current)
            updated = await store.update_brief(story, brief.id, brief, current, STAMP)
            revisions[story] = updated.revision
            return updated

        return await timed(samples, update)
    finally:
        await store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=1_000, help="briefs in the small database")
    parser.add_argument("--large", type=int, default=1_000_000, help="briefs in the large one")
    parser.add_argument("--per-story", type=int, default=100, help="briefs per story")
    parser.add_argument("--samples", type=int, default=2_000, help="calls per median")
    parser.add_argument("--dir", type=Path, default=Path("/tmp/briefs-bench"))
    parser.add_argument("--rebuild", action="store_true", help="rebuild existing databases")
    parser.add_argument(
        "--postgres",
        metavar="URL",
        help="also time the reads on PostgreSQL at the small size (a URL naming an empty schema)",
    )
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)

    results: dict[int, dict[str, float]] = {}
    for total in (args.small, args.large):
        path = args.dir / f"store-{total}.db"
        stories = total // args.per_story
        if args.rebuild or brief_count(path) != stories * args.per_story:
            print(f"building {path}: {stories:,} stories x {args.per_story} briefs", flush=True)
            seconds = build(path, stories, args.per_story)
            size = path.stat().st_size / 2**20
            print(f"  built in {seconds:.1f} s ({size:,.0f} MiB)", flush=True)
        results[total] = asyncio.run(measure(path, stories, args.per_story, args.samples))
        if total == args.large:
            write = asyncio.run(write_latency(path, stories, max(50, args.samples // 20)))
            results[total]["store.update_brief (write, FULL fsync)"] = write

    if args.postgres:
        stories = args.small // args.per_story
        print(f"PostgreSQL: {args.small:,} briefs at {args.postgres}", flush=True)
        results[-1] = asyncio.run(
            measure_postgres(args.postgres, stories, args.per_story, args.samples)
        )

    small, large = results[args.small], results[args.large]
    print(f"\nmedian latency, µs ({args.samples} samples; story_briefs {args.samples // 10})")
    print(f"{'operation':<42} {args.small:>10,} {args.large:>12,}  ratio")
    for name, large_value in large.items():
        small_value = small.get(name)
        if small_value is None:
            print(f"{name:<42} {'':>10} {large_value:>12.1f}")
            continue
        ratio = large_value / small_value
        print(f"{name:<42} {small_value:>10.1f} {large_value:>12.1f}  {ratio:.2f}x")
    if args.postgres:
        print(f"\nPostgreSQL vs SQLite, {args.small:,} briefs, median µs")
        for name, value in results[-1].items():
            print(f"{name:<48} {small[name]:>10.1f} {value:>10.1f}  {value / small[name]:.1f}x")
    raw_pk = large["raw sqlite3 PK read (no decode)"]
    store_pk = large["store.get_brief(revision=1)"]
    print(f"\nstore PK lookup vs raw sqlite3 at {args.large:,}: {store_pk / raw_pk:.2f}x")


if __name__ == "__main__":
    main()
