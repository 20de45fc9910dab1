"""``briefs edit``: the editor loop (problems annotated, text kept), the preview, the save, a
conflict re-applied on the newer revision, and every way out that saves nothing."""

from __future__ import annotations

import io
import json
import shlex
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

from service.cli.main import EXIT_FAILED, EXIT_OK
from service.domain.files import load_story_dir
from tests.cli.conftest import CliServer, Result, run_briefs

REPO = Path(__file__).parents[2]
EDITOR = REPO / "tests" / "scripted_editor.py"


class Editing:
    """The scripted editor's plan and what it saw."""

    def __init__(self, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.plan = folder / "plan.json"
        self.monkeypatch = monkeypatch
        monkeypatch.setenv("EDITOR", f"{shlex.quote(sys.executable)} {EDITOR} {self.plan}")
        monkeypatch.delenv("VISUAL", raising=False)
        monkeypatch.setattr(tempfile, "tempdir", str(folder))

    def run(
        self,
        capsys: pytest.CaptureFixture[str],
        steps: list[dict[str, Any]],
        answers: str,
        *args: str | Path,
    ) -> Result:
        self.plan.write_text(json.dumps(steps), encoding="utf-8")
        self.monkeypatch.setattr(sys, "stdin", io.StringIO(answers))
        return run_briefs(capsys, "edit", *args, "--color", "never")

    def seen(self, n: int) -> str:
        return (self.plan.parent / f"plan.json.seen.{n}").read_text(encoding="utf-8")

    def kept_files(self) -> list[Path]:
        return sorted(self.plan.parent.glob("briefs-*.json"))


@pytest.fixture
def editing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Editing:
    folder = tmp_path / "editor"
    folder.mkdir()
    return Editing(folder, monkeypatch)


def test_a_problem_reopens_the_file_with_its_path_and_the_text_kept(
    capsys: pytest.CaptureFixture[str], story_dir: Path, editing: Editing
) -> None:
    steps = [
        {"set": {"summary": "Rewritten by the desk.", "positions.0.stance": "maybe"}},
        {"set": {"positions.0.stance": "opposes"}},
    ]
    result = editing.run(capsys, steps, "y\nAfter the Helsinki talks\n", story_dir, "latest")

    assert result.code == EXIT_OK, result.err
    reopened = editing.seen(1)
    assert "// ! $.positions[0].stance: " in reopened
    assert "maybe" in reopened.splitlines()[1]
    assert '"summary": "Rewritten by the desk."' in reopened  # the editor's text, kept
    assert "1 problem in the file; reopening it" in result.err
    assert "brief-2025-03-19: r1 -> r2 (not saved yet)" in result.out
    assert "Russia: conditional -> opposes (away from agreement)" in result.out
    assert result.out.rstrip().endswith("brief-2025-03-19 r2: After the Helsinki talks")
    stored = load_story_dir(story_dir).latest()[-1]
    assert stored.as_of.isoformat() == "2025-03-19"
    assert (stored.revision, stored.summary, stored.change_note) == (
        2,
        "Rewritten by the desk.",
        "After the Helsinki talks",
    )
    assert editing.kept_files() == []


def test_the_file_change_note_and_yes_save_without_asking(
    capsys: pytest.CaptureFixture[str], story_dir: Path, editing: Editing
) -> None:
    steps = [{"set": {"summary": "Shorter.", "change_note": "Trimmed the summary"}}]
    result = editing.run(capsys, steps, "", story_dir, "2025-03-18", "--yes")
    assert result.code == EXIT_OK, result.err
    assert result.out.rstrip().endswith("brief-2025-03-18 r3: Trimmed the summary")


def test_no_keeps_the_edit_in_a_file_and_saves_nothing(
    capsys: pytest.CaptureFixture[str], story_dir: Path, editing: Editing
) -> None:
    steps = [{"set": {"summary": "Not yet."}}]
    result = editing.run(capsys, steps, "n\n", story_dir, "latest")
    assert result.code == EXIT_FAILED
    (kept,) = editing.kept_files()
    assert f"not saved; your edit is kept in {kept}" in result.err
    assert '"summary": "Not yet."' in kept.read_text(encoding="utf-8")
    assert load_story_dir(story_dir).latest()[-1].revision == 1


def test_edit_again_opens_the_editor_once_more(
    capsys: pytest.CaptureFixture[str], story_dir: Path, editing: Editing
) -> None:
    steps = [{"set": {"summary": "First try."}}, {"set": {"summary": "Second try."}}]
    result = editing.run(capsys, steps, "e\ny\n\n", story_dir, "latest")
    assert result.code == EXIT_OK, result.err
    assert '"summary": "First try."' in editing.seen(1)
    assert load_story_dir(story_dir).latest()[-1].summary == "Second try."


@pytest.mark.parametrize(
    ("step", "code", "message"),
    [
        ({"empty": True}, EXIT_FAILED, "the file was emptied: edit cancelled, nothing saved"),
        ({"keep": True}, EXIT_OK, "no changes: nothing saved"),
    ],
)
def test_an_emptied_or_unchanged_file_saves_nothing(
    capsys: pytest.CaptureFixture[str],
    story_dir: Path,
    editing: Editing,
    *,
    step: dict[str, Any],
    code: int,
    message: str,
) -> None:
    result = editing.run(capsys, [step], "", story_dir, "latest")
    assert (result.code, result.err.strip()) == (code, f"briefs edit: {message}")
    assert editing.kept_files() == []
    assert load_story_dir(story_dir).latest()[-1].revision == 1


def test_a_change_meanwhile_is_shown_and_the_edit_reapplied(
    capsys: pytest.CaptureFixture[str], story_dir: Path, editing: Editing
) -> None:
    meanwhile = [sys.executable, "-m", "service.cli.main", "stance", str(story_dir), "ukraine"]
    meanwhile += ["--stance", "opposes", "--note", "meanwhile"]
    steps = [
        {"run": meanwhile, "set": {"summary": "Edited while another desk wrote."}},
        {"keep": True},
    ]
    result = editing.run(capsys, steps, "y\ny\ny\n", story_dir, "latest", "--note", "Mine")

    assert result.code == EXIT_OK, result.err
    assert "brief-2025-03-19 changed meanwhile: r1 -> r2; what changed:" in result.err
    assert "Ukraine: conditional -> opposes (away from agreement)" in result.err
    rebased = editing.seen(1)
    assert rebased.startswith("// rebased on r2, which changed meanwhile")
    assert '"revision": 2' in rebased
    assert '"summary": "Edited while another desk wrote."' in rebased
    stored = load_story_dir(story_dir).latest()[-1]
    assert (stored.revision, stored.summary, stored.change_note) == (
        3,
        "Edited while another desk wrote.",
        "Mine",
    )
    ukraine = next(p for p in stored.positions if p.party_id == "ukraine")
    assert ukraine.stance == "opposes"  # the change made meanwhile survives the re-applied edit


def test_an_editor_that_cannot_run_keeps_nothing_and_says_so(
    capsys: pytest.CaptureFixture[str],
    story_dir: Path,
    editing: Editing,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("EDITOR", "/nonexistent/editor")
    result = editing.run(capsys, [{"keep": True}], "", story_dir, "latest")
    assert result.code == 2
    assert "cannot run the editor '/nonexistent/editor'" in result.err
    assert "set VISUAL or EDITOR" in result.err
    assert editing.kept_files() == []


def test_on_a_server_the_revision_names_its_editor_and_note(
    capsys: pytest.CaptureFixture[str], cli_server: CliServer, server_story: str, editing: Editing
) -> None:
    steps = [{"set": {"summary": "Edited on the server."}}]
    result = editing.run(capsys, steps, "", server_story, "latest", "--yes", "--note", "Desk")
    assert result.code == EXIT_OK, result.err
    assert result.out.rstrip().endswith("brief-2025-03-19 r2 by cli-desk: Desk")


def test_a_read_token_is_refused_with_the_reason_and_the_edit_kept(
    capsys: pytest.CaptureFixture[str],
    cli_server: CliServer,
    server_story: str,
    editing: Editing,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BRIEFS_TOKEN", cli_server.read_token)
    steps = [{"set": {"summary": "Not allowed."}}]
    result = editing.run(capsys, steps, "", server_story, "latest", "--yes")
    assert result.code == EXIT_FAILED
    (kept,) = editing.kept_files()
    assert f"your edit is kept in {kept}" in result.err
    assert "write" in result.err.splitlines()[0]
