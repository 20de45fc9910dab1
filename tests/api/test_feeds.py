"""Atom feeds (RFC 4287), read by feedparser and checked for the required elements, on both
backends: entries per revision newest first, content from the diff, links, paging, ETag/304."""

from __future__ import annotations

from collections.abc import AsyncIterator
from xml.etree import ElementTree as ET

import feedparser
import pytest

from service.domain.files import StoryFolder
from service.settings import Settings
from tests.api.conftest import Api, start
from tests.api.history_story import REVISIONS, store_history_story

STORY_FEED = "/v1/stories/harbour-talks/feed.atom"
ATOM = "{http://www.w3.org/2005/Atom}"
PAGE_SIZE = 2


@pytest.fixture
async def api(database_url: str, ceasefire: StoryFolder) -> AsyncIterator[Api]:
    """The API on each backend (feed pages of two entries) with both stories."""
    settings = Settings(
        database_url=database_url, load_fixtures=False, db_pool_size=5, feed_page_size=PAGE_SIZE
    )
    async for running in start(settings, ceasefire):
        await store_history_story(running.app.state.store)
        yield running


async def _feed(api: Api, path: str) -> feedparser.FeedParserDict:
    response = await api.request("GET", path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/atom+xml"
    _check_required_elements(response.content)
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return parsed


def _check_required_elements(document: bytes) -> None:
    """RFC 4287: a feed has id, title, updated and an author (or every entry has one); each
    entry has id, title and updated, and at most one alternate link per type."""
    root = ET.fromstring(document)
    assert root.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated", "author"):
        assert root.find(f"{ATOM}{name}") is not None, name
    for entry in root.findall(f"{ATOM}entry"):
        for name in ("id", "title", "updated", "content"):
            assert len(entry.findall(f"{ATOM}{name}")) == 1, name
        alternates = [
            link.get("type")
            for link in entry.findall(f"{ATOM}link")
            if link.get("rel") == "alternate"
        ]
        assert len(alternates) == len(set(alternates))


def _pages(parsed: feedparser.FeedParserDict) -> dict[str, str]:
    return {link.rel: link.href for link in parsed.feed.links}


async def test_story_feed_has_one_entry_per_revision_newest_first(api: Api) -> None:
    entries = []
    path: str | None = STORY_FEED
    while path is not None:
        parsed = await _feed(api, path)
        assert parsed.feed.title == "Talks over the harbour toll"
        assert parsed.feed.id == "tag:testserver,2025-01-01:harbour-talks/feed"
        entries += parsed.entries
        following = _pages(parsed).get("next")
        path = following.removeprefix("http://testserver") if following else None
    assert [entry.id for entry in entries] == [
        "tag:testserver,2025-03-05:harbour-talks/third/r1",
        "tag:testserver,2025-03-04:harbour-talks/second/r2",
        "tag:testserver,2025-03-03:harbour-talks/second/r1",
        "tag:testserver,2025-03-02:harbour-talks/first/r2",
        "tag:testserver,2025-03-01:harbour-talks/first/r1",
    ]
    assert len(entries) == REVISIONS
    assert [entry.get("author") for entry in entries] == ["alice", "carol", None, "bob", "alice"]
    assert entries[1].title.startswith("Withdrawn: ")
    assert entries[3].summary == "board joins"
    assert entries[0].updated == "2025-03-05T12:00:00Z"


async def test_entry_content_is_the_diff_summary(api: Api) -> None:
    parsed = await _feed(api, f"{STORY_FEED}?page=2")
    edited = next(entry for entry in parsed.entries if entry.id.endswith("/first/r2"))
    text = edited.content[0].value
    assert edited.content[0].type == "text/plain"
    assert text.startswith("significance ")
    assert "Regional Board" in text  # party names from the story's registry
    first = next(entry for entry in parsed.entries if entry.id.endswith("/second/r1"))
    assert first.content[0].value.startswith("significance ")  # against brief "first" r2
    parsed = await _feed(api, f"{STORY_FEED}?page=3")
    assert parsed.entries[0].content[0].value == "The story's first brief."


async def test_entry_links_resolve(api: Api) -> None:
    parsed = await _feed(api, f"{STORY_FEED}?page=2")
    entry = next(entry for entry in parsed.entries if entry.id.endswith("/first/r2"))
    links = {(link.rel, link.get("title")): link.href for link in entry.links}
    assert links["alternate", None].endswith("/briefs/first/revisions/2")
    for href in links.values():
        response = await api.request("GET", href.removeprefix("http://testserver"))
        assert response.status_code == 200, href
    diff = await api.request("GET", links["related", "diff"].removeprefix("http://testserver"))
    assert (diff.json()["old"]["revision"], diff.json()["new"]["revision"]) == (1, 2)


async def test_paging_links(api: Api) -> None:
    first = _pages(await _feed(api, STORY_FEED))
    assert first["self"] == f"http://testserver{STORY_FEED}"
    assert first["next"] == f"http://testserver{STORY_FEED}?page=2"
    assert first["last"] == f"http://testserver{STORY_FEED}?page=3"
    assert "previous" not in first
    middle = _pages(await _feed(api, f"{STORY_FEED}?page=2"))
    assert middle["previous"] == f"http://testserver{STORY_FEED}"
    assert middle["next"] == f"http://testserver{STORY_FEED}?page=3"
    last = _pages(await _feed(api, f"{STORY_FEED}?page=3"))
    assert "next" not in last


async def test_the_feed_of_every_story(api: Api) -> None:
    parsed = await _feed(api, "/v1/feed.atom")
    assert parsed.feed.id == "tag:testserver,2025-01-01:feed"
    assert len(parsed.entries) == PAGE_SIZE
    assert all(": " in entry.title for entry in parsed.entries)  # led by the story's title
    last = _pages(parsed)["last"].removeprefix("http://testserver")
    tail = await _feed(api, last)
    assert tail.entries


async def test_public_base_url_makes_the_links_and_ids(
    database_url: str, ceasefire: StoryFolder
) -> None:
    settings = Settings(
        database_url=database_url,
        load_fixtures=False,
        db_pool_size=5,
        public_base_url="https://briefs.example.org/api",
    )
    async for api in start(settings, ceasefire):
        parsed = await _feed(api, "/v1/stories/ceasefire-2025/feed.atom")
        assert parsed.feed.id.startswith("tag:briefs.example.org,")
        assert _pages(parsed)["self"].startswith("https://briefs.example.org/api/v1/")


async def test_etag_and_304(api: Api) -> None:
    response = await api.request("GET", STORY_FEED)
    etag = response.headers["etag"]
    again = await api.revalidate(STORY_FEED, etag)
    assert again.status_code == 304
    assert again.content == b""
    other = await api.request("GET", f"{STORY_FEED}?page=2")
    assert other.headers["etag"] != etag


async def test_a_new_revision_changes_the_feed(api: Api) -> None:
    before = await api.request("GET", STORY_FEED)
    store = api.app.state.store
    brief = await store.latest_brief("harbour-talks")
    await store.update_brief(
        "harbour-talks", brief.id, brief, None, brief.revised_at, revised_by="dan"
    )
    after = await api.revalidate(STORY_FEED, before.headers["etag"])
    assert after.status_code == 200


@pytest.mark.parametrize(
    ("path", "status", "where"),
    [
        ("/v1/stories/no-such-story/feed.atom", 404, None),
        (f"{STORY_FEED}?page=4", 404, None),
        (f"{STORY_FEED}?page=0", 400, "query.page"),
        (f"{STORY_FEED}?page=two", 400, "query.page"),
        ("/v1/feed.atom?page=999", 404, None),
        (f"{STORY_FEED}?limit=5", 400, None),
    ],
)
async def test_errors_are_problems(api: Api, path: str, status: int, where: str | None) -> None:
    response = await api.request("GET", path)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    if where is not None:
        assert [error["path"] for error in response.json()["errors"]] == [where]
