"""``briefs issue`` and ``briefs stance``: one quick change, one new revision, its diff printed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from service.cli.main import EXIT_FAILED, EXIT_USAGE
from service.cli.quick import ISSUE_STATUSES, STANCES
from service.domain.files import load_story_dir
from service.domain.models import IssueStatus, Stance
from tests.cli.conftest import CliServer, Result, run_briefs

LATEST_DAY = dt.date(2025, 3, 19)


def test_the_choices_are_the_models_values() -> None:
    assert tuple(status.value for status in IssueStatus) == ISSUE_STATUSES
    assert tuple(stance.value for stance in Stance) == STANCES


def test_closing_an_issue_stores_a_revision_with_a_generated_note(
    capsys: pytest.CaptureFixture[str], story_dir: Path
) -> None:
    result = run_briefs(
        capsys,
        "issue",
        story_dir,
        "black-sea-ceasefire",
        "--status",
        "resolved",
        "--on",
        "2025-03-19",
        "--resolution",
        "Agreed in Riyadh",
        "--color",
        "never",
    )
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0] == "brief-2025-03-19 r2: black-sea-ceasefire → resolved on 2025-03-19"
    assert "2025-03-19 r1 (brief-2025-03-19)  ->  2025-03-19 r2 (brief-2025-03-19)" in lines
    assert any(line.startswith("✓ resolved 2025-03-19: black-sea-ceasefire") for line in lines)
    stored = load_story_dir(story_dir).brief_on(LATEST_DAY)
    assert stored is not None
    issue = next(issue for issue in stored.issues if issue.id == "black-sea-ceasefire")
    assert (issue.status, issue.closed_on, issue.resolution) == (
        IssueStatus.RESOLVED,
        LATEST_DAY,
        "Agreed in Riyadh",
    )
    assert (stored.revision, stored.change_note) == (
        2,
        "black-sea-ceasefire → resolved on 2025-03-19",
    )


def test_a_stance_change_with_a_note(capsys: pytest.CaptureFixture[str], story_dir: Path) -> None:
    result = run_briefs(
        capsys,
        "stance",
        story_dir,
        "ukraine",
        "--stance",
        "opposes",
        "--statement",
        "Rejects the plan.",
        "--note",
        "Kyiv walks out",
        "--color",
        "never",
    )
    assert result.code == 0, result.err
    assert result.out.splitlines()[0] == "brief-2025-03-19 r2: Kyiv walks out"
    assert "Ukraine: conditional -> opposes (away from agreement)" in result.out
    assert "+ Ukraine: Rejects the plan." in result.out
    stored = load_story_dir(story_dir).brief_on(LATEST_DAY)
    assert stored is not None
    position = next(p for p in stored.positions if p.party_id == "ukraine")
    assert (position.stance, position.statement) == (Stance.OPPOSES, "Rejects the plan.")


def _opposes_on(
    capsys: pytest.CaptureFixture[str], story_dir: Path, party: str, as_of: str
) -> Result:
    """``briefs stance STORY PARTY --stance opposes --as-of AS_OF``, which must succeed."""
    result = run_briefs(capsys, "stance", story_dir, party, "--stance", "opposes", "--as-of", as_of)
    assert result.code == 0, result.err
    return result


def test_as_of_a_day_without_a_brief_creates_one_carried_forward(
    capsys: pytest.CaptureFixture[str], story_dir: Path
) -> None:
    result = _opposes_on(capsys, story_dir, "ukraine", "2025-03-21")
    assert result.out.splitlines()[0] == "brief-2025-03-21 r1: ukraine → opposes"
    assert "a new brief, carried forward from brief-2025-03-19 r1" in result.err
    assert "Ukraine: conditional -> opposes" in result.out
    assert "Summary" not in result.out  # only the change, not what a new day drops
    stored = load_story_dir(story_dir).brief_on(dt.date(2025, 3, 21))
    assert stored is not None
    assert stored.revision == 1


def test_as_of_a_day_with_a_brief_revises_that_brief(
    capsys: pytest.CaptureFixture[str], story_dir: Path
) -> None:
    result = _opposes_on(capsys, story_dir, "russia", "2025-03-14")
    assert result.out.splitlines()[0] == "brief-2025-03-14 r3: russia → opposes"
    assert (story_dir / "briefs" / "2025-03-14.r3.json").is_file()


def test_a_change_that_changes_nothing_stores_nothing(
    capsys: pytest.CaptureFixture[str], story_dir: Path
) -> None:
    result = run_briefs(capsys, "stance", story_dir, "russia", "--stance", "conditional")
    assert result.code == 0
    assert result.err == "briefs stance: nothing to change: brief-2025-03-19 r1 says so already\n"
    assert not (story_dir / "briefs" / "2025-03-19.r2.json").exists()


def test_an_unknown_issue_names_the_known_ones(
    capsys: pytest.CaptureFixture[str], story_dir: Path
) -> None:
    result = run_briefs(capsys, "issue", story_dir, "atlantis", "--status", "resolved")
    assert result.code == EXIT_FAILED
    assert result.err.startswith("briefs issue: brief brief-2025-03-19 has no issue 'atlantis'")
    assert "black-sea-ceasefire" in result.err
    assert result.err.count("\n") == 1


def test_an_unknown_party_is_refused_with_the_story_s_parties(
    capsys: pytest.CaptureFixture[str], story_dir: Path
) -> None:
    result = run_briefs(capsys, "stance", story_dir, "atlantis", "--stance", "supports")
    assert result.code == EXIT_FAILED
    assert "unknown party 'atlantis' (the story has: europe-and-others, russia" in result.err
    assert not (story_dir / "briefs" / "2025-03-19.r2.json").exists()


def test_a_status_outside_the_lifecycle_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], story_dir: Path
) -> None:
    with pytest.raises(SystemExit) as raised:
        run_briefs(capsys, "issue", story_dir, "black-sea-ceasefire", "--status", "done")
    assert raised.value.code == EXIT_USAGE


@pytest.mark.slow
def test_quick_changes_on_a_server_record_who_and_why(
    capsys: pytest.CaptureFixture[str], cli_server: CliServer, server_story: str
) -> None:
    issue = run_briefs(capsys, "issue", server_story, "black-sea-ceasefire", "--status", "lapsed")
    assert issue.code == 0, issue.err
    assert issue.out.splitlines()[0] == (
        "brief-2025-03-19 r2 by cli-desk: black-sea-ceasefire → lapsed on 2025-03-19"
    )
    stance = run_briefs(capsys, "stance", server_story, "russia", "--stance", "supports")
    assert stance.out.splitlines()[0] == "brief-2025-03-19 r3 by cli-desk: russia → supports"
