"""Crash safety: SIGKILL ``briefs serve`` under concurrent writes; nothing acknowledged is lost.

Several asyncio tasks create briefs and chain ``If-Match`` updates on them against a real server
on SQLite (and on PostgreSQL). Every write the client saw a 2xx for is recorded with its
revision and content. The server's whole process group is then killed with SIGKILL mid-load (no
shutdown hook runs), restarted on the same database, and must be ready (``/readyz``) and hold
every acknowledged revision with exactly its content; finally a SQLite file must pass a full
``PRAGMA integrity_check``.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import sqlite3

import msgspec
import pytest

from service.client import APIError, BriefsClient, Tagged, TransportError
from service.domain.models import Brief, BriefContent, BriefDraft, Story

from .conftest import ServerFactory

pytestmark = pytest.mark.slow

STORY = Story(id="crash-test", title="Crash test story", description="Written under fire.")
WRITERS = 6
UPDATES_PER_BRIEF = 3
MIN_ACKNOWLEDGED = 200
MAX_LOAD_SECONDS = 20.0
FIRST_DAY = dt.date(2001, 1, 1)


class Ledger:
    """What the server acknowledged: per brief id, the revisions and their content."""

    def __init__(self) -> None:
        self.acknowledged: dict[str, dict[int, BriefContent]] = {}
        self.unexpected: list[APIError] = []
        self.count = 0
        self.interrupted = 0
        """Writers stopped by the kill (their request in flight, if any, is unacknowledged)."""
        self.time_to_kill = asyncio.Event()
        """Set once enough writes were acknowledged, or as soon as one failed unexpectedly."""

    def record(self, brief: Brief) -> None:
        self.acknowledged.setdefault(brief.id, {})[brief.revision] = content(brief)
        self.count += 1
        if self.count >= MIN_ACKNOWLEDGED:
            self.time_to_kill.set()

    def fail(self, error: APIError) -> None:
        self.unexpected.append(error)
        self.time_to_kill.set()


def content(brief: Brief) -> BriefContent:
    return BriefContent(**{name: getattr(brief, name) for name in BriefContent.__struct_fields__})


async def writer(client: BriefsClient, number: int, ledger: Ledger) -> None:
    """Create briefs and update each a few times until the server goes away."""
    try:
        for serial in range(10_000):
            as_of = FIRST_DAY + dt.timedelta(days=number * 10_000 + serial)
            draft = BriefDraft(
                id=f"w{number}-b{serial}",
                as_of=as_of,
                headline=f"Writer {number}, brief {serial}",
                summary=f"Revision 1 of brief {serial} by writer {number}.",
            )
            tagged: Tagged[Brief] = await client.create_brief(STORY.id, draft)
            ledger.record(tagged.value)
            for revision in range(2, UPDATES_PER_BRIEF + 2):
                edited = msgspec.structs.replace(
                    content(tagged.value), summary=f"Revision {revision} by writer {number}."
                )
                tagged = await client.update_brief(STORY.id, draft.id, edited, if_match=tagged.etag)
                ledger.record(tagged.value)
    except TransportError:
        ledger.interrupted += 1  # the server was killed: the write in flight is unacknowledged
    except APIError as error:
        ledger.fail(error)


async def test_acknowledged_writes_survive_sigkill(
    briefs_server: ServerFactory, database_url: str
) -> None:
    server = briefs_server(database_url)
    token = server.create_token("write", name="crash-writer")
    async with server.client(token) as client:
        await client.create_story(STORY)

    ledger = Ledger()
    clients = [server.client(token, timeout=5.0) for _ in range(WRITERS)]
    tasks = [
        asyncio.create_task(writer(client, number, ledger)) for number, client in enumerate(clients)
    ]
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(ledger.time_to_kill.wait(), MAX_LOAD_SECONDS)
    assert not ledger.unexpected, ledger.unexpected
    assert ledger.count >= MIN_ACKNOWLEDGED, f"only {ledger.count} writes before the deadline"

    server.kill()  # SIGKILL mid-load, while every writer has a request in flight
    await asyncio.wait_for(asyncio.gather(*tasks), timeout=30)
    for client in clients:
        await client.aclose()
    assert not ledger.unexpected, ledger.unexpected
    assert ledger.interrupted == WRITERS, "every writer should have been cut off by the kill"

    server.start()  # same port, same database file
    async with server.client(token) as client:
        ready = await client.ready()
        assert ready.ok, ready
        for brief_id, revisions in ledger.acknowledged.items():
            for revision, expected in revisions.items():
                stored = await client.get_revision(STORY.id, brief_id, revision)
                assert content(stored) == expected, (brief_id, revision)
            # At most the one write in flight at the kill may have landed unacknowledged.
            latest = await client.get_brief(STORY.id, brief_id)
            assert max(revisions) <= latest.revision <= max(revisions) + 1
        stored_ids = {brief.id async for brief in client.iter_briefs(STORY.id, page_size=200)}
    assert set(ledger.acknowledged) <= stored_ids
    assert len(stored_ids) <= len(ledger.acknowledged) + WRITERS

    server.stop()
    if database_url.startswith("sqlite:///"):
        # /readyz may answer before its background quick_check has finished: check it all.
        database = database_url.removeprefix("sqlite:///")
        with contextlib.closing(sqlite3.connect(database)) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
