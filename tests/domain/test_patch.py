"""RFC 6902 JSON Patch: our diff, our applier, cross-checked with the jsonpatch library."""

from __future__ import annotations

import datetime as dt
from typing import Any

import jsonpatch
import pytest

from service.domain import codec
from service.domain.changes import PatchAdd, PatchOp, PatchRemove, PatchReplace, PatchTest
from service.domain.models import Event, FuzzyDate
from service.domain.patch import (
    PatchApplyError,
    apply_patch,
    diff_json,
    escape_pointer_token,
    json_patch,
    parse_pointer,
)
from tests.strategies import make_brief


def _event(event_id: str, title: str = "Leaders meet") -> Event:
    return Event(id=event_id, when=FuzzyDate(date=dt.date(2025, 3, 1)), title=title)


def _both_apply(document: Any, ops: list[PatchOp]) -> Any:
    ours = apply_patch(document, ops)
    theirs = jsonpatch.apply_patch(document, codec.to_builtins(ops))
    assert ours == theirs
    return ours


def test_pointer_escaping_round_trips() -> None:
    assert escape_pointer_token("a/b~c") == "a~1b~0c"
    assert parse_pointer("/a~1b~0c/~01") == ["a/b~c", "~1"]
    assert parse_pointer("") == []
    with pytest.raises(ValueError, match="starts with"):
        parse_pointer("a")


def test_identical_briefs_give_only_the_guard() -> None:
    brief = make_brief(events=[_event("summit")])

    assert json_patch(brief, brief) == [
        PatchTest(path="/id", value="day-one"),
        PatchTest(path="/revision", value=1),
    ]
    assert json_patch(brief, brief, guard=False) == []


def test_one_inserted_event_is_one_add() -> None:
    events = [_event(f"e-{number}") for number in range(6)]
    old = make_brief(events=events)
    new = make_brief(events=[*events[:3], _event("inserted"), *events[3:]])

    ops = json_patch(old, new, guard=False)

    assert ops == [PatchAdd(path="/events/3", value=codec.to_builtins(_event("inserted")))]
    assert _both_apply(codec.to_builtins(old), ops) == codec.to_builtins(new)


def test_rotated_list_is_one_remove_and_one_add() -> None:
    old = make_brief(takeaways=["a", "b", "c", "d"])
    new = make_brief(takeaways=["b", "c", "d", "e"])

    ops = json_patch(old, new, guard=False)

    assert ops == [PatchRemove(path="/takeaways/0"), PatchAdd(path="/takeaways/3", value="e")]
    assert _both_apply(codec.to_builtins(old), ops) == codec.to_builtins(new)


def test_removed_items_go_from_the_highest_index_down() -> None:
    old = make_brief(takeaways=["a", "b", "c", "d", "e"])
    new = make_brief(takeaways=["a", "e"])

    ops = json_patch(old, new, guard=False)

    assert ops == [
        PatchRemove(path="/takeaways/3"),
        PatchRemove(path="/takeaways/2"),
        PatchRemove(path="/takeaways/1"),
    ]
    assert _both_apply(codec.to_builtins(old), ops) == codec.to_builtins(new)


def test_edit_deep_inside_a_list_item_is_one_replace() -> None:
    events = [_event(f"e-{number}") for number in range(4)]
    old = make_brief(events=events)
    new = make_brief(events=[*events[:2], _event("e-2", title="Talks end"), events[3]])

    assert json_patch(old, new, guard=False) == [
        PatchReplace(path="/events/2/title", value="Talks end")
    ]


def test_guard_rejects_another_document() -> None:
    old, new = make_brief(), make_brief(headline="Talks stall")
    other = codec.to_builtins(make_brief(id="day-two"))
    ops = json_patch(old, new)

    with pytest.raises(PatchApplyError, match="/id"):
        apply_patch(other, ops)
    with pytest.raises(jsonpatch.JsonPatchTestFailed):
        jsonpatch.apply_patch(other, codec.to_builtins(ops))


def test_keys_needing_escapes() -> None:
    old = {"a/b": 1, "c~d": [1, 2], "keep": {"x~/": True}}
    new = {"c~d": [1, 2, 3], "keep": {"x~/": False}, "e/": None}

    ops = diff_json(old, new)

    assert ops == [
        PatchRemove(path="/a~1b"),
        PatchAdd(path="/c~0d/2", value=3),
        PatchReplace(path="/keep/x~0~1", value=False),
        PatchAdd(path="/e~1", value=None),
    ]
    assert _both_apply(old, ops) == new


def test_json_types_are_not_confused() -> None:
    ops = diff_json([1, True], [True, 1])

    assert len(ops) == 2
    assert _both_apply([1, True], ops) == [True, 1]
    assert type(apply_patch([1, True], ops)[0]) is bool
    assert diff_json({"a": 1}, {"a": 1.0}) == []


def test_root_replacement_and_type_changes() -> None:
    assert diff_json([1], {"a": 1}) == [PatchReplace(path="", value={"a": 1})]
    assert apply_patch([1], [PatchReplace(path="", value={"a": 1})]) == {"a": 1}
    assert _both_apply({"a": [1]}, diff_json({"a": [1]}, {"a": "x"})) == {"a": "x"}


def test_apply_leaves_the_input_untouched() -> None:
    document = {"list": [{"a": 1}]}
    value = {"b": 2}
    result = apply_patch(document, [PatchAdd(path="/list/0/nested", value=value)])
    value["b"] = 3

    assert document == {"list": [{"a": 1}]}
    assert result == {"list": [{"a": 1, "nested": {"b": 2}}]}


def test_test_compares_containers_as_json() -> None:
    document = {"a": [1, 2.0], "b": {"c": None}}
    ops: list[PatchOp] = [
        PatchTest(path="", value={"b": {"c": None}, "a": [1.0, 2]}),
        PatchTest(path="/a", value=[1, 2]),
        PatchTest(path="/b", value={"c": None}),
    ]

    assert apply_patch(document, ops) == document


def test_append_with_dash() -> None:
    assert apply_patch({"a": [1]}, [PatchAdd(path="/a/-", value=2)]) == {"a": [1, 2]}


@pytest.mark.parametrize(
    ("op", "message"),
    [
        (PatchRemove(path="/missing"), "no member"),
        (PatchRemove(path="/missing/x"), "no member"),
        (PatchRemove(path="missing"), "starts with '/'"),
        (PatchRemove(path="/a/-"), "not an array index"),
        (PatchReplace(path="/a/5", value=1), "out of range"),
        (PatchAdd(path="/a/01", value=1), "not an array index"),
        (PatchAdd(path="/a/-1", value=1), "not an array index"),
        (PatchAdd(path="/a/3", value=1), "out of range"),
        (PatchAdd(path="/b/c/d", value=1), "not a container"),
        (PatchAdd(path="/b/c", value=1), "not a container"),
        (PatchRemove(path="/b/c"), "not a container"),
        (PatchTest(path="/b/c", value=1), "not a container"),
        (PatchTest(path="/a", value=[1, True]), "differs"),
        (PatchTest(path="", value={"a": [1, 2]}), "differs"),
        (PatchTest(path="/b", value="1"), "differs"),
        (PatchTest(path="/b", value=True), "differs"),
    ],
)
def test_invalid_operations_raise(op: PatchOp, message: str) -> None:
    with pytest.raises(PatchApplyError, match=message):
        apply_patch({"a": [1, 2], "b": 1}, [op])


def test_decoded_wire_patch_applies() -> None:
    old, new = make_brief(takeaways=["a"]), make_brief(takeaways=["b", "c"], summary="x")
    wire = codec.encode(json_patch(old, new))
    ops = codec.convert(
        codec.to_builtins(jsonpatch.JsonPatch.from_string(wire.decode()).patch), list[PatchOp]
    )

    assert apply_patch(codec.to_builtins(old), ops) == codec.to_builtins(new)
