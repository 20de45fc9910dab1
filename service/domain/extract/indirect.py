"""Reported speech: "Peskov said that …", "X told reporters (that) …", "according to X, …".

The reported clause runs from after the cue (and its "that", and a time word such as "on
Wednesday") to the next cue of the sentence or the sentence's end, trailing conjunctions and
punctuation trimmed. A cue followed by a quote and nothing else is direct speech, not reported.
"""

from __future__ import annotations

from service.domain.extract.attribution import Attributed, read
from service.domain.extract.clauses import Kind, Token
from service.domain.extract.cues import CueKind
from service.domain.extract.lexicon import NOT_NAME_WORDS, words
from service.domain.extract.models import IndirectSpeech

# Verbs that take a clause without "that" ("Rubio said he and Witkoff had travelled").
_ZERO_THAT_VERBS = words(
    """
    say tell state add note stress emphasize warn argue write post tweet announce declare insist
    claim explain confirm acknowledge admit assert reiterate underline underscore suggest
    conclude reply respond predict promise pledge vow mention recall complain
    """
)
_PRONOUN_OPENERS = words("he she they it we i there")
_ARTICLE_OPENERS = words("the a an this these his her their its")
# Verbs rarely followed by a plain object, so "said the plan was" opens a clause.
_SAYING_VERBS = words("say tell add write claim insist warn state argue")
_TIME_WORDS = words(
    """
    monday tuesday wednesday thursday friday saturday sunday today yesterday tonight earlier
    later again
    """
)
_TRIM = words("and but or while as , ; : — – - .")
_CLAUSE_PUNCTUATION = words(", ; : — – ( )")


def find_indirect(text: str) -> list[IndirectSpeech]:
    """The reported clauses of ``text`` in text order, each with its speaker and cue."""
    found: list[IndirectSpeech] = []
    for reading in read(text).readings:
        tokens = reading.sentence.tokens
        for position, attributed in enumerate(reading.cues):
            stop = _clause_stop(tokens, reading.cues, position)
            span = _clause(tokens, attributed, stop)
            if span is None:
                continue
            start, end = span
            found.append(
                IndirectSpeech(
                    speaker=attributed.speaker,
                    cue=attributed.cue.text,
                    text=text[start:end],
                    start=start,
                    end=end,
                )
            )
    return found


def _clause_stop(tokens: list[Token], cues: list[Attributed], position: int) -> int:
    """Where the clause reported by ``cues[position]`` stops: at the next cue, unless that cue
    stands inside it with no punctuation between ("saying he has ordered all hostilities …")."""
    start = cues[position].cue.last + 1
    for later in cues[position + 1 :]:
        between = tokens[start : later.cue.first]
        if any(t.kind is Kind.PUNCT and t.text in _CLAUSE_PUNCTUATION for t in between):
            return later.cue.first
    return len(tokens)


def _clause(tokens: list[Token], attributed: Attributed, stop: int) -> tuple[int, int] | None:
    cue = attributed.cue
    if cue.kind is CueKind.ACCORDING:
        return _according(tokens, attributed)
    if attributed.inverted:
        return None
    start = cue.last + 1
    while start < stop and _is_time_word(tokens, start):
        start += 1 if tokens[start].lower != "on" else 2
    if start >= stop:
        return None
    opener = tokens[start]
    if opener.lower == "that":
        start += 1
    elif cue.lemma not in _ZERO_THAT_VERBS or not _opens_clause(opener, cue.lemma):
        return None
    return _span(tokens, start, stop)


def _according(tokens: list[Token], attributed: Attributed) -> tuple[int, int] | None:
    cue = attributed.cue
    assert cue.speaker is not None
    after = cue.speaker[1]
    if after + 1 < len(tokens) and tokens[after].text == ",":  # "(However,) according to X, …"
        return _span(tokens, after + 1, len(tokens))
    ends = after >= len(tokens) or tokens[after].text in (".", "!", "?")
    if ends and cue.first > 0 and tokens[cue.first - 1].text == ",":  # "…, according to X."
        return _span(tokens, 0, cue.first - 1)
    return None


def _span(tokens: list[Token], start: int, stop: int) -> tuple[int, int] | None:
    if stop < len(tokens):
        stop = _before_next_subject(tokens, start, stop)
    while stop > start and tokens[stop - 1].lower in _TRIM:
        stop -= 1
    words = [t for t in tokens[start:stop] if t.kind in (Kind.WORD, Kind.NUMBER)]
    if not words:
        return None  # a quote alone is direct speech
    return tokens[start].start, tokens[stop - 1].end


def _before_next_subject(tokens: list[Token], start: int, stop: int) -> int:
    """Leave the next cue's subject out: "… the conflict, but he | warned that"."""
    for index in range(stop - 1, max(start, stop - 9) - 1, -1):
        token = tokens[index]
        if token.lower in (",", ";", "but", "and", "while"):
            return index
        if token.kind is not Kind.WORD:
            break
    return stop


def _is_time_word(tokens: list[Token], index: int) -> bool:
    word = tokens[index].lower
    if word == "on" and index + 1 < len(tokens):
        return tokens[index + 1].lower in _TIME_WORDS
    return word in _TIME_WORDS


def _opens_clause(token: Token, lemma: str) -> bool:
    if token.kind is not Kind.WORD:
        return token.kind is Kind.NUMBER
    if token.lower in _ARTICLE_OPENERS:
        return lemma in _SAYING_VERBS
    return token.lower in _PRONOUN_OPENERS or (
        token.is_capitalised and token.lower not in NOT_NAME_WORDS
    )
