"""SQLite specifics: file and pragmas, the schema's guarantees, health and the migration runner."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from service.domain.errors import PreconditionFailedError
from service.domain.models import Story
from service.settings import Settings
from service.store.factory import open_store
from service.store.migrations import latest_version
from service.store.sqlite import SQLiteStore
from service.store.sqlite_health import IntegrityMonitor
from service.store.sqlite_schema import split_statements

from .factories import NOW, STORY_ID, day, make_content, make_draft, make_story


@pytest.fixture
async def sqlite_store(tmp_path: Path) -> AsyncIterator[SQLiteStore]:
    store = SQLiteStore(tmp_path / "nested" / "folder" / "briefs.db")
    await store.open()
    await store.create_story(make_story())
    await store.create_brief(STORY_ID, make_draft("opening", day(1)), NOW)
    await store.update_brief(STORY_ID, "opening", make_content(headline="Second"), 1, NOW)
    yield store
    await store.close()


def raw(store: SQLiteStore) -> sqlite3.Connection:
    return sqlite3.connect(store.path, isolation_level=None)


async def test_file_and_pragmas(sqlite_store: SQLiteStore) -> None:
    assert sqlite_store.path.is_file()  # parent folders created
    writer = sqlite_store.driver._writer
    assert writer is not None
    assert writer.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert writer.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert writer.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert writer.execute("PRAGMA busy_timeout").fetchone()[0] == 5000
    reader = sqlite_store.driver._reader
    assert reader is not None
    assert reader.execute("PRAGMA query_only").fetchone()[0] == 1


async def test_revisions_cannot_be_rewritten_or_deleted(sqlite_store: SQLiteStore) -> None:
    connection = raw(sqlite_store)
    with pytest.raises(sqlite3.IntegrityError, match="immutable"):
        connection.execute("UPDATE brief_revisions SET headline = 'x'")
    with pytest.raises(sqlite3.IntegrityError, match="never deleted"):
        connection.execute("DELETE FROM brief_revisions")
    connection.close()


async def test_duplicate_revision_is_rejected_by_the_schema(sqlite_store: SQLiteStore) -> None:
    connection = raw(sqlite_store)
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
        connection.execute(
            "INSERT INTO brief_revisions SELECT * FROM brief_revisions WHERE revision = 2"
        )
    connection.close()


async def test_health_reports_a_schema_from_the_future(sqlite_store: SQLiteStore) -> None:
    assert (await sqlite_store.health()).ok
    connection = raw(sqlite_store)
    connection.execute("INSERT INTO schema_migrations VALUES (999, 'future', 'now')")
    connection.close()
    health = await sqlite_store.health()
    assert not health.ok
    assert "999" in health.detail


async def test_health_reports_an_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "briefs.db"
    path.write_bytes(b"this is not a database" * 200)
    health = await SQLiteStore(path).health()  # health needs no open store
    assert not health.ok
    assert health.backend == "sqlite"
    assert "not a database" in health.detail


async def test_relative_database_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    store = await open_store(Settings(database_url="sqlite:///data/briefs.db"))
    try:
        assert await store.is_empty()
    finally:
        await store.close()
    assert (tmp_path / "data" / "briefs.db").is_file()


async def test_opening_twice_is_refused(sqlite_store: SQLiteStore) -> None:
    with pytest.raises(RuntimeError, match="already open"):
        await sqlite_store.open()


async def test_reads_are_refused_when_closed(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "briefs.db")
    with pytest.raises(RuntimeError, match="not open"):
        await store.is_empty()
    with pytest.raises(RuntimeError, match="not open"):
        await store.create_story(Story(id="x", title="X"))


def test_split_statements_keeps_trigger_bodies_whole() -> None:
    script = """
    -- a comment; with a semicolon
    CREATE TABLE t (x INTEGER);
    CREATE TRIGGER t_guard BEFORE DELETE ON t
    BEGIN
        SELECT RAISE(ABORT, 'no; never');
    END;
    -- trailing comment
    """
    statements = list(split_statements(script))
    assert len(statements) == 2
    assert statements[1].endswith("END;")
    with pytest.raises(ValueError, match="incomplete"):
        list(split_statements("CREATE TABLE t (x INTEGER)"))


async def test_health_of_a_missing_file_does_not_create_it(tmp_path: Path) -> None:
    path = tmp_path / "missing.db"
    health = await SQLiteStore(path).health()
    assert not health.ok
    assert "no such file" in health.detail
    assert not path.exists()


async def test_integrity_check_runs_in_the_background(
    sqlite_store: SQLiteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monitor = IntegrityMonitor(sqlite_store.path, wait=0.0)
    release = threading.Event()
    real_check = monitor._quick_check

    def slow_check() -> list[str]:
        release.wait(5)
        return real_check()

    monkeypatch.setattr(monitor, "_quick_check", slow_check)
    first = await monitor.health(expected_version=latest_version("sqlite"))
    assert first.ok
    assert "still running" in first.detail
    release.set()
    await asyncio.sleep(0.2)
    second = await monitor.health(expected_version=latest_version("sqlite"))
    assert second.ok
    assert "quick_check ok" in second.detail
    await monitor.close()


async def test_integrity_problems_make_health_fail(
    sqlite_store: SQLiteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monitor = IntegrityMonitor(sqlite_store.path)
    problems = ["*** in database main ***", "Page 7: btreeInitPage() returns error code 11"]
    monkeypatch.setattr(monitor, "_quick_check", lambda: problems)
    health = await monitor.health(expected_version=latest_version("sqlite"))
    assert not health.ok
    assert "Page 7" in health.detail


async def test_unique_backstop_maps_to_precondition_failed(sqlite_store: SQLiteStore) -> None:
    # A revision 3 that bypassed the pointer (as a writer without the lock would store it).
    connection = raw(sqlite_store)
    connection.execute(
        "INSERT INTO brief_revisions (story_id, brief_id, revision, as_of, status, headline,"
        " created_at, revised_at, body) SELECT story_id, brief_id, 3, as_of, status, headline,"
        " created_at, revised_at, body FROM brief_revisions WHERE revision = 2"
    )
    connection.close()
    with pytest.raises(PreconditionFailedError) as caught:
        await sqlite_store.update_brief(STORY_ID, "opening", make_content(headline="X"), 2, NOW)
    assert caught.value.current_revision == 3


async def test_a_locked_database_blocks_neither_reads_nor_the_event_loop(
    sqlite_store: SQLiteStore,
) -> None:
    blocker = raw(sqlite_store)
    blocker.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.005)
            ticks += 1

    ticking = asyncio.create_task(ticker())
    write = asyncio.create_task(
        sqlite_store.update_brief(STORY_ID, "opening", make_content(headline="Third"), 2, NOW)
    )
    await asyncio.sleep(0.3)
    started = time.perf_counter()
    assert (await sqlite_store.get_brief(STORY_ID, "opening")).revision == 2  # WAL: no waiting
    assert time.perf_counter() - started < 0.05
    assert not write.done()  # the writer waits for the lock on its own thread...
    assert ticks >= 20  # ...while the event loop keeps running
    blocker.execute("COMMIT")
    assert (await write).revision == 3
    ticking.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await ticking
    blocker.close()
