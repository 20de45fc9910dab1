"""Every failure becomes one of the client's exceptions, never an httpx one (MockTransport)."""

from __future__ import annotations

import socket
from collections.abc import Callable

import httpx
import msgspec
import pytest

import service.client
from service.client import BriefsClient, errors
from service.domain.wire import FieldError, ProblemDetail

from .samples import brief

Handler = Callable[[httpx.Request], httpx.Response]


def client_for(handler: Handler) -> BriefsClient:
    """A client whose every request is answered by ``handler``."""
    http = httpx.AsyncClient(base_url="http://briefs.test", transport=httpx.MockTransport(handler))
    return BriefsClient(http, owns_http=True)


def problem_response(status: int, **fields: object) -> httpx.Response:
    problem = ProblemDetail(title="Some title", status=status, request_id="req-1", **fields)  # type: ignore[arg-type]
    return httpx.Response(
        status,
        content=msgspec.json.encode(problem),
        headers={"content-type": "application/problem+json"},
    )


def assert_no_httpx_chain(error: BaseException) -> None:
    """``raise ... from None``: the httpx exception is neither cause nor shown context."""
    assert error.__cause__ is None
    assert error.__suppress_context__


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (400, errors.BadRequest),
        (401, errors.Unauthorized),
        (403, errors.Forbidden),
        (404, errors.NotFound),
        (409, errors.Conflict),
        (412, errors.PreconditionFailed),
        (413, errors.PayloadTooLarge),
        (415, errors.BadRequest),
        (422, errors.Unprocessable),
        (428, errors.PreconditionRequired),
        *[(status, errors.ServerError) for status in (500, 502, 503)],  # any 5xx
    ],
)
async def test_error_statuses_map_to_exception_classes(
    status: int, expected: type[errors.APIError]
) -> None:
    async with client_for(lambda _: problem_response(status, detail="It went wrong")) as client:
        with pytest.raises(expected) as caught:
            await client.get_story("harbour-talks")
    error = caught.value
    assert type(error) is expected
    assert error.status == status
    assert error.problem is not None
    assert error.problem.detail == "It went wrong"
    assert error.request_id == "req-1"
    assert "It went wrong" in str(error)
    assert f"HTTP {status}" in str(error)


async def test_412_carries_the_current_revision() -> None:
    def handler(_: httpx.Request) -> httpx.Response:
        return problem_response(
            412, detail="Brief 2025-03-14 is at revision 3.", current_revision=3
        )

    async with client_for(handler) as client:
        with pytest.raises(errors.PreconditionFailed) as caught:
            await client.update_brief("harbour-talks", "2025-03-14", brief(), if_match='"x"')
    assert caught.value.current_revision == 3
    assert "current revision is 3" in str(caught.value)


async def test_422_lists_field_errors_in_the_message() -> None:
    field_errors = [
        FieldError(path=f"$.issues[{i}].status", message="bad status") for i in range(5)
    ]

    async with client_for(lambda _: problem_response(422, errors=field_errors)) as client:
        with pytest.raises(errors.Unprocessable) as caught:
            await client.create_brief("harbour-talks", brief())
    assert caught.value.field_errors == field_errors
    message = str(caught.value)
    assert "$.issues[0].status: bad status" in message
    assert "and 2 more" in message


async def test_error_without_problem_body_still_maps_by_status() -> None:
    def handler(_: httpx.Request) -> httpx.Response:
        return httpx.Response(
            502,
            content=b"<html>Bad gateway</html>",
            headers={"content-type": "text/html", "x-request-id": "proxy-9"},
        )

    async with client_for(handler) as client:
        with pytest.raises(errors.ServerError) as caught:
            await client.list_stories()
    assert caught.value.problem is None
    assert caught.value.request_id == "proxy-9"
    assert str(caught.value) == "Server error (HTTP 502)."


async def test_unlisted_client_error_is_a_plain_api_error() -> None:
    async with client_for(lambda _: problem_response(418)) as client:
        with pytest.raises(errors.APIError) as caught:
            await client.list_stories()
    assert type(caught.value) is errors.APIError


async def test_garbage_body_is_a_decode_error() -> None:
    def handler(_: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, content=b"{not json", headers={"content-type": "application/json"}
        )

    async with client_for(handler) as client:
        with pytest.raises(errors.ResponseDecodeError) as caught:
            await client.get_story("harbour-talks")
    assert caught.value.status == 200
    assert "GET /v1/stories/harbour-talks" in str(caught.value)
    assert_no_httpx_chain(caught.value)


async def test_body_of_the_wrong_shape_is_a_decode_error() -> None:
    def handler(_: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"id": "harbour-talks"})  # no title

    async with client_for(handler) as client:
        with pytest.raises(errors.ResponseDecodeError, match="title"):
            await client.get_story("harbour-talks")


async def test_wrong_content_type_is_a_decode_error() -> None:
    def handler(_: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=b"<html></html>", headers={"content-type": "text/html"})

    async with client_for(handler) as client:
        with pytest.raises(errors.ResponseDecodeError, match="expected JSON, got text/html"):
            await client.list_stories()
        with pytest.raises(errors.ResponseDecodeError, match="expected text/markdown"):
            await client.export_markdown("harbour-talks", "2025-03-14")


async def test_missing_etag_is_a_decode_error() -> None:
    def handler(_: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, content=msgspec.json.encode(brief()), headers={"content-type": "application/json"}
        )

    async with client_for(handler) as client:
        with pytest.raises(errors.ResponseDecodeError, match="ETag"):
            await client.get_brief("harbour-talks", "2025-03-14")


async def test_redirect_is_not_followed_silently() -> None:
    def handler(_: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"location": "/elsewhere"})

    async with client_for(handler) as client:
        with pytest.raises(errors.ResponseDecodeError, match="Unexpected HTTP 302"):
            await client.list_stories()


@pytest.mark.parametrize(
    ("raised", "expected"),
    [
        (httpx.ConnectError("[Errno 111] Connection refused"), errors.ConnectError),
        (httpx.ConnectTimeout("timed out"), errors.RequestTimeoutError),
        (httpx.ReadTimeout("timed out"), errors.RequestTimeoutError),
        (httpx.PoolTimeout("timed out"), errors.RequestTimeoutError),
        (httpx.RemoteProtocolError("peer closed connection"), errors.TransportError),
        (httpx.ReadError("connection reset"), errors.TransportError),
    ],
)
async def test_transport_failures_map_without_leaking_httpx(
    raised: httpx.HTTPError, expected: type[errors.TransportError]
) -> None:
    def handler(_: httpx.Request) -> httpx.Response:
        raise raised

    async with client_for(handler) as client:
        with pytest.raises(expected) as caught:
            await client.list_stories()
    assert type(caught.value) is expected
    assert not isinstance(caught.value, httpx.HTTPError)
    assert_no_httpx_chain(caught.value)


def closed_port() -> int:
    """A loopback port with nothing listening (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


async def test_real_connection_refused() -> None:
    async with BriefsClient.connect(f"http://127.0.0.1:{closed_port()}", timeout=2.0) as client:
        with pytest.raises(errors.ConnectError) as caught:
            await client.health()
    assert str(caught.value).startswith("Cannot connect to the server at http://127.0.0.1:")
    assert_no_httpx_chain(caught.value)


async def test_real_read_timeout() -> None:
    # A listening socket that never answers: the request times out reading the response.
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        async with BriefsClient.connect(f"http://127.0.0.1:{port}", timeout=0.2) as client:
            with pytest.raises(
                errors.RequestTimeoutError, match="did not answer GET /healthz in time"
            ):
                await client.health()


def test_every_exception_is_a_briefs_client_error_exported_by_the_package() -> None:
    # The tests above raise the classes through `errors`; this keeps the package's names honest.
    tree = [
        value
        for value in vars(errors).values()
        if isinstance(value, type)
        and issubclass(value, Exception)
        and value.__module__ == errors.__name__
    ]
    assert len(tree) == 16
    for cls in tree:
        assert issubclass(cls, errors.BriefsClientError)
        assert getattr(service.client, cls.__name__) is cls
        assert cls.__name__ in service.client.__all__


@pytest.mark.parametrize(("method", "retried"), [("GET", True), ("PUT", True), ("POST", False)])
async def test_a_dropped_keep_alive_connection_is_retried_once_if_idempotent(
    method: str, retried: bool
) -> None:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.method)
        if len(calls) == 1:
            raise httpx.RemoteProtocolError("Server disconnected without sending a response.")
        return httpx.Response(200, json=[])

    async with client_for(handler) as client:
        if retried:
            await client.send(method, "/v1/stories")
        else:
            with pytest.raises(errors.TransportError, match="Server disconnected"):
                await client.send(method, "/v1/stories")
    assert calls == [method] * (2 if retried else 1)


async def test_an_unusable_base_url_is_a_transport_error() -> None:
    async with BriefsClient.connect("ftp://briefs.test") as client:
        with pytest.raises(errors.TransportError) as caught:
            await client.list_stories()
    assert_no_httpx_chain(caught.value)
