"""What the client puts on the wire and how it reads answers (MockTransport, no server)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import msgspec
import pytest

from service.client import BriefsClient, ProjectedPage, Tagged
from service.domain.changes import BriefDiff, PatchAdd, PatchReplace
from service.domain.models import BriefRef, BriefUpdate, IssueStatus
from service.domain.wire import BriefPage

from .samples import brief, story


class Recorder:
    """A MockTransport handler that records requests and answers from a queue of responses."""

    def __init__(self, *responses: httpx.Response) -> None:
        self.requests: list[httpx.Request] = []
        self._responses = list(responses)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self._responses.pop(0)

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]


def json_response(value: Any, *, etag: str | None = None, status: int = 200) -> httpx.Response:
    headers = {"content-type": "application/json"}
    if etag:
        headers["etag"] = etag
    return httpx.Response(status, content=msgspec.json.encode(value), headers=headers)


def client_for(recorder: Recorder, token: str | None = None) -> BriefsClient:
    http = httpx.AsyncClient(base_url="http://briefs.test", transport=httpx.MockTransport(recorder))
    return BriefsClient(http, token=token, owns_http=True)


async def test_token_request_id_and_user_agent_headers() -> None:
    recorder = Recorder(json_response([]))
    async with client_for(recorder, token="secret") as client:
        assert await client.list_stories() == []
    request = recorder.last
    assert request.headers["authorization"] == "Bearer secret"
    assert len(request.headers["x-request-id"]) == 32
    assert request.headers["user-agent"].startswith("briefs-client/")


async def test_create_brief_returns_the_brief_with_its_etag() -> None:
    recorder = Recorder(json_response(brief(), etag='"r1"', status=201))
    async with client_for(recorder) as client:
        tagged = await client.create_brief("harbour-talks", brief())
    assert tagged == Tagged(value=brief(), etag='"r1"')
    assert recorder.last.method == "POST"
    assert recorder.last.url.path == "/v1/stories/harbour-talks/briefs"
    assert recorder.last.headers["content-type"] == "application/json"


async def test_update_sends_if_match_and_only_the_content() -> None:
    recorder = Recorder(json_response(brief(revision=2), etag='"r2"'))
    async with client_for(recorder) as client:
        previous = Tagged(value=brief(), etag='"r1"')
        updated = await client.update_brief(
            "harbour-talks", "2025-03-14", previous.value, if_match=previous
        )
    assert updated.value.revision == 2
    assert updated.etag == '"r2"'
    request = recorder.last
    assert request.method == "PUT"
    assert request.headers["if-match"] == '"r1"'
    body = msgspec.json.decode(request.content)
    assert "id" not in body
    assert "revision" not in body
    assert body["headline"] == brief().headline


async def test_an_update_sends_its_change_note_not_the_read_only_fields() -> None:
    noted = msgspec.structs.replace(brief(), change_note="the note of revision 1")
    recorder = Recorder(*(json_response(brief(revision=2), etag='"r2"') for _ in range(3)))
    async with client_for(recorder) as client:
        await client.update_brief("harbour-talks", "a", noted, if_match='"r1"', change_note="Why")
        await client.update_brief("harbour-talks", "a", noted, if_match='"r1"')
        update = BriefUpdate(headline="New", change_note="From the update")
        await client.update_brief("harbour-talks", "a", update, if_match='"r1"')
    first, second, third = (msgspec.json.decode(r.content) for r in recorder.requests)
    assert first["change_note"] == "Why"
    assert not {"id", "revision", "revised_at", "revised_by"} & first.keys()
    assert "change_note" not in second  # a read revision's own note is not the new one's
    assert third == {"headline": "New", "change_note": "From the update"}


async def test_revision_lists_carry_who_and_why() -> None:
    refs = [
        {"brief_id": "a", "as_of": "2025-03-14", "revision": 1, "revised_by": "desk"},
        {"brief_id": "a", "as_of": "2025-03-14", "revision": 2, "change_note": "Typo"},
    ]
    async with client_for(Recorder(json_response(refs))) as client:
        first, second = await client.list_revisions("harbour-talks", "a")
    assert (first.revised_by, first.change_note) == ("desk", None)
    assert (second.revised_by, second.change_note) == (None, "Typo")


async def test_brief_refs_are_ids_or_dates_and_revisions_have_their_own_path() -> None:
    recorder = Recorder(*(json_response(brief(), etag='"t"') for _ in range(3)))
    async with client_for(recorder) as client:
        await client.get_brief("harbour-talks", dt.date(2025, 3, 14))
        await client.get_revision("harbour-talks", "2025-03-14", 2)
        await client.latest_brief("harbour-talks")
    paths = [request.url.path for request in recorder.requests]
    assert paths == [
        "/v1/stories/harbour-talks/briefs/2025-03-14",
        "/v1/stories/harbour-talks/briefs/2025-03-14/revisions/2",
        "/v1/stories/harbour-talks/briefs/latest",
    ]


async def test_path_segments_are_escaped() -> None:
    recorder = Recorder(json_response(story()))
    async with client_for(recorder) as client:
        await client.get_story("../tokens")
    assert recorder.last.url.raw_path == b"/v1/stories/..%2Ftokens"


async def test_list_briefs_sends_every_filter() -> None:
    recorder = Recorder(json_response(BriefPage(items=[brief()])))
    async with client_for(recorder) as client:
        page = await client.list_briefs(
            "harbour-talks",
            as_of_from=dt.date(2025, 3, 1),
            as_of_to=dt.date(2025, 3, 31),
            party="harbour-board",
            issue="berth-fees",
            issue_status=IssueStatus.RESOLVED,
            q="harbour",
            cursor="abc",
            limit=10,
        )
    assert page.items == [brief()]
    assert dict(recorder.last.url.params) == {
        "as_of_from": "2025-03-01",
        "as_of_to": "2025-03-31",
        "party": "harbour-board",
        "issue": "berth-fees",
        "issue_status": "resolved",
        "q": "harbour",
        "cursor": "abc",
        "limit": "10",
    }


async def test_iter_briefs_follows_cursors() -> None:
    first, second = brief("first"), brief("second")
    recorder = Recorder(
        json_response(BriefPage(items=[first], next_cursor="c1")),
        json_response(BriefPage(items=[second])),
    )
    async with client_for(recorder) as client:
        seen = [item async for item in client.iter_briefs("harbour-talks", page_size=1, q="x")]
    assert seen == [first, second]
    assert [request.url.params.get("cursor") for request in recorder.requests] == [None, "c1"]
    assert all(request.url.params["q"] == "x" for request in recorder.requests)


async def test_projection_returns_plain_dicts() -> None:
    page = {"items": [{"id": "a", "headline": "H"}], "next_cursor": None}
    recorder = Recorder(json_response(page))
    async with client_for(recorder) as client:
        projected = await client.project_briefs("harbour-talks", ["headline", "as_of"])
    assert projected == ProjectedPage(items=[{"id": "a", "headline": "H"}])
    assert recorder.last.url.params["fields"] == "headline,as_of"


async def test_diff_queries_and_json_patch_accept_header() -> None:
    ref = BriefRef(brief_id="a", as_of=dt.date(2025, 3, 14), revision=1)
    diff = BriefDiff(story_id="harbour-talks", old=ref, new=ref)
    ops = [
        {"op": "replace", "path": "/headline", "value": "New"},
        {"op": "add", "path": "/x", "value": 1},
    ]
    recorder = Recorder(json_response(diff), json_response(ops), json_response(diff))
    async with client_for(recorder) as client:
        assert (
            await client.diff("harbour-talks", "2025-03-14", "2025-03-18", hide_trivial=True)
            == diff
        )
        patch = await client.patch("harbour-talks", "2025-03-14", "2025-03-18", new_revision=2)
        await client.diff_brief("harbour-talks", "2025-03-18", against="2025-03-14", revision=1)
    assert patch == [PatchReplace(path="/headline", value="New"), PatchAdd(path="/x", value=1)]
    first, second, third = recorder.requests
    assert dict(first.url.params) == {
        "from": "2025-03-14",
        "to": "2025-03-18",
        "hide_trivial": "true",
    }
    assert second.headers["accept"] == "application/json-patch+json"
    assert dict(second.url.params) == {"from": "2025-03-14", "to": "2025-03-18", "to_revision": "2"}
    assert third.url.path == "/v1/stories/harbour-talks/briefs/2025-03-18/diff"
    assert dict(third.url.params) == {"against": "2025-03-14", "revision": "1"}


async def test_responses_are_read_tolerantly() -> None:
    body = msgspec.to_builtins(story()) | {"added_in_a_later_version": [1, 2, 3]}
    recorder = Recorder(json_response(body))
    async with client_for(recorder) as client:
        assert await client.get_story("harbour-talks") == story()


async def test_markdown_export_and_ninjs() -> None:
    recorder = Recorder(
        httpx.Response(
            200, text="# Heading\n", headers={"content-type": "text/markdown; charset=utf-8"}
        ),
        json_response({"uri": "x", "version": "1"}),
    )
    async with client_for(recorder) as client:
        assert (
            await client.export_markdown("harbour-talks", "2025-03-14", revision=1) == "# Heading\n"
        )
        assert await client.export_ninjs("harbour-talks", "2025-03-14") == {
            "uri": "x",
            "version": "1",
        }
    assert recorder.requests[0].url.params["revision"] == "1"
    assert "revision" not in recorder.requests[1].url.params


async def test_readiness_503_is_an_answer_not_an_error() -> None:
    problem = {"title": "Service Unavailable", "status": 503, "detail": "database is unsound"}
    recorder = Recorder(
        json_response({"status": "ok"}),
        httpx.Response(503, json=problem, headers={"content-type": "application/problem+json"}),
    )
    async with client_for(recorder) as client:
        assert (await client.health()).ok
        ready = await client.ready()
    assert not ready.ok
    assert ready.detail == "database is unsound"


async def test_create_token_validates_scopes_and_sends_them() -> None:
    created = {
        "info": {
            "id": "t1",
            "name": "ci",
            "scopes": ["write"],
            "created_at": "2025-03-14T12:00:00Z",
        },
        "token": "s3cret",
    }
    recorder = Recorder(json_response(created, status=201))
    async with client_for(recorder) as client:
        result = await client.create_token("ci", ["write"])
        with pytest.raises(ValueError, match="'root' is not a valid Scope"):
            await client.create_token("bad", ["root"])
    assert result.token == "s3cret"
    assert msgspec.json.decode(recorder.last.content) == {"name": "ci", "scopes": ["write"]}


async def test_injected_client_is_not_closed_but_an_owned_one_is() -> None:
    http = httpx.AsyncClient(transport=httpx.MockTransport(Recorder()))
    async with BriefsClient(http):
        pass
    assert not http.is_closed
    owned = BriefsClient.connect("http://127.0.0.1:1")
    await owned.aclose()
    assert owned.http.is_closed
    await http.aclose()


async def test_refresh_brief_revalidates_with_if_none_match() -> None:
    current = Tagged(value=brief(), etag='"r1"')
    recorder = Recorder(
        httpx.Response(304, headers={"etag": '"r1"'}),
        json_response(brief(revision=2), etag='"r2"'),
    )
    async with client_for(recorder) as client:
        assert await client.refresh_brief("harbour-talks", current) is current
        newer = await client.refresh_brief("harbour-talks", current)
    assert newer == Tagged(value=brief(revision=2), etag='"r2"')
    assert [r.headers["if-none-match"] for r in recorder.requests] == ['"r1"', '"r1"']
    assert recorder.last.url.path == "/v1/stories/harbour-talks/briefs/2025-03-14"
