"""Request ids: accept a sane incoming ``X-Request-ID`` or make a random one, and echo it on every
response.

The id lives in ``scope["state"]["request_id"]`` (the access log and error bodies read it there).
The request observer (`service.observability.requests`) assigns it before anything else runs and
stamps the header on every response start message (`with_request_id`), so even responses produced
before routing (404 for an unknown path, 405) carry it. `request_id_of` also assigns it lazily, for
an app driven without its startup hooks (which install the observer).
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Iterable
from typing import Any

from litestar.types import Scope

HEADER = "x-request-id"
_HEADER_BYTES = HEADER.encode()
_SANE = re.compile(r"[A-Za-z0-9._-]{1,128}")


_ID_BYTES = 16
_BATCH_BYTES = _ID_BYTES * 256


class _Entropy:
    """Bytes from the OS's CSPRNG, fetched 4 KiB at a time and handed out 16 at a time.

    ``secrets.token_hex(16)`` makes one ``getrandom`` call per request, and every such call lets
    go of the GIL: under load granian's threads take it then, and the event loop waits to get it
    back (a futex wait and a context switch per request, docs/performance.md). Each id is still 16
    bytes of the CSPRNG's output, used once, so one id says nothing about another. A forked
    worker starts with an empty buffer (`os.register_at_fork`): it never repeats its parent's ids.
    """

    buffer = b""
    offset = 0

    @classmethod
    def take(cls) -> bytes:
        offset = cls.offset
        if offset + _ID_BYTES > len(cls.buffer):
            cls.buffer, offset = secrets.token_bytes(_BATCH_BYTES), 0
        cls.offset = offset + _ID_BYTES
        return cls.buffer[offset : offset + _ID_BYTES]

    @classmethod
    def forget(cls) -> None:
        cls.buffer, cls.offset = b"", 0


os.register_at_fork(after_in_child=_Entropy.forget)


def new_request_id() -> str:
    """A random id: 128 bits from the OS's CSPRNG as 32 hex digits (the shape of ``uuid4().hex``).

    Not a prefix and a counter: ids are echoed to clients and appear in logs, and must not let one
    request's id predict another's (how many requests a worker served, or the next id).
    """
    return _Entropy.take().hex()


def request_id_of(scope: Scope | dict[str, Any]) -> str:
    """The request id of this connection, taken from a sane header or generated once."""
    state: dict[str, Any] = scope.setdefault("state", {})
    request_id = state.get("request_id")
    if isinstance(request_id, str):
        return request_id
    incoming = _incoming(scope)
    request_id = incoming if incoming is not None else new_request_id()
    state["request_id"] = request_id
    return request_id


def _incoming(scope: Scope | dict[str, Any]) -> str | None:
    for name, value in scope.get("headers", ()):
        if name.lower() == _HEADER_BYTES:
            text = value.decode("latin-1")
            return text if _SANE.fullmatch(text) else None
    return None


def with_request_id(
    headers: Iterable[tuple[bytes, bytes]], header: tuple[bytes, bytes]
) -> list[tuple[bytes, bytes]]:
    """A new header list: ``headers`` without any ``X-Request-ID`` of their own, plus ``header``
    (``(b"x-request-id", id)``). The list given is left as it is: it may be a cached one."""
    kept = [pair for pair in headers if pair[0].lower() != _HEADER_BYTES]
    kept.append(header)
    return kept


def request_id_header(request_id: str) -> tuple[bytes, bytes]:
    """The response header pair carrying ``request_id``."""
    return (_HEADER_BYTES, request_id.encode("latin-1"))
