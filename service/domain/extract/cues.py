"""Speech cues: the verb or phrase that attributes words to a speaker, as written.

A cue is a speech verb ("said", "stressed", "wrote") with what news style hangs on it: an
auxiliary or "also" before it ("has warned", "also said"), the audience of "told" ("told
reporters"), the medium ("in a statement", "in a post on the Truth Social media platform", "on
X"), a participle straight after ("posted on X stating") and, for verbs that label ("dismissed
the statements as"), the words up to the quote. "according to" and "quoted X as saying" are
cues whose speaker follows them. Nouns that look like verbs ("a warning", "thanks to", "phone
calls") and verbs after a modal or in the passive ("would say", "was asked") are not cues.
"""

from __future__ import annotations

from enum import Enum
from typing import NamedTuple

from service.domain.extract.clauses import Kind, Token, lower_at
from service.domain.extract.lexicon import (
    AUDIENCES,
    DETERMINERS,
    PHRASE_STOPS,
    PLATFORMS,
    VERB_FORMS,
    words,
)

_LABELLING = words("dismiss describe call brand label hail praise criticize condemn")
_NOT_AFTER = words(
    """
    a an the his her their its this these those our my your no any such of would will could can
    may might must should shall to not n't did do does let
    """
)
_PASSIVE_AFTER = words("was were is are be been being")
_PRECEDING = words("also has have had")
_PARTICIPLES = words("stating saying writing adding noting")
_MEDIA_NOUNS = words(
    """
    statement post interview video message address tweet letter op-ed article blog readout
    communique communiqué declaration broadcast
    """
)
_MEDIA_TAILS = ("media platform", "platform", "account", "channel", "page", "feed")
_BROADCAST = ("social media", "state television", "state tv", "television", "tv", "radio")


class CueKind(Enum):
    """Where a cue's speaker stands: before the verb, or after the phrase."""

    VERB = "verb"
    ACCORDING = "according"
    QUOTED_AS = "quoted-as"
    LABEL = "label"
    """A house-style label before a quote ("Quote: ..."): the speaker is the one in focus."""


class Cue(NamedTuple):
    """A cue in a sentence: token indices (``first``..``last`` inclusive) and its text."""

    first: int
    verb: int
    last: int
    lemma: str
    kind: CueKind
    text: str
    documented: bool
    """Whether the cue names a written medium ("in a statement"): "the statement" is its speaker."""
    speaker: tuple[int, int] | None = None
    """For ``according to`` / ``quoted X as saying``: the token range naming the speaker."""


def find_cues(tokens: list[Token], text: str) -> list[Cue]:
    """The cues of one sentence's tokens, in order, none overlapping."""
    cues: list[Cue] = []
    index = 0
    while index < len(tokens):
        cue = _cue_at(tokens, index, text)
        if cue is None:
            index += 1
            continue
        cues.append(cue)
        index = cue.last + 1
    return cues


def _cue_at(tokens: list[Token], index: int, text: str) -> Cue | None:
    token = tokens[index]
    if token.kind is not Kind.WORD:
        return None
    phrase = _phrase_cue(tokens, index, text)
    if phrase is not None:
        return phrase
    lemma = VERB_FORMS.get(token.text)
    if lemma is None and index == 0 and token.lower.endswith("ing"):
        lemma = VERB_FORMS.get(token.lower)  # "Saying “…”, Zelensky urged …"
    if lemma is None or not _is_verb_here(tokens, index, lemma):
        return None
    if lemma == "quote":
        return _quoted_as(tokens, index, text)
    first = index
    while first > 0 and index - first < 2 and tokens[first - 1].lower in _PRECEDING:
        first -= 1
    last = _extension_end(tokens, index, lemma)
    return _make(tokens, text, first=first, verb=index, last=last, lemma=lemma, kind=CueKind.VERB)


def _phrase_cue(tokens: list[Token], index: int, text: str) -> Cue | None:
    """ "Quote: …" opening a sentence, and "according to X"."""
    word = tokens[index].text
    if word[0] not in "QqAa":
        return None
    if index == 0 and word in ("Quote", "Quotes") and lower_at(tokens, 1) == ":":
        return _make(tokens, text, first=0, verb=0, last=0, lemma="quote", kind=CueKind.LABEL)
    if word.lower() != "according" or lower_at(tokens, index + 1) != "to":
        return None
    end = _noun_phrase_end(tokens, index + 2)
    if end == index + 2:
        return None
    return _make(
        tokens,
        text,
        first=index,
        verb=index,
        last=index + 1,
        lemma="according",
        kind=CueKind.ACCORDING,
        speaker=(index + 2, end),
    )


def _quoted_as(tokens: list[Token], index: int, text: str) -> Cue | None:
    """ "Interfax quoted Peskov as saying": the speaker is the one quoted; in "Peskov was
    quoted by Interfax as saying" it is the subject, as for any verb."""
    passive = lower_at(tokens, index - 1) in _PASSIVE_AFTER
    for probe in range(index + 1, min(index + 9, len(tokens) - 1)):
        if tokens[probe].lower == "as" and tokens[probe + 1].lower == "saying":
            if passive:
                return _make(
                    tokens, text, first=index, verb=index, last=probe + 1, lemma="say",
                    kind=CueKind.VERB,
                )  # fmt: skip
            if probe == index + 1:
                return None
            return _make(
                tokens,
                text,
                first=index,
                verb=index,
                last=probe + 1,
                lemma="say",
                kind=CueKind.QUOTED_AS,
                speaker=(index + 1, probe),
            )
        if tokens[probe].kind is not Kind.WORD:
            return None
    return None


def _make(
    tokens: list[Token],
    text: str,
    *,
    first: int,
    verb: int,
    last: int,
    lemma: str,
    kind: CueKind,
    speaker: tuple[int, int] | None = None,
) -> Cue:
    written = text[tokens[first].start : tokens[last].end]
    documented = any(tokens[i].lower in _MEDIA_NOUNS for i in range(verb + 1, last + 1))
    return Cue(first, verb, last, lemma, kind, written, documented, speaker)


def _is_verb_here(tokens: list[Token], index: int, lemma: str) -> bool:
    before = lower_at(tokens, index - 1)
    after = lower_at(tokens, index + 1)
    if before in _NOT_AFTER or (before in _PASSIVE_AFTER and lemma in ("ask", "tell")):
        return False
    ends_clause = index + 1 >= len(tokens) or tokens[index + 1].kind is Kind.PUNCT
    ends_after_particle = index + 2 >= len(tokens) or tokens[index + 2].kind is Kind.PUNCT
    special = {
        "thank": after != "to",  # "thanks to" is a preposition
        "read": before in ("it", "statement", "declaration", "text", "letter", "document"),
        "continue": ends_clause,  # "…,” he continued."
        "point": after == "out",
        "go": after == "on" and ends_after_particle,  # "the post went on."
    }
    return special.get(lemma, True)


def _extension_end(tokens: list[Token], verb: int, lemma: str) -> int:
    last = verb
    if lemma in ("point", "go"):
        last += 1
    if lemma == "tell":
        last = _audience_end(tokens, last + 1) - 1
    while True:
        extended = _medium_end(tokens, last + 1)
        if extended == last + 1:
            break
        last = extended - 1
    following = last + 1
    if following < len(tokens) and tokens[following].lower in _PARTICIPLES:
        last = following
    if lemma in _LABELLING:
        last = _label_end(tokens, last + 1) - 1
    return last


def _phrase_at(tokens: list[Token], index: int, phrases: tuple[str, ...] | frozenset[str]) -> int:
    """The index after the longest phrase of ``phrases`` starting at ``index`` (or ``index``)."""
    best = index
    for phrase in phrases:
        words = phrase.split()
        if [lower_at(tokens, index + n) for n in range(len(words))] == words:
            best = max(best, index + len(words))
    return best


def _audience_end(tokens: list[Token], index: int) -> int:
    end = _phrase_at(tokens, index, AUDIENCES)
    if end > index:
        return end
    if lower_at(tokens, index) in ("him", "her", "them", "us", "me"):
        return index + 1
    start = index + 1 if lower_at(tokens, index) == "the" else index
    while start < min(len(tokens), index + 3) and _is_descriptor(tokens[start]):
        start += 1  # "told state news agency RIA Novosti"
    end = start
    while end < len(tokens) and tokens[end].is_capitalised:
        end += 1  # "CNN", "Fox News' Sean Hannity"
    return end if end > start else index


def _is_descriptor(token: Token) -> bool:
    """A lower-case word that can describe an audience before its name ("news agency")."""
    if token.kind is not Kind.WORD or token.is_capitalised or token.text in VERB_FORMS:
        return False
    return token.lower not in PHRASE_STOPS and token.lower not in DETERMINERS


def _medium_end(tokens: list[Token], index: int) -> int:
    """After "in a statement" / "in an interview with CNN" / "on Truth Social", else ``index``."""
    word = lower_at(tokens, index)
    if word == "in":
        probe = index + 1
        if lower_at(tokens, probe) in DETERMINERS:
            probe += 1
        for _ in range(3):
            if lower_at(tokens, probe) in _MEDIA_NOUNS:
                end = probe + 1
                while lower_at(tokens, end) in _MEDIA_NOUNS:  # "in his nightly video address"
                    end += 1
                if lower_at(tokens, end) in ("with", "to") and _is_name(tokens, end + 1):
                    end = _capitalised_end(tokens, end + 1)
                return end
            if probe >= len(tokens) or tokens[probe].kind is not Kind.WORD:
                break
            probe += 1
        return index
    if word == "on":
        probe = index + 1
        if lower_at(tokens, probe) in DETERMINERS:
            probe += 1
        end = max(_phrase_at(tokens, probe, PLATFORMS), _phrase_at(tokens, probe, _BROADCAST))
        if end == probe:
            return index
        return _phrase_at(tokens, end, _MEDIA_TAILS)
    return index


def _is_name(tokens: list[Token], index: int) -> bool:
    return index < len(tokens) and tokens[index].is_capitalised


def _capitalised_end(tokens: list[Token], index: int) -> int:
    while index < len(tokens) and tokens[index].is_capitalised:
        index += 1
    return index


def _label_end(tokens: list[Token], index: int) -> int:
    """After "the statements as" when a quote follows: the labelling verb's object."""
    for probe in range(index, min(index + 7, len(tokens) - 1)):
        token = tokens[probe]
        if token.kind is not Kind.WORD:
            return index
        if token.lower == "as" and tokens[probe + 1].kind is Kind.QUOTE:
            return probe + 1
    return index


def _noun_phrase_end(tokens: list[Token], index: int) -> int:
    """Where the noun phrase after "according to" ends: before a comma, quote or stop."""
    end = index
    while end < len(tokens) and tokens[end].kind in (Kind.WORD, Kind.NUMBER):
        if end > index and tokens[end].lower in ("that", "who", "which", "on", "in", "at"):
            break
        end += 1
    return end
