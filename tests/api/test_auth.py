"""The auth matrix: every route of the app x {no token, read, write, admin, revoked}.

The table is checked against the app's own route list, so a new route without an entry fails.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest
from litestar.routes import HTTPRoute

from service.api.auth import PUBLIC_PATHS, FailureLimiter, hash_token, new_token
from service.domain.files import StoryFolder
from service.settings import Settings
from tests.api.conftest import Api, start

ROLES = ("none", "read", "write", "admin", "revoked")

# (method, route template) -> what it needs: public, read, write or admin.
NEEDS: dict[tuple[str, str], str] = {
    ("GET", "/healthz"): "public",
    ("GET", "/readyz"): "public",
    ("GET", "/metrics"): "public",
    ("GET", "/schema"): "public",
    ("GET", "/schema/scalar"): "public",
    ("GET", "/schema/openapi.json"): "public",
    ("GET", "/schema/openapi.yaml"): "public",
    ("GET", "/schema/openapi.yml"): "public",
    ("GET", "/schema/{path:str}"): "public",  # exercised as /schema/openapi.yaml
    ("GET", "/v1/stories"): "read",
    ("POST", "/v1/stories"): "write",
    ("GET", "/v1/stories/{story_id:str}"): "read",
    ("PATCH", "/v1/stories/{story_id:str}"): "write",
    ("GET", "/v1/stories/{story_id:str}/briefs"): "read",
    ("POST", "/v1/stories/{story_id:str}/briefs"): "write",
    ("POST", "/v1/stories/{story_id:str}/drafts"): "write",
    ("GET", "/v1/stories/{story_id:str}/briefs/latest"): "read",
    ("GET", "/v1/stories/{story_id:str}/briefs/{brief_ref:str}"): "read",
    ("PUT", "/v1/stories/{story_id:str}/briefs/{brief_ref:str}"): "write",
    ("GET", "/v1/stories/{story_id:str}/briefs/{brief_ref:str}/revisions"): "read",
    ("GET", "/v1/stories/{story_id:str}/briefs/{brief_ref:str}/revisions/{revision:int}"): "read",
    ("GET", "/v1/stories/{story_id:str}/briefs/{brief_ref:str}/diff"): "read",
    ("GET", "/v1/stories/{story_id:str}/diff"): "read",
    ("GET", "/v1/stories/{story_id:str}/timeline"): "read",
    ("GET", "/v1/stories/{story_id:str}/issues"): "read",
    ("GET", "/v1/stories/{story_id:str}/parties/{party_id:str}/stances"): "read",
    ("GET", "/v1/stories/{story_id:str}/briefs/{brief_ref:str}/markdown"): "read",
    ("GET", "/v1/stories/{story_id:str}/briefs/{brief_ref:str}/ninjs"): "read",
    ("GET", "/v1/stories/{story_id:str}/briefs/{brief_ref:str}/timemap"): "read",
    ("GET", "/v1/stories/{story_id:str}/feed.atom"): "read",
    ("GET", "/v1/feed.atom"): "read",
    ("GET", "/v1/changes"): "read",
    ("GET", "/v1/stories/{story_id:str}/changes"): "read",
    ("GET", "/v1/tokens"): "admin",
    ("POST", "/v1/tokens"): "admin",
    ("POST", "/v1/tokens/{token_ref:str}/revoke"): "admin",
    ("GET", "/v1/webhooks"): "admin",
    ("POST", "/v1/webhooks"): "admin",
    ("GET", "/v1/webhooks/{webhook_id:str}"): "admin",
    ("DELETE", "/v1/webhooks/{webhook_id:str}"): "admin",
    ("GET", "/v1/webhooks/{webhook_id:str}/deliveries"): "admin",
}

EXAMPLES = {
    "story_id": "ceasefire-2025",
    "brief_ref": "brief-2025-03-14",
    "revision": "1",
    "party_id": "russia",
    "token_ref": "no-such-token",
    "webhook_id": "00000000000000ff",
    "path": "openapi.yaml",
}
RANK = {"read": 1, "write": 2, "admin": 3}


def concrete(template: str) -> str:
    """The route template with example path parameters filled in."""
    return re.sub(r"\{(\w+):\w+\}", lambda match: EXAMPLES[match.group(1)], template)


def routes(api: Api) -> list[tuple[str, str]]:
    """(method, template) of every route handler of the app, OPTIONS aside (always public)."""
    found = []
    for route in api.app.routes:
        if isinstance(route, HTTPRoute):
            found += [(method, route.path) for method in route.methods if method != "OPTIONS"]
    return sorted(found)


def expected(needs: str, role: str, reads_need_auth: bool) -> int | None:
    """401/403 when the role may not call the route, else ``None`` (anything but 401/403).

    A token sent to a public read is checked too: a revoked one is a 401 there as well.
    """
    if needs == "public":
        return None
    if needs == "read" and not reads_need_auth:
        return 401 if role == "revoked" else None
    if role in {"none", "revoked"}:
        return 401
    return None if RANK[role] >= RANK[needs] else 403


@pytest.fixture(params=[False, True], ids=["public-reads", "auth-reads"])
async def matrix_api(
    request: pytest.FixtureRequest, sqlite_url: str, ceasefire: StoryFolder
) -> AsyncIterator[Api]:
    settings = Settings(
        database_url=sqlite_url, require_auth_for_reads=request.param, auth_failure_limit=0
    )
    async for api in start(settings, ceasefire):
        yield api


async def test_every_route_has_an_entry(matrix_api: Api) -> None:
    assert set(routes(matrix_api)) == set(NEEDS)


async def test_auth_matrix(matrix_api: Api) -> None:
    reads_need_auth = matrix_api.app.state.settings.require_auth_for_reads
    failures = []
    for method, template in routes(matrix_api):
        needs = NEEDS[(method, template)]
        for role in ROLES:
            kwargs = {"json": {}} if method in {"POST", "PUT", "PATCH"} else {}
            response = await matrix_api.request(method, concrete(template), role, **kwargs)
            want = expected(needs, role, reads_need_auth)
            got = response.status_code
            if (want is None and got in {401, 403}) or (want is not None and got != want):
                failures.append(
                    f"{method} {template} as {role}: {got}, expected {want or 'not 401/403'}"
                )
            if got == 401:
                assert response.headers["www-authenticate"].startswith("Bearer")
    assert not failures, "\n".join(failures)


async def test_public_paths_are_exact(sqlite_url: str, ceasefire: StoryFolder) -> None:
    settings = Settings(database_url=sqlite_url, require_auth_for_reads=True)
    async for api in start(settings, ceasefire):
        assert (await api.request("GET", "/healthz")).status_code == 200
        assert (await api.request("GET", "/schema/openapi.json")).status_code == 200
        # A sibling of a public path is not public: the catch-all schema route needs a token.
        assert (await api.request("GET", "/schema/openapi.json.bak")).status_code == 401
        assert (await api.request("GET", "/healthz-anything")).status_code == 404
        assert all(path == path.rstrip("/") and "*" not in path for path in PUBLIC_PATHS)


async def test_tokens_are_stored_hashed(api: Api) -> None:
    token = new_token()
    assert token.startswith("brf_")
    assert len(token) > 40
    records = await api.app.state.store.list_tokens()
    assert all(len(record.secret_hash) == 64 for record in records)
    assert all(not record.secret_hash.startswith("brf_") for record in records)
    assert hash_token(token) != hash_token(new_token())


async def test_token_lifecycle_over_http(api: Api) -> None:
    created = await api.request(
        "POST", "/v1/tokens", "admin", json={"name": "desk", "scopes": ["write"]}
    )
    assert created.status_code == 201
    secret = created.json()["token"]
    assert secret.startswith("brf_")
    listed = (await api.request("GET", "/v1/tokens", "admin")).json()
    assert "desk" in {token["name"] for token in listed}
    assert all("token" not in token and "secret_hash" not in token for token in listed)
    body = {"id": "by-desk", "title": "Written with the new token"}
    auth = {"Authorization": f"Bearer {secret}"}
    assert (await api.request("POST", "/v1/stories", json=body, headers=auth)).status_code == 201
    revoked = await api.request("POST", "/v1/tokens/desk/revoke", "admin")
    assert revoked.status_code == 200
    assert revoked.json()["revoked_at"]
    again = await api.request("POST", "/v1/stories", json={**body, "id": "x2"}, headers=auth)
    assert again.status_code == 401
    assert (await api.request("POST", "/v1/tokens/nobody/revoke", "admin")).status_code == 404


async def test_a_revoked_or_unknown_token_on_a_public_read_is_401(api: Api) -> None:
    """Issue 9: a revoked token on a public read was silently ignored (200 as anonymous)."""
    for path in ("/v1/stories", "/v1/stories/ceasefire-2025/briefs/latest"):
        assert (await api.request("GET", path)).status_code == 200
        assert (await api.request("GET", path, "read")).status_code == 200
        for headers in (api.tokens.headers("revoked"), {"Authorization": f"Bearer {new_token()}"}):
            response = await api.request("GET", path, headers=headers)
            assert response.status_code == 401, path
            assert response.headers["content-type"] == "application/problem+json"
            assert response.headers["www-authenticate"].startswith("Bearer")
    # Probes and the documents ignore tokens: a load balancer's stale header breaks nothing.
    revoked = api.tokens.headers("revoked")
    assert (await api.request("GET", "/healthz", headers=revoked)).status_code == 200


async def _wrong(api: Api, path: str = "/v1/stories", **headers: str) -> httpx.Response:
    response: httpx.Response = await api.client.get(
        path, headers={"Authorization": f"Bearer {new_token()}", **headers}
    )
    return response


async def test_failed_authentication_is_rate_limited_per_address(
    sqlite_url: str, ceasefire: StoryFolder
) -> None:
    """Issue 9: 7,500 wrong tokens in 5 s got no 429. Past the limit, every request carrying a
    token from that address is 429 with ``Retry-After``, the right token included."""
    settings = Settings(
        database_url=sqlite_url, auth_failure_limit=5, auth_failure_window_seconds=30
    )
    async for api in start(settings, ceasefire):
        statuses = [(await _wrong(api)).status_code for _ in range(8)]
        assert statuses == [401] * 5 + [429] * 3
        limited = await _wrong(api)
        assert limited.headers["content-type"] == "application/problem+json"
        assert limited.json()["status"] == 429
        assert 1 <= int(limited.headers["retry-after"]) <= 30
        assert (await api.request("GET", "/v1/stories", "read")).status_code == 429
        assert (await api.request("GET", "/v1/stories")).status_code == 200  # no token: no limit
        # Another address is not affected.
        other = httpx.ASGITransport(app=api.app, client=("10.0.0.2", 4000))
        async with httpx.AsyncClient(transport=other, base_url="http://testserver") as client:
            response = await client.get("/v1/stories", headers=api.tokens.headers("read"))
            assert response.status_code == 200


def test_the_limiter_forgets_a_window_once_it_ends_and_stays_bounded() -> None:
    now = [0.0]
    limiter = FailureLimiter(2, 10.0, max_addresses=3, clock=lambda: now[0])
    limiter.failed("a")
    assert limiter.retry_after("a") is None
    limiter.failed("a")
    assert limiter.retry_after("a") == 10
    now[0] = 9.2
    assert limiter.retry_after("a") == 1
    now[0] = 10.0
    assert limiter.retry_after("a") is None
    for address in ("b", "c", "d", "e"):
        limiter.failed(address)
    assert len(limiter._windows) == 3
    off = FailureLimiter(0, 10.0)
    off.failed("a")
    off.failed("a")
    assert off.retry_after("a") is None
