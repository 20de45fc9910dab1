"""Editing a brief in a text editor: the pure half (`service.domain.editing`)."""

from __future__ import annotations

import datetime as dt
import json

import msgspec
import pytest

from service.domain import editing
from service.domain.files import StoryFolder
from service.domain.models import Brief, Stance
from service.domain.validate import FieldProblem


@pytest.fixture
def brief(ceasefire: StoryFolder) -> Brief:
    found = ceasefire.brief_on(dt.date(2025, 3, 18))
    assert found is not None
    return found


def _edited(text: str, change: dict[str, object]) -> str:
    raw = json.loads(text)
    raw.update(change)
    return json.dumps(raw, indent=2) + "\n"


# --- editor_command ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("environ", "command"),
    [
        ({"VISUAL": "code --wait", "EDITOR": "nano"}, ["code", "--wait"]),
        ({"EDITOR": "nano -R"}, ["nano", "-R"]),
        ({"VISUAL": "  ", "EDITOR": "nano"}, ["nano"]),
        ({"EDITOR": "'/opt/my editor/bin/ed' -s"}, ["/opt/my editor/bin/ed", "-s"]),
        ({}, [editing.FALLBACK_EDITOR]),
        ({"EDITOR": "vim 'unclosed"}, ["vim 'unclosed"]),
    ],
)
def test_editor_command_prefers_visual_then_editor_then_vi(
    environ: dict[str, str], command: list[str]
) -> None:
    assert editing.editor_command(environ) == command


# --- annotations ---------------------------------------------------------------------------------


PROBLEMS = [
    FieldProblem(path="$.positions[0].stance", message="'maybe' is not one of ..."),
    FieldProblem(path="$.headline", message="Expected `str`,\n got `int`"),
]


def test_annotate_lists_every_problem_above_the_text_kept_as_it_is() -> None:
    text = '{\n  "headline": 1\r\n}'  # odd line endings and no final newline: kept as they are
    annotated = editing.annotate(text, PROBLEMS)

    lines = annotated.splitlines()
    assert lines[:3] == [
        "// ! $.positions[0].stance: 'maybe' is not one of ...",
        "// ! $.headline: Expected `str`, got `int`",
        editing.INSTRUCTIONS,
    ]
    assert "delete everything to cancel" in editing.INSTRUCTIONS
    assert annotated.endswith(text)
    assert editing.strip_annotations(annotated) == text


def test_annotate_replaces_an_earlier_annotation() -> None:
    text = '{"headline": 1}\n'
    once = editing.annotate(text, PROBLEMS, note="revision 3 was stored meanwhile")
    twice = editing.annotate(once, PROBLEMS[1:])

    assert twice == f"// ! $.headline: Expected `str`, got `int`\n{editing.INSTRUCTIONS}\n{text}"
    assert editing.annotate(twice, []) == text
    assert once.startswith("// revision 3 was stored meanwhile\n")


def test_strip_annotations_keeps_everything_below_the_comment_block() -> None:
    text = '// ! $: x\n{\n  "summary": "// not a comment"\n}\n// trailing, the editor\'s own\n'
    assert editing.strip_annotations(text) == text.split("\n", 1)[1]
    assert editing.is_cancelled("// ! $: x\n   \n")
    assert not editing.is_cancelled(text)


# --- parse_document ------------------------------------------------------------------------------


def test_the_editor_text_of_a_brief_parses_back_to_its_document(
    brief: Brief, ceasefire: StoryFolder
) -> None:
    text = editing.editor_text(brief)
    assert json.loads(text)["change_note"] is None
    assert json.loads(text)["revision"] == brief.revision

    draft, problems = editing.parse_document(text, ceasefire.story, current=brief)

    assert problems == []
    assert draft is not None
    assert editing.is_unchanged(draft, brief)
    assert editing.change_note_of(draft, brief) is None


def test_parse_document_reports_every_problem_at_once_with_paths(
    brief: Brief, ceasefire: StoryFolder
) -> None:
    raw = json.loads(editing.editor_text(brief))
    raw["positions"][0]["stance"] = "maybe"
    raw["positions"][1]["mood"] = "grim"
    raw["issues"][0]["parties"] = ["nobody"]
    text = json.dumps(raw, indent=2)

    draft, problems = editing.parse_document(text, ceasefire.story)

    assert draft is None
    paths = [problem.path for problem in problems]
    assert "$.positions[0].stance" in paths
    assert "$.positions[1].mood" in paths
    assert all(problem.message for problem in problems)


def test_parse_document_checks_references_against_the_story(
    brief: Brief, ceasefire: StoryFolder
) -> None:
    raw = json.loads(editing.editor_text(brief))
    raw["issues"][0]["parties"] = ["nobody"]
    raw["positions"][0]["quotes"] = [{"text": "x", "speaker": "Someone", "source_id": "missing"}]

    draft, problems = editing.parse_document(json.dumps(raw), ceasefire.story)

    assert draft is None
    assert {problem.path for problem in problems} >= {
        "$.issues[0].parties[0]",
        "$.positions[0].quotes[0].source_id",
    }
    assert any("nobody" in problem.message for problem in problems)


def test_parse_document_with_the_current_revision_names_changed_read_only_fields(
    brief: Brief, ceasefire: StoryFolder
) -> None:
    text = _edited(editing.editor_text(brief), {"revision": brief.revision + 5})

    assert editing.parse_document(text, ceasefire.story)[1] == []
    draft, problems = editing.parse_document(text, ceasefire.story, current=brief)

    assert draft is None
    assert [problem.path for problem in problems] == ["$.revision"]
    assert "read-only" in problems[0].message


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("{", "truncated"),
        ("[]", "Expected `object`"),
        ('{"id": "x"}', "missing required field"),
    ],
)
def test_parse_document_turns_unusable_text_into_a_problem_at_the_root(
    ceasefire: StoryFolder, text: str, fragment: str
) -> None:
    draft, problems = editing.parse_document(f"// ! $: older\n{text}", ceasefire.story)

    assert draft is None
    assert len(problems) == 1
    assert problems[0].path == "$"
    assert fragment in problems[0].message


def test_parse_document_reads_past_the_annotations(brief: Brief, ceasefire: StoryFolder) -> None:
    text = editing.annotate(editing.editor_text(brief), PROBLEMS)
    draft, problems = editing.parse_document(text, ceasefire.story, current=brief)
    assert problems == []
    assert draft is not None


# --- change notes, unchanged documents, the preview ----------------------------------------------


def test_change_note_of_is_what_the_editor_wrote(brief: Brief, ceasefire: StoryFolder) -> None:
    text = _edited(editing.editor_text(brief), {"change_note": "  Stance after the call  "})
    draft, _ = editing.parse_document(text, ceasefire.story)
    assert draft is not None
    assert editing.change_note_of(draft, brief) == "Stance after the call"

    kept = msgspec.structs.replace(draft, change_note=brief.change_note)
    assert editing.change_note_of(kept, msgspec.structs.replace(brief, change_note="same")) == (
        brief.change_note or None
    )
    same = msgspec.structs.replace(draft, change_note="same")
    assert editing.change_note_of(same, msgspec.structs.replace(brief, change_note="same")) is None
    assert editing.change_note_of(msgspec.structs.replace(draft, change_note=" ")) is None


def test_proposed_revision_is_the_draft_on_the_current_identity(
    brief: Brief, ceasefire: StoryFolder
) -> None:
    raw = json.loads(editing.editor_text(brief))
    raw["positions"][0]["stance"] = Stance.OPPOSES.value
    draft, problems = editing.parse_document(json.dumps(raw), ceasefire.story)
    assert draft is not None, problems

    proposed = editing.proposed_revision(brief, draft, "why")

    assert not editing.is_unchanged(draft, brief)
    assert (proposed.id, proposed.story_id, proposed.revision, proposed.change_note) == (
        brief.id,
        brief.story_id,
        brief.revision + 1,
        "why",
    )
    assert proposed.positions[0].stance is Stance.OPPOSES


def test_rebased_text_moves_the_edit_onto_a_newer_revision(brief: Brief) -> None:
    text = _edited(editing.editor_text(brief), {"headline": "Mine", "change_note": "my note"})
    newer = msgspec.structs.replace(
        brief, revision=brief.revision + 1, revised_by="other-desk", change_note="theirs"
    )

    rebased = json.loads(editing.rebased_text(editing.annotate(text, PROBLEMS), newer))

    assert (rebased["headline"], rebased["change_note"]) == ("Mine", "my note")
    assert (rebased["revision"], rebased["revised_by"]) == (newer.revision, "other-desk")
    assert editing.rebased_text("{ not json", newer) == "{ not json"
