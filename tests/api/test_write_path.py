"""The brief PUT reads the current brief once: ``If-Match`` names the expected revision and the
store's compare-and-set decides (on both backends)."""

from __future__ import annotations

import msgspec
import pytest

from service.domain.models import Brief
from tests.api.conftest import Api
from tests.api.test_briefs import BRIEF, STORY, edited

JSON = {"Content-Type": "application/json"}


def record_operations(api: Api) -> list[str]:
    """The store operations from now on, in order (token lookups of authentication left out)."""
    operations: list[str] = []
    api.app.state.store.observe(
        lambda operation, _seconds, _ok: (
            operations.append(operation) if operation != "find_token" else None
        )
    )
    return operations


async def current(api: Api, path: str = BRIEF) -> tuple[Brief, str]:
    response = await api.request("GET", path)
    return msgspec.json.decode(response.content, type=Brief), response.headers["etag"]


async def test_an_update_reads_no_brief_but_in_the_compare_and_set(api: Api) -> None:
    brief, etag = await current(api)
    operations = record_operations(api)
    response = await api.request(
        "PUT",
        BRIEF,
        "write",
        content=edited(brief, "Read once"),
        headers={**JSON, "If-Match": etag},
    )
    assert response.status_code == 200, response.text
    assert operations == ["get_story", "update_brief"]


async def test_an_update_by_date_resolves_the_date_from_the_index_only(api: Api) -> None:
    brief, etag = await current(api, f"{STORY}/briefs/2025-03-19")
    operations = record_operations(api)
    response = await api.request(
        "PUT",
        f"{STORY}/briefs/2025-03-19",
        "write",
        content=edited(brief, "By date, read once"),
        headers={**JSON, "If-Match": etag},
    )
    assert response.status_code == 200, response.text
    assert operations == ["current_ref", "get_story", "update_brief"]


@pytest.mark.parametrize(
    "if_match",
    [
        '"stale"',
        "W/{etag}",  # weak tags never match If-Match
        "{etag_of_other_brief}",
        '"ceasefire-2025/brief-2025-03-14/r0:000000000000000000000000"',
        '"ceasefire-2025/brief-2025-03-14/r2:not-a-hash"',
    ],
)
async def test_an_if_match_naming_no_current_revision_is_412(api: Api, if_match: str) -> None:
    brief, etag = await current(api)
    _, other = await current(api, f"{STORY}/briefs/2025-03-19")
    header = if_match.format(etag=etag, etag_of_other_brief=other)
    response = await api.request(
        "PUT", BRIEF, "write", content=edited(brief, "No"), headers={**JSON, "If-Match": header}
    )
    assert response.status_code == 412, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["current_revision"] == brief.revision
    assert (await current(api))[0].revision == brief.revision


async def test_a_list_naming_the_current_tag_or_a_star_matches(api: Api) -> None:
    brief, etag = await current(api)
    listed = await api.request(
        "PUT",
        BRIEF,
        "write",
        content=edited(brief, "Listed"),
        headers={**JSON, "If-Match": f'W/"weak", {etag}'},
    )
    assert listed.status_code == 200, listed.text
    assert listed.json()["revision"] == brief.revision + 1
    star = await api.request(
        "PUT", BRIEF, "write", content=edited(brief, "Any"), headers={**JSON, "If-Match": "*"}
    )
    assert star.status_code == 200, star.text
    assert star.json()["revision"] == brief.revision + 2
