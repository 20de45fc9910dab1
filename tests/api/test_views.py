"""Diffs (semantic and JSON Patch), story views and exports."""

from __future__ import annotations

import jsonpatch
import msgspec

from service.domain.changes import BriefDiff
from tests.api.conftest import Api

STORY = "/v1/stories/ceasefire-2025"
JSON_PATCH = "application/json-patch+json"


async def test_brief_diff_against_predecessor(api: Api) -> None:
    response = await api.request("GET", f"{STORY}/briefs/2025-03-14/diff")
    assert response.status_code == 200
    diff = msgspec.json.decode(response.content, type=BriefDiff)
    assert diff.old.as_of.isoformat() == "2025-03-13"
    assert diff.new.as_of.isoformat() == "2025-03-14"
    assert response.headers["etag"].startswith(
        '"ceasefire-2025/brief-2025-03-13/r1..brief-2025-03-14/r2/'
    )
    cached = await api.request(
        "GET",
        f"{STORY}/briefs/2025-03-14/diff",
        headers={"If-None-Match": response.headers["etag"]},
    )
    assert cached.status_code == 304


async def test_first_brief_has_no_predecessor(api: Api) -> None:
    response = await api.request("GET", f"{STORY}/briefs/2025-03-11/diff")
    assert response.status_code == 404


async def test_diff_between_revisions(api: Api) -> None:
    response = await api.request(
        "GET",
        f"{STORY}/briefs/brief-2025-03-14/diff",
        params={"against": "brief-2025-03-14", "against_revision": 1, "revision": 2},
    )
    diff = response.json()
    assert (diff["old"]["revision"], diff["new"]["revision"]) == (1, 2)
    hidden = await api.request(
        "GET",
        f"{STORY}/briefs/brief-2025-03-14/diff",
        params={"against": "brief-2025-03-14", "against_revision": 1, "hide_trivial": "true"},
    )
    assert hidden.status_code == 200
    assert hidden.headers["etag"] != response.headers["etag"]


async def test_story_diff_as_json_patch_applies(api: Api) -> None:
    old = (await api.request("GET", f"{STORY}/briefs/2025-03-13")).json()
    new = (await api.request("GET", f"{STORY}/briefs/2025-03-18")).json()
    response = await api.request(
        "GET",
        f"{STORY}/diff",
        params={"from": "2025-03-13", "to": "brief-2025-03-18"},
        headers={"Accept": JSON_PATCH},
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(JSON_PATCH)
    assert jsonpatch.apply_patch(old, response.json()) == new
    semantic = await api.request(
        "GET", f"{STORY}/diff", params={"from": "2025-03-13", "to": "2025-03-18"}
    )
    assert semantic.headers["content-type"].startswith("application/json")
    assert semantic.json()["new"]["as_of"] == "2025-03-18"
    missing = await api.request("GET", f"{STORY}/diff", params={"from": "2025-03-13"})
    assert missing.status_code == 400


async def test_timeline_issues_stances(api: Api) -> None:
    timeline = (await api.request("GET", f"{STORY}/timeline")).json()
    dates = [entry["event"]["when"]["date"] for entry in timeline["entries"]]
    assert dates
    assert dates == sorted(dates)
    every = (await api.request("GET", f"{STORY}/issues")).json()["issues"]
    open_ = (await api.request("GET", f"{STORY}/issues", params={"state": "open"})).json()["issues"]
    closed = (await api.request("GET", f"{STORY}/issues", params={"state": "closed"})).json()[
        "issues"
    ]
    assert len(open_) + len(closed) == len(every) > 0
    assert all(issue["closed_on"] is None for issue in open_)
    stances = (await api.request("GET", f"{STORY}/parties/russia/stances")).json()
    assert stances["party_id"] == "russia"
    assert stances["points"]
    assert (await api.request("GET", f"{STORY}/parties/atlantis/stances")).status_code == 404
    assert (await api.request("GET", "/v1/stories/unknown/timeline")).status_code == 404
    assert (
        await api.request("GET", f"{STORY}/issues", params={"state": "maybe"})
    ).status_code == 400


async def test_markdown_export(api: Api) -> None:
    response = await api.request("GET", f"{STORY}/briefs/2025-03-14/markdown")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/markdown; charset=utf-8"
    text = response.text
    assert text.startswith("# ")
    assert "## Positions" in text
    assert "**Russia**" in text
    assert "revision 2" in text
    first = await api.request("GET", f"{STORY}/briefs/2025-03-14/markdown", params={"revision": 1})
    assert "revision 1" in first.text
    assert first.headers["etag"] != response.headers["etag"]


async def test_ninjs_export(api: Api) -> None:
    response = await api.request("GET", f"{STORY}/briefs/2025-03-14/ninjs")
    assert response.status_code == 200
    document = response.json()
    brief = (await api.request("GET", f"{STORY}/briefs/2025-03-14")).json()
    assert document["uri"] == "/v1/stories/ceasefire-2025/briefs/brief-2025-03-14"
    assert document["type"] == "text"
    assert document["version"] == "2"
    assert document["pubstatus"] == brief["status"]
    assert document["headlines"][0] == {
        "role": "main",
        "value": brief["headline"],
        "contenttype": "text/plain",
    }
    assert document["descriptions"][0]["value"] == brief["summary"]
    assert document["firstcreated"].endswith("Z")
    assert document["versioncreated"].endswith("Z")
    assert {entry["literal"] for entry in document["organisations"]} >= {"russia", "ukraine"}
    assert len(document["infosources"]) == len(brief["sources"])
