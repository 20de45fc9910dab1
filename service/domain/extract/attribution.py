"""One pass over an article: its quotes, sentences, and each cue with its resolved speaker.

A cue's speaker is the subject of its clause: the first name, pronoun or description between
the clause's start (the sentence's, or after "that", a quote, a ";" or ", but") and the verb;
"said Trump" after a quote puts it after the verb; a clause with no subject of its own (", but
warned", ", saying") shares the subject before it. Each subject becomes the salient one for the
pronouns and descriptions that follow (`service.domain.extract.speakers`).
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from service.domain.extract.clauses import Kind, Sentence, Token, lower_at, sentences
from service.domain.extract.cues import Cue, CueKind, find_cues
from service.domain.extract.documents import with_issuers
from service.domain.extract.mentions import (
    SPEAKING_KINDS,
    Mention,
    MentionKind,
    mentions,
    subject,
    within,
)
from service.domain.extract.quotemarks import QuoteSpan, find_quote_spans
from service.domain.extract.speakers import Resolver

_CLAUSE_BREAKS = frozenset(
    [";", ":", "/", "that"]
)  # "/" after a dateline: "Shafaq News/ On Friday"
_CONJUNCTIONS = frozenset(["but", "and", "while", "whereas"])
_DASHES = frozenset(["-", "–", "—", "--"])


class Attributed(NamedTuple):
    """A cue of a sentence with the speaker it resolves to."""

    cue: Cue
    speaker: str | None
    inverted: bool
    """The speaker follows the verb ("said Trump")."""


class Reading(NamedTuple):
    """A sentence with its mentions and its cues attributed."""

    sentence: Sentence
    mentions: list[Mention]
    cues: list[Attributed]
    label: str | None = None
    """The speaker a headline names before a colon ("Ukraine: Talks … ‘constructive’")."""


class Article(NamedTuple):
    """An article read for attribution."""

    text: str
    quotes: list[QuoteSpan]
    readings: list[Reading]


@lru_cache(maxsize=4)
def read(text: str) -> Article:
    """Quotes, sentences and attributed cues of ``text`` (cached: quotes and indirect share it)."""
    quotes = find_quote_spans(text)
    parts = sentences(text, quotes)
    found = [with_issuers(s.tokens, mentions(s.tokens)) for s in parts]
    resolver = Resolver.for_text(parts, found)
    readings = [
        _read_sentence(sentence, named, text, resolver)
        for sentence, named in zip(parts, found, strict=True)
    ]
    return Article(text, quotes, readings)


def _read_sentence(
    sentence: Sentence, named: list[Mention], text: str, resolver: Resolver
) -> Reading:
    resolver.saw(sentence, named)
    tokens = sentence.tokens
    attributed: list[Attributed] = []
    for cue in find_cues(tokens, text):
        attributed.append(
            _attribute(text, tokens, named, cue, before=attributed, resolver=resolver)
        )
    label = None
    if not attributed and _dateline_end(tokens) == 0:
        first_quote = next((i for i, t in enumerate(tokens) if t.kind is Kind.QUOTE), len(tokens))
        mention = subject(named, 0, first_quote) or _passive_agent(tokens, named)
        if named and lower_at(tokens, named[0].end) == ":" and first_quote < len(tokens):
            mention = named[0]  # a headline's "Ukraine: Talks … ‘constructive’"
            label = resolver.resolve(mention, tokens[mention.first].start)
        lone = mention is not None and mention.kind is MentionKind.PERSON
        if lone and mention is not None and not resolver.knows(mention.name):
            mention = None  # "Negotiations between …": a capitalised word, no known name
        if mention is not None:
            offset = tokens[mention.first].start
            resolver.observe(mention, resolver.resolve(mention, offset), offset)
        return Reading(sentence, named, attributed, label)
    return Reading(sentence, named, attributed)


def _passive_agent(tokens: list[Token], named: list[Mention]) -> Mention | None:
    """ "This was reported by Defense Minister Rustem Umerov": the agent is the one in focus."""
    for mention in named:
        person = mention.kind in (MentionKind.PERSON, MentionKind.GROUP)
        if person and mention.first > 0 and tokens[mention.first - 1].lower == "by":
            return mention
    return None


def _attribute(
    text: str,
    tokens: list[Token],
    named: list[Mention],
    cue: Cue,
    *,
    before: list[Attributed],
    resolver: Resolver,
) -> Attributed:
    if cue.kind is CueKind.LABEL:
        return Attributed(cue, resolver.last_person, inverted=False)
    mention, inverted = _speaker_mention(tokens, named, cue, before)
    if mention is None:
        inherited = before[-1].speaker if before else None
        return Attributed(cue, inherited, inverted=False)
    offset = tokens[mention.first].start
    speaker = resolver.resolve(mention, offset)
    resolver.observe(mention, speaker, offset)
    if cue.documented or mention.issuer:
        resolver.issued_document(speaker)
    documented = cue.kind is CueKind.ACCORDING and mention.kind is MentionKind.DOCUMENT
    if documented and speaker != mention.name:
        # "according to the statement" of named authors: the document is part of the cue
        cue = cue._replace(text=text[tokens[cue.first].start : tokens[mention.end - 1].end])
    return Attributed(cue, speaker, inverted)


def _speaker_mention(
    tokens: list[Token], named: list[Mention], cue: Cue, before: list[Attributed]
) -> tuple[Mention | None, bool]:
    if cue.speaker is not None:
        lo, hi = cue.speaker
        found = subject(named, lo, hi) or next(iter(within(named, lo, hi)), None)
        return found, False
    start = _clause_start(tokens, cue, before)
    found = (
        _after_with(tokens, named, start, cue.first)
        or _after_last_comma(tokens, named, start, cue.first)
        or subject(named, start, cue.first)
    )
    if found is not None:
        return found, False
    if start == cue.first and _after_quote(tokens, cue.first):
        after = subject(named, cue.last + 1, len(tokens))
        if after is not None and after.first == cue.last + 1:
            return after, True
    if before:
        return None, False
    if cue.first == 0:
        # an opening participle ("Saying Russia had “…”, Putin urged"): the main clause's
        # subject speaks, after the comma that closes the participle's own clause
        comma = participle_clause_end(tokens, cue)
        return subject(named, comma + 1, len(tokens)) if comma else None, False
    return subject(named, 0, cue.first), False


def participle_clause_end(tokens: list[Token], cue: Cue) -> int | None:
    """The comma closing an opening participle's clause ("Saying …, Putin urged")."""
    return next((i for i in range(cue.last + 1, len(tokens)) if tokens[i].text == ","), None)


def _after_with(tokens: list[Token], named: list[Mention], lo: int, hi: int) -> Mention | None:
    """ "…, with the Kremlin saying": the subject right after "with"."""
    if lo == 0 or tokens[lo - 1].lower != "with":
        return None
    return next((m for m in within(named, lo, hi) if m.kind in SPEAKING_KINDS), None)


def _after_last_comma(
    tokens: list[Token], named: list[Mention], lo: int, hi: int
) -> Mention | None:
    """ "…, the Kremlin said": the subject standing alone between the last comma and the verb."""
    commas = [i for i in range(lo, hi) if tokens[i].text == ","]
    if not commas or commas[-1] >= hi - 1:
        return None
    found = subject(named, commas[-1] + 1, hi)
    return found if found is not None and (found.first, found.end) == (commas[-1] + 1, hi) else None


def _dateline_end(tokens: list[Token]) -> int:
    """After "MOSCOW (Reuters) -" or "BERLIN –": a dateline is no subject."""
    if not tokens or not (tokens[0].kind is Kind.WORD and tokens[0].text.isupper()):
        return 0
    for index, token in enumerate(tokens[:8]):
        if token.text in _DASHES:
            return index + 1
        if token.kind is Kind.WORD and not token.is_capitalised:
            return 0
    return 0


def _clause_start(tokens: list[Token], cue: Cue, before: list[Attributed]) -> int:
    floor = before[-1].cue.last + 1 if before else _dateline_end(tokens)
    participle = tokens[cue.verb].lower.endswith("ing")
    index = cue.first - 1
    while index >= floor:
        token = tokens[index]
        if token.kind is Kind.QUOTE or token.lower in _CLAUSE_BREAKS:
            return index + 1
        if participle and token.lower == "with":  # "…, with the Kremlin saying"
            return index + 1
        if token.text == "," and (
            index == cue.first - 1 or lower_at(tokens, index + 1) in _CONJUNCTIONS
        ):
            return index + 1
        index -= 1
    return floor


def _after_quote(tokens: list[Token], index: int) -> bool:
    probe = index - 1
    while probe >= 0 and tokens[probe].kind is Kind.PUNCT and tokens[probe].text in ",—–-":
        probe -= 1
    return probe >= 0 and tokens[probe].kind is Kind.QUOTE
