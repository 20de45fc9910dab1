"""How much a brief diff matters: trivial edits, significance, and hiding trivial edits.

An edit is *trivial* when the texts are equal after `normalise` (case folded, punctuation and
symbols turned into spaces, whitespace collapsed). Identifiers, URLs, dates, stances and statuses
are never compared loosely: any change to them is significant.

``significance`` is ``1 - exp(-score / 2)``, where ``score`` adds up the `Weights` of every
non-trivial change: 0 for no (or only trivial) change, about 0.22 for one stance shift, 0.14
for one issue closing, 0.86 for a busy day (score 4), approaching 1 as changes pile up. The
weights rank what a reader of an evolving story most needs to notice: a party changing sides or
an issue closing outweighs a new source.

A summary edit counts ``Weights.summary x min(1, 20 x share of its words changed)``, so editing
5% of it weighs as much as two headline changes.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Hashable, Iterable
from itertools import groupby
from typing import Any, TypeVar

import msgspec

from service.domain import changes
from service.domain.matching import multiset_difference
from service.domain.models import Quote, Source
from service.domain.worddiff import count_words

__all__ = [
    "PROSE_FIELDS",
    "WEIGHTS",
    "Weights",
    "assess",
    "fields_trivially_equal",
    "normalise",
    "significance",
    "without_trivial",
]

T = TypeVar("T")

PROSE_FIELDS = frozenset(
    {
        "headline",
        "summary",
        "takeaways",
        "statement",
        "conditions",
        "title",
        "detail",
        "note",
        "resolution",
        "outlet",
        "text",
        "speaker",
        "cue",
    }
)
"""Fields whose text may change trivially; every other field is compared exactly."""


class Weights(msgspec.Struct, kw_only=True, frozen=True):
    """What each non-trivial change adds to a diff's score."""

    status: float = 0.60
    """Publication status changed (a withdrawal matters most)."""
    stance_shift: float = 0.50
    """A stance moved toward or away from agreement."""
    stance_lateral: float = 0.30
    """A stance moved into or out of ``unclear``."""
    position: float = 0.30
    """A position appeared or disappeared."""
    issue_transition: float = 0.30
    """An issue opened, closed or reopened, or an open issue dropped without closing."""
    issue_status: float = 0.15
    """An issue moved between two open (or two closed) statuses."""
    headline: float = 0.20
    summary: float = 0.40
    """The most a summary edit weighs (reached at 5% of its words changed)."""
    statement: float = 0.10
    condition: float = 0.10
    takeaway: float = 0.10
    event: float = 0.10
    """An event added or removed."""
    quote: float = 0.05
    """A quote cited or no longer cited."""
    quote_edit: float = 0.05
    """A cited quote corrected (translator, date, cue, ...)."""
    issue_edit: float = 0.05
    event_edit: float = 0.05
    issue_retired: float = 0.02
    """A closed issue no longer listed (routine)."""
    source: float = 0.02


WEIGHTS = Weights()
_SCORE_SCALE = 2.0
"""``significance = 1 - exp(-score / _SCORE_SCALE)``."""
_SUMMARY_SATURATION = 20
"""The summary weight is reached when 1/20 of its words changed."""
_NOT_WORD = re.compile(r"[^\w\s]+")


def normalise(text: str) -> str:
    """``text`` case folded, with punctuation and symbols as spaces and whitespace collapsed."""
    return " ".join(_NOT_WORD.sub(" ", text.casefold()).split())


def fields_trivially_equal(old: msgspec.Struct, new: msgspec.Struct, fields: Iterable[str]) -> bool:
    """Whether each named field differs between ``old`` and ``new`` only trivially."""
    return all(
        name in PROSE_FIELDS and _prose(getattr(old, name)) == _prose(getattr(new, name))
        for name in fields
    )


def assess(diff: changes.BriefDiff) -> changes.BriefDiff:
    """``diff`` with ``significance`` and ``trivial`` computed from its changes."""
    core = _strip_trivial(diff)
    return msgspec.structs.replace(diff, significance=significance(core), trivial=core.is_empty)


def without_trivial(diff: changes.BriefDiff) -> changes.BriefDiff:
    """``diff`` without its trivial text changes (for ``hide_trivial`` and the TUI toggle).

    Trivial summary changes become ``equal`` runs holding the new text, so joining the runs
    still gives the new summary (but no longer the old one). An issue whose only edit was
    trivial moves to ``issues_unchanged``.
    """
    core = _strip_trivial(diff)
    return msgspec.structs.replace(core, significance=diff.significance, trivial=diff.trivial)


def significance(diff: changes.BriefDiff, weights: Weights = WEIGHTS) -> float:
    """The weighted significance of every change in ``diff`` (see the module docstring), in
    [0, 1] with four decimals; any change at all scores at least 0.0001.

    Counts every change it is given: strip trivial ones first (`assess` does).
    """
    score = sum(
        (
            weights.status * bool(diff.status),
            weights.headline * bool(diff.headline),
            _summary_weight(diff.summary, weights),
            weights.takeaway * (len(diff.takeaways_added) + len(diff.takeaways_removed)),
            sum(_party_weight(change, weights) for change in diff.parties),
            sum(_issue_weight(change, weights) for change in diff.issues),
            weights.event * (len(diff.events_added) + len(diff.events_removed)),
            weights.event_edit * len(diff.events_changed),
            weights.source * (len(diff.sources_added) + len(diff.sources_removed)),
        )
    )
    if not score:
        return 0.0
    return max(0.0001, round(1.0 - math.exp(-score / _SCORE_SCALE), 4))


# --- weights ----------------------------------------------------------------------------------


def _summary_weight(summary: changes.SummaryDiff, weights: Weights) -> float:
    changed = summary.words_added + summary.words_removed
    if not changed:
        return 0.0
    old_words = sum(count_words(run.text) for run in summary.runs if run.op != "insert")
    share = changed / max(1, old_words + summary.words_added)
    return weights.summary * min(1.0, _SUMMARY_SATURATION * share)


def _party_weight(change: changes.PartyChange, weights: Weights) -> float:
    weight = weights.position * (change.appeared or change.disappeared)
    if change.stance:
        lateral = change.stance.direction is changes.ShiftDirection.LATERAL
        weight += weights.stance_lateral if lateral else weights.stance_shift
    weight += weights.statement * bool(change.statement)
    weight += weights.condition * (len(change.conditions_added) + len(change.conditions_removed))
    weight += weights.quote * (len(change.quotes_added) + len(change.quotes_removed))
    weight += weights.quote_edit * len(change.quotes_edited)
    return weight


def _issue_weight(change: changes.IssueChange, weights: Weights) -> float:
    match change:
        case changes.IssueOpened() | changes.IssueClosed() | changes.IssueReopened():
            return weights.issue_transition
        case changes.IssueDropped(was_closed=was_closed):
            return weights.issue_retired if was_closed else weights.issue_transition
        case changes.IssueStatusChanged():
            return weights.issue_status
        case changes.IssueEdited():
            return weights.issue_edit


# --- stripping trivial changes ----------------------------------------------------------------


def _strip_trivial(diff: changes.BriefDiff) -> changes.BriefDiff:
    """Every non-trivial change of ``diff``, with ``significance``/``trivial`` at defaults."""
    takeaways_added, takeaways_removed = _cancel(
        diff.takeaways_added, diff.takeaways_removed, normalise
    )
    sources_added, sources_removed = _cancel(diff.sources_added, diff.sources_removed, _source_key)
    parties = [kept for change in diff.parties if (kept := _strip_party(change)) is not None]
    issues: list[changes.IssueChange] = []
    trivially_edited: list[str] = []
    for change in diff.issues:
        if isinstance(change, changes.IssueEdited) and change.trivial:
            trivially_edited.append(change.issue_id)
        else:
            issues.append(change)
    return msgspec.structs.replace(
        diff,
        headline=None if diff.headline and _trivial_text(diff.headline) else diff.headline,
        summary=_strip_summary(diff.summary),
        takeaways_added=takeaways_added,
        takeaways_removed=takeaways_removed,
        parties=parties,
        issues=issues,
        issues_unchanged=sorted({*diff.issues_unchanged, *trivially_edited}),
        events_changed=[
            change
            for change in diff.events_changed
            if not fields_trivially_equal(change.old, change.new, change.fields)
        ],
        sources_added=sources_added,
        sources_removed=sources_removed,
        significance=0.0,
        trivial=True,
    )


def _strip_party(change: changes.PartyChange) -> changes.PartyChange | None:
    conditions_added, conditions_removed = _cancel(
        change.conditions_added, change.conditions_removed, normalise
    )
    quotes_added, quotes_removed = _cancel(change.quotes_added, change.quotes_removed, _quote_key)
    kept = msgspec.structs.replace(
        change,
        statement=None
        if change.statement and _trivial_text(change.statement)
        else change.statement,
        conditions_added=conditions_added,
        conditions_removed=conditions_removed,
        quotes_added=quotes_added,
        quotes_removed=quotes_removed,
        quotes_edited=[edit for edit in change.quotes_edited if not edit.trivial],
    )
    return None if kept == changes.PartyChange(party_id=change.party_id) else kept


def _strip_summary(summary: changes.SummaryDiff) -> changes.SummaryDiff:
    """Turn each change block (runs between two equal runs) that is trivial into equal text."""
    if not summary.changed:
        return summary
    runs: list[changes.WordRun] = []
    block: list[changes.WordRun] = []
    for run in [*summary.runs, changes.WordRun(op="equal", text="")]:
        if run.op != "equal":
            block.append(run)
            continue
        if block:
            deleted = "".join(part.text for part in block if part.op == "delete")
            inserted = "".join(part.text for part in block if part.op == "insert")
            if normalise(deleted) == normalise(inserted):
                block = [changes.WordRun(op="equal", text=inserted)] if inserted else []
            runs.extend(block)
            block = []
        runs.append(run)
    merged = [
        changes.WordRun(op=op, text="".join(run.text for run in group))
        for op, group in groupby((run for run in runs if run.text), key=lambda run: run.op)
    ]
    return changes.SummaryDiff(
        runs=merged,
        words_added=sum(count_words(run.text) for run in merged if run.op == "insert"),
        words_removed=sum(count_words(run.text) for run in merged if run.op == "delete"),
    )


def _cancel(
    added: list[T], removed: list[T], key: Callable[[T], Hashable]
) -> tuple[list[T], list[T]]:
    """Drop pairs of one added and one removed item that are equal under ``key``."""
    return multiset_difference(removed, added, key)


def _trivial_text(change: changes.TextChange) -> bool:
    return normalise(change.old) == normalise(change.new)


def _prose(value: Any) -> Any:
    """The normalised form of a prose field's value (``None`` counts as empty text)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return normalise(value)
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return [normalise(item) for item in value]
    return value


def _quote_key(quote: Quote) -> Hashable:
    """A quote up to trivial edits: every field, its prose normalised."""
    return (
        normalise(quote.text),
        normalise(quote.speaker),
        normalise(quote.cue),
        quote.source_id,
        quote.said_on,
        quote.translated_by,
    )


def _source_key(source: Source) -> Hashable:
    return (
        source.id,
        normalise(source.outlet),
        normalise(source.title),
        source.url,
        source.published,
        source.reliability,
    )
