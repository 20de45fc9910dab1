"""``briefs extract`` and ``briefs draft`` on an article we wrote (no third-party text)."""

from __future__ import annotations

import json
from pathlib import Path

import msgspec
import pytest

from service.cli.main import EXIT_USAGE
from service.domain.extract.draft import DraftedItem
from service.domain.files import load_story_dir
from service.domain.validate import read_document_file, validate_brief
from tests.cli.conftest import run_briefs

ARTICLE = (
    "MOSCOW, March 21 - The Kremlin said on Thursday that a new phone call between Putin and "
    "Trump has not been scheduled yet.\n\n"
    "Kyiv and Washington held talks in Riyadh on March 17-18, officials said.\n"
)


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "article.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


def test_extract_prints_the_extraction_as_json(
    capsys: pytest.CaptureFixture[str], article: Path, story_dir: Path
) -> None:
    result = run_briefs(capsys, "extract", article, "--published", "2025-03-21", "--format", "json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert set(data) == {"published", "quotes", "indirect", "dates", "parties", "issues"}
    dates = [(item["mention"], item["value"]) for item in data["dates"]]
    assert dates == [
        ("March 21", "2025-03-21"),
        ("on Thursday", "2025-03-20"),
        ("on March 17-18", "2025-03-17/2025-03-18"),
    ]
    for item in data["dates"] + data["parties"]:
        assert ARTICLE[item["start"] : item["end"]] == item["mention"]
    parties = [(item["mention"], item["party_id"]) for item in data["parties"]]
    assert ("The Kremlin", "russia") in parties
    assert ("Kyiv", "ukraine") in parties


def test_extract_text_marks_each_span(
    capsys: pytest.CaptureFixture[str], article: Path, story_dir: Path
) -> None:
    result = run_briefs(
        capsys, "extract", article, "--published", "2025-03-21", "--story", story_dir,
        "--color", "never",
    )  # fmt: skip
    assert result.code == 0, result.err
    assert "[date 2025-03-20: on Thursday]" in result.out
    assert "[party russia: The Kremlin]" in result.out
    assert "date   " in result.out
    assert "issue  " in result.out


def test_extract_refuses_what_it_cannot_read(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    missing = run_briefs(capsys, "extract", tmp_path / "none.txt", "--published", "2025-03-21")
    assert missing.code == EXIT_USAGE
    assert "none.txt" in missing.err
    html = tmp_path / "page.html"
    html.write_text("<html><body><p>Hi</p></body></html>")
    result = run_briefs(capsys, "extract", html, "--published", "2025-03-21")
    assert (result.code, "looks like HTML" in result.err) == (EXIT_USAGE, True)
    binary = tmp_path / "article.bin"
    binary.write_bytes(b"\xff\xfe\x00bad")
    assert run_briefs(capsys, "extract", binary, "--published", "2025-03-21").code == EXIT_USAGE
    bad_registry = tmp_path / "registry.json"
    bad_registry.write_text('{"parties": [], "colour": 1}')
    result = run_briefs(
        capsys, "extract", html, "--published", "2025-03-21", "--registry", bad_registry
    )
    assert result.code == EXIT_USAGE


def test_a_registry_file_adds_names(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("Brussels replied on Monday.")
    registry = tmp_path / "registry.json"
    registry.write_text('{"parties": [{"party_id": "eu", "names": ["Brussels"]}]}')
    result = run_briefs(
        capsys, "extract", article, "--published", "2025-03-21", "--registry", registry,
        "--format", "json",
    )  # fmt: skip
    assert result.code == 0, result.err
    assert json.loads(result.out)["parties"][0]["party_id"] == "eu"


def test_draft_enriches_the_carried_forward_draft_and_validates(
    capsys: pytest.CaptureFixture[str], article: Path, story_dir: Path, tmp_path: Path
) -> None:
    output, items = tmp_path / "draft.json", tmp_path / "items.json"
    result = run_briefs(
        capsys, "draft", "--article", article, "--published", "2025-03-21", story_dir,
        "--outlet", "Desk test", "--source-url", "https://example.org/a", "-o", output,
        "--items", items,
    )  # fmt: skip
    assert result.code == 0, result.err
    assert "machine-drafted event" in result.err
    document, problems = read_document_file(output)
    assert problems == []
    assert document is not None
    story = load_story_dir(story_dir).story
    assert validate_brief(document, story) == []
    source = document.sources[-1]
    assert (source.outlet, source.url) == ("Desk test", "https://example.org/a")
    drafted = msgspec.json.decode(items.read_bytes(), type=list[DraftedItem])
    events = {event.id: event for event in document.events}
    for item in drafted:
        assert ARTICLE[item.start : item.end] in (item.text, ARTICLE[item.start : item.end])
        if item.kind == "event":
            assert events[item.target].detail.startswith(f"[machine-drafted from {source.id},")
            assert events[item.target].source_ids == [source.id]
    assert {item.kind for item in drafted} >= {"event"}
    assert "machine-drafted from" in (document.change_note or "")
    # It pushes as it is: into the story folder, as the next brief.
    pushed = run_briefs(capsys, "push", output, "--story", story_dir)
    assert pushed.code == 0, pushed.err


def test_draft_refuses_a_bad_source_url(
    capsys: pytest.CaptureFixture[str], article: Path, story_dir: Path
) -> None:
    result = run_briefs(
        capsys, "draft", "--article", article, "--published", "2025-03-21", story_dir,
        "--source-url", "not a url",
    )  # fmt: skip
    assert result.code == EXIT_USAGE
    assert "--source-url" in result.err
