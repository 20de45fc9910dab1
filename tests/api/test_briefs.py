"""Stories and briefs: reads, creation, ETags and conditional updates."""

from __future__ import annotations

import datetime as dt

import msgspec
import pytest

from service.domain import codec
from service.domain.models import Brief, BriefContent, content_of
from service.domain.wire import BriefPage
from tests.api.conftest import Api

STORY = "/v1/stories/ceasefire-2025"
BRIEF = f"{STORY}/briefs/brief-2025-03-14"


def edited(brief: Brief, headline: str) -> bytes:
    """The content of ``brief`` with a new headline, as a request body."""
    return codec.encode(msgspec.structs.replace(content_of(brief), headline=headline))


async def test_list_and_get_story(api: Api) -> None:
    stories = (await api.request("GET", "/v1/stories")).json()
    assert [story["id"] for story in stories] == ["ceasefire-2025"]
    assert stories[0]["brief_count"] == 5
    story = (await api.request("GET", STORY)).json()
    assert {party["id"] for party in story["parties"]} >= {"russia", "ukraine"}


async def test_create_and_patch_story(api: Api) -> None:
    body = {"id": "new-story", "title": "A new story"}
    created = await api.request("POST", "/v1/stories", "write", json=body)
    assert created.status_code == 201
    assert created.headers["location"] == "/v1/stories/new-story"
    again = await api.request("POST", "/v1/stories", "write", json=body)
    assert again.status_code == 409
    patched = await api.request(
        "PATCH", "/v1/stories/new-story", "write", json={"description": "Now described."}
    )
    assert patched.status_code == 200
    assert patched.json()["title"] == "A new story"
    assert patched.json()["description"] == "Now described."


async def test_brief_by_id_date_and_latest(api: Api) -> None:
    by_id = await api.request("GET", BRIEF)
    by_date = await api.request("GET", f"{STORY}/briefs/2025-03-14")
    assert by_id.status_code == by_date.status_code == 200
    assert by_id.content == by_date.content
    assert by_id.headers["etag"] == by_date.headers["etag"]
    assert by_id.json()["revision"] == 2
    latest = (await api.request("GET", f"{STORY}/briefs/latest")).json()
    assert latest["as_of"] == "2025-03-19"
    assert (await api.request("GET", f"{STORY}/briefs/2025-02-30")).status_code == 404
    assert (await api.request("GET", f"{STORY}/briefs/no-such-brief")).status_code == 404


async def test_revisions_and_revision(api: Api) -> None:
    refs = (await api.request("GET", f"{BRIEF}/revisions")).json()
    assert [ref["revision"] for ref in refs] == [1, 2]
    first = await api.request("GET", f"{BRIEF}/revisions/1")
    assert first.json()["revision"] == 1
    assert first.headers["etag"].startswith('"ceasefire-2025/brief-2025-03-14/r1:')
    assert (await api.request("GET", f"{BRIEF}/revisions/3")).status_code == 404
    assert (await api.request("GET", f"{BRIEF}/revisions/0")).status_code == 400


async def test_explicit_revision_is_served_from_cache(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = api.app.state.cache
    first = await api.request("GET", f"{STORY}/briefs/2025-03-14/revisions/1")
    hits = cache.stats().hits

    async def no_database(*args: object, **kwargs: object) -> None:
        raise AssertionError("a cached revision must not touch the database")

    for method in ("get_brief", "get_brief_on", "get_story"):
        monkeypatch.setattr(api.app.state.store, method, no_database)
    again = await api.request("GET", f"{STORY}/briefs/2025-03-14/revisions/1")
    assert again.status_code == 200
    assert again.content == first.content
    assert again.headers["etag"] == first.headers["etag"]
    assert cache.stats().hits == hits + 1


async def test_etag_and_if_none_match(api: Api) -> None:
    first = await api.request("GET", BRIEF)
    etag = first.headers["etag"]
    assert etag.startswith('"')
    assert etag.endswith('"')
    not_modified = await api.revalidate(BRIEF, etag)
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    assert not_modified.headers["etag"] == etag
    other = await api.revalidate(BRIEF, '"something-else"')
    assert other.status_code == 200


async def test_list_briefs_filters_pagination_projection(api: Api) -> None:
    page = msgspec.json.decode(
        (await api.request("GET", f"{STORY}/briefs?limit=2")).content, type=BriefPage
    )
    assert [brief.as_of for brief in page.items] == [dt.date(2025, 3, 11), dt.date(2025, 3, 13)]
    assert page.next_cursor
    rest = await api.request("GET", f"{STORY}/briefs", params={"cursor": page.next_cursor})
    assert len(rest.json()["items"]) == 3
    dated = await api.request("GET", f"{STORY}/briefs", params={"as_of_from": "2025-03-18"})
    assert [item["as_of"] for item in dated.json()["items"]] == ["2025-03-18", "2025-03-19"]
    projected = await api.request("GET", f"{STORY}/briefs", params={"fields": "headline,as_of"})
    assert projected.status_code == 200
    assert set(projected.json()["items"][0]) == {"id", "headline", "as_of"}
    bad_field = await api.request("GET", f"{STORY}/briefs", params={"fields": "nope"})
    assert bad_field.status_code == 422
    assert bad_field.json()["errors"][0]["path"] == "query.fields"
    bad_cursor = await api.request("GET", f"{STORY}/briefs", params={"cursor": "forged"})
    assert bad_cursor.status_code == 400
    assert bad_cursor.json()["errors"][0]["path"] == "query.cursor"
    assert (await api.request("GET", "/v1/stories/unknown/briefs")).status_code == 404


async def test_create_brief(api: Api, ceasefire: object) -> None:
    latest = msgspec.json.decode(
        (await api.request("GET", f"{STORY}/briefs/latest")).content, type=Brief
    )
    draft = {
        **codec.to_builtins(content_of(latest)),
        "id": "brief-2025-03-20",
        "as_of": "2025-03-20",
        "headline": "A day later",
    }
    created = await api.request("POST", f"{STORY}/briefs", "write", json=draft)
    assert created.status_code == 201, created.text
    assert created.headers["location"] == f"{STORY}/briefs/brief-2025-03-20"
    assert created.headers["etag"].startswith('"ceasefire-2025/brief-2025-03-20/r1:')
    assert created.json()["revision"] == 1
    duplicate = await api.request("POST", f"{STORY}/briefs", "write", json=draft)
    assert duplicate.status_code == 409


async def test_create_brief_cross_field_problem_is_422(api: Api) -> None:
    latest = msgspec.json.decode(
        (await api.request("GET", f"{STORY}/briefs/latest")).content, type=Brief
    )
    content = codec.to_builtins(content_of(latest))
    content["positions"][0]["party_id"] = "atlantis"
    draft = {**content, "id": "brief-2025-03-21", "as_of": "2025-03-21"}
    response = await api.request("POST", f"{STORY}/briefs", "write", json=draft)
    assert response.status_code == 422
    paths = [error["path"] for error in response.json()["errors"]]
    assert any(path.startswith("$.positions[0]") for path in paths), paths


async def test_update_needs_if_match(api: Api) -> None:
    current = await api.request("GET", BRIEF)
    brief = msgspec.json.decode(current.content, type=Brief)
    body = edited(brief, "A sharper headline")
    headers = {"Content-Type": "application/json"}
    missing = await api.request("PUT", BRIEF, "write", content=body, headers=headers)
    assert missing.status_code == 428
    stale = await api.request(
        "PUT", BRIEF, "write", content=body, headers={**headers, "If-Match": '"stale"'}
    )
    assert stale.status_code == 412
    assert stale.json()["current_revision"] == 2
    if_current = {**headers, "If-Match": current.headers["etag"]}
    updated = await api.request("PUT", BRIEF, "write", content=body, headers=if_current)
    assert updated.status_code == 200, updated.text
    assert updated.json()["revision"] == 3
    assert updated.json()["headline"] == "A sharper headline"
    assert updated.headers["etag"] != current.headers["etag"]
    reused = await api.request("PUT", BRIEF, "write", content=body, headers=if_current)
    assert reused.status_code == 412
    assert reused.json()["current_revision"] == 3
    assert (await api.request("GET", BRIEF)).json()["revision"] == 3


async def test_update_by_date_reference(api: Api) -> None:
    current = await api.request("GET", f"{STORY}/briefs/2025-03-19")
    brief = msgspec.json.decode(current.content, type=Brief)
    response = await api.put_json(
        f"{STORY}/briefs/2025-03-19",
        edited(brief, "Edited by date"),
        if_match=current.headers["etag"],
    )
    assert response.status_code == 200
    assert response.json()["id"] == "brief-2025-03-19"


async def test_unknown_body_field_is_rejected(api: Api) -> None:
    brief = msgspec.json.decode((await api.request("GET", BRIEF)).content, type=Brief)
    body = {**codec.to_builtins(BriefContent(headline=brief.headline)), "surprise": 1}
    etag = (await api.request("GET", BRIEF)).headers["etag"]
    response = await api.request("PUT", BRIEF, "write", json=body, headers={"If-Match": etag})
    assert response.status_code == 422
    assert response.json()["errors"][0]["path"].startswith("$")
