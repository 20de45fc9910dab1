"""Sentence boundaries of news text, as character spans (``text[start:end]``).

Wire copy is regular enough for a rule: a sentence ends at ``.``, ``!`` or ``?`` (and any closing
quotation marks or brackets after it) followed by white space, unless the word before the stop
is a common abbreviation (``Mr.``, ``U.S.``, ``Sept.``); a blank line or a line break always
ends one (headlines and datelines stand on lines of their own).
"""

from __future__ import annotations

import re
from functools import lru_cache

_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "gen",
        "col",
        "lt",
        "sgt",
        "capt",
        "adm",
        "gov",
        "sen",
        "rep",
        "st",
        "jr",
        "sr",
        "vs",
        "no",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "u.s",
        "u.k",
        "u.n",
        "e.u",
        "a.m",
        "p.m",
        "inc",
        "ltd",
        "co",
        "corp",
        "dept",
        "est",
        "approx",
        "fig",
    ]
)
_BOUNDARY = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s)|\n")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)$")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """The ``(start, end)`` of each sentence of ``text``, white space trimmed, in text order."""
    return list(_sentence_spans(text))


@lru_cache(maxsize=8)  # dates, issue hints and the draft all split the same article
def _sentence_spans(text: str) -> tuple[tuple[int, int], ...]:
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        if match.group() != "\n" and is_abbreviation(text, match.start()):
            continue
        append_trimmed(text, start, match.end(), spans)
        start = match.end()
    append_trimmed(text, start, len(text), spans)
    return tuple(spans)


def sentence_at(spans: list[tuple[int, int]], offset: int) -> tuple[int, int]:
    """The span of the sentence holding ``offset`` (the nearest one before it, if in a gap)."""
    found = (0, 0)
    for span in spans:
        if span[0] > offset:
            break
        found = span
    return found


def is_abbreviation(text: str, stop: int) -> bool:
    """Whether the stop at ``stop`` ends an abbreviation ("Mr.", "U.S.") or an initial."""
    word = _WORD_BEFORE.search(text, max(0, stop - 12), stop)
    if word is None:
        return False
    token = word.group(1).lower().rstrip(".")
    # A single capital ("J. D. Vance") is an initial, not a sentence end.
    return token in _ABBREVIATIONS or (len(token) == 1 and text[word.start()].isupper())


def append_trimmed(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    """Append ``(start, end)`` to ``spans`` with white space trimmed, unless nothing is left."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        spans.append((start, end))
