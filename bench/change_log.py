"""What the change log costs a write: median and p90 of ``update_brief`` and ``create_brief`` on
the fixture story's briefs (realistic bodies, so the diff behind the counts is realistic too).

    .venv/bin/python -m bench.change_log                     # SQLite in a temporary directory
    .venv/bin/python -m bench.change_log --postgres 'postgresql://postgres@127.0.0.1:5432/test'

Run it on a checkout without the change log for the "before" figures (it uses only `Store`).
Each update alternates a brief between two of the story's revisions (a correction and back), so
every revision has a real diff; each new brief is a copy of the latest one dated a day later.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import statistics
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

import psycopg

from service.domain.files import load_story_dir, sort_briefs
from service.domain.models import BriefContent, BriefDraft, BriefUpdate
from service.settings import Settings
from service.store.base import Store
from service.store.factory import open_store

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "stories" / "ceasefire-2025"
NOW = dt.datetime(2025, 4, 1, tzinfo=dt.UTC)


async def timed(samples: int, call: Callable[[int], Awaitable[object]]) -> tuple[float, float]:
    """(median, p90) in µs of ``samples`` calls."""
    durations = []
    for i in range(samples):
        started = time.perf_counter()
        await call(i)
        durations.append((time.perf_counter() - started) * 1e6)
    return statistics.median(durations), statistics.quantiles(durations, n=10)[-1]


async def measure(store: Store, samples: int) -> dict[str, tuple[float, float]]:
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

    async def create(i: int) -> object:
        draft = BriefDraft(
            **{field: getattr(latest, field) for field in content},
            id=f"copy-{i}",
            as_of=latest.as_of + dt.timedelta(days=i + 1),
        )
        return await store.create_brief(story, draft, NOW)

    return {
        "update_brief": await timed(samples, update),
        "create_brief": await timed(samples, create),
    }


async def run(url: str, samples: int) -> dict[str, tuple[float, float]]:
    store = await open_store(Settings(database_url=url, db_pool_size=2))
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
    for name, (median, p90) in results.items():
        print(f"{name:14} median {median:8.0f} µs   p90 {p90:8.0f} µs")


if __name__ == "__main__":
    main()
