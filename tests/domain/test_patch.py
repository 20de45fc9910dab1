"""RFC 6902 JSON Patch: our diff, applied by the independent jsonpatch library."""

from __future__ import annotations

import datetime as dt
from typing import Any

import jsonpatch
import pytest

from service.domain import codec
from service.domain.changes import PatchAdd, PatchOp, PatchRemove, PatchReplace, PatchTest
from service.domain.models import Event, FuzzyDate
from service.domain.patch import diff_json, escape_pointer_token, json_patch
from tests.strategies import make_brief


def _event(event_id: str, title: str = "Leaders meet") -> Event:
    return Event(id=event_id, when=FuzzyDate(date=dt.date(2025, 3, 1)), title=title)


def _apply(document: Any, ops: list[PatchOp]) -> Any:
    return jsonpatch.apply_patch(document, codec.to_builtins(ops))


def test_pointer_escaping() -> None:
    assert escape_pointer_token("a/b~c") == "a~1b~0c"
    assert jsonpatch.JsonPointer("/a~1b~0c/~01").parts == ["a/b~c", "~1"]


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
    assert _apply(codec.to_builtins(old), ops) == codec.to_builtins(new)


def test_rotated_list_is_one_remove_and_one_add() -> None:
    old = make_brief(takeaways=["a", "b", "c", "d"])
    new = make_brief(takeaways=["b", "c", "d", "e"])

    ops = json_patch(old, new, guard=False)

    assert ops == [PatchRemove(path="/takeaways/0"), PatchAdd(path="/takeaways/3", value="e")]
    assert _apply(codec.to_builtins(old), ops) == codec.to_builtins(new)


def test_removed_items_go_from_the_highest_index_down() -> None:
    old = make_brief(takeaways=["a", "b", "c", "d", "e"])
    new = make_brief(takeaways=["a", "e"])

    ops = json_patch(old, new, guard=False)

    assert ops == [
        PatchRemove(path="/takeaways/3"),
        PatchRemove(path="/takeaways/2"),
        PatchRemove(path="/takeaways/1"),
    ]
    assert _apply(codec.to_builtins(old), ops) == codec.to_builtins(new)


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
    assert _apply(old, ops) == new


def test_json_types_are_not_confused() -> None:
    ops = diff_json([1, True], [True, 1])

    assert len(ops) == 2
    assert _apply([1, True], ops) == [True, 1]
    assert type(_apply([1, True], ops)[0]) is bool
    assert diff_json({"a": 1}, {"a": 1.0}) == []


def test_root_replacement_and_type_changes() -> None:
    assert diff_json([1], {"a": 1}) == [PatchReplace(path="", value={"a": 1})]
    assert _apply({"a": [1]}, diff_json({"a": [1]}, {"a": "x"})) == {"a": "x"}


def test_decoded_wire_patch_applies() -> None:
    old, new = make_brief(takeaways=["a"]), make_brief(takeaways=["b", "c"], summary="x")
    wire = codec.encode(json_patch(old, new))
    ops = codec.convert(
        codec.to_builtins(jsonpatch.JsonPatch.from_string(wire.decode()).patch), list[PatchOp]
    )

    assert ops == json_patch(old, new)
    assert _apply(codec.to_builtins(old), ops) == codec.to_builtins(new)
