"""Diffs (semantic and JSON Patch), story views and exports."""

from __future__ import annotations

import jsonpatch
import msgspec

from service.domain import codec
from service.domain.changes import BriefDiff
from service.domain.derive import issue_lifecycles, stance_history, timeline
from service.domain.files import StoryFolder
from service.domain.wire import JSON_PATCH
from service.settings import Settings

from .conftest import Api, replica, start

STORY = "/v1/stories/ceasefire-2025"


async def test_brief_diff_against_predecessor(api: Api) -> None:
    response = await api.request("GET", f"{STORY}/briefs/2025-03-14/diff")
    assert response.status_code == 200
    diff = msgspec.json.decode(response.content, type=BriefDiff)
    assert diff.old.as_of.isoformat() == "2025-03-13"
    assert diff.new.as_of.isoformat() == "2025-03-14"
    assert response.headers["etag"].startswith(
        '"ceasefire-2025/brief-2025-03-13/r1..brief-2025-03-14/r2/'
    )
    cached = await api.revalidate(f"{STORY}/briefs/2025-03-14/diff", response.headers["etag"])
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


TIMELINE = f"{STORY}/timeline"
VIEWS = [
    TIMELINE,
    f"{STORY}/issues",
    f"{STORY}/issues?state=open",
    f"{STORY}/issues?state=closed",
    f"{STORY}/parties/russia/stances",
    f"{STORY}/parties/ukraine/stances",
]


async def test_views_are_the_derived_views_encoded(api: Api) -> None:
    """The cached bytes are exactly the encoding of the view derived from the current briefs."""
    briefs = await api.app.state.store.story_briefs("ceasefire-2025")
    expected = {
        TIMELINE: timeline("ceasefire-2025", briefs),
        f"{STORY}/issues": issue_lifecycles("ceasefire-2025", briefs),
        f"{STORY}/parties/russia/stances": stance_history("ceasefire-2025", "russia", briefs),
    }
    for path, view in expected.items():
        for _ in range(2):  # derived, then cached
            response = await api.request("GET", path)
            assert response.status_code == 200
            assert response.headers["content-type"] == "application/json"
            assert response.content == codec.encode(view)


async def test_a_view_is_cached_with_a_strong_etag(api: Api) -> None:
    cache = api.app.state.cache
    first = await api.request("GET", TIMELINE)
    assert first.status_code == 200
    etag = first.headers["etag"]
    assert etag.startswith('"ceasefire-2025/timeline/v')
    hits = cache.stats().hits
    second = await api.request("GET", TIMELINE)
    assert cache.stats().hits == hits + 1
    assert (second.content, second.headers["etag"]) == (first.content, etag)
    not_modified = await api.revalidate(TIMELINE, etag)
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    assert not_modified.headers["etag"] == etag
    weak = await api.revalidate(TIMELINE, f"W/{etag}")
    assert weak.status_code == 304
    other = await api.revalidate(TIMELINE, '"another"')
    assert (other.status_code, other.content) == (200, first.content)


async def test_each_filter_and_party_is_cached_apart(api: Api) -> None:
    cache = api.app.state.cache
    first = {path: await api.request("GET", path) for path in VIEWS}
    assert len({response.headers["etag"] for response in first.values()}) == len(VIEWS)
    assert len({response.content for response in first.values()}) == len(VIEWS)
    entries, hits = cache.stats().entries, cache.stats().hits
    for path in VIEWS:
        again = await api.request("GET", path)
        assert again.content == first[path].content
        assert again.headers["etag"] == first[path].headers["etag"]
        not_modified = await api.revalidate(path, first[path].headers["etag"])
        assert not_modified.status_code == 304
    assert cache.stats().entries == entries
    assert cache.stats().hits == hits + 2 * len(VIEWS)
    every = await api.request("GET", f"{STORY}/issues", params={"state": "all"})
    assert every.headers["etag"] == first[f"{STORY}/issues"].headers["etag"]


async def test_unknown_story_or_party_is_a_404_problem(api: Api) -> None:
    await api.request("GET", f"{STORY}/parties/russia/stances")  # cached
    paths = [
        "/v1/stories/unknown/timeline",
        "/v1/stories/unknown/issues?state=open",
        "/v1/stories/unknown/parties/russia/stances",
        f"{STORY}/parties/atlantis/stances",
    ]
    for path in paths:
        for headers in ({}, {"If-None-Match": "*"}):
            response = await api.request("GET", path, headers=headers)
            assert response.status_code == 404, path
            assert response.headers["content-type"] == "application/problem+json"
            assert response.json()["status"] == 404


async def test_a_party_dropped_from_the_registry_is_a_404_even_when_cached(api: Api) -> None:
    stances = f"{STORY}/parties/russia/stances"
    assert (await api.request("GET", stances)).status_code == 200
    story = (await api.request("GET", STORY)).json()
    parties = [party for party in story["parties"] if party["id"] != "russia"]
    patched = await api.request("PATCH", STORY, "write", json={"parties": parties})
    assert patched.status_code == 200, patched.text
    assert (await api.request("GET", stances)).status_code == 404


async def test_a_replica_serves_an_updated_view_at_once(
    database_url: str, ceasefire: StoryFolder
) -> None:
    """Two replicas on one database: an update through one changes the other's next view (its
    cache keys views by the story version, which every request reads from the database)."""
    settings = Settings(database_url=database_url, load_fixtures=False, db_pool_size=4)
    async for first in start(settings, ceasefire):
        async with replica(settings) as second:
            before = await second.get(TIMELINE)
            assert (await second.get(TIMELINE)).headers["etag"] == before.headers["etag"]
            latest = await first.client.get(f"{STORY}/briefs/latest")
            content = {k: v for k, v in latest.json().items() if k not in _IDENTITY}
            event_id = content["events"][0]["id"]
            content["events"][0]["title"] = "Retitled through the first replica"
            updated = await first.client.put(
                f"{STORY}/briefs/{latest.json()['id']}",
                json=content,
                headers={"If-Match": latest.headers["etag"], **first.tokens.headers("write")},
            )
            assert updated.status_code == 200, updated.text
            after = await second.get(TIMELINE, headers={"If-None-Match": before.headers["etag"]})
            assert after.status_code == 200
            assert after.headers["etag"] != before.headers["etag"]
            titles = {
                entry["event"]["id"]: entry["event"]["title"] for entry in after.json()["entries"]
            }
            assert titles[event_id] == "Retitled through the first replica"
            assert after.content == (await first.client.get(TIMELINE)).content


_IDENTITY = {"id", "as_of", "story_id", "revision", "created_at", "revised_at"}


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
    assert document["uri"] == "http://testserver/v1/stories/ceasefire-2025/briefs/brief-2025-03-14"
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
