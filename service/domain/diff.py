"""The semantic diff of two briefs (or two revisions of one brief).

`diff_briefs` is pure and deterministic. Things with identity are matched by it: positions by
``party_id``, issues, events and sources by ``id``, quotes by speaker, source and text (exactly,
or else up to case, punctuation and spacing), so a corrected translator, date or cue of a quote
is a `QuoteEdited`. Lists of plain values (takeaways, conditions) are
compared as multisets, so reordering is not a change. Changes are listed in the new brief's
order, followed by what only the old brief had in its order; ``issues_unchanged`` is sorted by
id. ``significance`` and ``trivial`` are computed by ``service.domain.significance``.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable, Sequence
from typing import TypeVar

import msgspec

from service.domain.changes import (
    BriefDiff,
    EventChanged,
    IssueChange,
    IssueClosed,
    IssueDropped,
    IssueEdited,
    IssueOpened,
    IssueReopened,
    IssueStatusChanged,
    PartyChange,
    QuoteEdited,
    ShiftDirection,
    StanceShift,
    TextChange,
)
from service.domain.matching import index_by, multiset_difference
from service.domain.models import Brief, Event, Issue, Position, Quote, Stance
from service.domain.significance import (
    assess,
    fields_trivially_equal,
    normalise,
    without_trivial,
)
from service.domain.worddiff import word_diff

__all__ = ["changed_fields", "diff_briefs", "stance_direction", "without_trivial"]

T = TypeVar("T")
S = TypeVar("S", bound=msgspec.Struct)

_AGREEMENT_SCALE = {
    Stance.SUPPORTS: 0,
    Stance.CONDITIONAL: 1,
    Stance.UNDECIDED: 2,
    Stance.OPPOSES: 3,
}
"""Rank on the agreement scale, most agreeing first; ``unclear`` is off the scale."""

_TRANSITION_FIELDS = frozenset({"status", "closed_on", "resolution"})
"""Issue fields a status transition accounts for, so they are not reported as edits too."""


def diff_briefs(old: Brief, new: Brief) -> BriefDiff:
    """What changed from ``old`` to ``new``; ``diff_briefs(a, a).is_empty`` holds."""
    takeaways_added, takeaways_removed = multiset_difference(old.takeaways, new.takeaways)
    issues, issues_unchanged = _diff_issues(old.issues, new.issues)
    events_added, events_removed, events_changed = _diff_events(old, new)
    # A source whose content changed under the same id shows as removed and added.
    sources_added, sources_removed = multiset_difference(old.sources, new.sources)
    diff = BriefDiff(
        story_id=new.story_id,
        old=old.ref,
        new=new.ref,
        headline=_text_change(old.headline, new.headline),
        summary=word_diff(old.summary, new.summary),
        takeaways_added=takeaways_added,
        takeaways_removed=takeaways_removed,
        parties=_diff_positions(old.positions, new.positions),
        issues=issues,
        issues_unchanged=issues_unchanged,
        events_added=events_added,
        events_removed=events_removed,
        events_changed=events_changed,
        sources_added=sources_added,
        sources_removed=sources_removed,
        status=(old.status, new.status) if old.status != new.status else None,
    )
    return assess(diff)


def stance_direction(old: Stance, new: Stance) -> ShiftDirection:
    """Which way a move from ``old`` to ``new`` goes on the agreement scale."""
    old_rank, new_rank = _AGREEMENT_SCALE.get(old), _AGREEMENT_SCALE.get(new)
    if old_rank is None or new_rank is None or old_rank == new_rank:
        return ShiftDirection.LATERAL
    if new_rank < old_rank:
        return ShiftDirection.TOWARD_AGREEMENT
    return ShiftDirection.AWAY_FROM_AGREEMENT


def changed_fields(old: S, new: S) -> list[str]:
    """Names of the fields whose values differ between two structs of one type, in model order."""
    return [name for name in old.__struct_fields__ if getattr(old, name) != getattr(new, name)]


# --- positions --------------------------------------------------------------------------------


def _diff_positions(old: Sequence[Position], new: Sequence[Position]) -> list[PartyChange]:
    old_by_party = index_by(old, lambda position: position.party_id)
    new_by_party = index_by(new, lambda position: position.party_id)
    changes: list[PartyChange] = []
    for party_id, position in new_by_party.items():
        before = old_by_party.get(party_id)
        if before is None:
            changes.append(PartyChange(party_id=party_id, appeared=True, position=position))
        elif before != position:
            changes.append(_diff_position(before, position))
    changes.extend(
        PartyChange(party_id=party_id, disappeared=True, position=position)
        for party_id, position in old_by_party.items()
        if party_id not in new_by_party
    )
    return [change for change in changes if change != PartyChange(party_id=change.party_id)]


def _diff_position(old: Position, new: Position) -> PartyChange:
    conditions_added, conditions_removed = multiset_difference(old.conditions, new.conditions)
    quotes_added, quotes_removed, quotes_edited = _diff_quotes(old.quotes, new.quotes)
    stance = None
    if old.stance != new.stance:
        stance = StanceShift(
            old=old.stance, new=new.stance, direction=stance_direction(old.stance, new.stance)
        )
    return PartyChange(
        party_id=new.party_id,
        stance=stance,
        statement=_text_change(old.statement, new.statement),
        conditions_added=conditions_added,
        conditions_removed=conditions_removed,
        quotes_added=quotes_added,
        quotes_removed=quotes_removed,
        quotes_edited=quotes_edited,
    )


def _diff_quotes(
    old: Sequence[Quote], new: Sequence[Quote]
) -> tuple[list[Quote], list[Quote], list[QuoteEdited]]:
    """``(added, removed, edited)``. Pairs are made from the strictest match down (equal,
    then same identity, then same loose identity), so a duplicate quote pairs with its twin
    before it pairs with a corrected version of itself."""
    taken: set[int] = set()  # indices in ``old`` already paired
    paired: dict[int, Quote] = {}  # index in ``new`` -> its old quote
    for key in (_itself, _quote_identity, _loose_quote_identity):
        # Spare old quotes by key, in order: linear, since a position may hold hundreds.
        spare: dict[Hashable, deque[int]] = {}
        for old_index, quote in enumerate(old):
            if old_index not in taken:
                spare.setdefault(key(quote), deque()).append(old_index)
        for index, quote in enumerate(new):
            candidates = spare.get(key(quote)) if index not in paired else None
            if candidates:
                old_index = candidates.popleft()
                taken.add(old_index)
                paired[index] = old[old_index]
    added = [quote for index, quote in enumerate(new) if index not in paired]
    edited = [
        QuoteEdited(
            old=before,
            new=quote,
            fields=(fields := changed_fields(before, quote)),
            trivial=fields_trivially_equal(before, quote, fields),
        )
        for index, quote in enumerate(new)
        if (before := paired.get(index)) is not None and before != quote
    ]
    removed = [quote for old_index, quote in enumerate(old) if old_index not in taken]
    return added, removed, edited


def _itself(quote: Quote) -> Hashable:
    return quote


def _quote_identity(quote: Quote) -> Hashable:
    return (quote.text, quote.speaker, quote.source_id)


def _loose_quote_identity(quote: Quote) -> Hashable:
    return (normalise(quote.text), normalise(quote.speaker), quote.source_id)


# --- issues -----------------------------------------------------------------------------------


def _diff_issues(old: Sequence[Issue], new: Sequence[Issue]) -> tuple[list[IssueChange], list[str]]:
    old_by_id = index_by(old, lambda issue: issue.id)
    new_by_id = index_by(new, lambda issue: issue.id)
    changes: list[IssueChange] = []
    unchanged: list[str] = []
    for issue_id, issue in new_by_id.items():
        before = old_by_id.get(issue_id)
        if before is None:
            changes.append(IssueOpened(issue=issue))
        elif before == issue:
            unchanged.append(issue_id)
        else:
            changes.extend(_diff_issue(before, issue))
    changes.extend(
        IssueDropped(issue=issue, was_closed=issue.is_closed)
        for issue_id, issue in old_by_id.items()
        if issue_id not in new_by_id
    )
    return changes, sorted(unchanged)


def _diff_issue(old: Issue, new: Issue) -> list[IssueChange]:
    """The status transition (if any), then the edit of the other fields (if any)."""
    changes: list[IssueChange] = []
    fields = changed_fields(old, new)
    if old.status != new.status:
        changes.append(_transition(old, new))
        fields = [name for name in fields if name not in _TRANSITION_FIELDS]
    if fields:
        changes.append(
            IssueEdited(
                issue_id=new.id,
                title=new.title,
                fields=fields,
                trivial=fields_trivially_equal(old, new, fields),
            )
        )
    return changes


def _transition(old: Issue, new: Issue) -> IssueChange:
    if new.is_closed and not old.is_closed:
        return IssueClosed(
            issue_id=new.id,
            title=new.title,
            old_status=old.status,
            new_status=new.status,
            opened_on=new.opened_on,
            closed_on=new.closed_on,
            resolution=new.resolution,
        )
    if old.is_closed and not new.is_closed:
        return IssueReopened(
            issue_id=new.id, title=new.title, old_status=old.status, new_status=new.status
        )
    return IssueStatusChanged(
        issue_id=new.id, title=new.title, old_status=old.status, new_status=new.status
    )


# --- events and helpers -----------------------------------------------------------------------


def _diff_events(old: Brief, new: Brief) -> tuple[list[Event], list[Event], list[EventChanged]]:
    old_by_id = index_by(old.events, lambda event: event.id)
    new_by_id = index_by(new.events, lambda event: event.id)
    added = [event for event_id, event in new_by_id.items() if event_id not in old_by_id]
    removed = [event for event_id, event in old_by_id.items() if event_id not in new_by_id]
    changed = [
        EventChanged(old=before, new=event, fields=changed_fields(before, event))
        for event_id, event in new_by_id.items()
        if (before := old_by_id.get(event_id)) is not None and before != event
    ]
    return added, removed, changed


def _text_change(old: str, new: str) -> TextChange | None:
    return TextChange(old=old, new=new) if old != new else None
