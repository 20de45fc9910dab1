"""Upgrading a database that holds data: later migrations backfill what they add."""

from __future__ import annotations

import pytest

from service.domain.models import IssueStatus, PubStatus
from service.settings import Settings
from service.store import postgres, sqlite_schema
from service.store.factory import open_store, upgrade
from service.store.migrations import Backend, Migration, load_migrations

from .factories import NOW, STORY_ID, day, make_content, make_draft, make_story


def ship_migrations_up_to(last: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Let ``upgrade`` see only migrations up to ``last``, as an older release shipped them;
    ``monkeypatch.undo()`` brings back the current release."""

    def shipped(backend: Backend) -> list[Migration]:
        return [migration for migration in load_migrations(backend) if migration.version <= last]

    monkeypatch.setattr(sqlite_schema, "load_migrations", shipped)
    monkeypatch.setattr(postgres, "load_migrations", shipped)


async def test_upgrade_backfills_story_summaries(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    ship_migrations_up_to(2, monkeypatch)
    assert await upgrade(settings) == [1, 2]
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

    assert await upgrade(settings) == [3, 4]
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
    assert await upgrade(settings) == [1, 2, 3]
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

    assert await upgrade(settings) == [4]
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
