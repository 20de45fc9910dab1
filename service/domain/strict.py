"""The one rule for what a JSON document may contain beyond its model's types: nothing.

Request bodies (and ``briefs validate``) are checked here against the model they decode into, at
every depth: a key the model does not declare is an ``unknown field`` (a misspelt
``translation_by`` would otherwise be dropped in silence), an enum value names the allowed ones,
and no string may contain NUL (PostgreSQL cannot store it; SQLite would, so both backends reject
it here alike). The models themselves stay tolerant readers for responses and stored files; this
module walks the untyped JSON alongside msgspec's own type information: nothing is declared twice.

`decode_body` is the API's decoder: it also caps nesting depth before any parse (msgspec recurses
and would raise ``RecursionError``) and rejects bytes that are not UTF-8. Paths are JSON paths from
the body's root (``$.positions[0].quotes[0].translation_by``), the same ones msgspec reports.
"""

from __future__ import annotations

import difflib
import functools
import itertools
import re
from typing import Any, TypeVar

import msgspec
from msgspec import inspect

from service.domain import limits
from service.domain.errors import InvalidBodyError, MalformedBodyError

M = TypeVar("M")

Problem = tuple[str, str]
"""A JSON path and what is wrong there."""

UNKNOWN_FIELD = "unknown field"
NUL_MESSAGE = "must not contain the NUL character (\\u0000)"
MORE_MAY_FOLLOW = "decoding stops at the first type error: more may follow"

_WALKER_FINDS = ("Object contains unknown field", "Invalid enum value")
_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_AT_PATH = re.compile(r"^(?P<message>.*) - at `(?P<path>\$[^`]*)`$", re.DOTALL)
_ESCAPE = re.compile(rb"\\.", re.DOTALL)
_STRING = re.compile(rb'"[^"]*"')
_NOT_BRACKETS = bytes(set(range(256)) - set(b"[]{}"))
_OPENERS = frozenset(b"[{")


# --- the walker ----------------------------------------------------------------------------------


def problems_of(raw: Any, model: Any) -> list[Problem]:
    """Every unknown field, enum value out of range and NUL character in ``raw`` (untyped JSON)
    read as ``model`` (a Struct type, or any type msgspec knows), in document order.

    Type mismatches are not reported here: decoding ``raw`` as the model does that.
    """
    found: list[tuple[_Where, str]] = []
    _walk(raw, _type_info(model), None, found)
    return [(_path(where), message) for where, message in found]


@functools.cache
def _type_info(model: Any) -> inspect.Type:
    return inspect.type_info(model)


_Where = tuple[Any, str | int] | None
"""Where a value is: ``(parent, key or index)``, ``None`` for the root. A path string is built
only for a problem (most values have none, and formatting each one cost more than the walk)."""


def _path(where: _Where) -> str:
    keys: list[str | int] = []
    while where is not None:
        where, key = where
        keys.append(key)
    parts = ["$"]
    for key in reversed(keys):
        if isinstance(key, int):
            parts.append(f"[{key}]")
        elif _PLAIN_KEY.match(key):
            parts.append(f".{key}")
        else:
            parts.append(f"[{msgspec.json.encode(key).decode()}]")
    return "".join(parts)


_FIELDS: dict[type, dict[str, inspect.Type]] = {}
_ENUM_VALUES: dict[type, tuple[frozenset[str], str]] = {}
_ARRAYS = (inspect.ListType, inspect.SetType, inspect.FrozenSetType, inspect.VarTupleType)


def _fields_of(info: inspect.StructType) -> dict[str, inspect.Type]:
    """A Struct's fields by their JSON name (computed once per class)."""
    fields = _FIELDS.get(info.cls)
    if fields is None:
        fields = _FIELDS[info.cls] = {field.encode_name: field.type for field in info.fields}
    return fields


def _walk(raw: Any, info: inspect.Type, where: _Where, found: list[tuple[_Where, str]]) -> None:  # noqa: PLR0912 - one branch per JSON shape
    if isinstance(raw, str):
        if "\x00" in raw:
            found.append((where, NUL_MESSAGE))
        else:
            _check_enum(raw, info, where, found)
        return
    if not isinstance(raw, dict | list):
        return  # numbers, booleans and null: only their types can be wrong (msgspec's job)
    if isinstance(info, inspect.Metadata):
        info = info.type
    if isinstance(info, inspect.UnionType):
        info = _member_for(raw, info)
    if isinstance(raw, dict):
        if isinstance(info, inspect.StructType):
            fields = _fields_of(info)
            for key, value in raw.items():
                field = fields.get(key)
                if field is None:
                    found.append(((where, key), _unknown(key, fields)))
                else:
                    _walk(value, field, (where, key), found)
        elif isinstance(info, inspect.DictType | inspect.AnyType):
            value_type: inspect.Type = (
                info.value_type if isinstance(info, inspect.DictType) else info
            )
            for key, value in raw.items():
                if "\x00" in key:
                    found.append(((where, key), NUL_MESSAGE))
                _walk(value, value_type, (where, key), found)
    elif isinstance(info, (*_ARRAYS, inspect.AnyType)):
        item: inspect.Type = info if isinstance(info, inspect.AnyType) else info.item_type
        for index, value in enumerate(raw):
            _walk(value, item, (where, index), found)
    elif isinstance(info, inspect.TupleType):
        for index, (value, item) in enumerate(zip(raw, info.item_types, strict=False)):
            _walk(value, item, (where, index), found)


def _unknown(key: str, fields: dict[str, inspect.Type]) -> str:
    """``unknown field``, with the declared field it most resembles (a typo's likely fix)."""
    close = difflib.get_close_matches(key, fields, n=1, cutoff=0.8)
    return f"{UNKNOWN_FIELD} (did you mean {close[0]!r}?)" if close else UNKNOWN_FIELD


def _member_for(raw: Any, union: inspect.UnionType) -> inspect.Type:
    """The member of a union that a JSON value of this shape decodes as (msgspec allows at most
    one object-like and one array-like member)."""
    wanted: tuple[type, ...]
    if isinstance(raw, dict):
        wanted = (inspect.StructType, inspect.DictType, inspect.TypedDictType)
    else:
        wanted = (*_ARRAYS, inspect.TupleType)
    for member in union.types:
        inner = member.type if isinstance(member, inspect.Metadata) else member
        if isinstance(inner, wanted):
            return inner
    return union


def _check_enum(
    raw: str, info: inspect.Type, where: _Where, found: list[tuple[_Where, str]]
) -> None:
    """A string where only an enum's values (or null) may go must be one of them."""
    if isinstance(info, inspect.EnumType):
        enum = info.cls
    elif isinstance(info, inspect.UnionType):
        members = [m for m in info.types if not isinstance(m, inspect.NoneType)]
        if len(members) != 1 or not isinstance(members[0], inspect.EnumType):
            return  # a string may also be another member (or the type error is msgspec's)
        enum = members[0].cls
    else:
        return
    known = _ENUM_VALUES.get(enum)
    if known is None:
        values = [str(member.value) for member in enum]
        known = _ENUM_VALUES[enum] = (frozenset(values), ", ".join(values))
    if raw not in known[0]:
        found.append((where, f"{raw!r} is not one of {known[1]}"))


# --- decoding a request body ---------------------------------------------------------------------


def nesting_depth(data: bytes) -> int:
    """How deeply arrays and objects nest in ``data`` (JSON text), without parsing it.

    Escapes are dropped, then strings, so brackets inside them do not count: linear passes in C
    over the bytes, then a running sum over the brackets alone.
    """
    brackets = _STRING.sub(b"", _ESCAPE.sub(b"", data)).translate(None, _NOT_BRACKETS)
    steps = (1 if byte in _OPENERS else -1 for byte in brackets)
    return max(itertools.accumulate(steps, initial=0))


def decode_checked(data: bytes, model: type[M]) -> tuple[M | None, list[Problem]]:
    """``data`` decoded as ``model`` (``None`` if it does not decode) and every problem of it:
    each unknown field, bad enum value and NUL character at once, plus msgspec's first type error.

    Raises `MalformedBodyError` for bytes that are not UTF-8, JSON nested deeper than
    ``limits.MAX_JSON_DEPTH`` or not JSON at all.
    """
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        msg = f"not valid UTF-8 (byte {error.start})"
        raise MalformedBodyError(msg) from None
    if nesting_depth(data) > limits.MAX_JSON_DEPTH:
        msg = f"arrays and objects nest deeper than {limits.MAX_JSON_DEPTH} levels"
        raise MalformedBodyError(msg)
    try:
        raw = msgspec.json.decode(data)
    except (msgspec.DecodeError, RecursionError) as error:
        raise MalformedBodyError(str(error)) from None
    problems = problems_of(raw, model)
    try:
        decoded = _decoder(model).decode(data)  # typed: exactly msgspec's JSON semantics
    except msgspec.ValidationError as error:
        path, message = explain(error)
        restated = message.startswith(_WALKER_FINDS) and problems  # already reported above
        if not restated and all(path != seen for seen, _ in problems):
            problems.append((path, f"{message} ({MORE_MAY_FOLLOW})"))
        return None, problems
    return decoded, problems


def decode_body(data: bytes, model: type[M]) -> M:
    """A request body as ``model``, checked by the one rule at every depth.

    Raises `MalformedBodyError` (400) as `decode_checked` does, and `InvalidBodyError` (422)
    with every problem it finds.
    """
    decoded, problems = decode_checked(data, model)
    if decoded is None or problems:
        raise InvalidBodyError(problems)
    return decoded


_DECODERS: dict[Any, msgspec.json.Decoder[Any]] = {}


def _decoder(model: type[M]) -> msgspec.json.Decoder[M]:
    """One typed decoder per model, built on first use and kept (as codec's module-level ones)."""
    decoder = _DECODERS.get(model)
    if decoder is None:
        decoder = _DECODERS[model] = msgspec.json.Decoder(model)
    return decoder


def explain(error: msgspec.DecodeError) -> Problem:
    """A msgspec error as ``(path, message)``; ``$`` when msgspec names no field."""
    text = str(error)
    match = _AT_PATH.match(text)
    if match is None:
        return "$", text
    return match["path"], match["message"]
