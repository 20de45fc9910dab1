"""Issue hints: sentences that bear on one of the story's open issues, and what they suggest.

A sentence hints at an issue when it holds one of the issue's phrases, or two of its keywords
of which one is distinctive (no other issue of the registry has it): "the timing for a phone
call ... will be determined" names the call and its open timing. Keywords match word
prefixes ("call" matches "calls", "accept" matches "accepted"). The suggested status comes
from cue words: still to be decided is ``open``, a date set is ``scheduled``, a denial is
``disputed``, a thing done is ``resolved``; none of them, ``None``.
"""

from __future__ import annotations

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
            re.IGNORECASE,
        ),
    ),
    ("disputed", re.compile(r"\b(?:denied|denies|disputed|disputes|rejected|dismissed)\b", re.I)),
    ("scheduled", re.compile(r"\b(?:scheduled|set for|will take place|is due|are due)\b", re.I)),
    (
        "resolved",
        re.compile(r"\b(?:took place|was held|were held|signed|concluded|agreed to|ended)\b", re.I),
    ),
)


def find_issue_hints(text: str, registry: Registry) -> list[IssueHint]:
    """Each (sentence, issue) pair where the sentence bears on the issue, in text order."""
    if not registry.issues:
        return []
    spread = Counter(
        word for entry in registry.issues for word in {k.lower() for k in entry.keywords}
    )
    hints: list[IssueHint] = []
    for start, end in sentence_spans(text):
        sentence = text[start:end]
        lowered = sentence.lower()
        for entry in registry.issues:
            if _bears_on(entry, lowered, spread):
                hints.append(
                    IssueHint(
                        issue_id=entry.issue_id,
                        sentence=sentence,
                        status=_status(sentence),
                        start=start,
                        end=end,
                    )
                )
    return hints


def _bears_on(entry: IssueKeywords, lowered: str, spread: Counter[str]) -> bool:
    if any(phrase.lower() in lowered for phrase in entry.phrases):
        return True
    pattern = _keywords_pattern(tuple(entry.keywords))
    if pattern is None:
        return False
    matched = {match.group(1) for match in pattern.finditer(lowered)}
    return len(matched) >= 2 and any(spread[keyword] == 1 for keyword in matched)


@lru_cache(maxsize=1024)
def _keywords_pattern(keywords: tuple[str, ...]) -> re.Pattern[str] | None:
    """One alternation matching any keyword at a word's start (a prefix: "call" in "calls")."""
    lowered = sorted({keyword.lower() for keyword in keywords if keyword}, key=len, reverse=True)
    if not lowered:
        return None
    return re.compile(r"\b(" + "|".join(re.escape(keyword) for keyword in lowered) + ")")


def _status(sentence: str) -> str | None:
    for status, pattern in _STATUS_CUES:
        if pattern.search(sentence):
            return status
    return None
