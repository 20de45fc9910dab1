"""JSON encoders and decoders, built once at module level and shared by every layer.

Files are written as indented JSON with a trailing newline, so that encode -> decode -> encode is
byte-stable and diffs in review stay readable.
"""

from __future__ import annotations

from typing import Any, TypeVar

import msgspec

from service.domain.models import Brief, Story

T = TypeVar("T")

encoder = msgspec.json.Encoder()
story_decoder = msgspec.json.Decoder(Story)
brief_decoder = msgspec.json.Decoder(Brief)


def encode(value: Any) -> bytes:
    """Compact JSON, as served on the wire."""
    return encoder.encode(value)


def encode_pretty(value: Any) -> bytes:
    """Indented JSON with a trailing newline, as stored in files."""
    return msgspec.json.format(encoder.encode(value), indent=2) + b"\n"


def decode_story(data: bytes | str) -> Story:
    """Decode one story; raises ``msgspec.ValidationError`` with a field path on bad input."""
    return story_decoder.decode(data)


def decode_brief(data: bytes | str) -> Brief:
    """Decode one brief revision; raises ``msgspec.ValidationError`` with a field path."""
    return brief_decoder.decode(data)


def to_builtins(value: Any) -> Any:
    """The JSON-shaped builtins (dicts, lists, str, ...) of a model."""
    return msgspec.to_builtins(value)


def convert(data: Any, type_: type[T]) -> T:
    """Convert JSON-shaped builtins into a model, validating as the decoders do."""
    return msgspec.convert(data, type_)
