"""Store contract: cheap revision references and canonical revision bytes (SQLite and PostgreSQL).

``current_ref``/``latest_ref`` let the API key its cache of immutable revisions without reading a
body; ``revision_json`` serves a revision without a decode and re-encode where the backend can.
"""

from __future__ import annotations

import datetime as dt

import pytest

from service.domain import codec
from service.domain.errors import NotFoundError
from service.domain.models import BriefRef, Story
from service.domain.wire import BriefQuery
from service.store.base import Store

from .factories import NOW, STORY_ID, day, make_content, make_draft


async def test_refs_name_the_current_revision(store: Store, story: Story) -> None:
    for brief_id, n in [("c", 30), ("a", 10), ("b", 20)]:  # stored out of date order
        await store.create_brief(STORY_ID, make_draft(brief_id, day(n)), NOW)
    edited = await store.update_brief(STORY_ID, "b", make_content(headline="B, edited"), 1, NOW)
    # An index-only ref names the revision; a brief's ref also carries its provenance.
    assert _identity(edited.ref) == ("b", day(20), 2)
    assert edited.ref.revised_at == NOW
    assert await store.current_ref(STORY_ID, "b") == _identity_ref(edited.ref)
    assert await store.current_ref(STORY_ID, day(20)) == _identity_ref(edited.ref)
    a_ref = (await store.get_brief(STORY_ID, "a")).ref
    assert await store.current_ref(STORY_ID, "a") == _identity_ref(a_ref)
    latest_ref = (await store.latest_brief(STORY_ID)).ref
    assert await store.latest_ref(STORY_ID) == _identity_ref(latest_ref)
    assert (await store.latest_ref(STORY_ID)).brief_id == "c"
    await store.update_brief(STORY_ID, "c", make_content(headline="C, edited"), 1, NOW)
    assert await store.latest_ref(STORY_ID) == BriefRef(brief_id="c", as_of=day(30), revision=2)


def _identity(ref: BriefRef) -> tuple[str, dt.date, int]:
    return ref.brief_id, ref.as_of, ref.revision


def _identity_ref(ref: BriefRef) -> BriefRef:
    return BriefRef(brief_id=ref.brief_id, as_of=ref.as_of, revision=ref.revision)


async def test_refs_raise_not_found_like_the_brief_reads(store: Store, story: Story) -> None:
    with pytest.raises(NotFoundError, match="no briefs"):
        await store.latest_ref(STORY_ID)
    with pytest.raises(NotFoundError, match="story"):
        await store.latest_ref("no-such-story")
    await store.create_brief(STORY_ID, make_draft("opening", day(3)), NOW)
    with pytest.raises(NotFoundError, match="brief 'missing'"):
        await store.current_ref(STORY_ID, "missing")
    with pytest.raises(NotFoundError, match="dated"):
        await store.current_ref(STORY_ID, day(4))
    with pytest.raises(NotFoundError, match="story"):
        await store.current_ref("no-such-story", "opening")
    with pytest.raises(NotFoundError, match="story"):
        await store.current_ref("no-such-story", day(3))


async def test_revision_json_is_the_canonical_encoding(store: Store, story: Story) -> None:
    draft = make_draft("opening", day(3), summary="Envoys meet; tolls «paused».", parties=["board"])
    await store.create_brief(STORY_ID, draft, NOW)
    await store.update_brief(STORY_ID, "opening", make_content(headline="Talks resume"), 1, NOW)
    for revision in (1, 2):
        brief = await store.get_brief(STORY_ID, "opening", revision)
        assert await store.revision_json(STORY_ID, "opening", revision) == codec.encode(brief)
    with pytest.raises(NotFoundError, match="revision 3"):
        await store.revision_json(STORY_ID, "opening", 3)
    with pytest.raises(NotFoundError, match="brief 'missing'"):
        await store.revision_json(STORY_ID, "missing", 1)
    with pytest.raises(NotFoundError, match="story"):
        await store.revision_json("no-such-story", "opening", 1)


async def test_encoded_listing_is_the_listing_encoded(store: Store, story: Story) -> None:
    for brief_id, n in [("c", 30), ("a", 10), ("b", 20), ("d", 40)]:
        await store.create_brief(STORY_ID, make_draft(brief_id, day(n), parties=["board"]), NOW)
    await store.update_brief(STORY_ID, "b", make_content(headline="B, edited"), 1, NOW)
    query = BriefQuery(limit=3)
    while True:
        page = await store.list_briefs(STORY_ID, query)
        encoded = await store.list_briefs_encoded(STORY_ID, query)
        assert codec.encode(encoded) == codec.encode(page)
        if page.next_cursor is None:
            break
        query = BriefQuery(limit=3, cursor=page.next_cursor)
    filtered = BriefQuery(party="board", as_of_from=day(15))
    assert codec.encode(await store.list_briefs_encoded(STORY_ID, filtered)) == codec.encode(
        await store.list_briefs(STORY_ID, filtered)
    )
    with pytest.raises(NotFoundError, match="story"):
        await store.list_briefs_encoded("no-such-story", BriefQuery())
