"""The exact problem+json shape of every error status, request ids and request checks."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from service.api.errors import PROBLEM_MEDIA_TYPE
from service.domain import codec
from service.domain.models import Brief, content_of
from service.store.base import Health
from tests.api.conftest import Api

STORY = "/v1/stories/ceasefire-2025"
BRIEF = f"{STORY}/briefs/brief-2025-03-14"
# ``type`` is omitted when it is the default ``about:blank`` (RFC 9457, section 4.2.1).
PROBLEM_KEYS = {"title", "status", "detail", "instance", "request_id"}


def assert_problem(
    response: Any, status: int, title: str, *, extra: set[str] = frozenset()
) -> dict[str, Any]:
    """The response is an RFC 9457 problem with exactly the expected members."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE
    body: dict[str, Any] = response.json()
    expected = PROBLEM_KEYS | extra
    if body.get("detail") is None:
        expected -= {"detail"}
    assert set(body) == expected
    assert body["status"] == status
    assert body["title"] == title
    assert body["request_id"] == response.headers["x-request-id"]
    assert body["instance"] == response.request.url.path
    assert "Traceback" not in response.text
    return body


async def test_400_unknown_query_parameter(api: Api) -> None:
    response = await api.request("GET", f"{STORY}/briefs?limt=5")
    body = assert_problem(response, 400, "Bad Request")
    assert body["detail"] == "Unknown query parameter(s): limt."


async def test_400_bad_parameter_lists_field_paths(api: Api) -> None:
    response = await api.request("GET", f"{STORY}/briefs?limit=500")
    body = assert_problem(response, 400, "Bad Request", extra={"errors"})
    assert body["errors"] == [{"path": "query.limit", "message": "Expected `int` <= 200"}]


async def test_400_malformed_json(api: Api) -> None:
    response = await api.request(
        "POST",
        "/v1/stories",
        "write",
        content=b"{not json",
        headers={"Content-Type": "application/json"},
    )
    assert_problem(response, 400, "Bad Request")


async def test_401_missing_invalid_revoked(api: Api) -> None:
    for role, headers in [
        ("none", {}),
        ("revoked", {}),
        ("none", {"Authorization": "Bearer brf_nope"}),
    ]:
        response = await api.request("POST", "/v1/stories", role, json={}, headers=headers)
        assert_problem(response, 401, "Unauthorized")
        assert response.headers["www-authenticate"].startswith("Bearer")


async def test_403_insufficient_scope(api: Api) -> None:
    response = await api.request("GET", "/v1/tokens", "write")
    body = assert_problem(response, 403, "Forbidden")
    assert "admin" in body["detail"]


async def test_404_unknown_path_and_resource(api: Api) -> None:
    assert_problem(await api.request("GET", "/nowhere"), 404, "Not Found")
    assert_problem(await api.request("GET", "/v1/stories/unknown"), 404, "Not Found")


async def test_405_method_not_allowed(api: Api) -> None:
    response = await api.request("DELETE", STORY, "admin")
    assert_problem(response, 405, "Method Not Allowed")


async def test_409_conflict(api: Api) -> None:
    body = {"id": "ceasefire-2025", "title": "Again"}
    assert_problem(await api.request("POST", "/v1/stories", "write", json=body), 409, "Conflict")


async def _current(api: Api) -> tuple[str, bytes]:
    response = await api.request("GET", BRIEF)
    brief = msgspec.json.decode(response.content, type=Brief)
    return response.headers["etag"], codec.encode(content_of(brief))


async def test_412_and_428(api: Api) -> None:
    _, body = await _current(api)
    headers = {"Content-Type": "application/json"}
    assert_problem(
        await api.request("PUT", BRIEF, "write", content=body, headers=headers),
        428,
        "Precondition Required",
    )
    stale = await api.request(
        "PUT", BRIEF, "write", content=body, headers={**headers, "If-Match": '"x"'}
    )
    problem = assert_problem(stale, 412, "Precondition Failed", extra={"current_revision"})
    assert problem["current_revision"] == 2


async def test_413_body_too_large(api: Api) -> None:
    huge = b'{"id": "x", "title": "' + b"a" * (1024 * 1024 + 10) + b'"}'
    response = await api.request(
        "POST", "/v1/stories", "write", content=huge, headers={"Content-Type": "application/json"}
    )
    assert_problem(response, 413, "Request Entity Too Large")


async def test_415_wrong_content_type(api: Api) -> None:
    response = await api.request(
        "POST", "/v1/stories", "write", content=b"id=x", headers={"Content-Type": "text/plain"}
    )
    assert_problem(response, 415, "Unsupported Media Type")


async def test_422_field_errors(api: Api) -> None:
    response = await api.request(
        "POST", "/v1/stories", "write", json={"id": "Bad Id", "title": "t"}
    )
    body = assert_problem(response, 422, "Unprocessable Entity", extra={"errors"})
    assert body["errors"][0]["path"] == "$.id"


async def test_500_hides_internals(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    async def broken() -> None:
        raise RuntimeError("secret internals: password=hunter2")

    monkeypatch.setattr(api.app.state.store, "list_stories", broken)
    response = await api.request("GET", "/v1/stories")
    body = assert_problem(response, 500, "Internal Server Error")
    assert "hunter2" not in response.text
    assert body["detail"] == "An unexpected error occurred."


async def test_503_readiness(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    assert (await api.request("GET", "/readyz")).json()["status"] == "ok"

    async def unsound() -> Health:
        return Health(ok=False, backend="sqlite", detail="quick_check failed")

    monkeypatch.setattr(api.app.state.store, "health", unsound)
    body = assert_problem(await api.request("GET", "/readyz"), 503, "Service Unavailable")
    assert "quick_check failed" in body["detail"]


async def test_request_id_is_echoed_or_generated(api: Api) -> None:
    echoed = await api.request("GET", "/healthz", headers={"X-Request-ID": "abc.DEF-123_x"})
    assert echoed.headers["x-request-id"] == "abc.DEF-123_x"
    for insane in ["has space", "x" * 129, "semi;colon"]:
        response = await api.request("GET", "/healthz", headers={"X-Request-ID": insane})
        assert response.headers["x-request-id"] != insane
        assert len(response.headers["x-request-id"]) == 32
    missing = await api.request("GET", "/nowhere", headers={"X-Request-ID": "trace-1"})
    assert missing.headers["x-request-id"] == "trace-1"
    assert missing.json()["request_id"] == "trace-1"


async def test_no_cors_by_default(api: Api) -> None:
    response = await api.request(
        "OPTIONS",
        "/v1/stories",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"},
    )
    assert "access-control-allow-origin" not in response.headers
    plain = await api.request("GET", "/v1/stories", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in plain.headers


async def test_cors_only_for_configured_origins(sqlite_url: str, ceasefire: Any) -> None:
    from service.settings import Settings
    from tests.api.conftest import start

    settings = Settings(database_url=sqlite_url, cors_origins=("https://desk.example",))
    async for api in start(settings, ceasefire):
        allowed = await api.request(
            "GET", "/v1/stories", headers={"Origin": "https://desk.example"}
        )
        assert allowed.headers["access-control-allow-origin"] == "https://desk.example"
        other = await api.request("GET", "/v1/stories", headers={"Origin": "https://evil.example"})
        assert other.headers.get("access-control-allow-origin") != "*"
        assert "evil" not in other.headers.get("access-control-allow-origin", "")
