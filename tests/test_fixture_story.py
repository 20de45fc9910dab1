"""The fixture story tells the diffs it was written to tell.

These pin the acceptance diffs between consecutive briefs of ``ceasefire-2025`` and the two extra
revisions: a real correction (2025-03-18 r2) and a punctuation/case-only fix (2025-03-14 r2).
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from service.domain.changes import (
    BriefDiff,
    IssueChange,
    IssueClosed,
    IssueDropped,
    IssueOpened,
    IssueStatusChanged,
    ShiftDirection,
)
from service.domain.diff import diff_briefs
from service.domain.files import StoryFolder
from service.domain.models import CLOSED_STATUSES, Brief, IssueStatus, Stance


def _brief(story: StoryFolder, as_of: str, revision: int | None = None) -> Brief:
    day = dt.date.fromisoformat(as_of)
    revisions = [brief for brief in story.briefs if brief.as_of == day]
    if revision is None:
        return max(revisions, key=lambda brief: brief.revision)
    return next(brief for brief in revisions if brief.revision == revision)


def _changes(diff: BriefDiff, issue_id: str) -> list[IssueChange]:
    def identity(change: IssueChange) -> str:
        if isinstance(change, IssueOpened | IssueDropped):
            return change.issue.id
        return change.issue_id

    return [change for change in diff.issues if identity(change) == issue_id]


def _opened(diff: BriefDiff) -> set[str]:
    return {change.issue.id for change in diff.issues if isinstance(change, IssueOpened)}


def _closed(diff: BriefDiff, issue_id: str) -> IssueClosed:
    closed = [change for change in _changes(diff, issue_id) if isinstance(change, IssueClosed)]
    assert len(closed) == 1, diff.issues
    return closed[0]


def test_the_story_has_five_briefs_and_two_extra_revisions(ceasefire: StoryFolder) -> None:
    assert ceasefire.story.id == "ceasefire-2025"
    assert [b.id for b in ceasefire.latest()] == [
        "brief-2025-03-11",
        "brief-2025-03-13",
        "brief-2025-03-14",
        "brief-2025-03-18",
        "brief-2025-03-19",
    ]
    assert [(b.as_of.isoformat(), b.revision) for b in ceasefire.briefs if b.revision > 1] == [
        ("2025-03-14", 2),
        ("2025-03-18", 2),
    ]


@pytest.mark.parametrize("revision", [1, 2])
def test_from_13_to_14_kursk_opens_and_the_call_stays_open(
    ceasefire: StoryFolder, revision: int
) -> None:
    diff = diff_briefs(_brief(ceasefire, "2025-03-13"), _brief(ceasefire, "2025-03-14", revision))

    assert "kursk-surrounded-troops" in _opened(diff)
    call = _changes(diff, "putin-trump-call")
    assert call or "putin-trump-call" in diff.issues_unchanged
    for change in call:
        assert not isinstance(change, IssueClosed)
        if isinstance(change, IssueStatusChanged):
            assert change.new_status not in CLOSED_STATUSES
    russia = next(party for party in diff.parties if party.party_id == "russia")
    assert russia.statement is not None
    assert russia.statement.old != russia.statement.new


def test_from_14_to_18_the_call_is_resolved_and_the_energy_track_opens(
    ceasefire: StoryFolder,
) -> None:
    diff = diff_briefs(_brief(ceasefire, "2025-03-14"), _brief(ceasefire, "2025-03-18"))

    call = _closed(diff, "putin-trump-call")
    assert call.new_status is IssueStatus.RESOLVED
    assert call.closed_on == dt.date(2025, 3, 18)
    assert {"energy-strike-moratorium", "black-sea-ceasefire"} <= _opened(diff)


def test_from_18_to_19_the_prisoner_exchange_is_resolved(ceasefire: StoryFolder) -> None:
    diff = diff_briefs(_brief(ceasefire, "2025-03-18"), _brief(ceasefire, "2025-03-19"))

    swap = _closed(diff, "prisoner-exchange-175")
    assert swap.new_status is IssueStatus.RESOLVED
    assert swap.closed_on == dt.date(2025, 3, 19)


def test_russia_moves_toward_agreement_from_11_to_13(ceasefire: StoryFolder) -> None:
    diff = diff_briefs(_brief(ceasefire, "2025-03-11"), _brief(ceasefire, "2025-03-13"))

    russia = next(party for party in diff.parties if party.party_id == "russia")
    assert russia.stance is not None
    assert (russia.stance.old, russia.stance.new) == (Stance.UNDECIDED, Stance.CONDITIONAL)
    assert russia.stance.direction is ShiftDirection.TOWARD_AGREEMENT


def test_the_14_r2_fix_is_trivial(ceasefire: StoryFolder) -> None:
    diff = diff_briefs(_brief(ceasefire, "2025-03-14", 1), _brief(ceasefire, "2025-03-14", 2))

    assert diff.trivial
    assert not diff.is_empty
    assert diff.summary.changed


def test_the_18_r2_correction_gives_the_disputed_call_length(ceasefire: StoryFolder) -> None:
    first, corrected = _brief(ceasefire, "2025-03-18", 1), _brief(ceasefire, "2025-03-18", 2)
    diff = diff_briefs(first, corrected)

    assert not diff.trivial
    assert diff.summary.changed
    assert [change.new.id for change in diff.events_changed] == ["putin-trump-call-mar-18"]
    assert corrected.created_at == first.created_at
    assert corrected.revised_at - first.revised_at >= dt.timedelta(hours=11)
    assert corrected.revised_at.date() == dt.date(2025, 3, 19)
    assert "90 minutes" in corrected.summary
    assert "three hours" in corrected.summary


def test_ukraine_is_always_conditional_and_never_plainly_unconditional(
    ceasefire: StoryFolder,
) -> None:
    for brief in ceasefire.briefs:
        ukraine = next(p for p in brief.positions if p.party_id == "ukraine")
        assert ukraine.stance is Stance.CONDITIONAL
        assert "unconditional" not in brief.summary.lower()


def test_quotes_are_short_sourced_and_attributed(ceasefire: StoryFolder) -> None:
    translators = {"Dmitry Peskov": "Reuters", "Vladimir Putin": "AP", "Yuri Ushakov": "RFE/RL"}
    for brief in ceasefire.briefs:
        source_ids = {source.id for source in brief.sources}
        for position in brief.positions:
            for quote in position.quotes:
                assert len(quote.text.split()) < 15
                assert quote.source_id in source_ids
                assert quote.said_on is not None
                assert quote.said_on <= brief.as_of
                if quote.speaker in translators:
                    assert quote.translated_by == translators[quote.speaker]


def test_every_open_issue_is_carried_until_it_closes(ceasefire: StoryFolder) -> None:
    latest = ceasefire.latest()
    for old, new in itertools.pairwise(latest):
        new_ids = {issue.id for issue in new.issues}
        for issue in old.issues:
            if not issue.is_closed:
                assert issue.id in new_ids, (new.id, issue.id)
