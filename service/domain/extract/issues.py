"""Issue hints: sentences that bear on one of the story's open issues, and what they suggest.

A sentence hints at an issue when it holds one of the issue's phrases, or two of its keywords
of which one is distinctive (no other issue of the registry has it): "the timing for a phone
call ... will be determined" names the call and its open timing. Keywords match word
prefixes ("call" matches "calls", "accept" matches "accepted"). The suggested status comes
from cue words: still to be decided is ``open``, a date set is ``scheduled``, a denial is
``disputed``, a thing done is ``resolved``; none of them, ``None``.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from functools import lru_cache

from service.domain.extract.models import IssueHint
from service.domain.extract.registry import IssueKeywords, Registry
from service.domain.extract.sentences import sentence_spans

_STATUS_CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "open",
        re.compile(
            r"\b(?:will be (?:determined|decided|set|discussed|agreed)|yet to|not yet|no date"
            r"|has not|have not|hasn['’]t|haven['’]t|remains? (?:unclear|open|unresolved)"
            r"|unresolved|to be (?:determined|decided|set)|might be|may be|could be|would need"
            r"|needs? to|needed|necessary|still|awaiting|waiting|once)\b",
        ),
    ),
    ("disputed", re.compile(r"\b(?:denied|denies|disputed|disputes|rejected|dismissed)\b")),
    ("scheduled", re.compile(r"\b(?:scheduled|set for|will take place|is due|are due)\b")),
    (
        "resolved",
        re.compile(r"\b(?:took place|was held|were held|signed|concluded|agreed to|ended)\b"),
    ),
)


def find_issue_hints(text: str, registry: Registry) -> list[IssueHint]:
    """Each (sentence, issue) pair where the sentence bears on the issue, in text order."""
    if not registry.issues:
        return []
    spread = Counter(
        word for entry in registry.issues for word in {k.lower() for k in entry.keywords}
    )
    spans = sentence_spans(text)
    starts = [start for start, _ in spans]
    lowered = text.lower()  # lower() keeps offsets for the scripts news is written in
    if len(lowered) != len(text):
        lowered = "".join(char.lower()[:1] or char for char in text)
    bearing: set[tuple[int, int]] = set()  # (sentence index, issue index)
    for number, entry in enumerate(registry.issues):
        for index in _bearing_sentences(entry, lowered, starts, spread):
            bearing.add((index, number))
    hints: list[IssueHint] = []
    statuses: dict[int, str | None] = {}
    for index, number in sorted(bearing):
        start, end = spans[index]
        sentence = text[start:end]
        if index not in statuses:
            statuses[index] = _status(lowered[start:end])
        hints.append(
            IssueHint(
                issue_id=registry.issues[number].issue_id,
                sentence=sentence,
                status=statuses[index],
                start=start,
                end=end,
            )
        )
    return hints


def _bearing_sentences(
    entry: IssueKeywords, lowered: str, starts: list[int], spread: Counter[str]
) -> set[int]:
    """The indices of the sentences bearing on ``entry``: one scan of the text per issue."""
    found: set[int] = set()
    for phrase in (phrase.lower() for phrase in entry.phrases if phrase):
        at = lowered.find(phrase)
        while at != -1:
            found.add(bisect.bisect_right(starts, at) - 1)
            at = lowered.find(phrase, at + 1)
    pattern = _keywords_pattern(tuple(entry.keywords))
    if pattern is None:
        return found
    matched: dict[int, set[str]] = {}
    for match in pattern.finditer(lowered):
        matched.setdefault(bisect.bisect_right(starts, match.start()) - 1, set()).add(
            match.group(1)
        )
    for index, keywords in matched.items():
        if len(keywords) >= 2 and any(spread[keyword] == 1 for keyword in keywords):
            found.add(index)
    return {index for index in found if index >= 0}


@lru_cache(maxsize=1024)
def _keywords_pattern(keywords: tuple[str, ...]) -> re.Pattern[str] | None:
    """One alternation matching any keyword at a word's start (a prefix: "call" in "calls")."""
    lowered = sorted({keyword.lower() for keyword in keywords if keyword}, key=len, reverse=True)
    if not lowered:
        return None
    return re.compile(r"\b(" + "|".join(re.escape(keyword) for keyword in lowered) + ")")


def _status(lowered: str) -> str | None:
    """The status the (lower-cased) sentence's cue words suggest, in `_STATUS_CUES` order."""
    for status, pattern in _STATUS_CUES:
        if pattern.search(lowered):
            return status
    return None
