"""Store contract: text holding NUL (U+0000) is refused alike on both backends, with the path of
every such text, as a domain validation error (422) rather than a driver error (500).

PostgreSQL cannot store NUL in text, nor ``\\u0000`` in ``jsonb``; SQLite would store it.
"""

from __future__ import annotations

import datetime as dt

import msgspec
import pytest

from service.domain.errors import InvalidContentError
from service.domain.models import Quote, Story, StoryUpdate
from service.domain.wire import BriefQuery, Scope
from service.store.base import Store, TokenRecord
from service.store.records import encode_cursor

from .factories import NOW, STORY_ID, day, make_content, make_draft, make_story


def paths(error: pytest.ExceptionInfo[InvalidContentError]) -> list[str]:
    return [path for path, _ in error.value.problems]


async def test_a_story_with_nul_is_refused(store: Store) -> None:
    with pytest.raises(InvalidContentError) as caught:
        await store.create_story(msgspec.structs.replace(make_story(), title="Harbour\x00talks"))
    assert paths(caught) == ["$.title"]
    assert await store.is_empty()
    await store.create_story(make_story())
    with pytest.raises(InvalidContentError) as caught:
        await store.update_story(STORY_ID, StoryUpdate(description="a\x00b"))
    assert paths(caught) == ["$.description"]
    assert "\x00" not in (await store.get_story(STORY_ID)).description


async def test_a_brief_with_nul_at_any_depth_is_refused(store: Store, story: Story) -> None:
    draft = make_draft("opening", day(1), parties=["north-port"])
    position = draft.positions[0]
    quote = Quote(text="We wait\x00.", speaker="Mayor", source_id="wire")
    hostile = msgspec.structs.replace(
        draft,
        headline="Head\x00line",
        positions=[msgspec.structs.replace(position, quotes=[quote])],
    )
    with pytest.raises(InvalidContentError) as caught:
        await store.create_brief(STORY_ID, hostile, NOW)
    assert paths(caught) == ["$.headline", "$.positions[0].quotes[0].text"]
    await store.create_brief(STORY_ID, draft, NOW)
    with pytest.raises(InvalidContentError) as caught:
        await store.update_brief(STORY_ID, "opening", make_content(headline="\x00"), 1, NOW)
    assert paths(caught) == ["$.headline"]
    assert (await store.get_brief(STORY_ID, "opening")).revision == 1


async def test_a_spelled_out_escape_is_not_nul(store: Store, story: Story) -> None:
    draft = make_draft("opening", day(1), headline=r"The \u0000 sequence, spelled out")
    stored = await store.create_brief(STORY_ID, draft, NOW)
    assert (await store.get_brief(STORY_ID, "opening")).headline == stored.headline


async def test_nul_in_parameters_and_tokens_is_refused(store: Store, story: Story) -> None:
    for query in (
        BriefQuery(q="toll\x00"),
        BriefQuery(party="north\x00port"),
        BriefQuery(cursor=encode_cursor(day(1), "open\x00ing")),
    ):
        with pytest.raises(InvalidContentError):
            await store.list_briefs(STORY_ID, query)
    for read in (store.get_story("harbour\x00talks"), store.get_brief(STORY_ID, "a\x00b")):
        with pytest.raises(InvalidContentError):
            await read
    record = TokenRecord(
        id="tok-1",
        name="news\x00desk",
        scopes=[Scope.READ],
        secret_hash="0" * 64,
        created_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
    )
    with pytest.raises(InvalidContentError) as caught:
        await store.create_token(record)
    assert paths(caught) == ["$.name"]
    assert await store.list_tokens() == []
