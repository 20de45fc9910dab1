"""Hypothesis strategies for stories and briefs that satisfy the model's constraints.

Identifiers come from small pools, so two generated briefs share parties, issues, events and
sources and their diffs exercise matching, not only additions and removals. Sizes stay small to
keep property tests fast. Every generated brief round-trips through the real decoders and passes
``validate_brief`` against `FULL_STORY` (``tests/domain/test_properties.py`` checks both), so
other tests may post them to the API as they are.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from hypothesis import strategies as st

from service.domain import models

__all__ = [
    "FULL_STORY",
    "brief_pairs",
    "briefs",
    "contents",
    "dates",
    "events",
    "issues",
    "json_values",
    "make_brief",
    "positions",
    "prose",
    "quotes",
    "sentences",
    "sources",
    "stories",
]

STORY_ID = "hypothesis-story"
PARTY_IDS = ("alpha", "bravo", "charlie-delta", "echo")
ISSUE_IDS = ("truce-terms", "prisoner-swap", "aid-corridor", "monitoring")
EVENT_IDS = ("first-call", "summit", "vote", "deadline", "signing")
SOURCE_IDS = ("S1", "S2", "S3.a", "S_4")

_NON_SPACE = re.compile(r"\S")

_words = st.sampled_from(
    ["talks", "Talks", "ceasefire", "truce,", "aid", "vote.", "x", "é", "ß", "~/", "—", "1"]
)
_spaces = st.sampled_from([" ", " ", "  ", "\n", "\t", "\u00a0"])
prose = st.builds(
    lambda words, gaps: "".join(word + gap for word, gap in zip(words, gaps, strict=False)),
    st.lists(_words, max_size=12),
    st.lists(_spaces, min_size=12, max_size=12),
)
"""Short prose from a small vocabulary (so edits collide), with varied spacing."""
sentences = st.lists(
    st.sampled_from(["One.", "Two", "three.", "Four!", ".", " ", "  ", "\n", "5.5"]), max_size=16
).map("".join)
"""Text made of short sentences and stray full stops, for the sentence-level alignment."""
_any_text = st.text(st.characters(codec="utf-8"), max_size=20)
text = st.one_of(prose, _any_text)
headline = text.filter(lambda value: _NON_SPACE.search(value) is not None)
nonempty = text.filter(bool)
dates = st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2026, 12, 31))
_datetimes = st.datetimes(
    min_value=dt.datetime(2024, 1, 1),  # noqa: DTZ001 - hypothesis bounds are naive; tz added below
    max_value=dt.datetime(2026, 12, 31),  # noqa: DTZ001
    timezones=st.just(dt.UTC),
)
fuzzy_dates = st.builds(
    models.FuzzyDate, date=dates, precision=st.sampled_from(models.DatePrecision)
)


def _subset(pool: tuple[str, ...]) -> st.SearchStrategy[list[str]]:
    if not pool:
        return st.just([])
    return st.lists(st.sampled_from(pool), unique=True, max_size=len(pool))


def quotes(source_ids: tuple[str, ...] = SOURCE_IDS) -> st.SearchStrategy[models.Quote]:
    """A quote citing one of ``source_ids`` (which must not be empty)."""
    return st.builds(
        models.Quote,
        text=nonempty,
        speaker=nonempty,
        cue=st.sampled_from(["said", "told reporters"]),
        source_id=st.sampled_from(source_ids),
        said_on=st.none() | dates,
        translated_by=st.none() | st.just("Wire"),
    )


def positions(source_ids: tuple[str, ...] = SOURCE_IDS) -> st.SearchStrategy[models.Position]:
    """A position whose quotes cite ``source_ids`` (none when it is empty)."""
    return st.builds(
        models.Position,
        party_id=st.sampled_from(PARTY_IDS),
        stance=st.sampled_from(models.Stance),
        statement=text,
        conditions=st.lists(prose, max_size=3),
        quotes=st.lists(quotes(source_ids), max_size=2) if source_ids else st.just([]),
    )


@st.composite
def issues(draw: st.DrawFn) -> models.Issue:
    """An issue; closed ones carry ``closed_on`` on or after ``opened_on``."""
    status = draw(st.sampled_from(models.IssueStatus))
    opened_on = draw(dates)
    closed = status in {
        models.IssueStatus.RESOLVED,
        models.IssueStatus.LAPSED,
        models.IssueStatus.OVERTAKEN,
    }
    return models.Issue(
        id=draw(st.sampled_from(ISSUE_IDS)),
        title=draw(headline),
        status=status,
        opened_on=opened_on,
        closed_on=opened_on + dt.timedelta(days=draw(st.integers(0, 60))) if closed else None,
        resolution=draw(st.none() | text) if closed else None,
        parties=draw(_subset(PARTY_IDS)),
        expected=draw(st.none() | fuzzy_dates),
        note=draw(st.none() | text),
    )


def events(source_ids: tuple[str, ...] = SOURCE_IDS) -> st.SearchStrategy[models.Event]:
    """An event citing some of ``source_ids``."""
    return st.builds(
        models.Event,
        id=st.sampled_from(EVENT_IDS),
        when=fuzzy_dates,
        title=headline,
        detail=text,
        parties=_subset(PARTY_IDS),
        source_ids=_subset(source_ids),
    )


sources = st.builds(
    models.Source,
    id=st.sampled_from(SOURCE_IDS),
    outlet=nonempty,
    title=text,
    url=st.none() | st.sampled_from(["https://example.org/a", "http://example.com/b?c=~d/e"]),
    published=st.none() | fuzzy_dates,
    reliability=st.sampled_from(models.Reliability),
)


@st.composite
def contents(draw: st.DrawFn) -> models.BriefContent:
    """Brief content that passes ``validate_brief`` against `FULL_STORY`: ids unique within
    each list, quotes and events citing the brief's own sources, parties from `PARTY_IDS`."""
    brief_sources = draw(st.lists(sources, max_size=3, unique_by=lambda item: item.id))
    cited = tuple(source.id for source in brief_sources)
    return models.BriefContent(
        headline=draw(headline),
        summary=draw(text),
        takeaways=draw(st.lists(prose, max_size=3)),
        positions=draw(
            st.lists(positions(cited), max_size=4, unique_by=lambda item: item.party_id)
        ),
        issues=draw(st.lists(issues(), max_size=4, unique_by=lambda item: item.id)),
        events=draw(st.lists(events(cited), max_size=4, unique_by=lambda item: item.id)),
        sources=brief_sources,
        status=draw(st.sampled_from(models.PubStatus)),
        author=draw(st.none() | nonempty),
    )


@st.composite
def briefs(
    draw: st.DrawFn, content: st.SearchStrategy[models.BriefContent] | None = None
) -> models.Brief:
    """A stored brief revision of the hypothesis story."""
    created_at = draw(_datetimes)
    body = draw(content or contents())
    return models.Brief(
        **{name: getattr(body, name) for name in models.BriefContent.__struct_fields__},
        id=draw(st.sampled_from(["day-one", "day-two", "day-three"])),
        as_of=draw(dates),
        story_id=STORY_ID,
        revision=draw(st.integers(1, 5)),
        created_at=created_at,
        revised_at=created_at + dt.timedelta(seconds=draw(st.integers(0, 10**6))),
    )


def make_brief(**fields: Any) -> models.Brief:
    """A hand-built brief for unit tests: a minimal valid brief with ``fields`` replaced."""
    defaults: dict[str, Any] = {
        "id": "day-one",
        "story_id": STORY_ID,
        "as_of": dt.date(2025, 3, 1),
        "headline": "Talks resume",
        "created_at": dt.datetime(2025, 3, 1, 18, 0, tzinfo=dt.UTC),
        "revised_at": dt.datetime(2025, 3, 1, 18, 0, tzinfo=dt.UTC),
    }
    return models.Brief(**(defaults | fields))


brief_pairs = st.tuples(briefs(), briefs())
"""Two briefs of the same story that share identifiers drawn from the same pools."""

parties = st.builds(
    models.Party,
    id=st.sampled_from(PARTY_IDS),
    name=nonempty,
    kind=st.sampled_from(models.PartyKind),
    aliases=st.lists(text, max_size=2),
)
FULL_STORY = models.Story(
    id=STORY_ID,
    title="Hypothesis story",
    parties=[
        models.Party(id=party_id, name=party_id.title(), kind=models.PartyKind.STATE)
        for party_id in PARTY_IDS
    ],
)
"""The story every generated brief belongs to: it registers all of `PARTY_IDS`."""

stories = st.builds(
    models.Story,
    id=st.just(STORY_ID),
    title=headline,
    description=text,
    parties=st.lists(parties, max_size=4, unique_by=lambda item: item.id),
)

_keys = st.sampled_from(["a", "b", "~", "/", "~1", "a/b~c", "", "0"])
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3) | st.sampled_from([0.5, 1.0]) | _any_text,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(_keys, children, max_size=4),
    max_leaves=12,
)
"""Arbitrary JSON documents, with keys that need JSON Pointer escaping."""
