"""``briefs push``: a brief file becomes a new brief or its next revision; stale files are refused
with what changed meanwhile; invalid ones never reach the store."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from service.cli.main import EXIT_FAILED
from service.domain.files import load_story_dir
from tests.cli.conftest import CliServer, run_briefs


def _draft(capsys: pytest.CaptureFixture[str], story: str | Path, path: Path) -> Path:
    assert run_briefs(capsys, "new", story, "--as-of", "2025-03-20", "-o", path).code == 0
    return path


def _edit(path: Path, **fields: Any) -> Path:
    data = json.loads(path.read_text())
    data.update(fields)
    path.write_text(json.dumps(data, indent=2))
    return path


def _get(cli_server: CliServer, story_id: str, ref: str, path: Path) -> Path:
    """The GET body of a brief, saved as an editor would."""
    import httpx

    response = httpx.get(f"{cli_server.url}/v1/stories/{story_id}/briefs/{ref}")
    response.raise_for_status()
    path.write_bytes(response.content)
    return path


def test_a_new_brief_is_created_then_revised(
    capsys: pytest.CaptureFixture[str], story_dir: Path, tmp_path: Path
) -> None:
    draft = _draft(capsys, story_dir, tmp_path / "draft.json")
    created = run_briefs(capsys, "push", draft, "--story", story_dir, "--note", "a new day")
    assert (created.code, created.out) == (0, "brief-2025-03-20 r1: a new day\n")
    _edit(draft, summary="Kyiv and Moscow trade accusations.")
    revised = run_briefs(capsys, "push", draft, "--story", story_dir, "--note", "summary")
    assert (revised.code, revised.out) == (0, "brief-2025-03-20 r2: summary\n")
    stored = load_story_dir(story_dir).brief_on(dt.date(2025, 3, 20))
    assert stored is not None
    assert (stored.revision, stored.summary) == (2, "Kyiv and Moscow trade accusations.")
    assert (story_dir / "briefs" / "2025-03-20.r2.json").is_file()


def test_pushing_the_same_file_twice_stores_nothing_new(
    capsys: pytest.CaptureFixture[str], story_dir: Path, tmp_path: Path
) -> None:
    draft = _draft(capsys, story_dir, tmp_path / "draft.json")
    assert run_briefs(capsys, "push", draft, "--story", story_dir).code == 0
    assert load_story_dir(story_dir).briefs[-1].change_note == (
        "carried forward from brief-2025-03-19 r1"  # the draft's own note
    )
    again = run_briefs(capsys, "push", draft, "--story", story_dir)
    assert again.code == 0
    assert "holds what revision 1 of brief-2025-03-20 holds already; nothing to store" in again.err
    assert len(list((story_dir / "briefs").glob("2025-03-20*.json"))) == 1


def test_a_file_edited_from_an_older_revision_is_refused_with_what_changed(
    capsys: pytest.CaptureFixture[str], story_dir: Path, tmp_path: Path
) -> None:
    first = story_dir / "briefs" / "2025-03-18.json"  # revision 1; revision 2 exists
    mine = tmp_path / "mine.json"
    mine.write_text(first.read_text())
    _edit(mine, summary="My rewrite of revision 1.")
    result = run_briefs(capsys, "push", mine, "--story", story_dir, "--color", "never")
    assert result.code == EXIT_FAILED
    assert result.out == ""
    assert (
        f"briefs push: {mine} was edited from revision 1 of brief-2025-03-18, which is at "
        "revision 2 now" in result.err
    )
    assert "set its revision to 2, and push again" in result.err
    assert "2025-03-18 r1 (brief-2025-03-18)  ->  2025-03-18 r2 (brief-2025-03-18)" in result.err
    assert "Putin and Trump speak by phone" in result.err  # the event revision 2 corrected
    assert not (story_dir / "briefs" / "2025-03-18.r3.json").exists()
    assert json.loads(mine.read_text())["summary"] == "My rewrite of revision 1."  # kept


def test_an_invalid_file_lists_every_problem_and_stores_nothing(
    capsys: pytest.CaptureFixture[str], story_dir: Path, tmp_path: Path
) -> None:
    draft = _draft(capsys, story_dir, tmp_path / "draft.json")
    data = json.loads(draft.read_text())
    data["positions"][0]["party_id"] = "atlantis"
    data["positions"][1]["quotes"] = [{"text": "Hi", "speaker": "Someone", "source_id": "S999"}]
    draft.write_text(json.dumps(data))
    result = run_briefs(capsys, "push", draft, "--story", story_dir)
    assert result.code == EXIT_FAILED
    lines = result.err.splitlines()
    assert f"{draft}: $.positions[0].party_id: unknown party 'atlantis'" in lines[0]
    assert any("$.positions[1].quotes[0].source_id" in line for line in lines)
    assert lines[-1] == f"briefs push: {draft} has 2 problems; nothing stored"
    assert not list((story_dir / "briefs").glob("2025-03-20*"))


def test_an_unknown_field_is_refused_as_validate_refuses_it(
    capsys: pytest.CaptureFixture[str], story_dir: Path, tmp_path: Path
) -> None:
    draft = _edit(_draft(capsys, story_dir, tmp_path / "draft.json"), summry="typo")
    result = run_briefs(capsys, "push", draft, "--story", story_dir)
    assert result.code == EXIT_FAILED
    assert f"{draft}: $.summry: unknown field" in result.err


def test_an_oversized_note_is_refused(
    capsys: pytest.CaptureFixture[str], story_dir: Path, tmp_path: Path
) -> None:
    draft = _draft(capsys, story_dir, tmp_path / "draft.json")
    result = run_briefs(capsys, "push", draft, "--story", story_dir, "--note", "x" * 501)
    assert result.code == EXIT_FAILED
    assert "--note is 501 characters; at most 500" in result.err


@pytest.mark.slow
def test_push_to_a_server_creates_then_updates_a_get_body(
    capsys: pytest.CaptureFixture[str], cli_server: CliServer, server_story: str, tmp_path: Path
) -> None:
    draft = _draft(capsys, server_story, tmp_path / "draft.json")
    created = run_briefs(capsys, "push", draft, "--story", server_story, "--note", "new day")
    assert (created.code, created.out) == (0, "brief-2025-03-20 r1 by cli-desk: new day\n")
    body = _edit(
        _get(cli_server, server_story, "brief-2025-03-20", tmp_path / "get.json"), summary="S."
    )
    updated = run_briefs(capsys, "push", body, "--story", server_story, "--note", "summary")
    assert (updated.code, updated.out) == (0, "brief-2025-03-20 r2 by cli-desk: summary\n")
    _edit(body, summary="Stale.")  # still says revision 1
    stale = run_briefs(capsys, "push", body, "--story", server_story)
    assert stale.code == EXIT_FAILED
    assert "which is at revision 2 now (brief-2025-03-20 r2 by cli-desk: summary)" in stale.err


@pytest.mark.slow
def test_push_to_a_server_needs_a_write_token(
    capsys: pytest.CaptureFixture[str],
    cli_server: CliServer,
    server_story: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    draft = _draft(capsys, server_story, tmp_path / "draft.json")
    monkeypatch.delenv("BRIEFS_TOKEN")
    anonymous = run_briefs(capsys, "push", draft, "--story", server_story)
    assert anonymous.code == EXIT_FAILED
    assert anonymous.err.count("\n") == 1
    assert "Give a token with $BRIEFS_TOKEN or --token-file" in anonymous.err
    token_file = tmp_path / "token"
    token_file.write_text(cli_server.read_token)
    reader = run_briefs(capsys, "push", draft, "--story", server_story, "--token-file", token_file)
    assert reader.code == EXIT_FAILED
    assert "Writing needs a token with the write scope." in reader.err


def test_a_merged_file_needs_only_the_current_revision_number(
    capsys: pytest.CaptureFixture[str], story_dir: Path, tmp_path: Path
) -> None:
    merged = tmp_path / "merged.json"
    merged.write_text((story_dir / "briefs" / "2025-03-18.json").read_text())  # revision 1's
    _edit(merged, revision=2, summary="Merged onto revision 2.")  # revised_at is still r1's
    result = run_briefs(capsys, "push", merged, "--story", story_dir, "--note", "merged")
    assert (result.code, result.out) == (0, "brief-2025-03-18 r3: merged\n"), result.err
