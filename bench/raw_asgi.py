"""The raw ceiling for ``bench.api_load``: a framework-free ASGI app serving canned bytes.

It answers ``GET <path>?<query>`` with the exact body, status and content type recorded from the
real API (``BENCH_RAW_BODIES`` names a JSON file ``{"<path>?<query>": {"body": "...",
"content_type": "..."}}``), so the difference between it and ``briefs serve`` on the same server
(granian, one worker) is the cost of the framework, the routing, the store and the cache.

Run: ``BENCH_RAW_BODIES=bodies.json granian --interface asgi bench.raw_asgi:app``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

_NOT_FOUND = b'{"title":"Not Found","status":404}'


def _load(path: str | None) -> dict[bytes, tuple[bytes, list[tuple[bytes, bytes]]]]:
    if not path:
        return {}
    recorded = json.loads(Path(path).read_text())
    routes: dict[bytes, tuple[bytes, list[tuple[bytes, bytes]]]] = {}
    for target, answer in recorded.items():
        body = answer["body"].encode()
        headers = [
            (b"content-type", answer["content_type"].encode()),
            (b"content-length", str(len(body)).encode()),
        ]
        routes[target.encode()] = (body, headers)
    return routes


_ROUTES = _load(os.environ.get("BENCH_RAW_BODIES"))


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    """ASGI 3 entry point: canned answers by path and query; lifespan is acknowledged."""
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    target = scope["path"].encode()
    if scope["query_string"]:
        target += b"?" + scope["query_string"]
    found = _ROUTES.get(target)
    if found is None:
        status, body = 404, _NOT_FOUND
        headers = [(b"content-type", b"application/problem+json")]
    else:
        status, (body, headers) = 200, found
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
