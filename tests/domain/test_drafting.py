"""Drafting the next brief and the quick state changes (`service.domain.drafting`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import msgspec
import pytest

from service.domain import drafting, files
from service.domain.models import CLOSED_STATUSES, IssueStatus, Stance
from service.domain.validate import validate_brief

STORY = Path(__file__).parents[2] / "fixtures" / "stories" / "ceasefire-2025"


@pytest.fixture(scope="module")
def folder() -> files.StoryFolder:
    return files.load_story_dir(STORY)


def test_carry_forward_keeps_what_stands_and_drops_the_day(folder: files.StoryFolder) -> None:
    latest = folder.brief_on(dt.date(2025, 3, 18))
    assert latest is not None
    draft = drafting.carry_forward(latest, as_of=dt.date(2025, 3, 19))

    assert (draft.id, draft.as_of, draft.summary, draft.takeaways) == (
        "brief-2025-03-19",
        dt.date(2025, 3, 19),
        "",
        [],
    )
    assert [issue.id for issue in draft.issues] == [
        issue.id for issue in latest.issues if issue.status not in CLOSED_STATUSES
    ]
    assert "putin-trump-call" not in {issue.id for issue in draft.issues}  # resolved on 03-18
    assert [(p.party_id, p.stance, p.conditions) for p in draft.positions] == [
        (p.party_id, p.stance, p.conditions) for p in latest.positions
    ]
    assert all(not position.quotes for position in draft.positions)
    assert draft.events == latest.events
    cited = {source_id for event in draft.events for source_id in event.source_ids}
    assert {source.id for source in draft.sources} == cited & {s.id for s in latest.sources}
    assert validate_brief(draft, folder.story) == []


def test_closing_an_issue_sets_its_date_and_resolution(folder: files.StoryFolder) -> None:
    brief = folder.brief_on(dt.date(2025, 3, 14))
    assert brief is not None
    changed = drafting.with_issue_status(
        brief,
        "putin-trump-call",
        status=IssueStatus.RESOLVED,
        on=dt.date(2025, 3, 18),
        resolution="They spoke for two hours.",
    )
    issue = next(issue for issue in changed.issues if issue.id == "putin-trump-call")
    assert (issue.status, issue.closed_on, issue.resolution) == (
        IssueStatus.RESOLVED,
        dt.date(2025, 3, 18),
        "They spoke for two hours.",
    )
    reopened = drafting.with_issue_status(
        changed, "putin-trump-call", status=IssueStatus.OPEN, on=dt.date(2025, 3, 19)
    )
    issue = next(issue for issue in reopened.issues if issue.id == "putin-trump-call")
    assert (issue.status, issue.closed_on, issue.resolution) == (IssueStatus.OPEN, None, None)
    assert validate_brief(changed, folder.story) == []


def test_an_unknown_issue_is_a_clear_error(folder: files.StoryFolder) -> None:
    brief = folder.latest()[-1]
    with pytest.raises(drafting.DraftingError, match=r"no issue 'nope'.*its issues: "):
        drafting.with_issue_status(brief, "nope", status=IssueStatus.RESOLVED, on=brief.as_of)


def test_a_stance_change_keeps_the_rest_of_the_position(folder: files.StoryFolder) -> None:
    brief = folder.latest()[-1]
    before = next(p for p in brief.positions if p.party_id == "russia")
    changed = drafting.with_stance(brief, "russia", stance=Stance.OPPOSES)
    after = next(p for p in changed.positions if p.party_id == "russia")
    assert (after.stance, after.statement, after.conditions) == (
        Stance.OPPOSES,
        before.statement,
        before.conditions,
    )
    restated = drafting.with_stance(brief, "russia", stance=Stance.SUPPORTS, statement="Agrees.")
    assert next(p for p in restated.positions if p.party_id == "russia").statement == "Agrees."


def test_a_party_without_a_position_gets_one(folder: files.StoryFolder) -> None:
    brief = drafting.carry_forward(folder.latest()[-1], as_of=dt.date(2025, 3, 20))
    without = msgspec.structs.replace(brief, positions=[])
    changed = drafting.with_stance(without, "russia", stance=Stance.UNCLEAR, statement="Silent.")
    assert [(p.party_id, p.stance, p.statement) for p in changed.positions] == [
        ("russia", Stance.UNCLEAR, "Silent.")
    ]


def test_document_of_a_stored_revision_drops_the_server_fields(folder: files.StoryFolder) -> None:
    stored = folder.briefs[-1]
    document = drafting.document_of(stored)
    assert type(document).__name__ == "BriefDraft"
    assert (document.id, document.as_of, document.headline) == (
        stored.id,
        stored.as_of,
        stored.headline,
    )
    assert (document.revision, document.story_id, document.change_note) == (None, None, None)
