"""Store contract: stories, health and migrations (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from service.domain.errors import ConflictError, NotFoundError
from service.domain.models import IssueStatus, Party, PartyKind, Story, StoryUpdate
from service.settings import Settings
from service.store.base import Store
from service.store.factory import open_store, upgrade
from service.store.migrations import load_migrations

from .factories import NOW, STORY_ID, day, make_content, make_draft, make_story


async def test_health_reports_backend_and_schema(store: Store, settings: Settings) -> None:
    health = await store.health()
    assert health.ok, health.detail
    assert health.backend == ("postgres" if settings.is_postgres else "sqlite")
    assert "schema version" in health.detail


async def test_migrations_are_idempotent(settings: Settings) -> None:
    shipped = [migration.version for migration in load_migrations("sqlite")]
    assert await upgrade(settings) == shipped
    assert shipped[:5] == [1, 2, 3, 4, 5]
    assert await upgrade(settings) == []
    store = await open_store(settings)
    try:
        assert (await store.health()).ok
        assert await store.is_empty()
    finally:
        await store.close()


async def test_create_and_get_story(store: Store) -> None:
    assert await store.is_empty()
    story = make_story()
    assert await store.create_story(story) == story
    assert await store.get_story(STORY_ID) == story
    assert not await store.is_empty()


async def test_duplicate_story_is_a_conflict(store: Store, story: Story) -> None:
    with pytest.raises(ConflictError):
        await store.create_story(story)


async def test_unknown_story_is_not_found(store: Store) -> None:
    with pytest.raises(NotFoundError):
        await store.get_story("no-such-story")
    with pytest.raises(NotFoundError):
        await store.update_story("no-such-story", StoryUpdate(title="New"))


async def test_update_story_changes_only_given_fields(store: Store, story: Story) -> None:
    updated = await store.update_story(STORY_ID, StoryUpdate(title="Toll talks resume"))
    assert updated.title == "Toll talks resume"
    assert updated.description == story.description
    assert updated.parties == story.parties
    parties = [Party(id="guild", name="Pilots' Guild", kind=PartyKind.ORGANISATION)]
    again = await store.update_story(STORY_ID, StoryUpdate(parties=parties, description=""))
    assert again.parties == parties
    assert again.description == ""
    assert again.title == "Toll talks resume"
    assert await store.get_story(STORY_ID) == again


async def test_list_stories_summarises_latest_brief(store: Store, story: Story) -> None:
    await store.create_story(make_story("quiet-story"))
    await store.create_brief(
        STORY_ID, make_draft("first", day(1), issues=[("toll", IssueStatus.OPEN)]), NOW
    )
    latest = make_draft(
        "second",
        day(5),
        issues=[
            ("toll", IssueStatus.DISPUTED),
            ("ferry", IssueStatus.SCHEDULED),
            ("berths", IssueStatus.RESOLVED),
        ],
    )
    await store.create_brief(STORY_ID, latest, NOW)
    summaries = await store.list_stories()
    assert [summary.id for summary in summaries] == [STORY_ID, "quiet-story"]
    harbour, quiet = summaries
    assert harbour.title == story.title
    assert harbour.brief_count == 2
    assert harbour.latest_as_of == day(5)
    assert harbour.open_issue_count == 2  # disputed and scheduled are open; resolved is not
    assert quiet.brief_count == 0
    assert quiet.latest_as_of is None
    assert quiet.open_issue_count == 0


async def test_story_summary_follows_edits_of_the_latest_brief(store: Store, story: Story) -> None:
    await store.create_brief(STORY_ID, make_draft("late", day(9)), NOW)
    one_open = make_content(headline="One open", issues=[("toll", IssueStatus.OPEN)])
    await store.update_brief(STORY_ID, "late", one_open, 1, NOW)
    await store.create_brief(  # an earlier brief, stored later: not the latest
        STORY_ID, make_draft("early", day(3), issues=[("a", IssueStatus.OPEN)]), NOW
    )
    two_open = make_content(
        headline="Early, edited", issues=[("a", IssueStatus.OPEN), ("b", IssueStatus.OPEN)]
    )
    await store.update_brief(STORY_ID, "early", two_open, 1, NOW)
    [summary] = await store.list_stories()
    assert (summary.brief_count, summary.latest_as_of, summary.open_issue_count) == (2, day(9), 1)

    closed = make_content(headline="Closed", issues=[("toll", IssueStatus.RESOLVED)])
    await store.update_brief(STORY_ID, "late", closed, 2, NOW)
    [summary] = await store.list_stories()
    assert summary.open_issue_count == 0
    await store.create_brief(STORY_ID, make_draft("newest", day(12)), NOW)
    [summary] = await store.list_stories()
    assert (summary.brief_count, summary.latest_as_of, summary.open_issue_count) == (3, day(12), 0)


async def test_after_a_failed_write_health_probes_and_recovers(store: Store) -> None:
    # What a write that failed for want of space leaves behind (SQLite's disk-full case is
    # simulated for real in tests/api/test_readiness.py).
    driver = store.driver  # type: ignore[attr-defined]
    driver._write_failure = "could not extend file: No space left on device"
    health = await store.health()
    assert health.ok, health.detail  # the probe write succeeds: there is room again
    assert driver._write_failure is None
