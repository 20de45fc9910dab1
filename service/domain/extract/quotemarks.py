"""Where the quotation marks of a news text open and close.

Double quotes (curly “ ”, straight ", guillemets « ») are found first; single quotes (‘ ’ and
straight ') only outside them, since inside a double quote they are a nested quote that belongs
to it. A single mark between two letters is an apostrophe (Kyiv’s, I'm), and a closing single
needs no letter after it (the leaders’ is read as a close only when a single quote is open).
A double quote still open at a paragraph's end is a quote that runs on into the next paragraph
(news style reopens it there); only a line that looks hard-wrapped (no final stop, the next line
not opening a quote) keeps the quote going across the line break.
"""

from __future__ import annotations

import re
from typing import NamedTuple


class QuoteSpan(NamedTuple):
    """One top-level quote: ``text[start:end]`` is inside the marks."""

    start: int
    end: int
    closed: bool
    """False when the quote runs to its paragraph's end without a closing mark."""


_DOUBLE_MARKS = re.compile(r"[“”„\"«»\n]")
_SINGLE_MARKS = re.compile(r"[‘’'‚\n]")
_OPENING_CONTEXT = frozenset("([{—–-/:;…")
_SENTENCE_END = frozenset(".!?…:\"”’'")


def find_quote_spans(text: str) -> list[QuoteSpan]:
    """The top-level quotes of ``text`` in text order (nested quotes belong to their outer one)."""
    doubles = _double_spans(text)
    singles = _single_spans(text, doubles)
    # A single quote holding doubles (British style) is the outer one.
    kept = [d for d in doubles if not any(s.start <= d.start and d.end <= s.end for s in singles)]
    spans = [s for s in (*kept, *singles) if text[s.start : s.end].strip()]
    return sorted(spans)


def _is_space(char: str | None) -> bool:
    return char is None or char.isspace()


def _is_word(char: str | None) -> bool:
    return char is not None and char.isalnum()


def _opens_after(char: str | None) -> bool:
    return char is None or char.isspace() or char in _OPENING_CONTEXT or char in "“‘\"'«"


def _neighbours(text: str, index: int) -> tuple[str | None, str | None]:
    before = text[index - 1] if index > 0 else None
    after = text[index + 1] if index + 1 < len(text) else None
    return before, after


def _double_spans(text: str) -> list[QuoteSpan]:
    spans: list[QuoteSpan] = []
    open_at: int | None = None
    for match in _DOUBLE_MARKS.finditer(text):
        index, mark = match.start(), match.group()
        before, after = _neighbours(text, index)
        if mark == "\n":
            if open_at is not None and _paragraph_ends(text, index):
                spans.append(_unclosed(text, open_at, index))
                open_at = None
        elif mark in "“„«":
            if open_at is None:
                open_at = index
        elif mark in "”»":
            if open_at is not None:
                spans.append(QuoteSpan(open_at + 1, index, closed=True))
                open_at = None
        elif open_at is not None and (not _opens_after(before) or _is_space(after)):
            spans.append(QuoteSpan(open_at + 1, index, closed=True))
            open_at = None
        elif open_at is None and not _is_space(after):
            open_at = index
    if open_at is not None:
        spans.append(_unclosed(text, open_at, len(text)))
    return spans


def _paragraph_ends(text: str, newline: int) -> bool:
    """Whether a quote open at this line break ends with the paragraph.

    It does when the next paragraph reopens a quote (news style) or opens no quote before the
    next closing mark; it runs on when the line looks hard-wrapped (no final stop) or when the
    next quotation mark closes it (one pair of marks around several paragraphs).
    """
    line_start = text.rfind("\n", 0, newline) + 1
    line_end = text[line_start:newline].rstrip()
    next_start = newline + 1
    while next_start < len(text) and text[next_start] in " \t\n":
        next_start += 1
    if next_start >= len(text) or text[next_start] in "“‘\"'«":
        return True
    if line_end and line_end[-1] not in _SENTENCE_END and text[newline + 1 : newline + 2] != "\n":
        return False
    following = _DOUBLE_MARKS.search(text, next_start)
    while following is not None and following.group() == "\n":
        following = _DOUBLE_MARKS.search(text, following.end())
    return following is None or not _closes(text, following.start())


def _closes(text: str, index: int) -> bool:
    """Whether the double mark at ``index`` reads as a closing one."""
    mark = text[index]
    if mark in "”»":
        return True
    if mark in "“„«":
        return False
    before, after = _neighbours(text, index)
    return not _opens_after(before) or _is_space(after)


def _unclosed(text: str, open_at: int, end: int) -> QuoteSpan:
    stop = end
    while stop > open_at + 1 and text[stop - 1].isspace():
        stop -= 1
    return QuoteSpan(open_at + 1, stop, closed=False)


def _single_spans(text: str, doubles: list[QuoteSpan]) -> list[QuoteSpan]:
    spans: list[QuoteSpan] = []
    open_at: int | None = None
    inside = iter(doubles)
    current = next(inside, None)
    for match in _SINGLE_MARKS.finditer(text):
        index, mark = match.start(), match.group()
        while current is not None and current.end < index:
            current = next(inside, None)
        if current is not None and current.start <= index < current.end:
            continue
        before, after = _neighbours(text, index)
        if mark == "\n":
            if open_at is not None and _starts_paragraph(text, open_at):
                spans.append(_unclosed(text, open_at, index))
            open_at = None
        elif _is_word(before) and _is_word(after):
            continue  # an apostrophe: Kyiv’s, don't
        elif mark in "‘‚" or (mark == "'" and open_at is None):
            if open_at is None and _opens_after(before) and not _is_space(after):
                open_at = index
        elif open_at is not None and not _is_space(before) and not _is_word(after):
            spans.append(QuoteSpan(open_at + 1, index, closed=True))
            open_at = None
    return spans


def _starts_paragraph(text: str, open_at: int) -> bool:
    line_start = text.rfind("\n", 0, open_at) + 1
    return not text[line_start:open_at].strip()
