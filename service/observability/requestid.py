"""Request ids: accept a sane incoming ``X-Request-ID`` or make one, and echo it on every response.

The id lives in ``scope["state"]["request_id"]`` (the access log and error bodies read it there).
The request observer (`service.observability.requests`) assigns it before anything else runs and
stamps the header on every response start message (`with_request_id`), so even responses produced
before routing (404 for an unknown path, 405) carry it. `request_id_of` also assigns it lazily, for
an app driven without its startup hooks (which install the observer).
"""

from __future__ import annotations

import itertools
import os
import re
import secrets
from collections.abc import Iterable
from typing import Any

from litestar.types import Scope

HEADER = "x-request-id"
_HEADER_BYTES = HEADER.encode()
_SANE = re.compile(r"[A-Za-z0-9._-]{1,128}")


class _Ids:
    """Generated ids: 32 hex digits, a random per-process prefix and a counter.

    As unique as ``uuid4().hex`` within and across processes (the prefix is redrawn in every
    forked worker) at a fraction of its cost: no ``os.urandom`` call per request.
    """

    prefix = ""
    counter: itertools.count[int] = itertools.count()

    @classmethod
    def reseed(cls) -> None:
        cls.prefix = secrets.token_hex(8)
        cls.counter = itertools.count()

    @classmethod
    def next(cls) -> str:
        return f"{cls.prefix}{next(cls.counter):016x}"


_Ids.reseed()
os.register_at_fork(after_in_child=_Ids.reseed)


def request_id_of(scope: Scope | dict[str, Any]) -> str:
    """The request id of this connection, taken from a sane header or generated once."""
    state: dict[str, Any] = scope.setdefault("state", {})
    request_id = state.get("request_id")
    if isinstance(request_id, str):
        return request_id
    incoming = _incoming(scope)
    request_id = incoming if incoming is not None else _Ids.next()
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
