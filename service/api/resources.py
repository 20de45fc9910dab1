"""A resource's routes as one Litestar `Router`: what its operations share is said once.

Each route module hands its handlers to `resource` with what they share: the path they sit
under, their OpenAPI tag and, for a resource that only some scope may use, the ``opt`` naming it
(``service.api.auth``). The router also gets one ``OPTIONS`` handler per path.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from litestar import Response, Router, route
from litestar.enums import HttpMethod
from litestar.handlers import HTTPRouteHandler
from litestar.utils import join_paths

from service.api.auth import PUBLIC_OPT


def resource(
    path: str,
    *handlers: HTTPRouteHandler,
    tag: str | None = None,
    opt: Mapping[str, Any] | None = None,
) -> Router:
    """The handlers of one resource, their paths relative to ``path``, tagged ``tag`` (when
    given) and carrying ``opt``, with their ``OPTIONS`` handlers."""
    return Router(
        path,
        route_handlers=[*options_handlers(path, handlers), *handlers],
        tags=None if tag is None else [tag],
        opt=dict(opt or {}),
    )


def options_handlers(prefix: str, handlers: Sequence[HTTPRouteHandler]) -> list[HTTPRouteHandler]:
    """One ``OPTIONS`` handler per path, its ``Allow`` the same list a 405 on that path sends.

    Litestar makes an ``OPTIONS`` handler for the first handler registered on a path and keeps
    it when more handlers join the path, so it listed ``GET`` alone where ``POST`` is allowed
    too. Registered first, these take its place.
    """
    methods: dict[str, set[str]] = defaultdict(lambda: {"OPTIONS"})
    for handler in handlers:
        for path in handler.paths:
            methods[path] |= set(handler.http_methods)
    made = []
    for path, allowed in methods.items():
        if "GET" in allowed:
            allowed.add("HEAD")  # answered by `HeadAsGet` for every GET route
        name = f"options:{join_paths([prefix, path])}"
        made.append(_options_handler(path, ", ".join(sorted(allowed)), name))
    return made


def _options_handler(path: str, allow: str, name: str) -> HTTPRouteHandler:
    def options() -> Response[None]:
        return Response(content=None, status_code=204, headers={"Allow": allow})

    return route(
        path,
        http_method=[HttpMethod.OPTIONS],
        include_in_schema=False,
        sync_to_thread=False,
        opt={PUBLIC_OPT: True},
        name=name,
    )(options)
