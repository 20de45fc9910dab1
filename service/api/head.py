"""``HEAD`` on every ``GET`` route (RFC 9110, section 9.3.2): the status and headers the ``GET``
would get, without its body.

Litestar answers ``HEAD`` only on handlers declared for it, and every read here is a ``GET``, so
`HeadAsGet` turns an HTTP ``HEAD`` into a ``GET`` for the layers inside it and drops the body of
their answer. Whatever the ``GET`` goes through applies unchanged: routing (404, and 405 with its
``Allow`` header on a path without ``GET``), authentication (a ``HEAD`` needs what the ``GET``
needs), the fast path, conditional requests (304) and every response header, ``Content-Length``
included (the length the body would have had, as RFC 9110 allows). It adds ``HEAD`` to any
``Allow`` header that lists ``GET`` (405 answers, ``OPTIONS``) and sorts every ``Allow`` header,
a ``HEAD``'s 405 included: the router lists methods in no fixed order.

``create_app`` puts this layer between the request observer and Litestar, so the observer gives
the answer its ``X-Request-ID`` and logs and counts the request as the ``HEAD`` it was.

The ``GET`` runs on a shallow copy of the scope, not on the server's own dict: a server may read
``scope["method"]`` back while sending (uvicorn does, to accept an empty body under a non-zero
``Content-Length``), so the server must go on seeing ``HEAD``. The layers inside write into the
scope what the observer reads once the app returns (``path_template``; ``state`` is one dict shared
by both scopes), so those writes are copied back when the ``GET`` is done.
"""

from __future__ import annotations

from typing import Any, cast

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send


class HeadAsGet:
    """ASGI wrapper: an HTTP ``HEAD`` is answered as the wrapped app answers the ``GET``, with
    every body message emptied; anything else passes through untouched."""

    __slots__ = ("app",)

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on, as a ``GET`` if it is an HTTP ``HEAD``."""
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        if scope["method"] != "HEAD":
            await self.app(scope, receive, _allow_head(send))
            return

        async def send_without_body(message: Message) -> None:
            # A new message: the one given may be shared (a cached answer's), and ``more_body``
            # must stay as sent so the server still sees where the answer ends.
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        as_get = cast("Scope", {**scope, "method": "GET"})
        try:
            await self.app(as_get, receive, _allow_head(send_without_body))
        finally:
            # What the layers inside wrote (the route template, ...) is for the observer too.
            outer = cast("dict[str, Any]", scope)
            outer.update(as_get)
            outer["method"] = "HEAD"


def _allow_head(send: Send) -> Send:
    """``send``, with an ``Allow`` header (405 answers, OPTIONS) listing ``HEAD`` wherever it
    lists ``GET`` (the router lists the methods of its handlers, and ``HEAD`` is answered here,
    not by one), sorted, so that a 405 and an ``OPTIONS`` on one path list the same methods."""

    async def send_with_head_allowed(message: Message) -> None:
        # Only a 405 or an OPTIONS answer (204) carries ``Allow``: skip the header scan otherwise.
        if message["type"] == "http.response.start" and message["status"] in {204, 405}:
            headers = message.get("headers") or ()
            if any(name == b"allow" for name, _ in headers):
                message = {**message, "headers": [_with_head(pair) for pair in headers]}
        await send(message)

    return send_with_head_allowed


def _with_head(header: tuple[bytes, bytes]) -> tuple[bytes, bytes]:
    name, value = header
    if name != b"allow":
        return header
    methods = {method.strip() for method in value.split(b",")}
    if b"GET" in methods:
        methods.add(b"HEAD")
    return name, b", ".join(sorted(methods))
