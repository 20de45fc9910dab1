"""NUL (U+0000) in a body or a parameter is a 4xx problem on both backends, never a 500: the
store refuses it alike, whatever the API edge lets through."""

from __future__ import annotations

from tests.api.conftest import Api
from tests.api.test_briefs import STORY


async def test_nul_in_a_body_is_422(api: Api) -> None:
    body = {"id": "nul-story", "title": "Harbour\u0000talks"}
    response = await api.request("POST", "/v1/stories", "write", json=body)
    assert response.status_code in {400, 422}, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert (await api.request("GET", "/v1/stories/nul-story")).status_code == 404


async def test_nul_in_a_query_is_a_4xx(api: Api) -> None:
    response = await api.request("GET", f"{STORY}/briefs", params={"q": "truce\u0000"})
    assert 400 <= response.status_code < 500, response.text
    assert response.headers["content-type"] == "application/problem+json"
