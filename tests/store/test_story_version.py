"""Store contract: the story version that keys cached story views (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from service.domain.errors import NotFoundError, PreconditionFailedError
from service.domain.models import PubStatus, Story, StoryUpdate
from service.store.base import Store, story_version_of

from .factories import NOW, STORY_ID, day, make_content, make_draft, make_story


async def _version(store: Store) -> int:
    """The version, checked against the briefs it stands for."""
    version = await store.story_version(STORY_ID)
    assert version == story_version_of(await store.story_briefs(STORY_ID))
    return version


async def test_unknown_story_has_no_version(store: Store) -> None:
    with pytest.raises(NotFoundError):
        await store.story_version("no-such-story")


async def test_version_grows_on_create_update_and_withdrawal(store: Store, story: Story) -> None:
    empty = await _version(store)
    assert empty == 0
    await store.create_brief(STORY_ID, make_draft("a", day(1)), NOW)
    created = await _version(store)
    assert created > empty
    await store.create_brief(STORY_ID, make_draft("b", day(2)), NOW)
    second = await _version(store)
    assert second > created
    await store.update_brief(STORY_ID, "a", make_content(headline="A, corrected"), 1, NOW)
    updated = await _version(store)
    assert updated > second
    withdrawn_content = make_content(headline="A, withdrawn", status=PubStatus.CANCELED)
    await store.update_brief(STORY_ID, "a", withdrawn_content, 2, NOW)
    assert await _version(store) > updated


async def test_version_ignores_reads_failed_writes_and_story_metadata(
    store: Store, story: Story
) -> None:
    await store.create_brief(STORY_ID, make_draft("a", day(1), parties=["board"]), NOW)
    await store.update_brief(STORY_ID, "a", make_content(headline="A, again"), 1, NOW)
    before = await _version(store)
    await store.get_brief(STORY_ID, "a")
    await store.get_brief(STORY_ID, "a", revision=1)
    await store.latest_brief(STORY_ID)
    await store.list_revisions(STORY_ID, "a")
    await store.current_ref(STORY_ID, day(1))
    with pytest.raises(PreconditionFailedError):  # a stale compare-and-set stores nothing
        await store.update_brief(STORY_ID, "a", make_content(headline="Stale"), 1, NOW)
    await store.update_story(STORY_ID, StoryUpdate(title="Renamed"))  # views ignore metadata
    assert await _version(store) == before


async def test_another_storys_writes_leave_the_version_alone(store: Store, story: Story) -> None:
    await store.create_brief(STORY_ID, make_draft("a", day(1)), NOW)
    before = await _version(store)
    other = "other-story"
    await store.create_story(make_story(other))
    assert await store.story_version(other) == 0
    await store.create_brief(other, make_draft("a", day(1)), NOW)
    await store.update_brief(other, "a", make_content(headline="Elsewhere"), 1, NOW)
    assert await store.story_version(other) > 0
    assert await _version(store) == before
