"""A brief drafted from an article: the carried-forward draft enriched with an `Extraction`.

`draft_from_article` adds, each as a `DraftedItem` that review accepts or drops
(`without_items`):

- each attributed quote to its speaker's party's position (``said_on`` the day its sentence
  names, else the publication date; the article is its source);
- one event per sentence naming a day, month or span (the sentence is its title, the article
  its source, the parties the sentence names its parties);
- each issue hint as a line of the issue's ``note`` (the issue's status is the editor's call).

Events and notes carry their marker in the text (``[machine-drafted from S27, chars a-b]``), so
an editor reading the document sees what to check; quotes have no free text, so the items list
is their mark. The result validates as it is: sources, parties and ids all resolve.
"""

from __future__ import annotations

import datetime as dt
import enum
import re

import msgspec

from service.domain.extract.models import Extraction
from service.domain.extract.registry import Registry, party_of
from service.domain.extract.sentences import sentence_at, sentence_spans
from service.domain.models import (
    BriefDraft,
    DatePrecision,
    Event,
    FuzzyDate,
    Position,
    Quote,
    Source,
    Stance,
    Story,
)

_TITLE_LENGTH = 240
_SLUG_WORDS = 6
_HINTS_PER_ISSUE = 3
_GOES_ON = re.compile(r"(?:He|She|They|It)\b")


class DraftedKind(enum.StrEnum):
    """What a machine-drafted item is."""

    QUOTE = "quote"
    EVENT = "event"
    ISSUE_NOTE = "issue-note"


class DraftedItem(msgspec.Struct, kw_only=True, frozen=True):
    """One machine-drafted item of an article draft, where it came from in the article."""

    kind: DraftedKind
    target: str
    """The party (quote), event or issue (note) id the item was added to."""
    text: str
    """The quote's text, the event's title, or the note line."""
    start: int
    end: int
    """The item's span in the article's text."""


class ArticleDraft(msgspec.Struct, kw_only=True, frozen=True):
    """A brief draft from an article and the items the machine drafted into it."""

    brief: BriefDraft
    drafted: list[DraftedItem] = []


def marker(source_id: str, start: int, end: int) -> str:
    """The mark a drafted event or note carries in its text."""
    return f"[machine-drafted from {source_id}, chars {start}-{end}]"


def draft_from_article(
    base: BriefDraft,
    extraction: Extraction,
    *,
    text: str,
    story: Story,
    registry: Registry,
    source: Source,
) -> ArticleDraft:
    """``base`` (the carried-forward draft) with the article's quotes, events and issue notes."""
    sources = [item for item in base.sources if item.id != source.id] + [source]
    brief = msgspec.structs.replace(base, sources=sources)
    items: list[DraftedItem] = []
    brief = _with_quotes(brief, extraction, text, story, registry, source.id, items)
    brief = _with_events(brief, extraction, text, source.id, items)
    brief = _with_issue_notes(brief, extraction, source.id, items)
    counts = {kind: sum(item.kind is kind for item in items) for kind in DraftedKind}
    summary = (
        f"machine-drafted from {source.id}: {counts[DraftedKind.QUOTE]} quotes, "
        f"{counts[DraftedKind.EVENT]} events, {counts[DraftedKind.ISSUE_NOTE]} issue notes"
    )
    note = "; ".join(part for part in (base.change_note, summary) if part)
    return ArticleDraft(brief=msgspec.structs.replace(brief, change_note=note[:500]), drafted=items)


def _day_of_sentence(
    extraction: Extraction, text: str, spans: list[tuple[int, int]], offset: int
) -> dt.date:
    """The day the sentence at ``offset`` names; a sentence going on with a pronoun ("He
    added ...") takes the day of the one before; else the publication date."""
    index = max((i for i, span in enumerate(spans) if span[0] <= offset), default=-1)
    while index >= 0:
        start, end = spans[index]
        for mention in extraction.dates:
            if start <= mention.start < end and mention.value and len(mention.value) == 10:
                return dt.date.fromisoformat(mention.value)
        if not _GOES_ON.match(text, start):
            break
        index -= 1
    return dt.date.fromisoformat(extraction.published)


def _with_quotes(  # noqa: PLR0917 - private: the one caller passes what the quotes need
    brief: BriefDraft,
    extraction: Extraction,
    text: str,
    story: Story,
    registry: Registry,
    source_id: str,
    items: list[DraftedItem],
) -> BriefDraft:
    known = {party.id for party in story.parties}
    positions = {position.party_id: position for position in brief.positions}
    order = [position.party_id for position in brief.positions]
    spans = sentence_spans(text)
    for quote in extraction.quotes:
        party_id = party_of(registry, quote.speaker) if quote.speaker else None
        if quote.speaker is None or party_id is None or party_id not in known:
            continue
        body = quote.text.strip()[:1000]
        position = positions.get(party_id) or Position(party_id=party_id, stance=Stance.UNCLEAR)
        if not body or any(item.text == body for item in position.quotes):
            continue
        if party_id not in positions:
            order.append(party_id)
        drafted = Quote(
            text=body,
            speaker=quote.speaker[:500],
            cue=(quote.cue or "said")[:500],
            source_id=source_id,
            said_on=_day_of_sentence(extraction, text, spans, quote.start),
        )
        positions[party_id] = msgspec.structs.replace(position, quotes=[*position.quotes, drafted])
        items.append(
            DraftedItem(
                kind=DraftedKind.QUOTE, target=party_id, text=body, start=quote.start, end=quote.end
            )
        )
    return msgspec.structs.replace(brief, positions=[positions[party_id] for party_id in order])


def _when(value: str) -> FuzzyDate | None:
    first = value.split("/", maxsplit=1)[0]
    precision = DatePrecision.APPROXIMATE if "/" in value else DatePrecision.DAY
    if len(first) == 7:
        first, precision = f"{first}-01", DatePrecision.MONTH
    if len(first) != 10:
        return None  # a bare year is too coarse for a timeline
    return FuzzyDate(date=dt.date.fromisoformat(first), precision=precision)


def _slug(when: dt.date, title: str, taken: set[str]) -> str:
    words = re.findall(r"[a-z0-9]+", title.lower())[:_SLUG_WORDS]
    base = "-".join([when.isoformat(), *words])[:72].strip("-")
    slug, counter = base, 2
    while slug in taken:
        slug, counter = f"{base}-{counter}", counter + 1
    return slug


def _with_events(
    brief: BriefDraft,
    extraction: Extraction,
    text: str,
    source_id: str,
    items: list[DraftedItem],
) -> BriefDraft:
    spans = sentence_spans(text)
    taken = {event.id for event in brief.events}
    events = list(brief.events)
    seen: set[tuple[int, int]] = set()
    for mention in extraction.dates:
        when = _when(mention.value) if mention.value else None
        sentence = sentence_at(spans, mention.start)
        if when is None or sentence in seen:
            continue
        seen.add(sentence)
        title = " ".join(text[sentence[0] : sentence[1]].split())
        if len(title) > _TITLE_LENGTH:
            title = title[: _TITLE_LENGTH - 1].rsplit(" ", 1)[0] + "…"
        parties = list(
            dict.fromkeys(
                party.party_id
                for party in extraction.parties
                if sentence[0] <= party.start < sentence[1]
            )
        )
        event = Event(
            id=_slug(when.date, title, taken),
            when=when,
            title=title,
            detail=f"{marker(source_id, sentence[0], sentence[1])} “{mention.mention}” read as "
            f"{mention.value}.",
            parties=parties,
            source_ids=[source_id],
        )
        taken.add(event.id)
        events.append(event)
        items.append(
            DraftedItem(
                kind=DraftedKind.EVENT,
                target=event.id,
                text=title,
                start=sentence[0],
                end=sentence[1],
            )
        )
    events.sort(key=lambda event: event.when.date)
    return msgspec.structs.replace(brief, events=events)


def _with_issue_notes(
    brief: BriefDraft, extraction: Extraction, source_id: str, items: list[DraftedItem]
) -> BriefDraft:
    issues = []
    for issue in brief.issues:
        lines = []
        for hint in [hint for hint in extraction.issues if hint.issue_id == issue.id][
            :_HINTS_PER_ISSUE
        ]:
            suggests = f", suggests {hint.status}" if hint.status else ""
            line = f"{marker(source_id, hint.start, hint.end)}{suggests}: {hint.sentence}"
            lines.append(line)
            items.append(
                DraftedItem(
                    kind=DraftedKind.ISSUE_NOTE,
                    target=issue.id,
                    text=line,
                    start=hint.start,
                    end=hint.end,
                )
            )
        if lines:
            note = "\n".join([issue.note or "", *lines]).strip()
            issues.append(msgspec.structs.replace(issue, note=note))
        else:
            issues.append(issue)
    return msgspec.structs.replace(brief, issues=issues)


def without_items(draft: ArticleDraft, dropped: list[DraftedItem]) -> ArticleDraft:
    """``draft`` with the ``dropped`` items taken out again (review rejected them)."""
    brief = draft.brief
    for item in dropped:
        match item.kind:
            case DraftedKind.QUOTE:
                positions = [
                    msgspec.structs.replace(
                        position, quotes=[q for q in position.quotes if q.text != item.text]
                    )
                    if position.party_id == item.target
                    else position
                    for position in brief.positions
                ]
                brief = msgspec.structs.replace(brief, positions=positions)
            case DraftedKind.EVENT:
                events = [event for event in brief.events if event.id != item.target]
                brief = msgspec.structs.replace(brief, events=events)
            case DraftedKind.ISSUE_NOTE:
                issues = [
                    msgspec.structs.replace(issue, note=_without_line(issue.note, item.text))
                    if issue.id == item.target
                    else issue
                    for issue in brief.issues
                ]
                brief = msgspec.structs.replace(brief, issues=issues)
    kept = [item for item in draft.drafted if item not in dropped]
    return ArticleDraft(brief=brief, drafted=kept)


def _without_line(note: str | None, line: str) -> str | None:
    if note is None:
        return None
    kept = "\n".join(part for part in note.split("\n") if part != line).strip()
    return kept or None
