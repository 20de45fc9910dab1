"""Reading and decoding request bodies and parameters: every bad byte is the client's 4xx.

`BodyRequest` is the app's request class. Litestar reads a body through ``Request.json()``
(then converts the result into the handler's ``data`` type); here that step decodes the bytes with
``service.domain.strict.decode_body`` into the handler's own model, so every body, present and
future, follows the one rule of ``briefs validate``: unknown fields at any depth, enum values, NUL
characters, nesting depth and UTF-8. Around it:

* a ``charset`` other than UTF-8 in ``Content-Type`` is a 415 (JSON is UTF-8, RFC 8259);
* reading the body has a time limit (``Settings.body_timeout_seconds``): 408, connection closed;
* a client that goes away mid-body is logged as one info line and answered 400 (nobody reads it),
  never a 500 with a traceback;
* a NUL character in a query or path parameter is a 400 (PostgreSQL cannot store or compare it).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import typing
from collections.abc import AsyncGenerator, Callable
from http import HTTPStatus
from typing import Any

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.exceptions import (
    ClientException,
    HTTPException,
    InternalServerException,
    ValidationException,
)
from litestar.types import Empty

from service.api.errors import UnsupportedMediaTypeError
from service.domain.strict import NUL_MESSAGE, decode_body
from service.observability.requestid import request_id_of

logger = logging.getLogger("service.api")

_UTF8 = frozenset({"utf-8", "utf8"})


class RequestTimeoutError(HTTPException):
    """The request body did not arrive within ``Settings.body_timeout_seconds``."""

    status_code = HTTPStatus.REQUEST_TIMEOUT


class ClientDisconnectedError(ClientException):
    """The client went away before sending its whole body (nobody will read the answer)."""


class BodyRequest(Request[Any, Any, Any]):
    """Litestar's request, with bounded body reads and the one decoding rule."""

    async def stream(self) -> AsyncGenerator[bytes, None]:
        """The body's chunks; a disconnect mid-body is the client's error, logged quietly."""
        try:
            async for chunk in super().stream():
                yield chunk
        except InternalServerException as error:
            if "disconnected" not in str(error.detail):
                raise
            logger.info(
                "client disconnected while sending the body of %s %s (request_id=%s)",
                self.method,
                self.url.path,
                request_id_of(self.scope),
            )
            raise ClientDisconnectedError(
                "The client disconnected before the body ended."
            ) from None

    async def body(self) -> bytes:
        """The whole body, read within the configured time limit."""
        limit: float = self.app.state.settings.body_timeout_seconds
        try:
            async with asyncio.timeout(limit):
                return await super().body()
        except TimeoutError:
            raise RequestTimeoutError(
                f"The request body did not arrive within {limit:g} seconds.",
                headers={"Connection": "close"},
            ) from None

    async def json(self) -> Any:
        """The body decoded as the handler's ``data`` type (a model instance, checked)."""
        if self._json is Empty:
            _, options = self.content_type
            charset = options.get("charset")
            if charset is not None and charset.strip().lower() not in _UTF8:
                raise UnsupportedMediaTypeError(f"JSON bodies are UTF-8; got charset={charset!r}.")
            model = body_model(self.route_handler.fn)
            self._json = self._connection_state.json = decode_body(await self.body(), model)
        return self._json


@functools.cache
def body_model(handler_fn: Callable[..., Any]) -> Any:
    """The model a handler declares for its ``data`` parameter, from the function's own
    annotations (``Annotated`` extras stripped); ``Any`` for a handler without a body."""
    return typing.get_type_hints(handler_fn).get("data", Any)


def reject_nul_parameters(connection: ASGIConnection[Any, Any, Any, Any], _: object) -> None:
    """Guard: a NUL character in a query or path parameter (name or value) is a 400.

    Litestar decodes ``%00`` into the value; PostgreSQL then fails on it (a 500) where SQLite
    would match it, so both backends reject it here alike, before any handler runs.
    """
    for name, value in connection.query_params.multi_items():
        if "\x00" in name or (isinstance(value, str) and "\x00" in value):
            raise _nul_parameter("query", name)
    for name, value in connection.path_params.items():
        if isinstance(value, str) and "\x00" in value:
            raise _nul_parameter("path", name)


def _nul_parameter(source: str, name: str) -> ValidationException:
    shown = name.replace("\x00", "\\u0000")
    return ValidationException(
        f"Invalid {source} parameter {shown!r}.",
        extra=[{"source": source, "key": shown, "message": NUL_MESSAGE}],
    )
