"""``briefs new``: a draft of the next brief, carried forward, that validates and pushes as is."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import msgspec
import pytest

from service.cli.main import EXIT_FAILED, EXIT_USAGE
from service.domain import codec
from service.domain.drafting import carry_forward
from service.domain.files import load_story_dir
from service.domain.validate import read_document_file
from tests.cli.conftest import run_briefs


def test_new_writes_the_carried_forward_draft_to_stdout(
    capsys: pytest.CaptureFixture[str], story_dir: Path
) -> None:
    result = run_briefs(capsys, "new", story_dir, "--as-of", "2025-03-20")
    assert result.code == 0, result.err
    latest = load_story_dir(story_dir).latest()[-1]
    expected = msgspec.structs.replace(
        carry_forward(latest, as_of=dt.date(2025, 3, 20)),
        change_note="carried forward from brief-2025-03-19 r1",
    )
    assert result.out == codec.encode_pretty(expected).decode()  # the fixtures' encoding
    assert "drafted brief-2025-03-20 (as of 2025-03-20) from brief-2025-03-19 r1" in result.err


def test_the_draft_file_validates_as_it_is(
    capsys: pytest.CaptureFixture[str], story_dir: Path, tmp_path: Path
) -> None:
    draft = tmp_path / "draft.json"
    assert run_briefs(capsys, "new", story_dir, "--as-of", "2025-03-20", "-o", draft).code == 0
    document, problems = read_document_file(draft)
    assert problems == []
    assert document is not None
    assert (document.id, document.as_of, document.summary) == (
        "brief-2025-03-20",
        dt.date(2025, 3, 20),
        "",
    )
    assert run_briefs(capsys, "validate", draft).code == 0


def test_an_existing_file_is_kept_without_force(
    capsys: pytest.CaptureFixture[str], story_dir: Path, tmp_path: Path
) -> None:
    draft = tmp_path / "draft.json"
    draft.write_text("the editor's work")
    result = run_briefs(capsys, "new", story_dir, "--as-of", "2025-03-20", "-o", draft)
    assert result.code == EXIT_FAILED
    assert result.err == f"briefs new: {draft} exists already; give --force to overwrite it\n"
    assert draft.read_text() == "the editor's work"
    forced = run_briefs(capsys, "new", story_dir, "--as-of", "2025-03-20", "-o", draft, "--force")
    assert forced.code == 0
    assert draft.read_text().startswith("{")


def test_a_day_with_a_brief_is_edited_not_drafted(
    capsys: pytest.CaptureFixture[str], story_dir: Path
) -> None:
    result = run_briefs(capsys, "new", story_dir, "--as-of", "2025-03-18")
    assert result.code == EXIT_FAILED
    assert result.out == ""
    assert "brief-2025-03-18 is dated 2025-03-18 already (revision 2)" in result.err
    assert f"briefs edit {story_dir} brief-2025-03-18" in result.err


def test_a_day_before_the_latest_needs_force(
    capsys: pytest.CaptureFixture[str], story_dir: Path
) -> None:
    refused = run_briefs(capsys, "new", story_dir, "--as-of", "2025-03-15")
    assert refused.code == EXIT_FAILED
    assert "before the latest brief's date 2025-03-19 (brief-2025-03-19)" in refused.err
    assert "--force" in refused.err
    forced = run_briefs(capsys, "new", story_dir, "--as-of", "2025-03-15", "--force")
    assert forced.code == 0
    assert "from brief-2025-03-14 r2" in forced.err  # the latest brief before that day


def test_a_bad_date_is_a_usage_error(capsys: pytest.CaptureFixture[str], story_dir: Path) -> None:
    with pytest.raises(SystemExit) as raised:
        run_briefs(capsys, "new", story_dir, "--as-of", "2025-02-30")
    assert raised.value.code == EXIT_USAGE
    assert "'2025-02-30' is not a date like 2025-03-20" in capsys.readouterr().err


def test_a_story_that_is_neither_folder_nor_on_a_server(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("BRIEFS_URL", raising=False)
    result = run_briefs(capsys, "new", tmp_path, "--as-of", "2025-03-20")
    assert result.code == EXIT_USAGE
    assert result.err.count("\n") == 1
    assert "holds no story.json; to use a story on a server" in result.err


@pytest.mark.slow
def test_new_from_a_server(
    capsys: pytest.CaptureFixture[str], server_story: str, story_dir: Path
) -> None:
    from_server = run_briefs(capsys, "new", server_story, "--as-of", "2025-03-20")
    from_folder = run_briefs(capsys, "new", story_dir, "--as-of", "2025-03-20")
    assert from_server.code == 0, from_server.err
    assert from_server.out == from_folder.out
