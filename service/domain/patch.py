"""RFC 6902 JSON Patch between two briefs, and an applier, so clients need no extra library.

`json_patch` compares the JSON shapes (``codec.to_builtins``) of two briefs. Objects are compared
key by key. Lists are aligned on their items' JSON encodings (``difflib.SequenceMatcher``, a
longest-matching-block alignment, without its junk heuristic); within each replaced block,
items are compared pairwise and recursively, and the surplus is removed or added. So one
inserted event is one ``add``, one edited field deep inside an issue is one ``replace``, and
the output is deterministic. Paths are RFC 6901 JSON Pointers (``~`` as ``~0``, ``/`` as
``~1``).
"""

from __future__ import annotations

from collections.abc import Sequence
from difflib import SequenceMatcher
from typing import Any

from service.domain import codec
from service.domain.changes import PatchAdd, PatchOp, PatchRemove, PatchReplace, PatchTest
from service.domain.models import Brief

__all__ = [
    "PatchApplyError",
    "apply_patch",
    "diff_json",
    "escape_pointer_token",
    "json_patch",
    "parse_pointer",
]


class PatchApplyError(ValueError):
    """A patch that does not apply: a missing path, a bad index or a failed ``test``."""

    def __init__(self, op: PatchOp, message: str) -> None:
        super().__init__(f"{type(op).__name__} {op.path!r}: {message}")
        self.op = op


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


def apply_patch(document: Any, ops: Sequence[PatchOp]) -> Any:
    """Apply ``ops`` to a copy of ``document`` (which is left untouched) and return the copy.

    Atomic as RFC 6902 asks: on the first failing operation it raises `PatchApplyError` and
    nothing is returned.
    """
    result = _copy(document)
    for op in ops:
        parts = _parts(op)
        match op:
            case PatchAdd(value=value):
                result = _add(result, op, parts, _copy(value))
            case PatchRemove():
                result = _remove(result, op, parts)
            case PatchReplace(value=value):
                result = _add(_remove(result, op, parts), op, parts, _copy(value))
            case PatchTest(value=value):
                if not _json_equal(_resolve(result, op, parts), value):
                    raise PatchApplyError(op, "the value differs")
    return result


def escape_pointer_token(part: str) -> str:
    """A JSON Pointer reference part: ``~`` becomes ``~0`` and ``/`` becomes ``~1``."""
    return part.replace("~", "~0").replace("/", "~1")


def parse_pointer(path: str) -> list[str]:
    """The unescaped reference tokens of a JSON Pointer (``""`` is the whole document)."""
    if path == "":
        return []
    if not path.startswith("/"):
        raise ValueError(f"a JSON Pointer starts with '/': {path!r}")
    return [part.replace("~1", "/").replace("~0", "~") for part in path[1:].split("/")]


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


# --- applying ---------------------------------------------------------------------------------


def _resolve(document: Any, op: PatchOp, parts: list[str]) -> Any:
    value = document
    for depth, part in enumerate(parts):
        value = _child(value, op, part, parts[: depth + 1])
    return value


def _child(container: Any, op: PatchOp, part: str, where: list[str]) -> Any:
    if isinstance(container, dict):
        if part not in container:
            raise PatchApplyError(op, f"no member {_pointer(where)!r}")
        return container[part]
    if isinstance(container, list):
        return container[_index(container, op, part, allow_end=False)]
    raise PatchApplyError(op, f"{_pointer(where[:-1])!r} is not a container")


def _add(document: Any, op: PatchOp, parts: list[str], value: Any) -> Any:
    if not parts:
        return value
    parent = _resolve(document, op, parts[:-1])
    part = parts[-1]
    if isinstance(parent, dict):
        parent[part] = value
    elif isinstance(parent, list):
        if part == "-":
            parent.append(value)
        else:
            parent.insert(_index(parent, op, part, allow_end=True), value)
    else:
        raise PatchApplyError(op, f"{_pointer(parts[:-1])!r} is not a container")
    return document


def _remove(document: Any, op: PatchOp, parts: list[str]) -> Any:
    if not parts:
        return None
    parent = _resolve(document, op, parts[:-1])
    part = parts[-1]
    if isinstance(parent, dict):
        if part not in parent:
            raise PatchApplyError(op, f"no member {_pointer(parts)!r}")
        del parent[part]
    elif isinstance(parent, list):
        del parent[_index(parent, op, part, allow_end=False)]
    else:
        raise PatchApplyError(op, f"{_pointer(parts[:-1])!r} is not a container")
    return document


def _index(array: list[Any], op: PatchOp, part: str, *, allow_end: bool) -> int:
    """An RFC 6901 array index: digits without leading zeros, within bounds."""
    if not part.isascii() or not part.isdigit() or (part != "0" and part.startswith("0")):
        raise PatchApplyError(op, f"{part!r} is not an array index")
    index = int(part)
    if index > len(array) or (index == len(array) and not allow_end):
        raise PatchApplyError(op, f"index {index} is out of range")
    return index


def _parts(op: PatchOp) -> list[str]:
    try:
        return parse_pointer(op.path)
    except ValueError as error:
        raise PatchApplyError(op, str(error)) from None


def _pointer(parts: list[str]) -> str:
    return "".join(f"/{escape_pointer_token(part)}" for part in parts)


def _copy(value: Any) -> Any:
    """A deep copy of a JSON value (much cheaper than ``copy.deepcopy``)."""
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy(item) for item in value]
    return value
