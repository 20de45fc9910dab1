"""RFC 6902 JSON Patch between two briefs, served by ``/diff?format=patch`` and ``briefs diff``.

`json_patch` compares the JSON shapes (``codec.to_builtins``) of two briefs. Objects are compared
key by key. Lists are aligned on their items' JSON encodings (``difflib.SequenceMatcher``, a
longest-matching-block alignment, without its junk heuristic); within each replaced block,
items are compared pairwise and recursively, and the surplus is removed or added. So one
inserted event is one ``add``, one edited field deep inside an issue is one ``replace``, and
the output is deterministic. Paths are RFC 6901 JSON Pointers (``~`` as ``~0``, ``/`` as
``~1``). Applying patches is left to clients' RFC 6902 libraries (the tests use ``jsonpatch``).
"""

from __future__ import annotations

from difflib import SequenceMatcher
from typing import Any

from service.domain import codec
from service.domain.changes import PatchAdd, PatchOp, PatchRemove, PatchReplace, PatchTest
from service.domain.models import Brief

__all__ = ["diff_json", "escape_pointer_token", "json_patch"]


def json_patch(old: Brief, new: Brief, *, guard: bool = True) -> list[PatchOp]:
    """The RFC 6902 patch that turns ``old`` (as JSON) into ``new``.

    With ``guard`` (the default) it starts with ``test`` operations on ``/id`` and
    ``/revision``, so applying it to any document other than ``old`` fails instead of
    producing nonsense.
    """
    ops: list[PatchOp] = []
    if guard:
        ops += [
            PatchTest(path="/id", value=old.id),
            PatchTest(path="/revision", value=old.revision),
        ]
    return ops + diff_json(codec.to_builtins(old), codec.to_builtins(new))


def diff_json(old: Any, new: Any) -> list[PatchOp]:
    """The RFC 6902 patch between two JSON documents (dicts, lists, str, int, float, bool, None)."""
    ops: list[PatchOp] = []
    _diff_value(old, new, "", ops)
    return ops


def escape_pointer_token(part: str) -> str:
    """A JSON Pointer reference part: ``~`` becomes ``~0`` and ``/`` becomes ``~1``."""
    return part.replace("~", "~0").replace("/", "~1")


# --- diffing ----------------------------------------------------------------------------------


def _diff_value(old: Any, new: Any, path: str, ops: list[PatchOp]) -> None:
    if isinstance(old, dict) and isinstance(new, dict):
        _diff_object(old, new, path, ops)
    elif isinstance(old, list) and isinstance(new, list):
        _diff_array(old, new, path, ops)
    elif not _json_equal(old, new):
        ops.append(PatchReplace(path=path, value=new))


def _diff_object(old: dict[str, Any], new: dict[str, Any], path: str, ops: list[PatchOp]) -> None:
    for key, value in old.items():
        child = f"{path}/{escape_pointer_token(key)}"
        if key not in new:
            ops.append(PatchRemove(path=child))
        else:
            _diff_value(value, new[key], child, ops)
    ops.extend(
        PatchAdd(path=f"{path}/{escape_pointer_token(key)}", value=value)
        for key, value in new.items()
        if key not in old
    )


def _diff_array(old: list[Any], new: list[Any], path: str, ops: list[PatchOp]) -> None:
    # Align the items by their JSON encoding; a block of replaced items is diffed pairwise,
    # and its surplus removed (highest index first) or added. Earlier blocks already turned
    # the document's ``[:j1]`` into ``new[:j1]``, so new-side indices are the current ones.
    matcher = SequenceMatcher(None, _keys(old), _keys(new), autojunk=False)
    for tag, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        if tag == "equal":
            continue
        common = min(old_end - old_start, new_end - new_start)
        for offset in range(common):
            index = new_start + offset
            _diff_value(old[old_start + offset], new[index], f"{path}/{index}", ops)
        surplus_end = new_start + (old_end - old_start)
        ops.extend(
            PatchRemove(path=f"{path}/{index}")
            for index in range(surplus_end - 1, new_start + common - 1, -1)
        )
        ops.extend(
            PatchAdd(path=f"{path}/{index}", value=new[index])
            for index in range(new_start + common, new_end)
        )


def _keys(items: list[Any]) -> list[bytes]:
    return [codec.encode(item) for item in items]


def _json_equal(old: Any, new: Any) -> bool:
    """Equality of JSON values: unlike Python's, ``true`` is not ``1`` and ``1`` is ``1.0``."""
    if isinstance(old, bool) or isinstance(new, bool):
        return type(old) is type(new) and old == new
    if isinstance(old, dict) and isinstance(new, dict):
        return old.keys() == new.keys() and all(_json_equal(old[k], new[k]) for k in old)
    if isinstance(old, list) and isinstance(new, list):
        return len(old) == len(new) and all(map(_json_equal, old, new))
    if isinstance(old, int | float) and isinstance(new, int | float):
        return old == new
    return type(old) is type(new) and bool(old == new)
