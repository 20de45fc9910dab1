"""Cross-field validation of stories and briefs (``service.domain.validate``)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import msgspec
import pytest

from service.domain import codec, strict
from service.domain.errors import InvalidContentError, MalformedBodyError
from service.domain.files import StoryFolder
from service.domain.models import (
    Brief,
    BriefContent,
    BriefUpdate,
    IssueStatus,
    Party,
    PartyKind,
    Story,
    content_of,
)
from service.domain.validate import (
    FieldProblem,
    check_brief,
    decode_problem,
    read_only_problems,
    unknown_fields,
    validate_brief,
    validate_path,
    validate_story,
    validate_story_folder,
)


@pytest.fixture
def brief(ceasefire: StoryFolder) -> Brief:
    """The 2025-03-18 brief: it has a closed issue, quotes, events and every party."""
    found = ceasefire.brief_on(dt.date(2025, 3, 18))
    assert found is not None
    return found


def _paths(problems: list[FieldProblem]) -> list[str]:
    return [problem.path for problem in problems]


def test_the_fixture_briefs_have_no_problems(ceasefire: StoryFolder) -> None:
    assert validate_story(ceasefire.story) == []
    for brief in ceasefire.briefs:
        assert validate_brief(brief, ceasefire.story) == []


def test_duplicate_party_ids_in_a_story() -> None:
    party = Party(id="russia", name="Russia", kind=PartyKind.STATE)
    story = Story(id="s", title="S", parties=[party, party])
    assert _paths(validate_story(story)) == ["$.parties[1].id"]


def test_brief_of_another_story(brief: Brief, ceasefire: StoryFolder) -> None:
    other = msgspec.structs.replace(brief, story_id="another-story")
    assert _paths(validate_brief(other, ceasefire.story)) == ["$.story_id"]


def test_quote_citing_a_source_the_brief_lacks(brief: Brief, ceasefire: StoryFolder) -> None:
    position = brief.positions[1]
    quote = msgspec.structs.replace(position.quotes[0], source_id="S999")
    positions = list(brief.positions)
    positions[1] = msgspec.structs.replace(position, quotes=[quote, *position.quotes[1:]])
    bad = msgspec.structs.replace(brief, positions=positions)

    (problem,) = validate_brief(bad, ceasefire.story)
    assert problem.path == "$.positions[1].quotes[0].source_id"
    assert "'S999'" in problem.message


def test_unknown_and_duplicate_parties(brief: Brief, ceasefire: StoryFolder) -> None:
    positions = list(brief.positions)
    positions[0] = msgspec.structs.replace(positions[0], party_id="atlantis")
    positions[3] = msgspec.structs.replace(positions[3], party_id=positions[2].party_id)
    issues = list(brief.issues)
    issues[0] = msgspec.structs.replace(issues[0], parties=["russia", "atlantis"])
    events = list(brief.events)
    events[2] = msgspec.structs.replace(events[2], parties=["atlantis"])
    bad = msgspec.structs.replace(brief, positions=positions, issues=issues, events=events)

    assert sorted(_paths(validate_brief(bad, ceasefire.story))) == [
        "$.events[2].parties[0]",
        "$.issues[0].parties[1]",
        "$.positions[0].party_id",
        "$.positions[3].party_id",
    ]


def test_parties_are_not_checked_without_a_story(brief: Brief) -> None:
    positions = [msgspec.structs.replace(brief.positions[0], party_id="atlantis")]
    assert validate_brief(msgspec.structs.replace(brief, positions=positions)) == []


def test_duplicate_issue_event_and_source_ids(brief: Brief, ceasefire: StoryFolder) -> None:
    bad = msgspec.structs.replace(
        brief,
        issues=[*brief.issues, brief.issues[0]],
        events=[*brief.events, brief.events[1]],
        sources=[*brief.sources, brief.sources[2]],
    )
    problems = validate_brief(bad, ceasefire.story)
    assert _paths(problems) == [
        f"$.sources[{len(brief.sources)}].id",
        f"$.issues[{len(brief.issues)}].id",
        f"$.events[{len(brief.events)}].id",
    ]
    assert "first at $.issues[0].id" in problems[1].message


def test_event_citing_a_missing_source(brief: Brief, ceasefire: StoryFolder) -> None:
    events = list(brief.events)
    events[0] = msgspec.structs.replace(events[0], source_ids=["S01", "S404"])
    bad = msgspec.structs.replace(brief, events=events)
    assert _paths(validate_brief(bad, ceasefire.story)) == ["$.events[0].source_ids[1]"]


def _with_issue(brief: Brief, index: int, **changes: object) -> Brief:
    issues = list(brief.issues)
    issues[index] = msgspec.structs.replace(issues[index], **changes)
    return msgspec.structs.replace(brief, issues=issues)


def _closed_index(brief: Brief) -> int:
    return next(i for i, issue in enumerate(brief.issues) if issue.is_closed)


def test_closed_before_opened(brief: Brief, ceasefire: StoryFolder) -> None:
    index = _closed_index(brief)
    bad = _with_issue(brief, index, closed_on=dt.date(2025, 1, 1))
    (problem,) = validate_brief(bad, ceasefire.story)
    assert problem.path == f"$.issues[{index}].closed_on"
    assert "before opened_on" in problem.message


def test_closed_on_with_an_open_status(brief: Brief, ceasefire: StoryFolder) -> None:
    index = _closed_index(brief)
    bad = _with_issue(brief, index, status=IssueStatus.SCHEDULED)
    assert _paths(validate_brief(bad, ceasefire.story)) == [f"$.issues[{index}].status"]


def test_closed_status_without_closed_on(brief: Brief, ceasefire: StoryFolder) -> None:
    bad = _with_issue(brief, 0, status=IssueStatus.LAPSED)
    assert _paths(validate_brief(bad, ceasefire.story)) == ["$.issues[0].closed_on"]


def test_check_brief_raises_with_every_problem(brief: Brief, ceasefire: StoryFolder) -> None:
    bad = _with_issue(brief, 0, status=IssueStatus.LAPSED, parties=["atlantis"])
    with pytest.raises(InvalidContentError) as caught:
        check_brief(content_of(bad), ceasefire.story)
    assert [path for path, _ in caught.value.problems] == [
        "$.issues[0].parties[0]",
        "$.issues[0].closed_on",
    ]
    check_brief(brief, ceasefire.story)


def test_decode_errors_keep_the_field_path() -> None:
    with pytest.raises(msgspec.ValidationError) as caught:
        codec.decode_story(b'{"id": "s", "title": "S", "parties": [{"id": "x", "kind": "planet"}]}')
    problem = decode_problem(caught.value)
    assert problem.path == "$.parties[0].kind"
    assert problem.message == "Invalid enum value 'planet'"

    with pytest.raises(msgspec.DecodeError) as malformed:
        codec.decode_story(b"{nope")
    assert decode_problem(malformed.value).path == "$"


def test_unknown_fields_at_any_depth(brief: Brief) -> None:
    raw = codec.to_builtins(brief)
    raw["mood"] = "calm"
    raw["positions"][2]["quotes"][0]["tone"] = "firm"
    raw["events"][0]["when"]["time zone"] = "UTC"
    assert [str(problem) for problem in unknown_fields(raw, Brief)] == [
        "$.positions[2].quotes[0].tone: unknown field",
        '$.events[0].when["time zone"]: unknown field',
        "$.mood: unknown field",
    ]


def test_a_folder_with_clashing_revisions(tmp_path: Path, brief: Brief) -> None:
    story = Story(
        id="ceasefire-2025",
        title="T",
        parties=[Party(id=p, name=p, kind=PartyKind.STATE) for p in ("russia", "ukraine")],
    )
    (tmp_path / "briefs").mkdir()
    (tmp_path / "story.json").write_bytes(codec.encode_pretty(story))
    first = msgspec.structs.replace(brief, revision=1, revised_at=brief.created_at)
    later = dt.timedelta(days=2)
    files = {
        "a.json": first,
        "b.json": first,
        "c.json": msgspec.structs.replace(
            first,
            revision=3,
            as_of=dt.date(2025, 3, 20),
            created_at=first.created_at + later,
            revised_at=first.created_at + later,
        ),
        "d.json": msgspec.structs.replace(first, id="brief-other"),
        "e.json": msgspec.structs.replace(
            first,
            id="brief-late",
            as_of=dt.date(2025, 3, 21),
            revised_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
        ),
    }
    for name, item in files.items():
        (tmp_path / "briefs" / name).write_bytes(codec.encode_pretty(item))

    lines = [f"{Path(p.file).name}: {p.path}: {p.message}" for p in validate_story_folder(tmp_path)]
    assert any(
        line.startswith("a.json: $.positions[") and "unknown party" in line for line in lines
    )
    assert [line for line in lines if "unknown party" not in line] == [
        "e.json: $.revised_at: is before created_at",
        "b.json: $.revision: revision 1 of 'brief-2025-03-18' is also in a.json",
        "c.json: $.revision: revision 3 of 'brief-2025-03-18' follows revision 1: "
        "revision 2 is missing",
        "c.json: $.as_of: 2025-03-20 differs from 2025-03-18 in a.json",
        "c.json: $.created_at: differs from revision 1 in a.json",
        "d.json: $.as_of: 2025-03-18 is already the as-of date of 'brief-2025-03-18' in a.json",
    ]


def test_timestamps_need_a_time_zone(brief: Brief) -> None:
    naive = msgspec.structs.replace(brief, created_at=brief.created_at.replace(tzinfo=None))
    assert [str(problem) for problem in validate_brief(naive)] == [
        "$.created_at: has no time zone; write UTC, e.g. ...T18:00:00Z"
    ]


def test_request_bodies_and_files_share_one_rule(brief: Brief) -> None:
    """``decode_body`` (the API) and ``unknown_fields`` (``briefs validate``) are one walker."""
    raw = codec.to_builtins(content_of(brief))
    raw["positions"][2]["quotes"][0]["translation_by"] = "Reuters"
    raw["issues"][0]["status"] = "partly"
    data = codec.encode(raw)
    with pytest.raises(InvalidContentError) as rejected:
        strict.decode_body(data, BriefContent)
    expected = [
        (
            "$.positions[2].quotes[0].translation_by",
            "unknown field (did you mean 'translated_by'?)",
        ),
        ("$.issues[0].status", "'partly' is not one of " + ", ".join(IssueStatus)),
    ]
    assert sorted(rejected.value.problems) == sorted(expected)
    assert sorted((p.path, p.message) for p in unknown_fields(raw, BriefContent)) == sorted(
        expected
    )
    assert strict.decode_body(codec.encode(content_of(brief)), BriefContent) == content_of(brief)


@pytest.mark.parametrize(
    ("data", "depth"),
    [
        (b"1", 0),
        (b'{"a": [1, {"b": "[[[[{{"}]}', 3),
        (b'["\\"]]]]", [[]]]', 3),
        (b"[" * 5000 + b"]" * 5000, 5000),
    ],
)
def test_nesting_depth_ignores_brackets_in_strings(data: bytes, depth: int) -> None:
    assert strict.nesting_depth(data) == depth


def test_malformed_bodies_are_malformed_not_crashes() -> None:
    for data, detail in [
        (b"[" * 5000 + b"]" * 5000, "arrays and objects nest deeper than 32 levels"),
        (b'{"headline": "\xc3"}', "not valid UTF-8 (byte 14)"),
        (b'{"headline": ', "Input data was truncated"),
    ]:
        with pytest.raises(MalformedBodyError) as error:
            strict.decode_body(data, Story)
        assert error.value.detail == detail


def test_a_brief_document_without_the_server_fields_validates_as_a_loose_file(
    tmp_path: Path, brief: Brief
) -> None:
    raw = msgspec.json.decode(codec.encode(brief))
    for server_field in ("story_id", "revision", "created_at", "revised_at", "revised_by"):
        del raw[server_field]
    draft = tmp_path / "draft.json"
    draft.write_bytes(msgspec.json.encode(raw))
    assert validate_path(draft) == []
    # Inside a story folder it is a stored revision: briefs load needs the server's fields.
    folder = tmp_path / "story"
    (folder / "briefs").mkdir(parents=True)
    (folder / "story.json").write_bytes(codec.encode(Story(id=brief.story_id, title="A story")))
    (folder / "briefs" / "draft.json").write_bytes(msgspec.json.encode(raw))
    problems = validate_path(folder / "briefs" / "draft.json")
    assert [problem.path for problem in problems] == ["$"]
    assert "story_id" in problems[0].message


def test_read_only_fields_are_checked_only_when_present(brief: Brief) -> None:
    echoed = BriefUpdate(**{name: getattr(brief, name) for name in BriefUpdate.__struct_fields__})
    assert read_only_problems(echoed, brief) == []
    assert read_only_problems(BriefUpdate(headline="Content only"), brief) == []
    changed = msgspec.structs.replace(echoed, as_of=dt.date(2020, 1, 1), revised_by="someone")
    assert [str(problem) for problem in read_only_problems(changed, brief)] == [
        f"$.as_of: is read-only: 2020-01-01 is not the current value {brief.as_of.isoformat()}",
        "$.revised_by: is read-only: 'someone' is not the current value null",
    ]


def test_a_change_note_is_an_update_field_not_a_read_only_one(brief: Brief) -> None:
    noted = BriefUpdate(headline="x", revision=brief.revision, change_note="Different")
    assert read_only_problems(noted, brief) == []
    too_long = b'{"headline": "x", "change_note": "' + b"y" * 501 + b'"}'
    _, problems = strict.decode_checked(too_long, BriefUpdate)
    assert [path for path, _ in problems] == ["$.change_note"]
