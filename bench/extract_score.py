"""Scoring an `Extraction` against an article's hand labels (rules in docs/extraction.md).

* **Quotes**: a predicted quote matches a gold one when their texts are equal after normalising
  (Unicode quotes and dashes, case, surrounding punctuation and whitespace) or when they share
  at least 80 % of their word tokens, counted against the longer of the two. Matching is
  one-to-one: the most similar pairs first, ties broken by the distance between their offsets.
* **Speakers** (on matched quotes): equal sets of surnames, normalised (accents, case,
  possessives, transliterations such as Zelensky/Zelenskyy/Zelenskiy); a body's document is
  the body ("Kremlin statement" = "the Kremlin"). Naming one member of a
  jointly attributed quote ("Marco Rubio and Mike Waltz") counts. ``None`` matches only ``None``.
* **Cues** (on matched quotes): lower-cased words, leading auxiliaries and adverbs dropped
  ("has warned", "also said"); a match when the head words are equal ("said" = "said in a
  statement") or the shorter cue stands word for word inside the longer one and is not a bare
  function word ("stating" in "posted on X stating"). ``None`` matches only ``None``.
* **Dates**: over gold mentions with a non-null value; a gold mention is matched to a predicted one
  whose content words contain, or are contained in, its own ("Friday" = "On Friday"), nearest
  offset first, one-to-one; it is right when the values are equal. A missed mention is wrong.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence

import msgspec

from bench.devset import Article, GoldDate, GoldQuote, locate
from service.domain.extract.models import DateMention, ExtractedQuote, Extraction

TOKEN_OVERLAP = 0.8
"""The share of word tokens two quote texts must share to match."""

_PUNCTUATION = str.maketrans(
    dict.fromkeys("\u2018\u2019\u02bc`", "'")
    | dict.fromkeys("\u201c\u201d\u201e\u00ab\u00bb", '"')
    | dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015", "-")
)
"""Curly and angled quotes, apostrophes and dashes, each as its ASCII form."""
_EDGES = re.compile(r"^[\W_]+|[\W_]+$")
_WORDS = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
_NAME_WORDS = re.compile(r"[^\W_]+")
_PEOPLE = re.compile(r"\s+(?:and|&)\s+|[,/;]")
_POSSESSIVE = re.compile(r"'s?\b")
_NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii"})
_DOCUMENTS = frozenset({"statement", "readout", "post", "communique", "release", "declaration"})
"""A body's document named after it ("Kremlin statement") stands for the body, unless joint."""
_SURNAME_VARIANTS = {
    "zelenskyy": "zelensky",
    "zelenskiy": "zelensky",
    "zelenskyi": "zelensky",
    "zelenski": "zelensky",
    "zelenskii": "zelensky",
    "dmitriyev": "dmitriev",
    "sybiga": "sybiha",
    "sibiga": "sybiha",
    "iermak": "yermak",
    "ermak": "yermak",
    "shmygal": "shmyhal",
}
# fmt: off
_CUE_LEADERS = frozenset({
    "also", "has", "have", "had", "was", "were", "is", "are", "be", "been", "being", "then",
    "later", "further", "again", "earlier", "and", "reportedly", "publicly", "separately",
    "previously", "once", "would", "will",
})
"""Auxiliaries and adverbs dropped from the front of a cue before its head word is taken."""
_FUNCTION_WORDS = frozenset({
    "as", "to", "in", "on", "of", "the", "a", "an", "about", "that", "by", "with", "for", "at",
    "from", "it", "this",
})
_DATE_FILLERS = frozenset({
    "on", "in", "the", "a", "an", "of", "at", "by", "since", "from", "until",
})
# fmt: on


def normalise(text: str) -> str:
    """Compatibility form, one kind of quote and dash, case folded, single spaces, and no
    punctuation or whitespace at either end."""
    plain = unicodedata.normalize("NFKC", text).translate(_PUNCTUATION).casefold()
    return _EDGES.sub("", " ".join(plain.split()))


def tokens(text: str) -> list[str]:
    """The word tokens of ``text`` after `normalise` (apostrophes kept inside words)."""
    return _WORDS.findall(normalise(text))


def quote_similarity(gold: str, predicted: str) -> float:
    """1.0 for equal normalised texts, else the shared word tokens over the longer text's count."""
    if normalise(gold) == normalise(predicted):
        return 1.0
    gold_tokens, predicted_tokens = Counter(tokens(gold)), Counter(tokens(predicted))
    longer = max(gold_tokens.total(), predicted_tokens.total())
    if not longer:
        return 0.0
    return (gold_tokens & predicted_tokens).total() / longer


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def surnames(speaker: str) -> frozenset[str]:
    """The normalised surname of each person a speaker label names ("A and B" names two); a
    body's label gives its last word ("the Kremlin" -> kremlin), and its document's label the
    body's ("Kremlin statement" -> kremlin, but "joint statement" -> statement)."""
    plain = _POSSESSIVE.sub("", _strip_accents(speaker).translate(_PUNCTUATION).casefold())
    names: set[str] = set()
    for person in _PEOPLE.split(plain):
        words = [word for word in _NAME_WORDS.findall(person) if word not in _NAME_SUFFIXES]
        if len(words) > 1 and words[-1] in _DOCUMENTS and words[-2] not in {"joint", "the", "a"}:
            words.pop()
        if words:
            names.add(_SURNAME_VARIANTS.get(words[-1], words[-1]))
    return frozenset(names)


def speaker_matches(gold: str | None, predicted: str | None) -> bool:
    """Whether a predicted speaker names the gold one (rule in the module docstring)."""
    if gold is None or predicted is None:
        return gold is None and predicted is None
    gold_names, predicted_names = surnames(gold), surnames(predicted)
    return bool(predicted_names) and predicted_names <= gold_names


def cue_words(cue: str) -> list[str]:
    """A cue's words, lower-cased, without its leading auxiliaries and adverbs."""
    words = tokens(cue)
    while len(words) > 1 and words[0] in _CUE_LEADERS:
        words = words[1:]
    return words


def _contains(longer: list[str], shorter: list[str]) -> bool:
    size = len(shorter)
    return any(longer[at : at + size] == shorter for at in range(len(longer) - size + 1))


def cue_matches(gold: str | None, predicted: str | None) -> bool:
    """Whether a predicted cue is the gold one (rule in the module docstring)."""
    if gold is None or predicted is None:
        return gold is None and predicted is None
    gold_words, predicted_words = cue_words(gold), cue_words(predicted)
    if not gold_words or not predicted_words:
        return gold_words == predicted_words
    if gold_words[0] == predicted_words[0]:
        return True
    shorter, longer = sorted((gold_words, predicted_words), key=len)
    return shorter[0] not in _FUNCTION_WORDS and _contains(longer, shorter)


def date_words(mention: str) -> frozenset[str]:
    """A date mention's content words: no possessive, no filler prepositions or articles."""
    plain = _POSSESSIVE.sub("", normalise(mention))
    return frozenset(word for word in _WORDS.findall(plain) if word not in _DATE_FILLERS)


def dates_match(gold: str, predicted: str) -> bool:
    """Whether two mentions name the same thing: one's content words hold the other's."""
    gold_words, predicted_words = date_words(gold), date_words(predicted)
    if not gold_words or not predicted_words:
        return normalise(gold) == normalise(predicted)
    return gold_words <= predicted_words or predicted_words <= gold_words


def same_value(gold: str, predicted: str | None) -> bool:
    """Equal date values; a one-day span ``D/D`` equals ``D``."""
    if predicted is None:
        return False

    def canonical(value: str) -> str:
        start, _, end = value.strip().partition("/")
        return start if not end or end == start else f"{start}/{end}"

    return canonical(gold) == canonical(predicted)


def pair_up(scores: dict[tuple[int, int], tuple[float, int]]) -> dict[int, int]:
    """One-to-one gold -> predicted pairs from candidate scores ``(similarity, distance)``:
    greedily the most similar first, then the nearest, then in text order."""
    ranked = sorted(scores.items(), key=lambda item: (-item[1][0], item[1][1], item[0]))
    pairs: dict[int, int] = {}
    taken: set[int] = set()
    for (gold_index, predicted_index), _ in ranked:
        if gold_index not in pairs and predicted_index not in taken:
            pairs[gold_index] = predicted_index
            taken.add(predicted_index)
    return pairs


def _distance(gold_at: int | None, predicted_at: int) -> int:
    return abs(gold_at - predicted_at) if gold_at is not None else 0


class QuoteError(msgspec.Struct, kw_only=True, frozen=True):
    """One quote-level error: ``missed``, ``spurious``, ``speaker`` or ``cue``."""

    kind: str
    text: str
    gold: str | None = None
    predicted: str | None = None


class DateError(msgspec.Struct, kw_only=True, frozen=True):
    """A gold date missed (``predicted_mention`` None) or resolved to another value."""

    mention: str
    gold: str
    predicted_mention: str | None
    predicted: str | None


class ArticleScore(msgspec.Struct, kw_only=True, frozen=True):
    """The counts of one article; the rates are computed from the totals."""

    name: str
    gold_quotes: int
    predicted_quotes: int
    matched: int
    speakers_right: int
    cues_right: int
    gold_dates: int
    """Gold date mentions with a non-null value: the denominator of date accuracy."""
    dates_right: int
    quote_errors: list[QuoteError] = []
    date_errors: list[DateError] = []
    label_problems: list[str] = []


def score_quotes(
    article: Article, golds: Sequence[GoldQuote], predicted: Sequence[ExtractedQuote]
) -> tuple[dict[int, int], list[QuoteError]]:
    """Match the quotes one to one; return the pairs and the quote errors (missed, spurious,
    wrong speaker, wrong cue) in text order."""
    gold_at = locate(article.text, [gold.text for gold in golds])
    scores: dict[tuple[int, int], tuple[float, int]] = {}
    for gold_index, gold in enumerate(golds):
        for predicted_index, quote in enumerate(predicted):
            similarity = quote_similarity(gold.text, quote.text)
            if similarity >= TOKEN_OVERLAP:
                distance = _distance(gold_at[gold_index], quote.start)
                scores[gold_index, predicted_index] = (similarity, distance)
    pairs = pair_up(scores)
    errors: list[QuoteError] = []
    for gold_index, gold in enumerate(golds):
        if gold_index not in pairs:
            errors.append(QuoteError(kind="missed", text=gold.text, gold=gold.speaker))
            continue
        quote = predicted[pairs[gold_index]]
        if not speaker_matches(gold.speaker, quote.speaker):
            errors.append(
                QuoteError(
                    kind="speaker", text=gold.text, gold=gold.speaker, predicted=quote.speaker
                )
            )
        if not cue_matches(gold.cue, quote.cue):
            errors.append(
                QuoteError(kind="cue", text=gold.text, gold=gold.cue, predicted=quote.cue)
            )
    matched = set(pairs.values())
    errors.extend(
        QuoteError(kind="spurious", text=quote.text, predicted=quote.speaker)
        for index, quote in enumerate(predicted)
        if index not in matched
    )
    return pairs, errors


def score_dates(
    article: Article, golds: Sequence[GoldDate], predicted: Sequence[DateMention]
) -> tuple[int, int, list[DateError]]:
    """Date-resolution counts over the gold mentions with a value: (scored, right, errors)."""
    gold_at = locate(article.text, [gold.mention for gold in golds])
    valued = [index for index, gold in enumerate(golds) if gold.resolves_to is not None]
    scores: dict[tuple[int, int], tuple[float, int]] = {}
    for gold_index in valued:
        for predicted_index, mention in enumerate(predicted):
            if dates_match(golds[gold_index].mention, mention.mention):
                distance = _distance(gold_at[gold_index], mention.start)
                scores[gold_index, predicted_index] = (1.0, distance)
    pairs = pair_up(scores)
    right = 0
    errors: list[DateError] = []
    for gold_index in valued:
        gold = golds[gold_index]
        value = gold.resolves_to or ""
        found = predicted[pairs[gold_index]] if gold_index in pairs else None
        if found is not None and same_value(value, found.value):
            right += 1
            continue
        errors.append(
            DateError(
                mention=gold.mention,
                gold=value,
                predicted_mention=found.mention if found else None,
                predicted=found.value if found else None,
            )
        )
    return len(valued), right, errors


def score_article(article: Article, extraction: Extraction, problems: list[str]) -> ArticleScore:
    """Score one article's extraction against its labels (direct quotes only)."""
    golds = [quote for quote in article.gold.quotes if quote.direct]
    pairs, quote_errors = score_quotes(article, golds, extraction.quotes)
    scored_dates, dates_right, date_errors = score_dates(
        article, article.gold.dates, extraction.dates
    )
    wrong_speakers = sum(error.kind == "speaker" for error in quote_errors)
    wrong_cues = sum(error.kind == "cue" for error in quote_errors)
    return ArticleScore(
        name=article.name,
        gold_quotes=len(golds),
        predicted_quotes=len(extraction.quotes),
        matched=len(pairs),
        speakers_right=len(pairs) - wrong_speakers,
        cues_right=len(pairs) - wrong_cues,
        gold_dates=scored_dates,
        dates_right=dates_right,
        quote_errors=quote_errors,
        date_errors=date_errors,
        label_problems=problems,
    )


class Rates(msgspec.Struct, kw_only=True, frozen=True):
    """Micro-averaged rates over a set of articles; ``None`` where there is nothing to count
    (no predicted quotes for precision, no matched quotes for speaker and cue ...)."""

    precision: float | None
    recall: float | None
    f1: float | None
    speaker: float | None
    cue: float | None
    dates: float | None


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def rates(scores: Sequence[ArticleScore]) -> Rates:
    """Quote precision/recall/F1 and speaker, cue and date accuracy, summed over ``scores``."""
    matched = sum(score.matched for score in scores)
    predicted = sum(score.predicted_quotes for score in scores)
    gold = sum(score.gold_quotes for score in scores)
    return Rates(
        precision=_ratio(matched, predicted),
        recall=_ratio(matched, gold),
        f1=_ratio(2 * matched, gold + predicted),
        speaker=_ratio(sum(score.speakers_right for score in scores), matched),
        cue=_ratio(sum(score.cues_right for score in scores), matched),
        dates=_ratio(
            sum(score.dates_right for score in scores), sum(score.gold_dates for score in scores)
        ),
    )
