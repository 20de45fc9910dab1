"""Store contract: ``list_briefs`` filters and keyset pagination (SQLite and PostgreSQL)."""

from __future__ import annotations

import base64

import msgspec
import pytest

from service.domain.errors import InvalidContentError, NotFoundError
from service.domain.models import IssueStatus, Story
from service.domain.wire import BriefQuery
from service.store.base import Store

from .factories import NOW, STORY_ID, day, make_content, make_draft

PARTIES = ["north-port", "south-port", "board"]


@pytest.fixture
async def briefs(store: Store, story: Story) -> list[str]:
    """23 briefs, one every other day: parties, issues and words vary with the number."""
    ids = []
    for n in range(1, 24):
        issues = [("toll", IssueStatus.OPEN if n < 12 else IssueStatus.RESOLVED)]
        if n % 5 == 0:
            issues.append(("ferry", IssueStatus.SCHEDULED))
        draft = make_draft(
            f"brief-{n:02d}",
            day(2 * n),
            headline=f"Harbour update {n}" + (" — Strait closed" if n % 7 == 0 else ""),
            summary="Pilots report STRASSE works." if n % 4 == 0 else "Quiet day.",
            parties=[PARTIES[n % 3], *(["board"] if n % 2 == 0 else [])],
            issues=issues,
        )
        await store.create_brief(STORY_ID, draft, NOW)
        ids.append(draft.id)
    return ids


async def walk(store: Store, query: BriefQuery) -> tuple[list[str], int]:
    """Every id over every page of a listing, and the number of pages."""
    ids: list[str] = []
    pages = 0
    cursor = None
    while True:
        page = await store.list_briefs(STORY_ID, msgspec.structs.replace(query, cursor=cursor))
        pages += 1
        ids.extend(brief.id for brief in page.items)
        assert len(page.items) <= query.limit
        if page.next_cursor is None:
            return ids, pages
        assert len(page.items) == query.limit
        cursor = page.next_cursor


@pytest.mark.parametrize("limit", [1, 5, 7, 23, 50])
async def test_pages_cover_everything_once_in_order(
    store: Store, briefs: list[str], limit: int
) -> None:
    ids, pages = await walk(store, BriefQuery(limit=limit))
    assert ids == briefs  # no gap, no duplicate, (as_of, id) order
    assert pages == -(-len(briefs) // limit)  # no trailing empty page


async def test_first_page_of_default_listing(store: Store, briefs: list[str]) -> None:
    page = await store.list_briefs(STORY_ID, BriefQuery())
    assert [brief.id for brief in page.items] == briefs
    assert page.next_cursor is None


async def test_as_of_range_is_inclusive(store: Store, briefs: list[str]) -> None:
    query = BriefQuery(as_of_from=day(6), as_of_to=day(12))
    ids, _ = await walk(store, query)
    assert ids == ["brief-03", "brief-04", "brief-05", "brief-06"]


async def test_party_filter(store: Store, briefs: list[str]) -> None:
    ids, _ = await walk(store, BriefQuery(party="north-port", limit=2))
    assert ids == [f"brief-{n:02d}" for n in range(1, 24) if n % 3 == 0]
    board, _ = await walk(store, BriefQuery(party="board", limit=3))
    assert board == [f"brief-{n:02d}" for n in range(1, 24) if n % 3 == 2 or n % 2 == 0]


async def test_issue_filters(store: Store, briefs: list[str]) -> None:
    ferry, _ = await walk(store, BriefQuery(issue_id="ferry"))
    assert ferry == ["brief-05", "brief-10", "brief-15", "brief-20"]
    resolved, _ = await walk(
        store, BriefQuery(issue_id="toll", issue_status=IssueStatus.RESOLVED, limit=4)
    )
    assert resolved == [f"brief-{n:02d}" for n in range(12, 24)]
    scheduled, _ = await walk(store, BriefQuery(issue_status=IssueStatus.SCHEDULED))
    assert scheduled == ferry
    none, _ = await walk(store, BriefQuery(issue_id="ferry", issue_status=IssueStatus.OPEN))
    assert none == []


async def test_text_query_is_case_insensitive_on_headline_and_summary(
    store: Store, briefs: list[str]
) -> None:
    headline, _ = await walk(store, BriefQuery(q="strait CLOSED"))
    assert headline == ["brief-07", "brief-14", "brief-21"]
    summary, _ = await walk(store, BriefQuery(q="straße", limit=2))  # casefolds to "strasse"
    assert summary == [f"brief-{n:02d}" for n in range(1, 24) if n % 4 == 0]


async def test_filters_combine(store: Store, briefs: list[str]) -> None:
    query = BriefQuery(party="board", issue_status=IssueStatus.RESOLVED, as_of_to=day(40))
    ids, _ = await walk(store, query)
    assert ids == [f"brief-{n:02d}" for n in range(12, 21) if n % 3 == 2 or n % 2 == 0]


async def test_filters_see_only_the_latest_revision(store: Store, briefs: list[str]) -> None:
    before, _ = await walk(store, BriefQuery(issue_id="ferry"))
    assert "brief-05" in before
    content = make_content(headline="Harbour update 5, corrected", parties=["south-port"])
    await store.update_brief(STORY_ID, "brief-05", content, 1, NOW)
    after, _ = await walk(store, BriefQuery(issue_id="ferry"))
    assert "brief-05" not in after
    corrected, _ = await walk(store, BriefQuery(q="corrected"))
    assert corrected == ["brief-05"]
    page = await store.list_briefs(STORY_ID, BriefQuery(q="corrected"))
    assert page.items[0].revision == 2


@pytest.mark.parametrize(
    "cursor",
    [
        "not base64 !",
        base64.urlsafe_b64encode(b"garbage").decode(),
        base64.urlsafe_b64encode(b'{"as_of": "2025-01-01"}').decode(),
        base64.urlsafe_b64encode(b'["2025-13-01", "x"]').decode(),
    ],
)
async def test_bad_cursor_is_invalid_content(store: Store, briefs: list[str], cursor: str) -> None:
    with pytest.raises(InvalidContentError) as caught:
        await store.list_briefs(STORY_ID, BriefQuery(cursor=cursor))
    assert caught.value.problems[0][0] == "$.cursor"


async def test_listing_unknown_or_empty_story(store: Store, story: Story) -> None:
    page = await store.list_briefs(STORY_ID, BriefQuery())
    assert page.items == []
    assert page.next_cursor is None
    with pytest.raises(NotFoundError):
        await store.list_briefs("no-such-story", BriefQuery())
