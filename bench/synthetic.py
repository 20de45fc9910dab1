"""Large synthetic briefs for benchmarks, deterministic for a given seed.

The prose is made of invented pseudo-words (syllable soup with a Zipf-like frequency), so it
has the statistics of real text without copying any. `synthetic_pair` builds a brief and a
successor with realistic amounts of change between them: a few stance shifts, issues closing,
opening and moving, events added and corrected, sources added and about 2% of the summary's
words edited. Reused by the diff and TUI benchmarks.
"""

from __future__ import annotations

import datetime as dt
import random

import msgspec

from service.domain import models

__all__ = [
    "STORY_ID",
    "edit_text",
    "evolve",
    "synthetic_brief",
    "synthetic_pair",
    "synthetic_story",
    "synthetic_text",
]

STORY_ID = "synthetic-story"
_SYLLABLES = tuple(
    "ka ro mi ten sa lu vor dal en pri to mas ne gel ur bi os fan ti del "  # noqa: SIM905 - a word list reads better as text
    "qua ser ni lo ba rem cu zan ol ve hak it sul po rin ga mer dis ul".split()
)
_START = dt.date(2025, 1, 1)
_CREATED = dt.datetime(2025, 1, 1, 12, 0, tzinfo=dt.UTC)
_STANCES = list(models.Stance)
_OPEN = [models.IssueStatus.OPEN, models.IssueStatus.SCHEDULED, models.IssueStatus.DISPUTED]


class _Words:
    """A Zipf-weighted vocabulary of pseudo-words."""

    def __init__(self, rng: random.Random, size: int = 5_000) -> None:
        words: set[str] = set()
        while len(words) < size:
            words.add("".join(rng.choices(_SYLLABLES, k=rng.randint(1, 4))))
        self.words = sorted(words)
        rng.shuffle(self.words)
        self.weights = [1 / rank for rank in range(1, size + 1)]

    def sample(self, rng: random.Random, count: int) -> list[str]:
        return rng.choices(self.words, weights=self.weights, k=count)


def synthetic_text(rng: random.Random, words: int, vocabulary: _Words | None = None) -> str:
    """Prose of ``words`` pseudo-words in sentences and paragraphs."""
    vocabulary = vocabulary or _Words(rng)
    tokens = vocabulary.sample(rng, words)
    parts: list[str] = []
    sentence_left = 0
    for index, token in enumerate(tokens):
        word = token
        if sentence_left == 0:
            sentence_left = rng.randint(6, 28)
            word = token.capitalize()
            if index:
                parts.append("\n\n" if rng.random() < 0.15 else " ")
        else:
            parts.append(", " if rng.random() < 0.06 else " ")
        sentence_left -= 1
        parts.append(word + ("." if sentence_left == 0 or index == words - 1 else ""))
    return "".join(parts)


def edit_text(rng: random.Random, text: str, fraction: float) -> str:
    """``text`` with about ``fraction`` of its words replaced, deleted or followed by a new one."""
    words = text.split(" ")
    vocabulary = _Words(random.Random(rng.random()), size=500)
    for _ in range(max(1, round(len(words) * fraction))):
        index = rng.randrange(len(words))
        kind = rng.random()
        if kind < 0.6:
            words[index] = vocabulary.sample(rng, 1)[0]
        elif kind < 0.8 and len(words) > 1:
            del words[index]
        else:
            words.insert(index, vocabulary.sample(rng, 1)[0])
    return " ".join(words)


def _title(rng: random.Random, vocabulary: _Words, words: int = 6) -> str:
    return " ".join(vocabulary.sample(rng, words)).capitalize()


def synthetic_story(parties: int = 50) -> models.Story:
    """The story the synthetic briefs belong to, registering their ``parties``."""
    return models.Story(
        id=STORY_ID,
        title="Synthetic story",
        parties=[
            models.Party(
                id=f"party-{number:03}", name=f"Party {number}", kind=models.PartyKind.STATE
            )
            for number in range(1, parties + 1)
        ],
    )


def synthetic_brief(
    rng: random.Random,
    *,
    parties: int = 50,
    issues: int = 300,
    events: int = 500,
    sources: int = 200,
    summary_words: int = 10_000,
) -> models.Brief:
    """One large brief of the synthetic story."""
    vocabulary = _Words(rng)
    source_ids = [f"S{number}" for number in range(1, sources + 1)]
    return models.Brief(
        id="day-0001",
        story_id=STORY_ID,
        as_of=_START + dt.timedelta(days=120),
        created_at=_CREATED,
        revised_at=_CREATED,
        headline=_title(rng, vocabulary, 10),
        summary=synthetic_text(rng, summary_words, vocabulary),
        takeaways=[_title(rng, vocabulary, 12) for _ in range(8)],
        positions=[
            models.Position(
                party_id=f"party-{number:03}",
                stance=rng.choice(_STANCES),
                statement=synthetic_text(rng, 60, vocabulary),
                conditions=[_title(rng, vocabulary) for _ in range(rng.randint(0, 4))],
                quotes=[_quote(rng, vocabulary, source_ids) for _ in range(rng.randint(0, 3))],
            )
            for number in range(1, parties + 1)
        ],
        issues=[_issue(rng, vocabulary, number, parties) for number in range(1, issues + 1)],
        events=[_event(rng, vocabulary, number, source_ids) for number in range(1, events + 1)],
        sources=[
            models.Source(
                id=source_id,
                outlet=_title(rng, vocabulary, 2),
                title=_title(rng, vocabulary, 8),
                url=f"https://example.org/{source_id.lower()}",
                reliability=rng.choice(list(models.Reliability)),
            )
            for source_id in source_ids
        ],
    )


def evolve(rng: random.Random, brief: models.Brief, *, edit_fraction: float = 0.02) -> models.Brief:
    """The next day's brief: realistic, modest change from ``brief``."""
    vocabulary = _Words(rng, size=1_000)
    source_ids = [source.id for source in brief.sources]
    positions = list(brief.positions)
    for index in rng.sample(range(len(positions)), k=min(3, len(positions))):
        old = positions[index]
        positions[index] = msgspec.structs.replace(
            old,
            stance=rng.choice([stance for stance in _STANCES if stance != old.stance]),
            statement=edit_text(rng, old.statement, 0.2),
            quotes=[*old.quotes, _quote(rng, vocabulary, source_ids)],
        )
    issues = list(brief.issues)
    as_of = brief.as_of + dt.timedelta(days=1)
    open_indexes = [index for index, issue in enumerate(issues) if not issue.is_closed]
    for index in rng.sample(open_indexes, k=min(10, len(open_indexes))):
        issues[index] = msgspec.structs.replace(
            issues[index],
            status=models.IssueStatus.RESOLVED,
            closed_on=as_of,
            resolution=_title(rng, vocabulary, 12),
        )
    for index in rng.sample(range(len(issues)), k=min(5, len(issues))):
        issues[index] = msgspec.structs.replace(issues[index], note=_title(rng, vocabulary, 9))
    parties = len(positions)
    issues += [_issue(rng, vocabulary, 10_000 + n, parties, opened=as_of) for n in range(8)]
    events = list(brief.events)
    for index in rng.sample(range(len(events)), k=min(3, len(events))):
        events[index] = msgspec.structs.replace(events[index], detail=_title(rng, vocabulary, 20))
    events += [_event(rng, vocabulary, 10_000 + n, source_ids, when=as_of) for n in range(12)]
    return msgspec.structs.replace(
        brief,
        id="day-0002",
        as_of=as_of,
        headline=_title(rng, vocabulary, 10),
        summary=edit_text(rng, brief.summary, edit_fraction),
        takeaways=[*brief.takeaways[1:], _title(rng, vocabulary, 12)],
        positions=positions,
        issues=issues,
        events=events,
        sources=[
            *brief.sources,
            *(
                models.Source(id=f"S{len(source_ids) + n}", outlet=_title(rng, vocabulary, 2))
                for n in range(1, 6)
            ),
        ],
    )


def synthetic_pair(
    seed: int = 2025,
    *,
    parties: int = 50,
    issues: int = 300,
    events: int = 500,
    summary_words: int = 10_000,
    edit_fraction: float = 0.02,
) -> tuple[models.Brief, models.Brief]:
    """A large brief and its successor, identical for the same arguments."""
    rng = random.Random(seed)
    old = synthetic_brief(
        rng, parties=parties, issues=issues, events=events, summary_words=summary_words
    )
    return old, evolve(rng, old, edit_fraction=edit_fraction)


def _quote(rng: random.Random, vocabulary: _Words, source_ids: list[str]) -> models.Quote:
    return models.Quote(
        text=_title(rng, vocabulary, 15) + ".",
        speaker=_title(rng, vocabulary, 2),
        source_id=rng.choice(source_ids),
    )


def _issue(
    rng: random.Random,
    vocabulary: _Words,
    number: int,
    parties: int,
    *,
    opened: dt.date | None = None,
) -> models.Issue:
    closed = opened is None and rng.random() < 0.2
    opened_on = opened or _START + dt.timedelta(days=rng.randrange(100))
    return models.Issue(
        id=f"issue-{number:05}",
        title=_title(rng, vocabulary),
        status=models.IssueStatus.LAPSED if closed else rng.choice(_OPEN),
        opened_on=opened_on,
        closed_on=opened_on + dt.timedelta(days=rng.randrange(1, 20)) if closed else None,
        parties=sorted({f"party-{rng.randint(1, parties):03}" for _ in range(3)}),
        note=_title(rng, vocabulary, 9) if rng.random() < 0.5 else None,
    )


def _event(
    rng: random.Random,
    vocabulary: _Words,
    number: int,
    source_ids: list[str],
    *,
    when: dt.date | None = None,
) -> models.Event:
    return models.Event(
        id=f"event-{number:05}",
        when=models.FuzzyDate(
            date=when or _START + dt.timedelta(days=rng.randrange(120)),
            precision=models.DatePrecision.DAY
            if rng.random() < 0.9
            else models.DatePrecision.MONTH,
        ),
        title=_title(rng, vocabulary, 8),
        detail=_title(rng, vocabulary, 30),
        source_ids=sorted(set(rng.sample(source_ids, k=2))),
    )
