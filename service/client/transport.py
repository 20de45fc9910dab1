"""Sending requests and reading responses: the one place where httpx exceptions and raw bodies
are turned into the client's exceptions and models."""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid
from collections.abc import AsyncIterator, Collection, Mapping
from types import TracebackType
from typing import Any, Self, TypeVar
from urllib.parse import quote

import httpx
import msgspec

from service.client.errors import (
    BriefsClientError,
    ConnectError,
    RequestTimeoutError,
    ResponseDecodeError,
    TransportError,
    api_error,
)

T = TypeVar("T")

QueryValue = str | int | bool | dt.date | None
"""A query parameter value; ``None`` leaves the parameter out."""

DEFAULT_TIMEOUT = httpx.Timeout(10.0, connect=5.0)
"""Sane defaults for interactive use: fail fast on a dead server, allow slow large responses."""

USER_AGENT = "briefs-client/0.1"
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
"""Methods retried once on a dropped keep-alive connection (``PUT`` carries ``If-Match`` too)."""
REQUEST_ID_HEADER = "X-Request-ID"

_encoder = msgspec.json.Encoder()


def path_segment(value: str | int | dt.date) -> str:
    """One percent-encoded path segment (a date becomes ``YYYY-MM-DD``)."""
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    return quote(text, safe="")


def media_type(response: httpx.Response) -> str:
    """The response's media type, lower-cased, without parameters."""
    content_type: str = response.headers.get("content-type", "")
    return content_type.split(";", 1)[0].strip().lower()


def is_json_media_type(value: str) -> bool:
    """``application/json`` or any ``+json`` structured syntax suffix."""
    return value == "application/json" or (value.startswith("application/") and "+json" in value)


class HttpSession:
    """Owns the injected `httpx.AsyncClient` calls; `BriefsClient` adds the endpoints on top.

    ``http`` is closed by `aclose` only when ``owns_http`` is true (as with
    `BriefsClient.connect`); an injected client stays the caller's to close.
    """

    def __init__(
        self, http: httpx.AsyncClient, *, token: str | None = None, owns_http: bool = False
    ) -> None:
        self.http = http
        self._owns_http = owns_http
        self._headers = {"User-Agent": USER_AGENT}
        if token:
            self._headers["Authorization"] = f"Bearer {token}"

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the underlying HTTP client if this session created it."""
        if self._owns_http:
            await self.http.aclose()

    async def send(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, QueryValue] | None = None,
        body: Any = None,
        headers: Mapping[str, str] | None = None,
        accept_statuses: Collection[int] = (),
    ) -> httpx.Response:
        """Send one request; return a 2xx response (or one of ``accept_statuses``) or raise a
        `BriefsClientError`."""
        request_headers = {**self._headers, REQUEST_ID_HEADER: uuid.uuid4().hex}
        content: bytes | None = None
        if body is not None:
            content = _encoder.encode(body)
            request_headers["Content-Type"] = "application/json"
        if headers:
            request_headers.update(headers)
        where = f"{method} {path}"
        try:
            request = self.http.build_request(
                method, path, params=_query(params), content=content, headers=request_headers
            )
            try:
                response = await self.http.send(request)
            except httpx.RemoteProtocolError:
                # A pooled keep-alive connection the server had already closed: the request
                # never reached it. Retrying is safe for idempotent methods only.
                if method not in IDEMPOTENT_METHODS:
                    raise
                response = await self.http.send(request)
        except (httpx.HTTPError, httpx.InvalidURL) as error:
            raise self.transport_error(error, where) from None
        request_id = response.headers.get(REQUEST_ID_HEADER)
        if response.status_code in accept_statuses:
            return response
        if response.status_code >= 400:
            raise api_error(
                response.status_code,
                response.headers.get("content-type", ""),
                response.content,
                request_id,
            )
        if not 200 <= response.status_code < 300:
            raise ResponseDecodeError(
                f"Unexpected HTTP {response.status_code} answer to {where}.",
                status=response.status_code,
                request_id=request_id,
            )
        return response

    def transport_error(self, error: Exception, where: str) -> TransportError:
        """The client's error for an httpx failure of ``where`` (``GET /v1/...``)."""
        if isinstance(error, httpx.TimeoutException):
            return RequestTimeoutError(
                f"The server at {self._origin()} did not answer {where} in time."
            )
        reason = _reason(error)
        if isinstance(error, httpx.ConnectError):
            return ConnectError(
                f"Cannot connect to the server at {self._origin()} ({reason}).", reason=reason
            )
        return TransportError(f"{where} failed: {reason}.")

    @contextlib.asynccontextmanager
    async def stream(
        self,
        path: str,
        expected_media_type: str,
        *,
        params: Mapping[str, QueryValue] | None = None,
        headers: Mapping[str, str] | None = None,
        timeouts: httpx.Timeout | None = None,
    ) -> AsyncIterator[AsyncIterator[bytes]]:
        """``GET`` a streamed body of ``expected_media_type``: its chunks as they arrive, for the
        block. An error status raises its `APIError`; another media type, a
        `ResponseDecodeError`; a failure before or while reading, a `TransportError`."""
        request_headers = {**self._headers, REQUEST_ID_HEADER: uuid.uuid4().hex, **(headers or {})}
        where = f"GET {path}"
        try:
            request = self.http.build_request(
                "GET",
                path,
                params=_query(params),
                headers=request_headers,
                timeout=timeouts if timeouts is not None else httpx.USE_CLIENT_DEFAULT,
            )
            response = await self.http.send(request, stream=True)
        except (httpx.HTTPError, httpx.InvalidURL) as error:
            raise self.transport_error(error, where) from None
        try:
            if response.status_code >= 400:
                body = await self._read_all(response, where)
                raise api_error(
                    response.status_code,
                    response.headers.get("content-type", ""),
                    body,
                    response.headers.get(REQUEST_ID_HEADER),
                ) from None
            found = media_type(response)
            if found != expected_media_type:
                why = f"expected {expected_media_type}, got {found or 'no content type'}"
                raise self._decode_error(response, why)
            yield self._chunks(response, where)
        finally:
            await response.aclose()

    async def _read_all(self, response: httpx.Response, where: str) -> bytes:
        try:
            return await response.aread()
        except httpx.HTTPError as error:
            raise self.transport_error(error, where) from None

    async def _chunks(self, response: httpx.Response, where: str) -> AsyncIterator[bytes]:
        try:
            async for chunk in response.aiter_bytes():
                yield chunk
        except httpx.HTTPError as error:
            raise self.transport_error(error, where) from None

    def _decode(self, response: httpx.Response, decoder: msgspec.json.Decoder[T]) -> T:
        """Decode a JSON body; a wrong media type or an invalid body is a `ResponseDecodeError`."""
        found = media_type(response)
        if not is_json_media_type(found):
            raise self._decode_error(response, f"expected JSON, got {found or 'no content type'}")
        try:
            return decoder.decode(response.content)
        except msgspec.DecodeError as error:
            raise self._decode_error(response, str(error)) from None

    def _text(self, response: httpx.Response, expected_media_type: str) -> str:
        """A text body of the expected media type."""
        found = media_type(response)
        if found != expected_media_type:
            raise self._decode_error(
                response, f"expected {expected_media_type}, got {found or 'no content type'}"
            )
        try:
            return response.content.decode(response.encoding or "utf-8")
        except (UnicodeDecodeError, LookupError) as error:
            raise self._decode_error(response, str(error)) from None

    def _etag(self, response: httpx.Response) -> str:
        """The response's strong ETag; its absence is a broken contract."""
        etag: str | None = response.headers.get("etag")
        if not etag:
            raise self._decode_error(response, "the ETag header is missing")
        return etag

    def _decode_error(self, response: httpx.Response, why: str) -> BriefsClientError:
        request = response.request
        return ResponseDecodeError(
            f"Unreadable answer to {request.method} {request.url.path}: {why}.",
            status=response.status_code,
            request_id=response.headers.get(REQUEST_ID_HEADER),
        )

    def _origin(self) -> str:
        url = self.http.base_url
        return f"{url.scheme}://{url.netloc.decode('ascii')}" if url.host else "the server"


def _query(params: Mapping[str, QueryValue] | None) -> dict[str, str]:
    if not params:
        return {}
    query: dict[str, str] = {}
    for name, value in params.items():
        if value is None:
            continue
        if isinstance(value, bool):
            query[name] = "true" if value else "false"
        elif isinstance(value, dt.date):
            query[name] = value.isoformat()
        else:
            query[name] = str(value)
    return query


def _reason(error: Exception) -> str:
    text = str(error).strip()
    return text or type(error).__name__
