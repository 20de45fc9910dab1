"""Store contract: idempotent folder import and API tokens (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import msgspec
import pytest

from service.domain.errors import ConflictError, InvalidContentError, NotFoundError
from service.domain.files import StoryFolder
from service.domain.models import Brief, BriefContent, IssueStatus, Story
from service.domain.wire import BriefQuery, Scope
from service.store.base import ImportReport, Store, TokenRecord

from .factories import NOW, STORY_ID, day, make_draft, make_story


def stored_brief(brief_id: str, as_of: dt.date, revision: int = 1, headline: str = "") -> Brief:
    """A brief revision as a story folder holds it."""
    draft = make_draft(
        brief_id, as_of, headline=headline or None, issues=[("toll", IssueStatus.OPEN)]
    )
    return Brief(
        **{field: getattr(draft, field) for field in BriefContent.__struct_fields__},
        id=brief_id,
        as_of=as_of,
        story_id=STORY_ID,
        revision=revision,
        created_at=NOW - dt.timedelta(days=30),
        revised_at=NOW - dt.timedelta(days=30 - revision),
    )


def folder() -> StoryFolder:
    return StoryFolder(
        story=make_story(),
        briefs=[
            stored_brief("one", day(1)),
            stored_brief("two", day(2)),
            stored_brief("two", day(2), revision=2, headline="Two, revised"),
        ],
    )


async def test_import_is_idempotent(store: Store) -> None:
    report = await store.import_folder(folder())
    assert report == ImportReport(stories_created=1, revisions_created=3, revisions_unchanged=0)
    again = await store.import_folder(folder())
    assert again == ImportReport(stories_created=0, revisions_created=0, revisions_unchanged=3)
    assert await store.get_story(STORY_ID) == make_story()
    assert await store.list_revisions(STORY_ID, "two") == folder().briefs[1:]
    assert await store.get_brief(STORY_ID, "two") == folder().briefs[2]  # numbers, timestamps kept
    page = await store.list_briefs(STORY_ID, BriefQuery())
    assert [(brief.id, brief.revision) for brief in page.items] == [("one", 1), ("two", 2)]


async def test_import_adds_to_an_existing_story(store: Store, story: Story) -> None:
    await store.create_brief(STORY_ID, make_draft("zero", day(0 + 10)), NOW)
    report = await store.import_folder(folder())
    assert report == ImportReport(stories_created=0, revisions_created=3, revisions_unchanged=0)
    assert [brief.id for brief in await store.story_briefs(STORY_ID)] == ["one", "two", "zero"]


async def test_import_of_a_different_revision_is_a_conflict_and_stores_nothing(
    store: Store,
) -> None:
    await store.import_folder(folder())
    changed = msgspec.structs.replace(folder().briefs[1], headline="Rewritten history")
    extra = stored_brief("three", day(3))
    with pytest.raises(ConflictError, match="different content"):
        await store.import_folder(StoryFolder(story=make_story(), briefs=[extra, changed]))
    with pytest.raises(NotFoundError):
        await store.get_brief(STORY_ID, "three")
    assert (await store.get_brief(STORY_ID, "two", revision=1)) == folder().briefs[1]


async def test_import_rejects_date_clash_and_foreign_briefs(store: Store) -> None:
    await store.import_folder(folder())
    with pytest.raises(ConflictError):
        await store.import_folder(
            StoryFolder(story=make_story(), briefs=[stored_brief("x", day(1))])
        )
    foreign = msgspec.structs.replace(stored_brief("y", day(9)), story_id="other-story")
    with pytest.raises(InvalidContentError) as caught:
        await store.import_folder(StoryFolder(story=make_story(), briefs=[foreign]))
    assert caught.value.problems[0][0] == "$.briefs[0].story_id"


def token(name: str, minutes: int = 0) -> TokenRecord:
    return TokenRecord(
        id=f"tok-{name}",
        name=name,
        scopes=[Scope.READ, Scope.WRITE],
        secret_hash=f"sha256:{name}",
        created_at=NOW + dt.timedelta(minutes=minutes),
    )


async def test_tokens_round_trip_and_revoke(store: Store) -> None:
    assert await store.list_tokens() == []
    await store.create_token(token("editor", minutes=5))
    await store.create_token(token("admin", minutes=1))
    assert await store.find_token("sha256:editor") == token("editor", minutes=5)
    assert await store.find_token("sha256:nobody") is None
    assert [record.name for record in await store.list_tokens()] == ["admin", "editor"]
    with pytest.raises(ConflictError):
        await store.create_token(
            msgspec.structs.replace(token("editor"), id="tok-2", secret_hash="h")
        )

    revoked = await store.revoke_token("editor", NOW + dt.timedelta(hours=1))
    assert revoked.revoked_at == NOW + dt.timedelta(hours=1)
    again = await store.revoke_token("tok-editor", NOW + dt.timedelta(hours=2))
    assert again.revoked_at == NOW + dt.timedelta(hours=1)  # the first revocation stands
    found = await store.find_token("sha256:editor")
    assert found is not None
    assert found.revoked_at == revoked.revoked_at
    by_id = await store.revoke_token("tok-admin", NOW)
    assert by_id.name == "admin"
    assert by_id.revoked_at == NOW
    with pytest.raises(NotFoundError):
        await store.revoke_token("nobody", NOW)
