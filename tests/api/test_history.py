"""Time travel (``on``, ``at``) and Memento (RFC 7089: ``Accept-Datetime``, TimeMaps), on both
backends, over a story stored at known instants (tests/api/history_story.py)."""

from __future__ import annotations

import datetime as dt
import email.utils
import re
from collections.abc import AsyncIterator

import pytest

from service.domain import codec
from service.domain.derive import issue_lifecycles, timeline
from service.domain.files import StoryFolder
from service.settings import Settings
from tests.api.conftest import Api, start
from tests.api.history_story import (
    FIRST_DAY,
    HOUR,
    SECOND_DAY,
    T1,
    T2,
    T3,
    T4,
    T5,
    rfc3339,
    store_history_story,
)

BRIEFS = "/v1/stories/harbour-talks/briefs"
LATEST = f"{BRIEFS}/latest"


@pytest.fixture
async def api(database_url: str, ceasefire: StoryFolder) -> AsyncIterator[Api]:
    """The API on each backend with the fixture story and the history story."""
    settings = Settings(database_url=database_url, load_fixtures=False, db_pool_size=5)
    async for running in start(settings, ceasefire):
        await store_history_story(running.app.state.store)
        yield running


async def _brief(api: Api, path: str, **headers: str) -> tuple[str, int]:
    response = await api.request("GET", path, headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    return body["id"], body["revision"]


def _http_date(instant: dt.datetime) -> str:
    return email.utils.format_datetime(instant, usegmt=True)


async def _problem(api: Api, path: str, status: int, **headers: str) -> dict[str, object]:
    response = await api.request("GET", path, headers=headers)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem: dict[str, object] = response.json()
    assert problem["status"] == status
    return problem


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (FIRST_DAY, ("first", 2)),
        (dt.date(2025, 3, 2), ("first", 2)),
        (SECOND_DAY, ("first", 2)),  # "second" is withdrawn now: never in effect
        (dt.date(2025, 3, 5), ("third", 1)),
        (dt.date(2026, 1, 1), ("third", 1)),
    ],
)
async def test_on_is_the_brief_in_effect_that_day(
    api: Api, on: dt.date, expected: tuple[str, int]
) -> None:
    assert await _brief(api, f"{LATEST}?on={on.isoformat()}") == expected


async def test_on_before_every_brief_is_a_404_problem(api: Api) -> None:
    problem = await _problem(api, f"{LATEST}?on=2025-02-28", 404)
    assert "in effect on 2025-02-28" in str(problem["detail"])


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (T1, ("first", 1)),  # a revision stored at the very instant counts
        (T1 + HOUR, ("first", 1)),
        (T2 + HOUR, ("first", 2)),
        (T3 + HOUR, ("second", 1)),
        (T4 + HOUR, ("first", 2)),  # "second" was withdrawn at T4
        (T5 + HOUR, ("third", 1)),
        (dt.datetime(2999, 1, 1, tzinfo=dt.UTC), ("third", 1)),  # the future is now
    ],
)
async def test_latest_at_is_what_the_service_said_then(
    api: Api, at: dt.datetime, expected: tuple[str, int]
) -> None:
    assert await _brief(api, f"{LATEST}?at={rfc3339(at)}") == expected


async def test_latest_on_and_at_together(api: Api) -> None:
    path = f"{LATEST}?on={SECOND_DAY.isoformat()}&at={rfc3339(T3 + HOUR)}"
    assert await _brief(api, path) == ("second", 1)
    path = f"{LATEST}?on={SECOND_DAY.isoformat()}&at={rfc3339(T1 + HOUR)}"
    assert await _brief(api, path) == ("first", 1)


async def test_latest_at_before_the_story_began_is_a_404_problem(api: Api) -> None:
    await _problem(api, f"{LATEST}?at={rfc3339(T1 - HOUR)}", 404)


@pytest.mark.parametrize(
    ("ref", "at", "expected"),
    [
        ("first", T1 + HOUR, ("first", 1)),
        ("first", T2, ("first", 2)),
        ("2025-03-01", T1 + HOUR, ("first", 1)),
        ("second", T4 + HOUR, ("second", 2)),  # a brief read by name: withdrawn, as it was
        ("second", T3 + HOUR, ("second", 1)),
    ],
)
async def test_brief_at_is_the_revision_current_then(
    api: Api, ref: str, at: dt.datetime, expected: tuple[str, int]
) -> None:
    assert await _brief(api, f"{BRIEFS}/{ref}?at={rfc3339(at)}") == expected


async def test_brief_at_an_offset_is_the_same_instant(api: Api) -> None:
    at = (T1 + HOUR).astimezone(dt.timezone(dt.timedelta(hours=5))).isoformat()
    response = await api.request("GET", f"{BRIEFS}/first", params={"at": at})
    assert response.json()["revision"] == 1


async def test_brief_at_before_it_existed_is_a_404_problem(api: Api) -> None:
    problem = await _problem(api, f"{BRIEFS}/third?at={rfc3339(T4)}", 404)
    assert "did not exist yet" in str(problem["detail"])


async def test_brief_at_carries_the_revisions_etag(api: Api) -> None:
    plain = await api.request("GET", f"{BRIEFS}/first/revisions/1")
    then = await api.request("GET", f"{BRIEFS}/first?at={rfc3339(T1 + HOUR)}")
    assert then.headers["etag"] == plain.headers["etag"]
    assert then.content == plain.content
    again = await api.revalidate(f"{BRIEFS}/first?at={rfc3339(T1 + HOUR)}", then.headers["etag"])
    assert again.status_code == 304


async def test_timeline_and_issues_at_derive_from_the_briefs_of_then(api: Api) -> None:
    store = api.app.state.store
    then = [await store.get_brief("harbour-talks", "first", 2)]
    then.append(await store.get_brief("harbour-talks", "second", 1))
    view = await api.request("GET", f"/v1/stories/harbour-talks/timeline?at={rfc3339(T3 + HOUR)}")
    assert view.content == codec.encode(timeline("harbour-talks", then))
    issues = await api.request(
        "GET", f"/v1/stories/harbour-talks/issues?at={rfc3339(T3 + HOUR)}&state=open"
    )
    assert [issue["issue_id"] for issue in issues.json()["issues"]] == ["toll"]
    assert issues.content == codec.encode(issue_lifecycles("harbour-talks", then))
    later = await api.request("GET", f"/v1/stories/harbour-talks/issues?at={rfc3339(T4 + HOUR)}")
    assert later.json()["issues"] == []  # the only brief with the issue was withdrawn
    withdrawn = await api.request(
        "GET", f"/v1/stories/harbour-talks/timeline?at={rfc3339(T4 + HOUR)}"
    )
    assert [ref["brief_id"] for ref in withdrawn.json()["withdrawn"]] == ["second"]
    etag = view.headers["etag"]
    assert etag.startswith('"harbour-talks/timeline/at/')
    again = await api.revalidate(
        f"/v1/stories/harbour-talks/timeline?at={rfc3339(T3 + HOUR)}", etag
    )
    assert again.status_code == 304


async def test_views_at_now_equal_the_current_views(api: Api) -> None:
    now = rfc3339(dt.datetime.now(dt.UTC) + HOUR)
    for path in ("/v1/stories/harbour-talks/timeline", "/v1/stories/harbour-talks/issues"):
        current = await api.request("GET", path)
        then = await api.request("GET", f"{path}?at={now}")
        assert then.content == current.content


async def test_views_at_before_the_story_are_empty(api: Api) -> None:
    view = await api.request("GET", f"/v1/stories/harbour-talks/timeline?at={rfc3339(T1 - HOUR)}")
    assert view.json() == {"story_id": "harbour-talks", "entries": [], "withdrawn": []}


@pytest.mark.parametrize(
    "value",
    [
        "yesterday",
        "2025-03-01",  # a date, not an instant
        "2025-03-01T12:00:00",  # no offset
        "2025-13-01T12:00:00Z",
        "2025-03-01T25:00:00Z",
        "2025-02-30T12:00:00Z",  # the pattern allows it, the calendar does not
    ],
)
@pytest.mark.parametrize(
    "path",
    [
        LATEST,
        f"{BRIEFS}/first",
        "/v1/stories/harbour-talks/timeline",
        "/v1/stories/harbour-talks/issues",
    ],
)
async def test_a_bad_at_is_a_400_problem_naming_it(api: Api, path: str, value: str) -> None:
    response = await api.request("GET", path, params={"at": value})
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert [error["path"] for error in response.json()["errors"]] == ["query.at"]


@pytest.mark.parametrize("value", ["2025-02-30", "March", "2025-3-1"])
async def test_a_bad_on_is_a_400_problem_naming_it(api: Api, value: str) -> None:
    response = await api.request("GET", LATEST, params={"on": value})
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert [error["path"] for error in response.json()["errors"]] == ["query.on"]


async def test_unknown_story_is_a_404_problem(api: Api) -> None:
    for path in (
        "/v1/stories/no-such-story/briefs/latest?on=2025-03-01",
        f"/v1/stories/no-such-story/briefs/latest?at={rfc3339(T2)}",
        f"/v1/stories/no-such-story/timeline?at={rfc3339(T2)}",
        "/v1/stories/no-such-story/briefs/first/timemap",
    ):
        await _problem(api, path, 404)
    await _problem(api, f"{BRIEFS}/no-such-brief/timemap", 404)
    await _problem(api, f"{BRIEFS}/no-such-brief?at={rfc3339(T2)}", 404)


# --- Memento -----------------------------------------------------------------------------------


def _links(header: str) -> dict[str, tuple[str, dict[str, str]]]:
    """``rel -> (target, attributes)`` of a Link header (each rel word on its own)."""
    found: dict[str, tuple[str, dict[str, str]]] = {}
    for target, params in re.findall(r"<([^>]*)>((?:\s*;\s*[\w-]+=\"[^\"]*\")*)", header):
        attributes = dict(re.findall(r'([\w-]+)="([^"]*)"', params))
        for rel in attributes.get("rel", "").split():
            found[rel] = (target, attributes)
    return found


async def test_accept_datetime_answers_the_memento_current_then(api: Api) -> None:
    response = await api.request(
        "GET", f"{BRIEFS}/first", headers={"Accept-Datetime": _http_date(T1 + HOUR)}
    )
    assert response.status_code == 200
    assert response.json()["revision"] == 1
    assert response.headers["memento-datetime"] == "Sat, 01 Mar 2025 12:00:00 GMT"
    assert response.headers["content-location"] == f"{BRIEFS}/first/revisions/1"
    assert "accept-datetime" in response.headers["vary"].lower()
    links = _links(response.headers["link"])
    assert links["original"][0] == f"{BRIEFS}/first"
    assert links["timegate"][0] == f"{BRIEFS}/first"
    assert links["timemap"] == (
        f"{BRIEFS}/first/timemap",
        {"rel": "timemap", "type": "application/link-format"},
    )
    assert links["first"][0] == f"{BRIEFS}/first/revisions/1"
    assert links["last"][0] == links["next"][0] == f"{BRIEFS}/first/revisions/2"
    assert links["last"][1]["datetime"] == "Sun, 02 Mar 2025 12:00:00 GMT"
    assert "prev" not in links
    plain = await api.request("GET", f"{BRIEFS}/first/revisions/1")
    assert response.headers["etag"] == plain.headers["etag"]


async def test_accept_datetime_on_the_last_memento_links_prev(api: Api) -> None:
    response = await api.request(
        "GET", f"{BRIEFS}/first", headers={"Accept-Datetime": _http_date(T5)}
    )
    assert response.json()["revision"] == 2
    links = _links(response.headers["link"])
    assert links["prev"][0] == links["first"][0] == f"{BRIEFS}/first/revisions/1"
    assert "next" not in links


async def test_accept_datetime_before_the_first_memento_answers_the_first(api: Api) -> None:
    response = await api.request(
        "GET", f"{BRIEFS}/first", headers={"Accept-Datetime": _http_date(T1 - 10 * HOUR)}
    )
    assert response.json()["revision"] == 1
    assert response.headers["memento-datetime"] == _http_date(T1)


async def test_accept_datetime_on_latest(api: Api) -> None:
    response = await api.request("GET", LATEST, headers={"Accept-Datetime": _http_date(T3 + HOUR)})
    assert (response.json()["id"], response.json()["revision"]) == ("second", 1)
    assert response.headers["memento-datetime"] == _http_date(T3)
    links = _links(response.headers["link"])
    assert links["original"][0] == LATEST
    assert links["timemap"][0] == f"{BRIEFS}/second/timemap"
    assert links["next"][0] == f"{BRIEFS}/second/revisions/2"


async def test_accept_datetime_with_if_none_match_answers_304(api: Api) -> None:
    headers = {"Accept-Datetime": _http_date(T1 + HOUR)}
    first = await api.request("GET", f"{BRIEFS}/first", headers=headers)
    again = await api.request(
        "GET", f"{BRIEFS}/first", headers={**headers, "If-None-Match": first.headers["etag"]}
    )
    assert again.status_code == 304
    assert again.headers["memento-datetime"] == first.headers["memento-datetime"]


@pytest.mark.parametrize("role", ["none", "read"])
async def test_accept_datetime_is_never_answered_from_the_plain_cache(api: Api, role: str) -> None:
    for _ in range(2):  # the second read would be a cache hit of the plain read
        await api.request("GET", LATEST, role)
        response = await api.request(
            "GET", LATEST, role, headers={"Accept-Datetime": _http_date(T1 + HOUR)}
        )
        assert (response.json()["id"], response.json()["revision"]) == ("first", 1)
        assert "memento-datetime" in response.headers


@pytest.mark.parametrize(
    "value",
    [
        "yesterday",
        "2025-03-01T12:00:00Z",
        "Sat, 99 Mar 2025 12:00:00 GMT",
        "Sat, 30 Feb 2025 12:00:00 GMT",  # the pattern allows it, the calendar does not
        "Sat, 01 Mar 2025 12:00:00 +0000",
    ],
)
async def test_a_bad_accept_datetime_is_a_400_problem_naming_it(api: Api, value: str) -> None:
    for path in (f"{BRIEFS}/first", LATEST):
        problem = await _problem(api, path, 400, **{"Accept-Datetime": value})
        errors = problem["errors"]
        assert isinstance(errors, list)
        assert [error["path"] for error in errors] == ["header.accept_datetime"]


async def test_an_impossible_at_is_a_400_problem_naming_it(api: Api) -> None:
    problem = await _problem(api, f"{BRIEFS}/first?at=2025-02-30T12:00:00Z", 400)
    assert problem["errors"] == [{"path": "query.at", "message": "no such date"}]


async def test_at_and_accept_datetime_together_are_a_400_problem(api: Api) -> None:
    path = f"{BRIEFS}/first?at={rfc3339(T2)}"
    problem = await _problem(api, path, 400, **{"Accept-Datetime": _http_date(T2)})
    assert [error["path"] for error in problem["errors"]] == ["query.at"]  # type: ignore[union-attr]


async def test_timemap_lists_every_revision(api: Api) -> None:
    response = await api.request("GET", f"{BRIEFS}/first/timemap")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/link-format"
    entries = [entry.strip() for entry in response.text.strip().split(",\n")]
    assert entries == [
        f'<{BRIEFS}/first>;rel="original timegate"',
        f'<{BRIEFS}/first/timemap>;rel="self";type="application/link-format"'
        ';from="Sat, 01 Mar 2025 12:00:00 GMT";until="Sun, 02 Mar 2025 12:00:00 GMT"',
        f'<{BRIEFS}/first/revisions/1>;rel="first memento"'
        ';datetime="Sat, 01 Mar 2025 12:00:00 GMT"',
        f'<{BRIEFS}/first/revisions/2>;rel="last memento";datetime="Sun, 02 Mar 2025 12:00:00 GMT"',
    ]
    by_date = await api.request("GET", f"{BRIEFS}/2025-03-01/timemap")
    assert by_date.content == response.content
    cached = await api.revalidate(f"{BRIEFS}/first/timemap", response.headers["etag"])
    assert cached.status_code == 304


async def test_every_memento_of_the_timemap_is_served(api: Api) -> None:
    response = await api.request("GET", f"{BRIEFS}/second/timemap")
    for target, rel in re.findall(r'<([^>]*)>;rel="([^"]*)"', response.text):
        if "memento" in rel.split():
            assert (await api.request("GET", target)).status_code == 200
