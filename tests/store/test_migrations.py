"""Upgrading a database that holds data: later migrations backfill what they add."""

from __future__ import annotations

import pytest

from service.domain import codec
from service.domain.models import BriefUpdate, IssueStatus, PubStatus
from service.settings import Settings
from service.store import postgres, sqlite_schema
from service.store.driver import Tx
from service.store.factory import open_store, upgrade
from service.store.migrations import Backend, Migration, load_migrations
from service.store.records import first_revision

from .factories import NOW, STORY_ID, day, make_content, make_draft, make_story

PROVENANCE = 5
"""The migration adding the revision provenance columns, which today's writes fill (so an older
release's database in these tests has them) and which the migrations before it do not touch."""
CHANGE_LOG = 6
"""The migration adding the change log, which today's writes append to (likewise)."""
WRITTEN_TODAY = (PROVENANCE, CHANGE_LOG)
LATER = [
    migration.version
    for migration in load_migrations("sqlite")
    if migration.version > PROVENANCE and migration.version not in WRITTEN_TODAY
]
"""Migrations after the provenance one that today's writes do not need (indexes)."""


def ship_migrations_up_to(
    last: int, monkeypatch: pytest.MonkeyPatch, *, also: tuple[int, ...] = WRITTEN_TODAY
) -> None:
    """Let ``upgrade`` see only migrations up to ``last`` (and ``also``), as an older release
    shipped them; ``monkeypatch.undo()`` brings back the current release."""

    def shipped(backend: Backend) -> list[Migration]:
        return [
            migration
            for migration in load_migrations(backend)
            if migration.version <= last or migration.version in also
        ]

    monkeypatch.setattr(sqlite_schema, "load_migrations", shipped)
    monkeypatch.setattr(postgres, "load_migrations", shipped)


async def test_upgrade_backfills_story_summaries(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    ship_migrations_up_to(2, monkeypatch)
    assert await upgrade(settings) == [1, 2, *WRITTEN_TODAY]
    old = await open_store(settings)
    try:
        await old.create_story(make_story())
        await old.create_story(make_story("empty-story"))
        await old.create_brief(STORY_ID, make_draft("later", day(9)), NOW)
        await old.create_brief(STORY_ID, make_draft("earlier", day(2)), NOW)
        open_two = make_content(
            headline="Later, edited",
            issues=[("toll", IssueStatus.OPEN), ("ferry", IssueStatus.DISPUTED)],
        )
        await old.update_brief(STORY_ID, "later", open_two, 1, NOW)
    finally:
        await old.close()
    monkeypatch.undo()

    assert await upgrade(settings) == [3, 4, *LATER]
    store = await open_store(settings)
    try:
        summaries = {summary.id: summary for summary in await store.list_stories()}
        assert summaries[STORY_ID].brief_count == 2
        assert summaries[STORY_ID].latest_as_of == day(9)
        assert summaries[STORY_ID].open_issue_count == 2
        assert summaries["empty-story"].brief_count == 0
        assert summaries["empty-story"].latest_as_of is None
        assert (await store.health()).ok
    finally:
        await store.close()


async def test_upgrade_moves_a_withdrawn_latest_brief_out_of_the_summary(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    ship_migrations_up_to(3, monkeypatch)
    assert await upgrade(settings) == [1, 2, 3, *WRITTEN_TODAY]
    old = await open_store(settings)
    try:
        await old.create_story(make_story())
        one_open = make_draft("earlier", day(2), issues=[("toll", IssueStatus.OPEN)])
        await old.create_brief(STORY_ID, one_open, NOW)
        await old.create_brief(STORY_ID, make_draft("later", day(9)), NOW)
        withdrawn = make_content(headline="Withdrawn", status=PubStatus.CANCELED)
        await old.update_brief(STORY_ID, "later", withdrawn, 1, NOW)
    finally:
        await old.close()
    monkeypatch.undo()

    assert await upgrade(settings) == [4, *LATER]
    store = await open_store(settings)
    try:
        (summary,) = await store.list_stories()
        assert (summary.brief_count, summary.latest_as_of, summary.open_issue_count) == (
            2,
            day(2),
            1,
        )
    finally:
        await store.close()


_OLD_INSERT_REVISION = (
    "INSERT INTO brief_revisions (story_id, brief_id, revision, as_of, status, headline,"
    " created_at, revised_at, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


async def test_upgrade_adds_revision_provenance(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    ship_migrations_up_to(4, monkeypatch, also=(CHANGE_LOG,))
    assert await upgrade(settings) == [1, 2, 3, 4, CHANGE_LOG]
    old = await open_store(settings)
    try:
        await old.create_story(make_story())
        # A revision as release 4 stored it: no provenance columns, a body without the fields.
        brief = first_revision(STORY_ID, make_draft("opening", day(2)), NOW)
        body = codec.encode(brief).replace(b',"revised_by":null,"change_note":null', b"")
        assert b"revised_by" not in body

        async def insert(tx: Tx) -> None:
            d = old._d
            await tx.execute(
                _OLD_INSERT_REVISION,
                STORY_ID,
                brief.id,
                1,
                brief.as_of.isoformat(),
                brief.status.value,
                brief.headline,
                NOW.isoformat(),
                NOW.isoformat(),
                d.json_param(body),
            )
            await tx.execute(
                "INSERT INTO briefs (story_id, brief_id, as_of, revision, status, headline,"
                " open_issues, search_text) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                STORY_ID,
                brief.id,
                brief.as_of.isoformat(),
                1,
                brief.status.value,
                brief.headline,
                0,
                "",
            )

        await old.driver.transaction(insert)
    finally:
        await old.close()
    monkeypatch.undo()

    assert await upgrade(settings) == [5, *LATER]
    store = await open_store(settings)
    try:
        stored = await store.get_brief(STORY_ID, "opening")
        assert (stored.revised_by, stored.change_note) == (None, None)
        update = BriefUpdate(headline="Edited", change_note="Corrected the headline")
        await store.update_brief(STORY_ID, "opening", update, 1, NOW, revised_by="desk")
        first, second = (
            revision.ref for revision in await store.list_revisions(STORY_ID, "opening")
        )
        assert (first.revised_by, first.change_note) == (None, None)
        assert (second.revised_by, second.change_note) == ("desk", "Corrected the headline")
        columns = await store.driver.all(
            "SELECT revised_by, change_note FROM brief_revisions ORDER BY revision"
        )
        assert [tuple(row) for row in columns] == [(None, None), ("desk", "Corrected the headline")]
        assert (await store.health()).ok
    finally:
        await store.close()


async def test_upgrade_applies_the_change_log_after_a_later_migration(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """0006 landed after 0007 was released: a database at 0007 must still get 0006."""
    everything = [migration.version for migration in load_migrations("sqlite")]
    others = tuple(version for version in everything if version != CHANGE_LOG)
    ship_migrations_up_to(0, monkeypatch, also=others)
    assert await upgrade(settings) == list(others)
    monkeypatch.undo()

    assert await upgrade(settings) == [CHANGE_LOG]
    assert await upgrade(settings) == []
    store = await open_store(settings)
    try:
        assert (await store.health()).ok
        await store.create_story(make_story())
        (change,) = await store.changes_after(0)
        assert (change.kind, change.story_id) == ("story.created", STORY_ID)
    finally:
        await store.close()
