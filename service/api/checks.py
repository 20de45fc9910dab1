"""Generic request checks that run before every handler (a ``before_request`` hook).

* Authentication and scopes first (``service.api.auth.authorize``).

* Unknown query parameters are a 400, so a typo (``?limt=5``) is not silently ignored. The allowed
  names are the query parameters each handler's own signature declares, read from the kwargs model
  Litestar built for its route (so aliases and dependencies count), indexed once at startup.
* A handler that takes a body accepts only JSON (``application/json`` or ``+json``): anything else
  is a 415 before the body is read.
"""

from __future__ import annotations

from typing import Any

from litestar import Litestar, Request
from litestar.exceptions import ClientException
from litestar.routes import HTTPRoute

from service.api.auth import authorize
from service.api.errors import UnsupportedMediaTypeError

QUERY_INDEX = "query_names_by_handler"
"""Key in ``app.state``: ``id(route handler) -> frozenset`` of its query parameter names."""


def index_query_parameters(app: Litestar) -> None:
    """Startup hook: record the query parameter names every route handler declares."""
    index: dict[int, frozenset[str]] = {}
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler, kwargs_model in route.route_handler_map.values():
            index[id(handler)] = frozenset(
                param.field_alias for param in kwargs_model.expected_query_params
            )
    app.state[QUERY_INDEX] = index


async def check_request(request: Request[Any, Any, Any]) -> None:
    """Authorize (401/403), then reject unknown query parameters (400) and non-JSON bodies (415)."""
    await authorize(request)
    handler = request.route_handler
    if request.scope.get("query_string"):
        index: dict[int, frozenset[str]] = request.app.state.get(QUERY_INDEX, {})
        allowed = index.get(id(handler), frozenset())
        unknown = sorted(set(request.query_params) - allowed)
        if unknown:
            raise ClientException(f"Unknown query parameter(s): {', '.join(unknown)}.")
    if "data" in handler.parsed_fn_signature.parameters and request.method in {
        "POST",
        "PUT",
        "PATCH",
    }:
        content_type, _ = request.content_type
        if content_type != "application/json" and not content_type.endswith("+json"):
            shown = content_type or "no content type"
            raise UnsupportedMediaTypeError(f"Expected an application/json body, got {shown!r}.")
