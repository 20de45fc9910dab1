"""Generic request checks that run before every handler (a ``before_request`` hook), after the
auth middleware (``service.api.auth.AuthMiddleware``).

* Unknown query parameters are a 400, so a typo (``?limt=5``) is not silently ignored.
* A handler that takes a body accepts only JSON (``application/json`` or ``+json``): anything else
  is a 415 before the body is read.

Both rules read the app's own OpenAPI document, indexed once at startup by operation id: the
query parameters an operation declares there (Litestar writes them from the handler's signature,
aliases included) and whether it has a request body. What the document promises is what is
checked, from one source.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Litestar, Request
from litestar.exceptions import ClientException

from service.api.errors import UnsupportedMediaTypeError

OPERATIONS = "operations_by_id"
"""Key in ``app.state``: ``operation id -> Operation``, what `check_request` needs of each."""

_METHODS = ("get", "put", "post", "patch", "delete")


class Operation(msgspec.Struct, frozen=True):
    """The request rules of one documented operation."""

    query: frozenset[str]
    """Names of its query parameters."""
    takes_body: bool
    """Whether it has a request body (JSON only)."""


_NONE = Operation(query=frozenset(), takes_body=False)


def index_operations(app: Litestar) -> None:
    """Startup hook: the query parameters and body of every operation of the OpenAPI document."""
    index: dict[str, Operation] = {}
    for path_item in (app.openapi_schema.paths or {}).values():
        for method in _METHODS:
            operation = getattr(path_item, method, None)
            if operation is None or operation.operation_id is None:
                continue
            names = frozenset(
                parameter.name
                for parameter in operation.parameters or ()
                if getattr(parameter, "param_in", None) == "query"
            )
            index[operation.operation_id] = Operation(
                query=names, takes_body=operation.request_body is not None
            )
    app.state[OPERATIONS] = index


async def check_request(request: Request[Any, Any, Any]) -> None:
    """Reject unknown query parameters (400) and non-JSON bodies (415)."""
    operation_id = request.route_handler.operation_id
    index: dict[str, Operation] = request.app.state.get(OPERATIONS, {})
    operation = index.get(operation_id, _NONE) if isinstance(operation_id, str) else _NONE
    if request.scope.get("query_string"):
        unknown = sorted(set(request.query_params) - operation.query)
        if unknown:
            raise ClientException(f"Unknown query parameter(s): {', '.join(unknown)}.")
    if operation.takes_body:
        content_type, _ = request.content_type
        if content_type != "application/json" and not content_type.endswith("+json"):
            shown = content_type or "no content type"
            raise UnsupportedMediaTypeError(f"Expected an application/json body, got {shown!r}.")
