"""Sentences and word tokens of news text as the attribution pass reads them.

A sentence here never ends inside a quotation (``“It’s not our war. We didn’t start it,” he
said.`` is one sentence, so the attribution after the quote is in it), and a line break always
ends one. Tokens carry their offsets; a quote is one ``QUOTE`` token, so the words inside it are
never mistaken for the words of the attribution around it.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from enum import Enum
from typing import NamedTuple

from service.domain.extract.lexicon import VERB_FORMS
from service.domain.extract.quotemarks import QuoteSpan
from service.domain.extract.sentences import append_trimmed, is_abbreviation

_BOUNDARY = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s)|\n")
_WORD = re.compile(r"[^\W\d_]+")
_TOKEN = re.compile(
    r"(?P<word>(?:[A-Z]\.){2,}|[^\W\d_](?:[\w’'\-.]*[^\W_])?[’']?)"
    r"|(?P<number>\d(?:[\d.,:/\-]*\d)?[^\W\d_]*)"
    r"|(?P<punct>—|–|--|[^\s\w])"
)


class Kind(Enum):
    """What a token is."""

    WORD = "word"
    NUMBER = "number"
    PUNCT = "punct"
    QUOTE = "quote"


_KINDS = {kind.value: kind for kind in Kind}
# ’ and ' and the modifier letter ʼ some pages set as an apostrophe ("Presidentʼs").
_APOSTROPHES = "’'ʼ"
_POSSESSIVE_ENDINGS = ("’s", "'s", "ʼs")


class Token(NamedTuple):
    """A word, number, punctuation mark or whole quotation, with its offsets in the text."""

    text: str
    start: int
    end: int
    kind: Kind
    lower: str
    """The token in lower case, a possessive ’s or trailing apostrophe dropped."""
    is_possessive: bool
    """Whether the word ends in ’s / 's / a bare apostrophe (Zelensky’s, leaders’)."""
    is_capitalised: bool
    """Whether the word starts with a capital letter."""


def make_token(text: str, start: int, end: int, kind: Kind) -> Token:
    """A token with its derived forms worked out once."""
    word = kind is Kind.WORD
    possessive = word and (text[-2:] in _POSSESSIVE_ENDINGS or text[-1] in _APOSTROPHES)
    lower = strip_possessive(text).lower() if possessive else text.lower()
    return Token(text, start, end, kind, lower, possessive, word and text[0].isupper())


class Sentence(NamedTuple):
    """A sentence's span, its tokens and the quotes it holds."""

    start: int
    end: int
    tokens: list[Token]
    quotes: list[QuoteSpan]
    paragraph: int


def lower_at(tokens: list[Token], index: int) -> str:
    """``tokens[index].lower``, or ``""`` past either end."""
    return tokens[index].lower if 0 <= index < len(tokens) else ""


def strip_possessive(word: str) -> str:
    """``Zelensky’s`` → ``Zelensky``; ``leaders’`` → ``leaders``."""
    if word[-2:] in _POSSESSIVE_ENDINGS:
        return word[:-2]
    if word[-1:] in _APOSTROPHES:
        return word[:-1]
    return word


def sentences(text: str, quotes: list[QuoteSpan]) -> list[Sentence]:
    """The sentences of ``text`` in order, each with its tokens and quotes."""
    spans = _sentence_spans(text, quotes)
    result: list[Sentence] = []
    paragraph = 0
    previous_end = 0
    quote_index = 0
    for start, end in spans:
        if "\n" in text[previous_end:start]:
            paragraph += 1
        previous_end = end
        while quote_index < len(quotes) and quotes[quote_index].end <= start:
            quote_index += 1
        held = []
        probe = quote_index
        while probe < len(quotes) and quotes[probe].start < end:
            held.append(quotes[probe])
            probe += 1
        result.append(Sentence(start, end, _tokens(text, start, end, held), held, paragraph))
    return result


def _sentence_spans(text: str, quotes: list[QuoteSpan]) -> list[tuple[int, int]]:
    starts = [q.start for q in quotes]
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        stop = match.end()
        if match.group() != "\n" and (
            is_abbreviation(text, match.start())
            or _continues_lower(text, stop)
            or _inside(quotes, starts, stop)
            or _attribution_follows(text, match.group(), stop)
        ):
            continue
        append_trimmed(text, start, stop, spans)
        start = stop
    append_trimmed(text, start, len(text), spans)
    return spans


def _inside(quotes: list[QuoteSpan], starts: list[int], stop: int) -> bool:
    """Whether ``stop`` falls inside a quote (quotes are in order and never overlap)."""
    at = bisect_left(starts, stop) - 1
    return at >= 0 and stop <= quotes[at].end


def _attribution_follows(text: str, boundary: str, stop: int) -> bool:
    """ "‘Vladimir, STOP!’ Trump says …": a quote ending in ! or ? does not end the sentence
    when a speech verb follows within a few words."""
    if len(boundary) < 2 or boundary[-1] not in "\"”’'»" or boundary[-2] not in "!?":
        return False
    following = _WORD.findall(text, stop, stop + 60)[:5]
    return any(word in VERB_FORMS for word in following)


def _continues_lower(text: str, stop: int) -> bool:
    """A stop followed by a lower-case word ends no sentence ("the U.S. could")."""
    rest = text[stop : stop + 3].lstrip(" \t")
    return bool(rest) and rest[0].islower()


def _tokens(text: str, start: int, end: int, quotes: list[QuoteSpan]) -> list[Token]:
    tokens: list[Token] = []
    cursor = start
    for quote in quotes:
        open_at = max(start, quote.start - 1)
        tokens.extend(_plain_tokens(text, cursor, open_at))
        close_at = min(end, quote.end + 1 if quote.closed else quote.end)
        tokens.append(make_token(text[open_at:close_at], open_at, close_at, Kind.QUOTE))
        cursor = close_at
    tokens.extend(_plain_tokens(text, cursor, end))
    return tokens


def _plain_tokens(text: str, start: int, end: int) -> list[Token]:
    found = []
    for match in _TOKEN.finditer(text, start, end):
        kind = _KINDS[match.lastgroup or "punct"]
        found.append(make_token(match.group(), match.start(), match.end(), kind))
    return found
