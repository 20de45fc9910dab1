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


async def post_story_bytes(api: Api, content: bytes, content_type: str = "application/json") -> Any:
    """``POST /v1/stories`` with ``content`` sent as it is, not encoded from a model."""
    headers = {"Content-Type": content_type}
    return await api.request("POST", "/v1/stories", "write", content=content, headers=headers)


async def test_400_unknown_query_parameter(api: Api) -> None:
    response = await api.request("GET", f"{STORY}/briefs?limt=5")
    body = assert_problem(response, 400, "Bad Request")
    assert body["detail"] == "Unknown query parameter(s): limt."


async def test_400_bad_parameter_lists_field_paths(api: Api) -> None:
    response = await api.request("GET", f"{STORY}/briefs?limit=500")
    body = assert_problem(response, 400, "Bad Request", extra={"errors"})
    assert body["errors"] == [{"path": "query.limit", "message": "Expected `int` <= 200"}]


async def test_400_malformed_json(api: Api) -> None:
    response = await post_story_bytes(api, b"{not json")
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
    response = await post_story_bytes(api, huge)
    assert_problem(response, 413, "Request Entity Too Large")


async def test_415_wrong_content_type(api: Api) -> None:
    response = await post_story_bytes(api, b"id=x", content_type="text/plain")
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


# --- request bodies: one strict rule at every depth (issue 9) ---------------------------------

HINT = "unknown field (did you mean 'translated_by'?)"


async def _draft(api: Api, brief_id: str = "brief-2025-03-20") -> dict[str, Any]:
    """A valid create-brief body: the latest brief's content under a new id and date."""
    latest = msgspec.json.decode((await api.request("GET", f"{STORY}/briefs/latest")).content)
    content = {key: latest[key] for key in Brief.__struct_fields__ if key in latest}
    for key in ("story_id", "revision", "created_at", "revised_at"):
        content.pop(key)
    return {**content, "id": brief_id, "as_of": "2025-03-20"}


async def test_422_unknown_field_deep_in_a_brief_is_rejected_with_its_path(api: Api) -> None:
    draft = await _draft(api)
    quote = next(q for p in draft["positions"] for q in p["quotes"])
    position = next(i for i, p in enumerate(draft["positions"]) if quote in p["quotes"])
    quote["translation_by"] = quote.pop("translated_by", None) or "Reuters"
    response = await api.request("POST", f"{STORY}/briefs", "write", json=draft)
    body = assert_problem(response, 422, "Unprocessable Entity", extra={"errors"})
    assert body["errors"] == [
        {"path": f"$.positions[{position}].quotes[0].translation_by", "message": HINT}
    ]
    assert (await api.request("GET", f"{STORY}/briefs/brief-2025-03-20")).status_code == 404


async def test_422_unknown_fields_in_every_body_at_any_depth(api: Api) -> None:
    story = {
        "id": "s",
        "title": "T",
        "parties": [{"id": "a", "name": "A", "kind": "state", "x": 1}],
    }
    created = await api.request("POST", "/v1/stories", "write", json=story)
    assert created.json()["errors"] == [{"path": "$.parties[0].x", "message": "unknown field"}]
    patch = {"parties": [{"id": "a", "name": "A", "kind": "state", "nick": "a"}]}
    patched = await api.request("PATCH", STORY, "write", json=patch)
    assert patched.json()["errors"] == [{"path": "$.parties[0].nick", "message": "unknown field"}]
    current = await api.request("GET", BRIEF)
    content = codec.to_builtins(content_of(msgspec.json.decode(current.content, type=Brief)))
    content["issues"][0]["expected"] = {"date": "2025-04-01", "when": "soon"}
    updated = await api.request(
        "PUT", BRIEF, "write", json=content, headers={"If-Match": current.headers["etag"]}
    )
    assert updated.status_code == 422
    assert updated.json()["errors"] == [
        {"path": "$.issues[0].expected.when", "message": "unknown field"}
    ]
    token = {"name": "t", "scopes": ["read"], "expires": "never"}
    response = await api.request("POST", "/v1/tokens", "admin", json=token)
    assert response.json()["errors"] == [{"path": "$.expires", "message": "unknown field"}]


async def test_422_paths_start_at_the_body_root_not_the_parameter_name(api: Api) -> None:
    draft = {**(await _draft(api)), "desk": "europe"}  # story_id is a known (read-only) field
    response = await api.request("POST", f"{STORY}/briefs", "write", json=draft)
    assert response.json()["errors"] == [{"path": "$.desk", "message": "unknown field"}]
    missing = await api.request("POST", "/v1/stories", "write", json={"title": "No id"})
    body = assert_problem(missing, 422, "Unprocessable Entity", extra={"errors"})
    assert [error["path"] for error in body["errors"]] == ["$"]
    assert "`id`" in body["errors"][0]["message"]


async def test_422_enum_errors_list_the_allowed_values_and_all_come_at_once(api: Api) -> None:
    draft = await _draft(api)
    draft["issues"][0]["status"] = "partly"
    draft["positions"][0]["stance"] = "maybe"
    draft["mood"] = "calm"
    draft["headline"] = 7
    response = await api.request("POST", f"{STORY}/briefs", "write", json=draft)
    errors = assert_problem(response, 422, "Unprocessable Entity", extra={"errors"})["errors"]
    assert {
        "path": "$.issues[0].status",
        "message": (
            "'partly' is not one of open, scheduled, agreed-in-principle, in-effect, disputed, "
            "resolved, lapsed, overtaken"
        ),
    } in errors
    assert {
        "path": "$.positions[0].stance",
        "message": "'maybe' is not one of supports, conditional, undecided, opposes, unclear",
    } in errors
    assert {"path": "$.mood", "message": "unknown field"} in errors
    assert {
        "path": "$.headline",
        "message": "Expected `str`, got `int` (decoding stops at the first type error: more may "
        "follow)",
    } in errors
    assert len(errors) == 4


# --- bad bytes are the client's error, never a 5xx (issue 9) -----------------------------------


async def test_400_json_nested_thousands_deep(api: Api) -> None:
    for deep in (b"[" * 5000 + b"]" * 5000, b'{"id": ' + b'{"a":' * 2000 + b"1" + b"}" * 2001):
        response = await post_story_bytes(api, deep)
        body = assert_problem(response, 400, "Bad Request")
        assert body["detail"] == (
            "The request body is not JSON: arrays and objects nest deeper than 32 levels."
        )


async def test_400_body_not_utf8(api: Api) -> None:
    response = await post_story_bytes(api, b'{"id": "x", "title": "\xff\xfe"}')
    body = assert_problem(response, 400, "Bad Request")
    assert body["detail"] == "The request body is not JSON: not valid UTF-8 (byte 22)."


@pytest.mark.parametrize("charset", ["latin-1", "utf-16", "iso-8859-1"])
async def test_415_json_in_another_charset(api: Api, charset: str) -> None:
    story = b'{"id": "x", "title": "T"}'
    response = await post_story_bytes(api, story, f"application/json; charset={charset}")
    body = assert_problem(response, 415, "Unsupported Media Type")
    assert body["detail"] == f"JSON bodies are UTF-8; got charset={charset!r}."
    utf8 = await post_story_bytes(api, story, "application/json; charset=UTF-8")
    assert utf8.status_code == 201


async def test_422_nul_in_any_text_field_on_both_backends(api: Api) -> None:
    story = {
        "id": "nul",
        "title": "T\u0000",
        "parties": [{"id": "a", "name": "A\u0000B", "kind": "state"}],
    }
    response = await api.request("POST", "/v1/stories", "write", json=story)
    body = assert_problem(response, 422, "Unprocessable Entity", extra={"errors"})
    message = "must not contain the NUL character (\\u0000)"
    assert body["errors"] == [
        {"path": "$.title", "message": message},
        {"path": "$.parties[0].name", "message": message},
    ]
    draft = await _draft(api)
    draft["summary"] = "nul\u0000here"
    created = await api.request("POST", f"{STORY}/briefs", "write", json=draft)
    assert created.json()["errors"] == [{"path": "$.summary", "message": message}]


@pytest.mark.parametrize(
    ("query", "name"),
    [("q=a%00b", "q"), ("cursor=%00", "cursor"), ("issue_status=open%00", "issue_status")],
)
async def test_400_nul_in_a_query_parameter_on_both_backends(
    api: Api, query: str, name: str
) -> None:
    response = await api.request("GET", f"{STORY}/briefs?{query}")
    body = assert_problem(response, 400, "Bad Request", extra={"errors"})
    assert body["errors"] == [
        {"path": f"query.{name}", "message": "must not contain the NUL character (\\u0000)"}
    ]


async def test_400_nul_in_a_path_parameter(api: Api) -> None:
    response = await api.request("POST", "/v1/tokens/a%00b/revoke", "admin")
    body = assert_problem(response, 400, "Bad Request", extra={"errors"})
    assert body["errors"][0]["path"] == "path.token_ref"


async def _raw_asgi(
    api: Api, chunks: list[dict[str, Any]], *, pause: float = 0.0
) -> tuple[int, bytes]:
    """POST /v1/stories straight through the ASGI app with these receive events (so a test can
    send half a body, then a disconnect, or stall); the status and body answered."""
    import asyncio

    events = list(chunks)
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        if not events:
            await asyncio.sleep(3600)  # a client that never sends the rest
        await asyncio.sleep(pause)
        return events.pop(0)

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    token = api.tokens.secrets["write"]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/v1/stories",
        "raw_path": b"/v1/stories",
        "root_path": "",
        "query_string": b"",
        "headers": [
            (b"host", b"testserver"),
            (b"content-type", b"application/json"),
            (b"content-length", b"1000"),
            (b"authorization", f"Bearer {token}".encode()),
        ],
        "client": ("127.0.0.1", 5000),
        "server": ("testserver", 80),
        "state": {},
    }
    await api.app(scope, receive, send)  # type: ignore[arg-type]  # a hand-made ASGI scope
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return status, body


async def test_client_disconnect_mid_body_is_a_quiet_4xx(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    chunks = [
        {"type": "http.request", "body": b'{"id": "half", "ti', "more_body": True},
        {"type": "http.disconnect"},
    ]
    with caplog.at_level("INFO"):
        status, _ = await _raw_asgi(api, chunks)
    assert status == 400
    assert not [r for r in caplog.records if r.levelname in {"ERROR", "CRITICAL"}]
    assert not [r for r in caplog.records if r.exc_info]
    assert any("client disconnected" in r.getMessage() for r in caplog.records)
    assert (await api.request("GET", "/v1/stories/half")).status_code == 404


async def test_408_when_the_body_does_not_arrive_in_time(sqlite_url: str, ceasefire: Any) -> None:
    from service.settings import Settings
    from tests.api.conftest import start

    settings = Settings(database_url=sqlite_url, load_fixtures=False, body_timeout_seconds=0.3)
    async for api in start(settings, ceasefire):
        chunks = [{"type": "http.request", "body": b'{"id": "slow"', "more_body": True}]
        status, body = await _raw_asgi(api, chunks)
        assert status == 408
        problem = msgspec.json.decode(body)
        assert problem["detail"] == "The request body did not arrive within 0.3 seconds."


async def test_400_forged_cursor_holding_nul_on_both_backends(api: Api) -> None:
    import base64

    forged = base64.urlsafe_b64encode(b'["2025-03-14", "a\\u0000b"]').decode().rstrip("=")
    response = await api.request("GET", f"{STORY}/briefs", params={"cursor": forged})
    body = assert_problem(response, 400, "Bad Request", extra={"errors"})
    assert [error["path"] for error in body["errors"]] == ["query.cursor"]
