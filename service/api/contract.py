"""The served OpenAPI document says what the server does (a startup hook, and the YAML route).

Litestar derives the document from the handlers and models; a few things it cannot know or drops
are put right here, once, after it is built:

* Request bodies reject unknown fields at every depth (``service.domain.strict``), so every object
  schema a request body reaches says ``additionalProperties: false``. Objects shared with responses
  get a strict copy named ``<Name>Input``: responses stay open (tolerant readers).
* No string of a request body may contain NUL: their patterns say so.
* A list of constrained strings (``Issue.parties``: slugs) keeps its items' pattern and lengths,
  taken from msgspec's own schema of the item type.
* ``listBriefs``' ``fields`` names brief fields only.
* ``If-Match`` is required on the brief ``PUT`` (the handler answers 428 without it; it is optional
  in the signature only so that the 428 is a problem the handler raises, not a 400).
* A response header always has a ``schema`` (OpenAPI requires one; ``Location`` had none).
* The fields of a brief the server sets are ``readOnly`` in the brief bodies: a body may echo
  them (a GET body, a stored revision's file), but only with the current values, which a schema
  cannot state (``service.domain.validate.read_only_problems``), so a generator leaves them out.

`YamlJsonRenderPlugin` serves ``/schema/openapi.yaml``: the JSON document, which is valid YAML 1.2,
so no YAML library is needed at run time.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import typing
from collections.abc import Iterator
from typing import Any

import msgspec
from litestar import Litestar, Request
from litestar.enums import OpenAPIMediaType
from litestar.openapi.plugins import OpenAPIRenderPlugin
from litestar.openapi.spec import OpenAPIHeader, OpenAPIType, Operation, Reference, Schema

from service.domain.models import READ_ONLY_FIELDS, Brief, BriefDraft, BriefUpdate

_PREFIX = "#/components/schemas/"
_INPUT = "Input"
_NOT_NUL = r"[^\u0000]"


@functools.cache  # walks every code point (~50 ms): once, when the document is built, not at import
def _not_space_or_nul() -> str:
    """A character class of what Python's ``\\S`` matches (msgspec checks patterns with ``re``),
    minus NUL, spelt out: ECMA, Rust and Python disagree on what ``\\s`` covers (U+001C-U+001F,
    U+0085, U+FEFF)."""
    spaces = [code for code in range(0x110000) if chr(code).isspace()]
    ranges: list[list[int]] = []
    for code in [0, *spaces]:
        if ranges and code == ranges[-1][1] + 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    parts = [
        f"\\u{low:04x}" if low == high else f"\\u{low:04x}-\\u{high:04x}" for low, high in ranges
    ]
    return f"[^{''.join(parts)}]"


_REQUIRED_HEADERS = {("updateBrief", "If-Match")}
_BRIEF_FIELDS = "|".join(sorted(Brief.__struct_fields__))
_FIELDS_PATTERN = f"^({_BRIEF_FIELDS})(,({_BRIEF_FIELDS}))*$"
"""The handler checks the names itself (422 for one that is no brief field); the schema says
which names there are."""
_READ_ONLY = {
    BriefUpdate.__name__: frozenset(READ_ONLY_FIELDS),
    # A new brief's document names its identity; the rest is the server's.
    BriefDraft.__name__: frozenset(READ_ONLY_FIELDS) - {"id", "as_of"},
}


class YamlJsonRenderPlugin(OpenAPIRenderPlugin):
    """``/schema/openapi.yaml`` (and ``.yml``): the document as JSON, a subset of YAML 1.2."""

    def __init__(self) -> None:
        super().__init__(
            path=["/openapi.yaml", "/openapi.yml"], media_type=OpenAPIMediaType.OPENAPI_YAML
        )

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        """The document's JSON bytes."""
        return self.render_json(request, openapi_schema)


def make_truthful(app: Litestar) -> None:
    """Startup hook: correct the built document in place (see the module docstring)."""
    document = app.openapi_schema
    components = document.components
    schemas: dict[str, Schema] = dict(components.schemas or {}) if components else {}
    _constrain_string_items(schemas)
    operations = [
        operation
        for item in (document.paths or {}).values()
        for method in ("get", "put", "post", "patch", "delete")
        if (operation := getattr(item, method, None)) is not None
    ]
    response_roots: list[Any] = []
    request_roots: list[Any] = []
    for operation in operations:
        response_roots += _fix_responses(operation)
        for parameter in operation.parameters or ():
            named = (operation.operation_id, getattr(parameter, "name", None))
            if named in _REQUIRED_HEADERS:
                parameter.required = True
            if named == ("listBriefs", "fields") and isinstance(parameter.schema, Schema):
                parameter.schema.pattern = _FIELDS_PATTERN
        body = operation.request_body
        if body is not None and not isinstance(body, Reference):
            request_roots += list((body.content or {}).values())
    shared = _reachable(response_roots, schemas)
    strict_names = _reachable([media.schema for media in request_roots], schemas)
    renamed = {
        name: f"{name}{_INPUT}"
        for name in strict_names
        if name in shared and _is_object(schemas[name])
    }
    for name in strict_names:
        schema = schemas[name]
        if name in renamed:
            schema = copy.deepcopy(schema)
            schema.title = renamed[name]
            schemas[renamed[name]] = schema
        if _is_object(schema):
            _close(schema)
        _exclude_nul(schema)
        _rename_refs(schema, renamed)
    for media in request_roots:
        _rename_refs(media, renamed)
    _mark_read_only(schemas)
    if components is not None:
        components.schemas = dict(sorted(schemas.items()))


def _mark_read_only(schemas: dict[str, Schema]) -> None:
    """``readOnly`` on the server's fields of the brief bodies (see the module docstring)."""
    for name, fields in _READ_ONLY.items():
        properties = schemas[name].properties or {} if name in schemas else {}
        for field, schema in properties.items():
            if field in fields and isinstance(schema, Schema):
                schema.read_only = True


def _fix_responses(operation: Operation) -> list[Any]:
    """Give every response header a schema; the response schemas, to find what they reach."""
    roots: list[Any] = []
    for response in (operation.responses or {}).values():
        for header in (getattr(response, "headers", None) or {}).values():
            if isinstance(header, OpenAPIHeader) and header.schema is None and not header.content:
                header.schema = Schema(type=OpenAPIType.STRING)
        roots += [media.schema for media in (getattr(response, "content", None) or {}).values()]
    return roots


def _is_object(schema: Schema) -> bool:
    return schema.type == OpenAPIType.OBJECT or schema.properties is not None


def _close(schema: Schema) -> None:
    """``additionalProperties: false`` on this object and on the inline objects inside it."""
    for node in _walk(schema):
        if isinstance(node, Schema) and _is_object(node) and node.additional_properties is None:
            node.additional_properties = False


def _exclude_nul(schema: Schema) -> None:
    """Request strings may not contain NUL (``service.domain.strict``): say so in each pattern.

    A string without a pattern gets ``^[^\\u0000]*$``. In an existing pattern ``\\S`` (which
    matches NUL) becomes the explicit class of non-space, non-NUL characters, and an unanchored
    one is anchored between runs of non-NUL characters; classes like the slug's exclude NUL.
    """
    for node in _walk(schema):
        if not isinstance(node, Schema) or node.format is not None or node.enum is not None:
            continue
        types = node.type if isinstance(node.type, list | tuple) else [node.type]
        is_string = OpenAPIType.STRING in types or (
            node.type is None and (node.max_length is not None or node.min_length is not None)
        )
        if not is_string:
            continue
        if node.pattern is None:
            node.pattern = f"^{_NOT_NUL}*$"
            continue
        pattern = node.pattern.replace(r"\S", _not_space_or_nul())
        if not pattern.startswith("^"):
            pattern = f"^{_NOT_NUL}*{pattern}"
        if not pattern.endswith("$"):
            pattern = f"{pattern}{_NOT_NUL}*$"
        node.pattern = pattern


def _walk(node: Any) -> Iterator[Any]:
    """``node`` and every spec object nested in it (not following references)."""
    yield node
    if isinstance(node, list | tuple):
        for item in node:
            yield from _walk(item)
    elif isinstance(node, dict):
        for item in node.values():
            yield from _walk(item)
    elif dataclasses.is_dataclass(node) and not isinstance(node, type):
        for field in dataclasses.fields(node):
            value = getattr(node, field.name)
            if isinstance(value, list | tuple | dict) or dataclasses.is_dataclass(value):
                yield from _walk(value)


def _reachable(roots: list[Any], schemas: dict[str, Schema]) -> set[str]:
    """Names of the component schemas these roots reference, directly or through each other."""
    seen: set[str] = set()
    pending = list(roots)
    while pending:
        for node in _walk(pending.pop()):
            if isinstance(node, Reference) and node.ref.startswith(_PREFIX):
                name = node.ref.removeprefix(_PREFIX)
                if name not in seen and name in schemas:
                    seen.add(name)
                    pending.append(schemas[name])
    return seen


def _rename_refs(node: Any, renamed: dict[str, str]) -> None:
    for found in _walk(node):
        if isinstance(found, Reference) and found.ref.startswith(_PREFIX):
            name = found.ref.removeprefix(_PREFIX)
            if name in renamed:
                found.ref = _PREFIX + renamed[name]


def _structs() -> dict[str, type[msgspec.Struct]]:
    """Every Struct class by name (names defined twice are left out: ambiguous)."""
    found: dict[str, type[msgspec.Struct]] = {}
    twice: set[str] = set()
    pending: list[type[msgspec.Struct]] = [msgspec.Struct]
    while pending:
        cls = pending.pop()
        for sub in cls.__subclasses__():
            pending.append(sub)
            if sub.__name__ in found and found[sub.__name__] is not sub:
                twice.add(sub.__name__)
            found[sub.__name__] = sub
    return {name: cls for name, cls in found.items() if name not in twice}


def _constrain_string_items(schemas: dict[str, Schema]) -> None:
    """Put back the pattern and lengths of constrained strings in lists, which Litestar drops."""
    structs = _structs()
    for name, schema in schemas.items():
        cls = structs.get(name)
        if cls is None or not schema.properties:
            continue
        hints = typing.get_type_hints(cls, include_extras=True)
        for field, property_schema in schema.properties.items():
            item_type = _string_item_type(hints.get(field))
            items = getattr(property_schema, "items", None)
            if item_type is None or not isinstance(items, Schema) or items.pattern is not None:
                continue
            wanted = msgspec.json.schema(item_type)
            items.pattern = wanted.get("pattern")
            items.min_length = wanted.get("minLength")
            items.max_length = wanted.get("maxLength")
            items.description = items.description or wanted.get("description")


def _string_item_type(hint: Any) -> Any:
    """``X`` of a ``list[X]`` field (under Annotated/Optional) when X is a constrained ``str``."""
    while typing.get_origin(hint) is typing.Annotated:
        hint = typing.get_args(hint)[0]
    if typing.get_origin(hint) is not list:
        return None
    (item,) = typing.get_args(hint)
    if typing.get_origin(item) is typing.Annotated and typing.get_args(item)[0] is str:
        return item
    return None
