"""Store contract: a withdrawn brief (status ``canceled``) is never the latest one, nor the
previous of another, while listings and direct reads still show it (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest

from service.domain.errors import NotFoundError
from service.domain.models import IssueStatus, PubStatus, Story
from service.domain.wire import BriefQuery
from service.store.base import Store

from .factories import NOW, STORY_ID, day, make_content, make_draft


async def withdraw(store: Store, brief_id: str) -> None:
    current = await store.get_brief(STORY_ID, brief_id)
    content = make_content(headline=f"{current.headline} (withdrawn)", status=PubStatus.CANCELED)
    await store.update_brief(STORY_ID, brief_id, content, current.revision, NOW)


async def test_the_latest_brief_skips_withdrawn_ones(store: Store, story: Story) -> None:
    for n in (1, 2, 3):
        await store.create_brief(STORY_ID, make_draft(f"b{n}", day(n)), NOW)
    await withdraw(store, "b3")
    assert (await store.latest_brief(STORY_ID)).id == "b2"
    assert (await store.latest_ref(STORY_ID)).brief_id == "b2"
    previous = await store.previous_brief(STORY_ID, day(4))
    assert previous is not None
    assert previous.id == "b2"
    # Still there for whoever asks for it, and in every listing.
    assert (await store.get_brief(STORY_ID, "b3")).status is PubStatus.CANCELED
    assert (await store.current_ref(STORY_ID, day(3))).brief_id == "b3"
    page = await store.list_briefs(STORY_ID, BriefQuery())
    assert [brief.id for brief in page.items] == ["b1", "b2", "b3"]
    assert len((await store.list_briefs_encoded(STORY_ID, BriefQuery())).items) == 3
    assert [brief.id for brief in await store.story_briefs(STORY_ID)] == ["b1", "b2", "b3"]


async def test_a_withdrawn_brief_is_not_the_previous_one(store: Store, story: Story) -> None:
    for n in (1, 2, 3):
        await store.create_brief(STORY_ID, make_draft(f"b{n}", day(n)), NOW)
    await withdraw(store, "b2")
    previous = await store.previous_brief(STORY_ID, day(3))
    assert previous is not None
    assert previous.id == "b1"
    await withdraw(store, "b1")
    assert await store.previous_brief(STORY_ID, day(3)) is None


async def test_a_story_whose_briefs_are_all_withdrawn_has_no_latest(
    store: Store, story: Story
) -> None:
    await store.create_brief(STORY_ID, make_draft("only", day(1)), NOW)
    await withdraw(store, "only")
    with pytest.raises(NotFoundError, match="withdrawn"):
        await store.latest_brief(STORY_ID)
    with pytest.raises(NotFoundError, match="withdrawn"):
        await store.latest_ref(STORY_ID)
    # Withdrawing is a revision like any other: it can be undone by the next one.
    current = await store.get_brief(STORY_ID, "only")
    await store.update_brief(STORY_ID, "only", make_content(headline="Back"), current.revision, NOW)
    assert (await store.latest_ref(STORY_ID)).brief_id == "only"


async def test_the_story_summary_follows_the_latest_standing_brief(
    store: Store, story: Story
) -> None:
    async def summary() -> tuple[int, dt.date | None, int]:
        (found,) = await store.list_stories()
        return found.brief_count, found.latest_as_of, found.open_issue_count

    one_open = [("toll", IssueStatus.OPEN)]
    two_open = [("toll", IssueStatus.OPEN), ("ferry", IssueStatus.DISPUTED)]
    await store.create_brief(STORY_ID, make_draft("b1", day(1), issues=one_open), NOW)
    await store.create_brief(STORY_ID, make_draft("b2", day(2), issues=two_open), NOW)
    assert await summary() == (2, day(2), 2)
    await withdraw(store, "b2")
    assert await summary() == (2, day(1), 1)
    await store.create_brief(
        STORY_ID, make_draft("b3", day(3), status=PubStatus.CANCELED, issues=two_open), NOW
    )
    assert await summary() == (3, day(1), 1)  # withdrawn from the start: never the latest
    await withdraw(store, "b1")
    assert await summary() == (3, None, 0)
    back = make_content(headline="Back", issues=two_open)
    await store.update_brief(STORY_ID, "b2", back, 2, NOW)
    assert await summary() == (3, day(2), 2)
