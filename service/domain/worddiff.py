"""Word-level text diff: equal, inserted and deleted runs that keep the original spacing.

Large, mostly equal texts are aligned patience-style before any Myers diff runs: items that
occur exactly once in both texts become anchors and the longest chain of anchors in the same
order is kept. This happens first on sentences (unchanged sentences are never tokenised), then,
within changed stretches, on words (or runs of 2 or 4 words in very repetitive text). Only the
small gaps left between anchors are diffed with diff-match-patch (Myers) in word mode: the text
is split into word, punctuation and whitespace tokens, each mapped to one private-use character (the
``linesToChars`` trick). Myers costs O(N·D) in pure Python, so anchoring first is what keeps a
10,000-word summary with a few hundred scattered edits fast and the cost near-linear in the text
length. A stretch that is mostly different (a quarter of its tokens or more without a
counterpart, or too large for Myers) is reported as replaced whole: word-level detail there
would only show coincidental matches, and it keeps a full rewrite linear too. Last, a semantic
clean-up over all the runs folds short equal islands between changes into one replacement.
``Diff_Timeout = 0`` makes every diff deterministic (no time-dependent cut-off).
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Callable, Hashable, Sequence
from typing import Literal

from diff_match_patch import diff_match_patch

from service.domain.changes import SummaryDiff, WordRun

__all__ = ["count_words", "word_diff"]

Op = Literal["equal", "insert", "delete"]

_WORD = re.compile(r"\w+(?:['\u2019\-\u2013]\w+)*")
_TOKEN = re.compile(rf"\s+|{_WORD.pattern}|[^\w\s]")
"""Whitespace, words (with inner apostrophes and hyphens: ``Witkoff's``, ``30-day``) and single
punctuation marks, so that a full stop never sticks to the word before it."""
_SHORT_EQUAL_WORDS = 3
"""An equal stretch of at most this many words between two changes, and no longer than either,
is folded into one replacement: islands like `` as `` or `` that `` in a rewrite are noise."""
_SMALL_GAP = 64
"""Gaps up to this many tokens (both sides together) go straight to Myers."""
_ANCHOR_WORDS = (1, 2, 4)
"""Anchor on unique words; very repetitive texts without any fall back to unique word runs."""
_DMP_OPS: dict[int, Op] = {0: "equal", 1: "insert", -1: "delete"}
_FIRST_PRIVATE = 0xF0000
"""Tokens map to plane 15 (private use), so they never look like spaces or letters to the
semantic clean-up; it holds 65,534 characters, more than ``_MYERS_MAX_TOKENS``."""
_MYERS_MAX_TOKENS = 20_000
_MYERS_BUDGET = 500_000
"""Bound on (tokens) x (estimated edits) for one Myers diff, well under 0.1 s."""

_dmp = diff_match_patch()
_dmp.Diff_Timeout = 0


def word_diff(old: str, new: str) -> SummaryDiff:
    """Diff two texts word by word.

    Joining the ``equal`` and ``delete`` runs gives ``old``; the ``equal`` and ``insert`` runs
    give ``new``. Within a change, deletions come before insertions. Deterministic.
    """
    if old == new:
        return SummaryDiff(runs=[WordRun(op="equal", text=old)] if old else [])
    builder = _RunBuilder()
    old_sentences, new_sentences = _sentences(old), _sentences(new)
    anchors = _unique_anchors(old_sentences, new_sentences)
    _walk_anchors(old_sentences, new_sentences, anchors, builder, _diff_sentences)
    return builder.build()


def count_words(text: str) -> int:
    """The number of words in ``text``; punctuation marks on their own are not words."""
    return len(_WORD.findall(text))


class _RunBuilder:
    """Collects token runs, merging neighbours with the same operation."""

    def __init__(self) -> None:
        self.ops: list[Op] = []
        self.tokens: list[list[str]] = []

    def add(self, op: Op, tokens: Sequence[str]) -> None:
        if not tokens:
            return
        if self.ops and self.ops[-1] == op:
            self.tokens[-1].extend(tokens)
        else:
            self.ops.append(op)
            self.tokens.append(list(tokens))

    def build(self) -> SummaryDiff:
        runs: list[WordRun] = []
        added = removed = 0
        for op, tokens in _cleanup_semantic(self.ops, self.tokens):
            text = "".join(tokens)
            if op == "insert":
                added += count_words(text)
            elif op == "delete":
                removed += count_words(text)
            runs.append(WordRun(op=op, text=text))
        return SummaryDiff(runs=runs, words_added=added, words_removed=removed)


class _Change:
    """Deleted and inserted tokens, and the characters on each side (kept, not recounted)."""

    __slots__ = ("deleted", "deleted_length", "inserted", "inserted_length")

    def __init__(self) -> None:
        self.deleted: list[str] = []
        self.inserted: list[str] = []
        self.deleted_length = self.inserted_length = 0

    def add(self, op: Op, tokens: list[str]) -> None:
        length = sum(map(len, tokens))
        if op == "delete":
            self.deleted += tokens
            self.deleted_length += length
        else:
            self.inserted += tokens
            self.inserted_length += length

    @property
    def length(self) -> int:
        """The longer side, in characters (as diff-match-patch measures)."""
        return max(self.deleted_length, self.inserted_length)


def _cleanup_semantic(ops: list[Op], tokens: list[list[str]]) -> list[tuple[Op, list[str]]]:
    """Fold short equalities between changes into one replacement, as diff-match-patch's
    ``diff_cleanupSemantic`` does (an equality no longer than the changes on either side), but
    capped at `_SHORT_EQUAL_WORDS` words, and over the whole text: the anchors split a diff
    into gaps that Myers (and its clean-up) only ever sees one at a time.

    One pass with a stack: folding grows a change, which may let the equality before it fold
    too. Changes grow in place, so the pass stays linear in the tokens.
    """
    stack: list[_Change | list[str]] = []  # changes and equalities, alternating
    for op, run in zip(ops, tokens, strict=True):
        if op == "equal":
            stack.append(run)
            continue
        top = stack[-1] if stack else None
        if not isinstance(top, _Change):
            top = _Change()
            stack.append(top)
        top.add(op, run)
        # Fold change, short equality, change, as long as the pattern holds at the top.
        while len(stack) >= 3:
            before, equal, after = stack[-3], stack[-2], stack[-1]
            if not (isinstance(before, _Change) and isinstance(after, _Change)):
                break
            assert isinstance(equal, list)  # changes and equalities alternate
            size = sum(map(len, equal))
            if size > before.length or size > after.length or _words(equal) > _SHORT_EQUAL_WORDS:
                break
            del stack[-2:]
            before.add("delete", equal + after.deleted)
            before.add("insert", equal + after.inserted)
    runs: list[tuple[Op, list[str]]] = []
    for item in stack:
        if isinstance(item, list):
            runs.append(("equal", item))
            continue
        runs += [("delete", item.deleted)] if item.deleted else []
        runs += [("insert", item.inserted)] if item.inserted else []
    return runs


def _words(tokens: list[str]) -> int:
    return sum(not token.isspace() for token in tokens)


def _diff_range(old: list[str], new: list[str], out: _RunBuilder) -> None:
    """Diff two token lists into ``out``: trim, then anchor or run Myers on what is left."""
    prefix = _common_prefix(old, new)
    out.add("equal", old[:prefix])
    old, new = old[prefix:], new[prefix:]
    suffix = _common_prefix(old[::-1], new[::-1])
    tail = old[len(old) - suffix :]
    old, new = old[: len(old) - suffix], new[: len(new) - suffix]
    if not old or not new:
        out.add("delete", old)
        out.add("insert", new)
    elif len(old) + len(new) <= _SMALL_GAP or not _diff_anchored(old, new, out):
        _diff_myers(old, new, out)
    out.add("equal", tail)


def _sentences(text: str) -> list[str]:
    """``text`` cut after every full stop: roughly sentences, and ~40x faster to find than
    with a regular expression. Any cut is correct (the pieces join back into the text)."""
    pieces = text.split(".")
    last = pieces.pop()
    return [piece + "." for piece in pieces] + ([last] if last else [])


def _diff_sentences(old: list[str], new: list[str], out: _RunBuilder) -> None:
    """Diff a run of sentences word by word."""
    _diff_range(_TOKEN.findall("".join(old)), _TOKEN.findall("".join(new)), out)


def _diff_anchored(old: list[str], new: list[str], out: _RunBuilder) -> bool:
    """Align on words that start a run of words unique in both texts, and diff the gaps
    between them; ``False`` if there is no such word."""
    old_words, new_words = _word_positions(old), _word_positions(new)
    for words in _ANCHOR_WORDS:
        chain = _unique_anchors(
            _word_runs(old, old_words, words), _word_runs(new, new_words, words)
        )
        if chain:
            break
    else:
        return False
    anchors = [(old_words[old_word], new_words[new_word]) for old_word, new_word in chain]
    _walk_anchors(old, new, anchors, out, _diff_range)
    return True


def _walk_anchors(
    old: list[str],
    new: list[str],
    anchors: list[tuple[int, int]],
    out: _RunBuilder,
    diff_gap: Callable[[list[str], list[str], _RunBuilder], None],
) -> None:
    """Emit each anchor (an item equal in both lists) as equal, and ``diff_gap`` the gaps."""
    equal_from = old_at = new_at = 0  # old[equal_from:old_at] is equal and not yet emitted
    for old_index, new_index in anchors:
        if old_index != old_at or new_index != new_at:
            old_gap, new_gap = old[old_at:old_index], new[new_at:new_index]
            if old_gap != new_gap:
                out.add("equal", old[equal_from:old_at])
                diff_gap(old_gap, new_gap, out)
                equal_from = old_index
        old_at, new_at = old_index + 1, new_index + 1
    out.add("equal", old[equal_from:old_at])
    if old[old_at:] or new[new_at:]:
        diff_gap(old[old_at:], new[new_at:], out)


def _unique_anchors(old: Sequence[Hashable], new: Sequence[Hashable]) -> list[tuple[int, int]]:
    """The longest chain of (old, new) positions of items that occur exactly once in both
    sequences, increasing in both (patience diff's anchors)."""
    old_counts, new_counts = Counter(old), Counter(new)
    unique = {key for key, count in old_counts.items() if count == 1 and new_counts[key] == 1}
    if not unique:
        return []
    new_position = {key: index for index, key in enumerate(new) if key in unique}
    return _longest_increasing(
        [(index, new_position[key]) for index, key in enumerate(old) if key in unique]
    )


def _word_runs(tokens: list[str], positions: list[int], words: int) -> Sequence[Hashable]:
    """The run of ``words`` words (and punctuation marks) starting at each, whitespace aside
    (so that re-wrapped text still anchors)."""
    only_words = [tokens[index] for index in positions]
    if words == 1:
        return only_words
    return [tuple(only_words[index : index + words]) for index in range(len(only_words))]


def _word_positions(tokens: list[str]) -> list[int]:
    """The positions of the tokens that are not whitespace."""
    return [index for index, token in enumerate(tokens) if not token.isspace()]


def _longest_increasing(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Patience sorting: the longest subsequence of ``pairs`` increasing in the second item.

    ``pairs`` is sorted by its first item, and both items are distinct positions.
    """
    tails: list[int] = []  # smallest new position ending a chain of each length
    tail_index: list[int] = []  # index into pairs of that chain's end
    previous: list[int] = [-1] * len(pairs)
    for index, (_, new_index) in enumerate(pairs):
        if not tails or new_index > tails[-1]:  # the common case in mostly equal texts
            length = len(tails)
            tails.append(new_index)
            tail_index.append(index)
        else:
            length = bisect.bisect_left(tails, new_index)
            tails[length] = new_index
            tail_index[length] = index
        previous[index] = tail_index[length - 1] if length else -1
    chain: list[tuple[int, int]] = []
    index = tail_index[-1]
    while index != -1:
        chain.append(pairs[index])
        index = previous[index]
    chain.reverse()
    return chain


def _diff_myers(old: list[str], new: list[str], out: _RunBuilder) -> None:
    """Diff with diff-match-patch in word mode (one private-use character per distinct token),
    unless the stretches share so little that Myers would be slow and show only coincidental
    matches: those are reported as replaced whole."""
    if _too_different(old, new):
        out.add("delete", old)
        out.add("insert", new)
        return
    chars: dict[str, str] = {}
    tokens: dict[str, str] = {}
    for token in old + new:
        if token not in chars:
            chars[token] = char = chr(_FIRST_PRIVATE + len(chars))
            tokens[char] = token
    diffs = _dmp.diff_main(
        "".join([chars[token] for token in old]), "".join([chars[token] for token in new]), False
    )
    _dmp.diff_cleanupSemantic(diffs)
    for dmp_op, text in diffs:
        out.add(_DMP_OPS[dmp_op], [tokens[char] for char in text])


def _too_different(old: list[str], new: list[str]) -> bool:
    """Whether the stretches are mostly different (a quarter of their tokens or more have no
    counterpart), or Myers' O((N+M)·D) cost would exceed the budget; D is estimated from below
    by the tokens without a counterpart."""
    size = len(old) + len(new)
    if size <= _SMALL_GAP:
        return False
    if size > _MYERS_MAX_TOKENS:
        return True
    old_counts, new_counts = Counter(old), Counter(new)
    unshared = (old_counts - new_counts).total() + (new_counts - old_counts).total()
    return unshared * 4 >= size or size * unshared > _MYERS_BUDGET


def _common_prefix(old: list[str], new: list[str]) -> int:
    """Length of the common prefix, by binary search over C-speed slice comparisons."""
    low, high = 0, min(len(old), len(new))
    while low < high:
        middle = (low + high + 1) // 2
        if old[low:middle] == new[low:middle]:
            low = middle
        else:
            high = middle - 1
    return low
