"""``briefs validate``: one test per class of bad input, each pinning exit code 1 and the path."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from service.cli.main import main
from service.domain import limits
from tests.conftest import CEASEFIRE_DIR, FIXTURES_ROOT

BRIEF = "2025-03-18.r2.json"

Json = dict[str, Any]


@pytest.fixture
def story_dir(tmp_path: Path) -> Path:
    """A private copy of the fixture story to break."""
    return Path(shutil.copytree(CEASEFIRE_DIR, tmp_path / "ceasefire-2025"))


def _edit(story_dir: Path, change: Callable[[Json], None], name: str = BRIEF) -> Path:
    path = story_dir / "briefs" / name
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data, indent=2))
    return path


def _validate(capsys: pytest.CaptureFixture[str], *paths: Path) -> tuple[int, str]:
    code = main(["validate", *map(str, paths)])
    captured = capsys.readouterr()
    return code, captured.out


def _closed_issue(data: Json) -> tuple[int, Json]:
    return next((i, x) for i, x in enumerate(data["issues"]) if x["status"] == "resolved")


def test_the_fixtures_are_valid(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _validate(capsys, FIXTURES_ROOT)
    assert code == 0
    assert out == "OK: 8 files checked, no problems\n"


def test_a_single_brief_file_is_checked_against_its_story(
    capsys: pytest.CaptureFixture[str], story_dir: Path
) -> None:
    def change(data: Json) -> None:
        data["positions"][0]["party_id"] = "atlantis"

    path = _edit(story_dir, change)
    code, out = _validate(capsys, path)
    assert code == 1
    assert out.startswith(f"{path}: $.positions[0].party_id: unknown party 'atlantis'")


# One edit of the fixture brief per class of bad value, and the problem line it must give
# (after "PATH: "); tests below cover the edits that need more than one line to make or check.
ONE_PROBLEM_EDITS = [
    pytest.param(
        lambda data: data["positions"][1].update(stance="maybe"),
        "$.positions[1].stance: 'maybe' is not one of supports, conditional, undecided, "
        "opposes, unclear\n",
        id="unknown-enum-value",
    ),
    pytest.param(
        lambda data: data["positions"][1]["quotes"][0].update(source_id="S9"),
        "$.positions[1].quotes[0].source_id: cites source 'S9'",
        id="dangling-quote-source",
    ),
    pytest.param(
        lambda data: data["positions"][2].update(party_id="atlantis"),
        "$.positions[2].party_id: unknown party 'atlantis'",
        id="unknown-party-in-a-position",
    ),
    pytest.param(
        lambda data: data["events"][3]["parties"].append("atlantis"),
        "$.events[3].parties[2]: unknown party 'atlantis'",
        id="unknown-party-in-an-event",
    ),
    pytest.param(
        lambda data: data["issues"][4].update(id=data["issues"][1]["id"]),
        "$.issues[4].id: duplicate issue id",
        id="duplicate-issue-id",
    ),
    pytest.param(
        lambda data: data.update(headline=""),
        "$.headline: Expected `str` of length >= 1",
        id="empty-headline",
    ),
    pytest.param(
        lambda data: data.update(headline="   "),
        "$.headline: Expected `str` matching",
        id="blank-headline",
    ),
    pytest.param(
        lambda data: data["takeaways"].__setitem__(1, "x" * (limits.MAX_SHORT_TEXT + 1)),
        f"$.takeaways[1]: Expected `str` of length <= {limits.MAX_SHORT_TEXT}",
        id="oversized-string",
    ),
    pytest.param(
        lambda data: data["positions"][0].update(
            conditions=["a condition"] * (limits.MAX_LIST_ITEMS + 1)
        ),
        f"$.positions[0].conditions: Expected `array` of length <= {limits.MAX_LIST_ITEMS}",
        id="oversized-list",
    ),
    pytest.param(
        lambda data: data["events"][0].update(when="yesterday"),
        "$.events[0].when: Expected `object`, got `str`",
        id="wrong-type",
    ),
]


@pytest.mark.parametrize(("change", "problem"), ONE_PROBLEM_EDITS)
def test_one_bad_value_is_one_problem_line(
    capsys: pytest.CaptureFixture[str],
    story_dir: Path,
    change: Callable[[Json], None],
    problem: str,
) -> None:
    path = _edit(story_dir, change)
    code, out = _validate(capsys, story_dir)
    assert code == 1
    assert f"{path}: {problem}" in out


def test_closed_before_opened(capsys: pytest.CaptureFixture[str], story_dir: Path) -> None:
    def change(data: Json) -> None:
        _closed_issue(data)[1]["closed_on"] = "2025-01-31"

    path = _edit(story_dir, change)
    index, _ = _closed_issue(json.loads(path.read_text()))
    code, out = _validate(capsys, story_dir)
    assert code == 1
    assert f"{path}: $.issues[{index}].closed_on: 2025-01-31 is before opened_on" in out


def test_closed_issue_with_an_open_status(
    capsys: pytest.CaptureFixture[str], story_dir: Path
) -> None:
    def change(data: Json) -> None:
        _closed_issue(data)[1]["status"] = "open"
        data["issues"][0]["status"] = "lapsed"  # and a closed status without closed_on

    path = _edit(story_dir, change)
    index = next(i for i, x in enumerate(json.loads(path.read_text())["issues"]) if x["closed_on"])
    code, out = _validate(capsys, story_dir)
    assert code == 1
    assert f"{path}: $.issues[{index}].status: 'open' is an open status but closed_on" in out
    assert f"{path}: $.issues[0].closed_on: required when status is 'lapsed'" in out


def test_unknown_field(capsys: pytest.CaptureFixture[str], story_dir: Path) -> None:
    def change(data: Json) -> None:
        data["mood"] = "tense"
        data["issues"][2]["owner"] = "desk"

    path = _edit(story_dir, change)
    code, out = _validate(capsys, story_dir)
    assert code == 1
    assert f"{path}: $.mood: unknown field\n" in out
    assert f"{path}: $.issues[2].owner: unknown field\n" in out


def test_unknown_field_in_the_story(capsys: pytest.CaptureFixture[str], story_dir: Path) -> None:
    path = story_dir / "story.json"
    data = json.loads(path.read_text())
    data["parties"][3]["flag"] = "eu"
    path.write_text(json.dumps(data))
    code, out = _validate(capsys, path)
    assert code == 1
    assert out == f"{path}: $.parties[3].flag: unknown field\n"


def test_malformed_json(capsys: pytest.CaptureFixture[str], story_dir: Path) -> None:
    path = story_dir / "briefs" / BRIEF
    path.write_text('{"headline": "Cut off mid-')
    code, out = _validate(capsys, story_dir)
    assert code == 1
    assert f"{path}: $: Input data was truncated\n" in out


def test_missing_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "2025-03-18.json"
    code, out = _validate(capsys, missing)
    assert code == 1
    assert out == f"{missing}: $: no such file or folder\n"


def test_folder_without_a_story(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out = _validate(capsys, tmp_path)
    assert code == 1
    assert out == f"{tmp_path}: $: no story.json found in this folder\n"


def test_every_problem_of_every_path_is_reported(
    capsys: pytest.CaptureFixture[str], story_dir: Path, tmp_path: Path
) -> None:
    path = _edit(story_dir, lambda data: data.update(extra=1), name="2025-03-11.json")
    code = main(["validate", str(story_dir), str(tmp_path / "missing.json")])
    captured = capsys.readouterr()
    assert code == 1
    assert captured.out.splitlines() == [
        f"{path}: $.extra: unknown field",
        f"{tmp_path / 'missing.json'}: $: no such file or folder",
    ]
    assert captured.err == "2 problems in 2 files\n"


def test_no_path_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["validate"])
    assert caught.value.code == 2
    assert "PATH" in capsys.readouterr().err


def test_a_folder_of_brief_files(capsys: pytest.CaptureFixture[str], story_dir: Path) -> None:
    code, out = _validate(capsys, story_dir / "briefs")
    assert (code, out) == (0, "OK: 7 files checked, no problems\n")

    path = _edit(story_dir, lambda data: data["positions"][0].update(party_id="atlantis"))
    code, out = _validate(capsys, story_dir / "briefs")
    assert code == 1
    assert out.startswith(f"{path}: $.positions[0].party_id: unknown party 'atlantis'")


def test_same_rule_as_the_api_every_problem_at_once(
    capsys: pytest.CaptureFixture[str], story_dir: Path
) -> None:
    """The misspelt translator, a NUL and a type error in one file: all three are reported
    (a type error used to hide the rest), with the paths the API's 422 gives for the same body."""

    def change(data: Json) -> None:
        data["positions"][1]["quotes"][0]["translation_by"] = "Reuters"
        data["summary"] = "nul\u0000here"
        data["takeaways"] = "not a list"

    path = _edit(story_dir, change)
    code, out = _validate(capsys, path)
    assert code == 1
    assert (
        f"{path}: $.positions[1].quotes[0].translation_by: "
        "unknown field (did you mean 'translated_by'?)\n"
    ) in out
    assert f"{path}: $.summary: must not contain the NUL character (\\u0000)\n" in out
    assert (
        f"{path}: $.takeaways: Expected `array`, got `str` "
        "(decoding stops at the first type error: more may follow)\n"
    ) in out
