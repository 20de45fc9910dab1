"""Store contract: brief revisions, the compare-and-set and history (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import msgspec
import pytest

from service.domain.errors import (
    ConflictError,
    InvalidContentError,
    NotFoundError,
    PreconditionFailedError,
)
from service.domain.models import BriefUpdate, IssueStatus, PubStatus, Story
from service.store.base import Store

from .factories import NOW, STORY_ID, day, make_content, make_draft


async def test_create_brief_stores_revision_one(store: Store, story: Story) -> None:
    draft = make_draft("opening", day(3), summary="Both towns send envoys.", parties=["board"])
    brief = await store.create_brief(STORY_ID, draft, NOW)
    assert (brief.id, brief.as_of, brief.story_id, brief.revision) == (
        "opening",
        day(3),
        STORY_ID,
        1,
    )
    assert brief.created_at == brief.revised_at == NOW
    assert brief.summary == draft.summary
    assert brief.positions == draft.positions
    assert await store.get_brief(STORY_ID, "opening") == brief
    assert await store.get_brief(STORY_ID, "opening", revision=1) == brief
    assert await store.get_brief_on(STORY_ID, day(3)) == brief


async def test_create_brief_errors(store: Store, story: Story) -> None:
    await store.create_brief(STORY_ID, make_draft("opening", day(3)), NOW)
    with pytest.raises(NotFoundError):
        await store.create_brief("no-such-story", make_draft("opening", day(3)), NOW)
    with pytest.raises(ConflictError, match="already exists"):
        await store.create_brief(STORY_ID, make_draft("opening", day(4)), NOW)
    with pytest.raises(ConflictError, match="dated"):
        await store.create_brief(STORY_ID, make_draft("other", day(3)), NOW)
    assert [brief.id for brief in await store.story_briefs(STORY_ID)] == ["opening"]


async def test_update_appends_a_revision(store: Store, story: Story) -> None:
    first = await store.create_brief(STORY_ID, make_draft("opening", day(3)), NOW)
    later = NOW + dt.timedelta(hours=2)
    content = make_content(headline="Envoys arrive", status=PubStatus.WITHHELD)
    second = await store.update_brief(STORY_ID, "opening", content, 1, later)
    assert second.revision == 2
    assert (second.headline, second.status) == ("Envoys arrive", PubStatus.WITHHELD)
    assert (second.id, second.as_of, second.story_id) == (first.id, first.as_of, first.story_id)
    assert second.created_at == first.created_at
    assert second.revised_at == later
    assert await store.get_brief(STORY_ID, "opening") == second
    assert await store.get_brief(STORY_ID, "opening", revision=1) == first
    assert await store.list_revisions(STORY_ID, "opening") == [first, second]


async def test_revisions_record_who_stored_them_and_why(store: Store, story: Story) -> None:
    draft = msgspec.structs.replace(make_draft("opening", day(3)), change_note="First take")
    first = await store.create_brief(STORY_ID, draft, NOW, revised_by="desk")
    update = BriefUpdate(headline="Envoys arrive", change_note="New arrivals")
    later = NOW + dt.timedelta(microseconds=1_500)
    second = await store.update_brief(STORY_ID, "opening", update, 1, later, revised_by="night")
    plain = await store.update_brief(STORY_ID, "opening", make_content(headline="Three"), 2, later)
    assert [(b.revised_by, b.change_note) for b in (first, second, plain)] == [
        ("desk", "First take"),
        ("night", "New arrivals"),
        (None, None),  # no editor named, no note: nothing is carried over from revision 2
    ]
    stored = await store.list_revisions(STORY_ID, "opening")
    assert stored == [first, second, plain]
    # The rows' columns say what the bodies say.
    assert await store.revision_refs(STORY_ID, "opening") == [brief.ref for brief in stored]
    with pytest.raises(NotFoundError):
        await store.revision_refs(STORY_ID, "missing")


async def test_read_only_fields_of_an_update_must_be_current(store: Store, story: Story) -> None:
    await store.create_brief(STORY_ID, make_draft("opening", day(3)), NOW)
    stale = BriefUpdate(headline="X", revision=2, created_at=NOW + dt.timedelta(days=1))
    with pytest.raises(InvalidContentError) as caught:
        await store.update_brief(STORY_ID, "opening", stale, None, NOW)
    assert [path for path, _ in caught.value.problems] == ["$.revision", "$.created_at"]
    assert len(await store.list_revisions(STORY_ID, "opening")) == 1


async def test_stale_update_is_rejected_with_current_revision(store: Store, story: Story) -> None:
    await store.create_brief(STORY_ID, make_draft("opening", day(3)), NOW)
    await store.update_brief(STORY_ID, "opening", make_content(headline="Two"), 1, NOW)
    for expected in (1, 3, 99):
        with pytest.raises(PreconditionFailedError) as caught:
            await store.update_brief(STORY_ID, "opening", make_content(headline="X"), expected, NOW)
        assert caught.value.current_revision == 2
    assert len(await store.list_revisions(STORY_ID, "opening")) == 2


async def test_update_unknown_brief_or_story(store: Store, story: Story) -> None:
    content = make_content(headline="Nothing")
    with pytest.raises(NotFoundError, match="brief"):
        await store.update_brief(STORY_ID, "missing", content, 1, NOW)
    with pytest.raises(NotFoundError, match="story"):
        await store.update_brief("no-such-story", "missing", content, 1, NOW)


async def test_history_is_preserved_after_many_updates(store: Store, story: Story) -> None:
    created = await store.create_brief(STORY_ID, make_draft("opening", day(3)), NOW)
    expected = [created]
    for number in range(2, 42):
        content = make_content(
            headline=f"Edit {number}",
            summary=f"Summary as of edit {number}.",
            issues=[("toll", IssueStatus.OPEN if number % 2 else IssueStatus.DISPUTED)],
        )
        revised_at = NOW + dt.timedelta(minutes=number)
        expected.append(
            await store.update_brief(STORY_ID, "opening", content, number - 1, revised_at)
        )
    revisions = await store.list_revisions(STORY_ID, "opening")
    assert revisions == expected
    assert [brief.revision for brief in revisions] == list(range(1, 42))
    assert revisions[0] == created  # the first revision is never rewritten
    assert all(brief.created_at == NOW for brief in revisions)
    assert [brief.revised_at for brief in revisions] == sorted(b.revised_at for b in revisions)
    for brief in expected:
        assert await store.get_brief(STORY_ID, "opening", revision=brief.revision) == brief
    assert await store.get_brief(STORY_ID, "opening") == expected[-1]


async def test_missing_revisions_and_briefs(store: Store, story: Story) -> None:
    await store.create_brief(STORY_ID, make_draft("opening", day(3)), NOW)
    with pytest.raises(NotFoundError, match="revision 2"):
        await store.get_brief(STORY_ID, "opening", revision=2)
    with pytest.raises(NotFoundError, match="brief 'missing'"):
        await store.get_brief(STORY_ID, "missing")
    with pytest.raises(NotFoundError, match="story"):
        await store.get_brief("no-such-story", "opening")
    with pytest.raises(NotFoundError):
        await store.list_revisions(STORY_ID, "missing")
    with pytest.raises(NotFoundError):
        await store.get_brief_on(STORY_ID, day(4))
    with pytest.raises(NotFoundError, match="story"):
        await store.get_brief_on("no-such-story", day(3))


async def test_latest_previous_and_story_briefs(store: Store, story: Story) -> None:
    with pytest.raises(NotFoundError, match="no briefs"):
        await store.latest_brief(STORY_ID)
    with pytest.raises(NotFoundError, match="story"):
        await store.latest_brief("no-such-story")
    assert await store.story_briefs(STORY_ID) == []
    with pytest.raises(NotFoundError):
        await store.story_briefs("no-such-story")
    for brief_id, n in [("c", 30), ("a", 10), ("b", 20)]:  # stored out of date order
        await store.create_brief(STORY_ID, make_draft(brief_id, day(n)), NOW)
    edited = await store.update_brief(STORY_ID, "b", make_content(headline="B, edited"), 1, NOW)
    assert [brief.id for brief in await store.story_briefs(STORY_ID)] == ["a", "b", "c"]
    assert (await store.story_briefs(STORY_ID))[1] == edited
    assert (await store.latest_brief(STORY_ID)).id == "c"
    assert await store.previous_brief(STORY_ID, day(30)) == edited
    assert await store.previous_brief(STORY_ID, day(25)) == edited
    assert await store.previous_brief(STORY_ID, day(10)) is None
    assert await store.previous_brief("no-such-story", day(10)) is None
