"""Direct quotes with their speaker and cue (`find_quotes`), and reported speech (`find_indirect`).

A quote takes the attribution right after it (``“…,” Rubio told reporters``, ``“…,” said
Trump``, ``“…,” according to the statement``); else the one after a later quote of the same
sentence with no cue between them (``thanked Trump “…” in Jeddah … “…,” according to the
statement``); else the nearest cue before it in its sentence (``Peskov stated that Putin expressed
“cautious optimism”``, split quotes' second half; after a colon, only a cue of the clause before
the colon); else the first cue after it; else the speaker a headline names before a colon
(``Ukraine: Talks … ‘constructive’``). A quote that opens a sentence of its own continues the
speaker and cue of the quote before it in the paragraph; one standing in the next paragraph keeps
the speaker with no cue written. A quote with no attribution that echoes an attributed one (a
subhead repeating a phrase) takes that one's speaker, with no cue.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from service.domain.extract.attribution import Attributed, Reading, participle_clause_end, read
from service.domain.extract.clauses import Kind, Token
from service.domain.extract.cues import CueKind
from service.domain.extract.indirect import find_indirect
from service.domain.extract.mentions import subject
from service.domain.extract.models import ExtractedQuote
from service.domain.extract.quotemarks import QuoteSpan

__all__ = ["find_indirect", "find_quotes"]

_WORDS = re.compile(r"\w+")
_CLOSING_PUNCTUATION = frozenset(",.?!…—–-;:")
_POST_GAP = frozenset([",", "—", "–", "-"])
_ECHO_OVERLAP = 0.8


class _Found(NamedTuple):
    quote: QuoteSpan
    speaker: str | None
    cue: str | None
    attributed: bool
    paragraph: int
    opens_sentence: bool


def find_quotes(text: str) -> list[ExtractedQuote]:
    """The direct quotes of ``text`` in text order, each with its speaker and cue."""
    article = read(text)
    found: list[_Found] = []
    for reading in article.readings:
        sentence = reading.sentence
        quote_tokens = [i for i, t in enumerate(sentence.tokens) if t.kind is Kind.QUOTE]
        for position, index in enumerate(quote_tokens):
            quote = _span_of(sentence.tokens[index], sentence.quotes)
            if quote is None:
                continue
            attribution = _attribution(text, reading, quote_tokens, position)
            if attribution is not None:
                speaker, cue = attribution.speaker, attribution.cue.text
            else:
                speaker, cue = reading.label, None
            attributed = attribution is not None or reading.label is not None
            found.append(_Found(quote, speaker, cue, attributed, sentence.paragraph, index == 0))
    return _filled(text, found)


def _span_of(token: Token, quotes: list[QuoteSpan]) -> QuoteSpan | None:
    """The quote a ``QUOTE`` token opens (the token holds the opening mark; a quote running over
    several sentences is counted once, where it opens)."""
    for quote in quotes:
        if token.start <= quote.start <= token.start + 1:
            return quote
    return None


def _attribution(
    text: str, reading: Reading, quote_tokens: list[int], position: int
) -> Attributed | None:
    index = quote_tokens[position]
    tokens = reading.sentence.tokens
    governing = _governing(reading, index)
    if governing is not None:
        return governing
    after = _post(text, reading, index)
    if after is not None:
        return after
    for later in quote_tokens[position + 1 :]:
        if any(index < a.cue.first < later for a in reading.cues):
            break
        after = _post(text, reading, later)
        if after is not None:
            return after
    floor = -1
    if index > 0 and tokens[index - 1].text == ":":
        # "…, prompting Trump to issue a directive to Putin: “…”": a quote after a colon is
        # introduced by its own clause, not by a cue before the last comma
        floor = max((i for i in range(index) if tokens[i].text == ","), default=-1)
    before = [a for a in reading.cues if floor < a.cue.first and a.cue.last < index]
    if before:
        return before[-1]
    if floor >= 0:
        return None
    following = [a for a in reading.cues if a.cue.first > index]
    return following[0] if following else None


def _governing(reading: Reading, index: int) -> Attributed | None:
    """The cue standing right before a quote ("Saying “…”, Zelensky urged", "said: “…”"), or
    an opening participle whose clause holds it ("Saying Russia had the “upper hand”, …")."""
    tokens = reading.sentence.tokens
    opening = reading.cues[0] if reading.cues and reading.cues[0].cue.first == 0 else None
    if opening is not None and tokens[0].lower.endswith("ing"):
        comma = participle_clause_end(tokens, opening.cue)
        if comma is not None and opening.cue.last < index < comma:
            return opening
    for attributed in reading.cues:
        gap = tokens[attributed.cue.last + 1 : index]
        if attributed.cue.last < index and (not gap or [t.text for t in gap] == [":"]):
            return attributed
    return None


def _post(text: str, reading: Reading, index: int) -> Attributed | None:
    """The attribution straight after the quote at ``tokens[index]``, if there is one."""
    tokens, cues = reading.sentence.tokens, reading.cues
    quote = tokens[index]
    inner = text[quote.start : quote.end].rstrip("”\"’'»")
    punctuated = bool(inner) and inner[-1] in _CLOSING_PUNCTUATION
    start = index + 1
    while start < len(tokens) and tokens[start].text in _POST_GAP:
        punctuated = True
        start += 1
    following = next((a for a in cues if a.cue.first > index), None)
    if following is None or not punctuated:
        return None
    cue = following.cue
    if cue.kind is CueKind.ACCORDING or (following.inverted and cue.first == start):
        return following if cue.first == start else None
    window = tokens[start : cue.first]
    if not window or len(window) > 10 or any(t.kind is Kind.QUOTE for t in window):
        return None
    if any(t.kind is Kind.PUNCT and t.text != "," for t in window):
        return None
    mention = subject(reading.mentions, start, cue.first)
    return following if mention is not None and mention.first == start else None


def _filled(text: str, found: list[_Found]) -> list[ExtractedQuote]:
    quotes: list[ExtractedQuote] = []
    previous: _Found | None = None
    for item in found:
        speaker, cue, quote, paragraph = item.speaker, item.cue, item.quote, item.paragraph
        if not item.attributed and previous is not None and quotes:
            if item.opens_sentence and previous.paragraph == paragraph:
                speaker, cue = quotes[-1].speaker, quotes[-1].cue
            elif previous.paragraph == paragraph - 1 and (
                not previous.quote.closed or (item.opens_sentence and _ends_sentence(text, quote))
            ):
                # the quote goes on in a paragraph of its own: same speaker, no cue written
                speaker = quotes[-1].speaker
                cue = quotes[-1].cue if not previous.quote.closed else None
        quotes.append(
            ExtractedQuote(
                text=text[quote.start : quote.end],
                speaker=speaker,
                cue=cue,
                start=quote.start,
                end=quote.end,
            )
        )
        previous = item
    return _echoes(quotes)


def _ends_sentence(text: str, quote: QuoteSpan) -> bool:
    """Whether a quote ends on a stop (a subhead in quotation marks does not)."""
    inner = text[quote.start : quote.end].rstrip()
    after = text[quote.end + 1 : quote.end + 3].strip()
    return bool(inner) and (inner[-1] in ".!?…" or after[:1] in (".", "!", "?"))


def _echoes(quotes: list[ExtractedQuote]) -> list[ExtractedQuote]:
    """Unattributed quotes that repeat an attributed one take its speaker (and no cue)."""
    attributed = [(set(_WORDS.findall(q.text.lower())), q) for q in quotes if q.speaker]
    result = []
    for quote in quotes:
        echoed = quote
        if quote.speaker is None:
            words = set(_WORDS.findall(quote.text.lower()))
            for other_words, other in attributed:
                if words and len(words & other_words) >= _ECHO_OVERLAP * len(words):
                    echoed = ExtractedQuote(
                        text=quote.text,
                        speaker=other.speaker,
                        cue=None,
                        start=quote.start,
                        end=quote.end,
                    )
                    break
        result.append(echoed)
    return result
