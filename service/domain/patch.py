"""RFC 6902 JSON Patch between two briefs, and an applier, so clients need no extra library.

`json_patch` compares the JSON shapes (``codec.to_builtins``) of two briefs. Objects are compared
key by key; lists have their common prefix and suffix trimmed, then items at the same position
are compared recursively and the surplus is removed or added at the end of the changed middle.
So one inserted event is one ``add``, one edited field deep inside an issue is one ``replace``,
and the output is deterministic. Paths are RFC 6901 JSON Pointers (``~`` as ``~0``, ``/`` as
``~1``).
"""

from __future__ import annotations

from collections.abc import Sequence
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
        match op:
            case PatchAdd(path=path, value=value):
                result = _add(result, op, parse_pointer(path), _copy(value))
            case PatchRemove(path=path):
                result = _remove(result, op, parse_pointer(path))
            case PatchReplace(path=path, value=value):
                parts = parse_pointer(path)
                result = _add(_remove(result, op, parts), op, parts, _copy(value))
            case PatchTest(path=path, value=value):
                if not _json_equal(_resolve(result, op, parse_pointer(path)), value):
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
    start = 0
    limit = min(len(old), len(new))
    while start < limit and _json_equal(old[start], new[start]):
        start += 1
    old_end, new_end = len(old), len(new)
    while old_end > start and new_end > start and _json_equal(old[old_end - 1], new[new_end - 1]):
        old_end -= 1
        new_end -= 1
    common = min(old_end, new_end) - start
    for offset in range(common):
        index = start + offset
        _diff_value(old[index], new[index], f"{path}/{index}", ops)
    # Remove from the highest index down, so earlier removals do not shift later paths.
    ops.extend(
        PatchRemove(path=f"{path}/{index}") for index in range(old_end - 1, start + common - 1, -1)
    )
    ops.extend(
        PatchAdd(path=f"{path}/{index}", value=new[index])
        for index in range(start + common, new_end)
    )


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


def _pointer(parts: list[str]) -> str:
    return "".join(f"/{escape_pointer_token(part)}" for part in parts)


def _copy(value: Any) -> Any:
    """A deep copy of a JSON value (much cheaper than ``copy.deepcopy``)."""
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy(item) for item in value]
    return value
