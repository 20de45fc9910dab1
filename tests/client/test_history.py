"""The client's time travel, feed and TimeMap methods against the app in process."""

from __future__ import annotations

import datetime as dt

import feedparser
import pytest

from service.client.errors import BadRequest, NotFound
from tests.api.history_story import FIRST_DAY, HOUR, SECOND_DAY, T1, T3, store_history_story
from tests.client.conftest import InProcessAPI


async def test_time_travel_reads(sqlite_api: InProcessAPI) -> None:
    story_id = await store_history_story(sqlite_api.store)
    async with sqlite_api.client() as client:
        assert (await client.latest_brief(story_id, on=SECOND_DAY)).id == "first"
        then = await client.latest_brief(story_id, at=T3 + HOUR)
        assert (then.id, then.revision) == ("second", 1)
        assert (await client.get_brief(story_id, "first", at=T1 + HOUR)).revision == 1
        assert (await client.get_brief(story_id, FIRST_DAY, at=T3)).revision == 2
        timeline = await client.timeline(story_id, at=T1 - HOUR)
        assert timeline.entries == []
        issues = await client.issue_lifecycles(story_id, state="open", at=T3 + HOUR)
        assert [issue.issue_id for issue in issues.issues] == ["toll"]


async def test_time_travel_errors(sqlite_api: InProcessAPI) -> None:
    story_id = await store_history_story(sqlite_api.store)
    async with sqlite_api.client() as client:
        with pytest.raises(NotFound):
            await client.latest_brief(story_id, on=dt.date(2025, 1, 1))
        with pytest.raises(NotFound):
            await client.get_brief(story_id, "third", at=T1)
        with pytest.raises(BadRequest, match=r"query\.at"):
            await client.get_brief(
                story_id, "first", at=T1.replace(tzinfo=None)
            )  # naive: no offset


async def test_feed_and_timemap(sqlite_api: InProcessAPI) -> None:
    story_id = await store_history_story(sqlite_api.store)
    async with sqlite_api.client() as client:
        parsed = feedparser.parse(await client.feed(story_id))
        assert not parsed.bozo
        assert parsed.entries[0].id.endswith(f"{story_id}/third/r1")
        assert feedparser.parse(await client.feed()).entries
        with pytest.raises(NotFound):
            await client.feed(story_id, page=99)
        timemap = await client.timemap(story_id, "first")
        assert timemap.count('memento";datetime=') == 2
        with pytest.raises(NotFound):
            await client.timemap(story_id, "no-such-brief")
