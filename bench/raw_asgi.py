"""The ceilings for ``bench.api_load``: canned bytes served with no framework, and through Litestar.

It answers ``GET <path>?<query>`` with the exact body, status and content type recorded from the
real API (``BENCH_RAW_BODIES`` names a JSON file ``{"<path>?<query>": {"body": "...",
"content_type": "..."}}``), so the difference between it and ``briefs serve`` on the same server
(granian, one worker) is the cost of the framework, the routing, the store and the cache.

``litestar_app`` serves the same bytes from one catch-all Litestar route with no middleware,
guard, dependency or logging: the floor of any Litestar app, between the two.

Run: ``BENCH_RAW_BODIES=bodies.json granian --interface asgi bench.raw_asgi:app`` (or
``bench.raw_asgi:litestar_app``).
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


def load_bodies(path: Path) -> None:
    """Replace the canned answers (for in-process use, where no environment variable is set)."""
    _ROUTES.clear()
    _ROUTES.update(_load(str(path)))


def _answer(scope: Scope) -> tuple[int, bytes, list[tuple[bytes, bytes]]]:
    target = scope["path"].encode()
    if scope["query_string"]:
        target += b"?" + scope["query_string"]
    found = _ROUTES.get(target)
    if found is None:
        return 404, _NOT_FOUND, [(b"content-type", b"application/problem+json")]
    body, headers = found
    return 200, body, headers


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
    status, body, headers = _answer(scope)
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _litestar_app() -> Any:
    from litestar import Litestar, Request, Response, get

    @get("/{path:path}", sync_to_thread=False)
    def canned(request: Request[Any, Any, Any]) -> Response[bytes]:
        status, body, headers = _answer(request.scope)  # type: ignore[arg-type]
        media_type = dict(headers).get(b"content-type", b"application/json").decode()
        return Response(body, status_code=status, media_type=media_type)

    # Annotations are strings here (``from __future__``): name the local types for Litestar.
    namespace = {"Request": Request, "Response": Response, "Any": Any}
    # No logging config: it logs nothing per request, and its handler on the root logger would
    # also print the access lines of the apps ``--cpu`` measures beside it.
    return Litestar([canned], debug=False, signature_namespace=namespace, logging_config=None)


litestar_app = _litestar_app()
