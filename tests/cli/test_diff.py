"""``briefs diff``: the acceptance diffs through the command line, its formats and its errors."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import jsonpatch
import msgspec
import pytest

from service.cli.main import main
from service.domain import codec
from service.domain.changes import BriefDiff, IssueClosed, IssueOpened, PatchOp
from service.domain.models import IssueStatus
from tests.conftest import CEASEFIRE_DIR, REPO_ROOT

BRIEFS = CEASEFIRE_DIR / "briefs"


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["diff", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _plain_text(capsys: pytest.CaptureFixture[str], old: str, new: str) -> str:
    """``briefs diff`` of two fixture dates as uncoloured text; the command must succeed."""
    code, out, _ = _run(capsys, "--color", "never", str(CEASEFIRE_DIR), old, new)
    assert code == 0
    return out


def _json_diff(capsys: pytest.CaptureFixture[str], *args: str) -> BriefDiff:
    code, out, err = _run(capsys, "--format", "json", *args)
    assert (code, err) == (0, "")
    return msgspec.json.decode(out, type=BriefDiff)


def _closed(diff: BriefDiff) -> dict[str, IssueClosed]:
    return {c.issue_id: c for c in diff.issues if isinstance(c, IssueClosed)}


def _opened(diff: BriefDiff) -> set[str]:
    return {c.issue.id for c in diff.issues if isinstance(c, IssueOpened)}


def test_json_from_13_to_14(capsys: pytest.CaptureFixture[str]) -> None:
    diff = _json_diff(capsys, str(CEASEFIRE_DIR), "2025-03-13", "2025-03-14")
    assert (diff.old.revision, diff.new.revision) == (1, 2)  # the latest revision by default
    assert "kursk-surrounded-troops" in _opened(diff)
    assert "putin-trump-call" not in _closed(diff)
    russia = next(change for change in diff.parties if change.party_id == "russia")
    assert russia.statement is not None


def test_json_from_14_to_18(capsys: pytest.CaptureFixture[str]) -> None:
    diff = _json_diff(capsys, str(CEASEFIRE_DIR), "2025-03-14", "2025-03-18")
    call = _closed(diff)["putin-trump-call"]
    assert (call.new_status, call.closed_on) == (IssueStatus.RESOLVED, dt.date(2025, 3, 18))
    assert {"energy-strike-moratorium", "black-sea-ceasefire"} <= _opened(diff)


def test_json_from_18_to_19_with_files(capsys: pytest.CaptureFixture[str]) -> None:
    old, new = BRIEFS / "2025-03-18.r2.json", BRIEFS / "2025-03-19.json"
    diff = _json_diff(capsys, str(old), str(new))
    swap = _closed(diff)["prisoner-exchange-175"]
    assert (swap.new_status, swap.closed_on) == (IssueStatus.RESOLVED, dt.date(2025, 3, 19))
    assert diff == _json_diff(capsys, str(CEASEFIRE_DIR), "2025-03-18", "2025-03-19")


def test_a_revision_is_picked_with_an_at_sign(capsys: pytest.CaptureFixture[str]) -> None:
    diff = _json_diff(capsys, str(CEASEFIRE_DIR), "2025-03-18@1", "2025-03-18@2")
    assert (diff.old.revision, diff.new.revision) == (1, 2)
    assert not diff.trivial
    assert [change.new.id for change in diff.events_changed] == ["putin-trump-call-mar-18"]


def test_hide_trivial_removes_the_case_and_punctuation_fix(
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = (str(CEASEFIRE_DIR), "2025-03-14@1", "2025-03-14@2")
    shown = _json_diff(capsys, *args)
    hidden = _json_diff(capsys, "--hide-trivial", *args)
    assert shown.trivial
    assert hidden.trivial
    assert shown.summary.changed
    assert not hidden.summary.changed


def test_patch_turns_old_into_new(capsys: pytest.CaptureFixture[str]) -> None:
    old, new = BRIEFS / "2025-03-14.json", BRIEFS / "2025-03-18.json"
    code, out, _ = _run(capsys, "--format", "patch", str(old), str(new))
    assert code == 0
    ops = msgspec.json.decode(out, type=list[PatchOp])
    assert ops
    document = msgspec.json.decode(old.read_bytes())
    patched = jsonpatch.apply_patch(document, msgspec.json.decode(out))
    assert patched == msgspec.json.decode(new.read_bytes())


def test_text_shows_the_story_stance_shifts_and_quotes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = _plain_text(capsys, "2025-03-11", "2025-03-13")
    lines = out.splitlines()
    assert lines[0].startswith("ceasefire-2025  The US push for a 30-day")
    assert lines[1] == "2025-03-11 r1 (brief-2025-03-11)  ->  2025-03-13 r1 (brief-2025-03-13)"
    assert lines[2].startswith("significance 0.")
    assert "Russia: undecided -> conditional (toward agreement)" in lines
    assert "+ Russia · Vladimir Putin said: “So the idea itself is correct" in out
    assert "translation: AP" in out
    assert "\x1b[" not in out


def test_text_shows_issue_lifecycle_events_and_sources(
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = _plain_text(capsys, "2025-03-14", "2025-03-18")
    flat = " ".join(out.split())  # the console wraps long lines
    # What happened and when lead, so the date never reads as part of the title.
    assert (
        "\u2713 resolved 2025-03-18: putin-trump-call A Putin\u2013Trump phone call on the truce"
        " (opened 2025-03-13)" in flat
    )
    assert "opened 2025-03-18: energy-strike-moratorium" in flat
    assert "+ 2025-03-18 Putin and Trump speak by phone" in flat
    assert "+ S32 The Kyiv Independent (A)" in flat
    assert "Summary" in out


def test_plain_text_marks_word_changes(capsys: pytest.CaptureFixture[str]) -> None:
    args = ("--color", "never", str(CEASEFIRE_DIR), "2025-03-14@1", "2025-03-14@2")
    code, out, _ = _run(capsys, *args)
    assert code == 0
    assert "[-kremlin-]{+Kremlin+}" in out
    assert "trivial edits only" in out


def test_colour_always_wins_over_no_color(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    args = (str(CEASEFIRE_DIR), "2025-03-14@1", "2025-03-14@2")
    code, out, _ = _run(capsys, "--color", "always", *args)
    assert code == 0
    assert "\x1b[9;31mkremlin\x1b[0m" in out  # deletions: red strikethrough
    assert "\x1b[32mKremlin\x1b[0m" in out  # insertions: green
    assert "{+" not in out


def test_colour_auto_is_off_when_not_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, str(CEASEFIRE_DIR), "2025-03-14@1", "2025-03-14@2")
    assert code == 0
    assert "\x1b[" not in out
    assert "[-kremlin-]{+Kremlin+}" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["2025-03-12", "2025-03-14"], "no brief dated 2025-03-12 (the story has: 2025-03-11, "),
        (["2025-03-14", "2025-03-18@7"], "no revision 7 of the brief dated 2025-03-18"),
    ],
)
def test_a_date_the_story_lacks(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, out, err = _run(capsys, str(CEASEFIRE_DIR), *args)
    assert (code, out) == (1, "")
    assert err.startswith(f"briefs diff: {message}")


def test_unreadable_inputs_are_one_line_messages(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"headline": 3}')
    code, _, err = _run(capsys, str(broken), str(BRIEFS / "2025-03-19.json"))
    assert code == 1
    assert err == f"briefs diff: {broken}: Expected `str`, got `int` - at `$.headline`\n"

    code, _, err = _run(capsys, str(tmp_path / "gone.json"), str(broken))
    assert code == 1
    assert err.startswith(f"briefs diff: {tmp_path / 'gone.json'}: ")

    code, _, err = _run(capsys, str(tmp_path), "2025-03-11", "2025-03-13")
    assert code == 1
    assert "story.json" in err


@pytest.mark.parametrize(
    "args",
    [
        ["only-one"],
        ["a", "b", "c", "d"],
        [str(CEASEFIRE_DIR), "2025-3-11", "2025-03-13"],
        [str(CEASEFIRE_DIR), "2025-02-30", "2025-03-13"],
        [str(CEASEFIRE_DIR), "2025-03-11@0", "2025-03-13"],
        ["--format", "yaml", "a", "b"],
    ],
)
def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], args: list[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["diff", *args])
    assert caught.value.code == 2
    assert "usage: briefs diff" in capsys.readouterr().err


@pytest.mark.slow
def test_the_installed_console_script() -> None:
    script = Path(sys.executable).parent / "briefs"
    assert script.is_file(), "the briefs console script is not installed in this environment"
    result = subprocess.run(
        [str(script), "diff", "--format", "json", str(CEASEFIRE_DIR), "2025-03-18", "2025-03-19"],
        capture_output=True,
        check=False,
        cwd=REPO_ROOT,
        timeout=60,
    )
    assert (result.returncode, result.stderr) == (0, b"")
    diff = msgspec.json.decode(result.stdout, type=BriefDiff)
    assert "prisoner-exchange-175" in _closed(diff)
    assert codec.decode_brief((BRIEFS / "2025-03-19.json").read_bytes()).ref == diff.new


def test_text_leads_with_counts_then_issues_resolved_first(
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = _plain_text(capsys, "2025-03-14", "2025-03-18")
    lines = out.splitlines()
    assert lines[3].startswith("✓1 resolved · +5 opened · 1 stance shift · +5 events")
    assert lines[5] == "Issues"
    assert lines[6].startswith("✓ resolved 2025-03-18: putin-trump-call")
    assert out.index("Stances") < out.index("Headline") < out.index("Summary")
