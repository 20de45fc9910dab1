"""A brief drafted from an article: quotes to positions, dated events, issue notes, review."""

from __future__ import annotations

import datetime as dt

import msgspec

from service.domain.drafting import carry_forward
from service.domain.extract import extract, registry_for
from service.domain.extract.draft import (
    ArticleDraft,
    DraftedKind,
    draft_from_article,
    without_items,
)
from service.domain.extract.models import ExtractedQuote
from service.domain.files import StoryFolder
from service.domain.models import DatePrecision, FuzzyDate, Source
from service.domain.validate import validate_brief

TEXT = (
    "On Thursday, Kremlin spokesman Dmitry Peskov said a phone call between Putin and Trump "
    "has not been set. \u201cWe are ready,\u201d Peskov said.\n"
    "Kyiv and Washington met in Jeddah on March 11."
)
PUBLISHED = dt.date(2025, 3, 14)
SOURCE = Source(id="S90", outlet="Desk test", published=FuzzyDate(date=PUBLISHED))


def drafted(ceasefire: StoryFolder) -> ArticleDraft:
    latest = ceasefire.brief_on(dt.date(2025, 3, 13))
    assert latest is not None
    base = carry_forward(latest, as_of=PUBLISHED)
    registry = registry_for(ceasefire.story, base.issues)
    start = TEXT.index("We are ready,")
    quote = ExtractedQuote(
        text="We are ready,", speaker="Dmitry Peskov", cue="said", start=start, end=start + 13
    )
    # The quote is given: quote finding is `service.domain.extract.quotes`'s to test.
    extraction = msgspec.structs.replace(extract(TEXT, PUBLISHED, registry), quotes=[quote])
    return draft_from_article(
        base, extraction, text=TEXT, story=ceasefire.story, registry=registry, source=SOURCE
    )


def test_the_draft_validates_and_cites_the_article(ceasefire: StoryFolder) -> None:
    result = drafted(ceasefire)
    assert validate_brief(result.brief, ceasefire.story) == []
    assert result.brief.sources[-1] == SOURCE
    assert "machine-drafted from S90: 1 quotes, 2 events" in (result.brief.change_note or "")


def test_quotes_go_to_the_speakers_party_with_said_on(ceasefire: StoryFolder) -> None:
    result = drafted(ceasefire)
    russia = next(p for p in result.brief.positions if p.party_id == "russia")
    assert [(q.text, q.speaker, q.source_id) for q in russia.quotes] == [
        ("We are ready,", "Dmitry Peskov", "S90")
    ]
    # Its sentence names no day: the publication date.
    assert russia.quotes[0].said_on == PUBLISHED


def test_dated_sentences_become_marked_events(ceasefire: StoryFolder) -> None:
    result = drafted(ceasefire)
    items = [item for item in result.drafted if item.kind is DraftedKind.EVENT]
    events = {event.id: event for event in result.brief.events}
    assert [events[item.target].when for item in items] == [
        FuzzyDate(date=dt.date(2025, 3, 13), precision=DatePrecision.DAY),
        FuzzyDate(date=dt.date(2025, 3, 11), precision=DatePrecision.DAY),
    ]
    jeddah = events[items[1].target]
    assert jeddah.title == "Kyiv and Washington met in Jeddah on March 11."
    assert jeddah.detail.startswith(f"[machine-drafted from S90, chars {items[1].start}-")
    assert set(jeddah.parties) == {"ukraine", "united-states"}
    assert TEXT[items[1].start : items[1].end] == jeddah.title


def test_issue_hints_become_note_lines(ceasefire: StoryFolder) -> None:
    result = drafted(ceasefire)
    call = next(issue for issue in result.brief.issues if issue.id == "putin-trump-call")
    assert call.status == "open"  # the note suggests; the status is the editor's call
    assert "suggests open: On Thursday, Kremlin spokesman" in (call.note or "")


def test_review_drops_what_it_rejects(ceasefire: StoryFolder) -> None:
    result = drafted(ceasefire)
    reviewed = without_items(result, list(result.drafted))
    latest = ceasefire.brief_on(dt.date(2025, 3, 13))
    assert latest is not None
    base = carry_forward(latest, as_of=PUBLISHED)
    assert reviewed.drafted == []
    assert [p.quotes for p in reviewed.brief.positions] == [p.quotes for p in base.positions]
    assert reviewed.brief.events == base.events
    assert [i.note for i in reviewed.brief.issues] == [i.note for i in base.issues]
    assert validate_brief(reviewed.brief, ceasefire.story) == []
