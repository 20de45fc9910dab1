"""Property: walking every page of any listing yields exactly the briefs a plain Python filter
over ``story_briefs`` selects, in (as_of, id) order, on both backends."""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools

import msgspec
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from service.domain.files import StoryFolder
from service.domain.models import Brief, BriefContent, IssueStatus
from service.domain.wire import BriefQuery
from service.settings import Settings
from service.store.factory import open_store

from .factories import NOW, day, make_draft, make_story

WORDS = ["Harbour", "toll", "STRASSE", "straße", "Öl", "pilots", "vote"]
PARTIES = ["north-port", "south-port", "board"]
ISSUES = ["toll", "ferry", "berths"]
_story_numbers = itertools.count()

briefs_strategy = st.lists(
    st.tuples(
        st.lists(st.sampled_from(WORDS), min_size=1, max_size=3),  # headline words
        st.lists(st.sampled_from(WORDS), max_size=3),  # summary words
        st.sets(st.sampled_from(PARTIES)),
        st.dictionaries(st.sampled_from(ISSUES), st.sampled_from(list(IssueStatus))),
    ),
    max_size=12,
)
query_strategy = st.builds(
    BriefQuery,
    as_of_from=st.none() | st.integers(1, 30).map(day),
    as_of_to=st.none() | st.integers(1, 30).map(day),
    party=st.none() | st.sampled_from(PARTIES),
    issue_id=st.none() | st.sampled_from(ISSUES),
    issue_status=st.none() | st.sampled_from(list(IssueStatus)),
    q=st.none() | st.sampled_from([word.lower() for word in WORDS] + ["STRAẞE", "hARB"]),
    limit=st.integers(1, 5),
)


@hypothesis_settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(specs=briefs_strategy, query=query_strategy, data=st.data())
def test_pages_match_a_python_filter(
    settings: Settings,
    specs: list[tuple[list[str], list[str], set[str], dict[str, IssueStatus]]],
    query: BriefQuery,
    data: st.DataObject,
) -> None:
    story_id = f"story-{next(_story_numbers)}"
    dates = data.draw(
        st.lists(st.integers(1, 30), min_size=len(specs), max_size=len(specs), unique=True)
    )
    briefs = [
        _brief(story_id, f"b-{n}", day(date), spec)
        for n, (date, spec) in enumerate(zip(dates, specs, strict=True))
    ]
    walked = asyncio.run(_walk(settings, story_id, briefs, query))
    expected = sorted((b for b in briefs if _matches(b, query)), key=lambda b: (b.as_of, b.id))
    assert walked == [(brief.id, brief.as_of) for brief in expected]


def _brief(
    story_id: str,
    brief_id: str,
    as_of: dt.date,
    spec: tuple[list[str], list[str], set[str], dict[str, IssueStatus]],
) -> Brief:
    headline, summary, parties, issues = spec
    draft = make_draft(
        brief_id,
        as_of,
        headline=" ".join(headline),
        summary=" ".join(summary),
        parties=sorted(parties),
        issues=sorted(issues.items()),
    )
    return Brief(
        **{field: getattr(draft, field) for field in BriefContent.__struct_fields__},
        id=brief_id,
        as_of=as_of,
        story_id=story_id,
        created_at=NOW,
        revised_at=NOW,
    )


def _matches(brief: Brief, query: BriefQuery) -> bool:
    if query.as_of_from is not None and brief.as_of < query.as_of_from:
        return False
    if query.as_of_to is not None and brief.as_of > query.as_of_to:
        return False
    if query.party is not None and query.party not in {p.party_id for p in brief.positions}:
        return False
    if (query.issue_id is not None or query.issue_status is not None) and not any(
        query.issue_id in (None, issue.id) and query.issue_status in (None, issue.status)
        for issue in brief.issues
    ):
        return False
    if query.q:
        text = f"{brief.headline}\n{brief.summary}".casefold()
        return query.q.casefold() in text
    return True


async def _walk(
    settings: Settings, story_id: str, briefs: list[Brief], query: BriefQuery
) -> list[tuple[str, dt.date]]:
    store = await open_store(settings)
    try:
        story = msgspec.structs.replace(make_story(), id=story_id)
        await store.import_folder(StoryFolder(story=story, briefs=briefs))
        seen: list[tuple[str, dt.date]] = []
        cursor = None
        for _ in range(len(briefs) + 2):
            page = await store.list_briefs(story_id, msgspec.structs.replace(query, cursor=cursor))
            seen.extend((brief.id, brief.as_of) for brief in page.items)
            if page.next_cursor is None:
                return seen
            cursor = page.next_cursor
        raise AssertionError("pagination did not end")
    finally:
        await store.close()
