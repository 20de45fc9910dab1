"""One brief document for every tool, and who made each revision and why (on both backends).

The file ``briefs validate`` checks is what POST accepts as it is; the body a GET returns, edited,
is what PUT accepts; read-only fields are checked against the current revision, never dropped.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from service.domain.validate import validate_path
from tests.api.conftest import Api
from tests.conftest import CEASEFIRE_DIR

STORY = "/v1/stories/ceasefire-2025"
NEW = f"{STORY}/briefs/mar-25"
JSON = {"Content-Type": "application/json"}


def stored_file_as_new_brief(tmp_path: Path) -> Path:
    """A stored revision's file (server fields and all) under a new id and as-of date."""
    document = json.loads((CEASEFIRE_DIR / "briefs" / "2025-03-19.json").read_bytes())
    document.update(id="mar-25", as_of="2025-03-25", change_note="First draft of the 25th")
    path = tmp_path / "mar-25.json"
    path.write_text(json.dumps(document, indent=2))
    return path


async def test_validate_post_get_edit_put_and_the_revision_list(api: Api, tmp_path: Path) -> None:
    path = stored_file_as_new_brief(tmp_path)
    assert validate_path(path) == []

    created = await api.request(
        "POST", f"{STORY}/briefs", "write", content=path.read_bytes(), headers=JSON
    )
    assert created.status_code == 201, created.text
    first = created.json()
    assert (first["revision"], first["revised_by"]) == (1, "test-write")
    assert first["change_note"] == "First draft of the 25th"
    assert first["created_at"] != json.loads(path.read_bytes())["created_at"]  # the server's

    got = await api.request("GET", NEW)
    document = got.json()
    document["headline"] = "Truce talks resume in Riyadh"
    document["change_note"] = "Sharper headline"
    put = await api.request(
        "PUT",
        NEW,
        "admin",
        content=json.dumps(document),
        headers={**JSON, "If-Match": got.headers["etag"]},
    )
    assert put.status_code == 200, put.text
    second = put.json()
    assert (second["revision"], second["headline"]) == (2, "Truce talks resume in Riyadh")
    assert (second["revised_by"], second["change_note"]) == ("test-admin", "Sharper headline")
    assert second["created_at"] == first["created_at"]

    revisions = (await api.request("GET", f"{NEW}/revisions")).json()
    assert [
        (r["revision"], r["revised_by"], r["change_note"], r["revised_at"]) for r in revisions
    ] == [
        (1, "test-write", "First draft of the 25th", first["revised_at"]),
        (2, "test-admin", "Sharper headline", second["revised_at"]),
    ]
    # The diff's headers and the Markdown export say it too.
    diff = (
        await api.request("GET", f"{NEW}/diff", params={"against": "mar-25", "against_revision": 1})
    ).json()
    assert (diff["old"]["revised_by"], diff["new"]["change_note"]) == (
        "test-write",
        "Sharper headline",
    )
    markdown = (await api.request("GET", f"{NEW}/markdown")).text
    assert "revised by test-admin" in markdown
    assert "> Change note: Sharper headline" in markdown


async def test_a_post_body_validates_as_a_file_and_an_update_body_may_be_content_only(
    api: Api, tmp_path: Path
) -> None:
    document = json.loads(stored_file_as_new_brief(tmp_path).read_bytes())
    for server_field in ("story_id", "revision", "created_at", "revised_at", "revised_by"):
        del document[server_field]
    draft = tmp_path / "draft.json"
    draft.write_text(json.dumps(document))
    assert validate_path(draft) == []
    created = await api.request("POST", f"{STORY}/briefs", "write", json=document)
    assert created.status_code == 201, created.text

    content = {key: value for key, value in created.json().items() if key == "headline"}
    put = await api.request(
        "PUT", NEW, "write", json=content, headers={"If-Match": created.headers["etag"]}
    )
    assert put.status_code == 200, put.text
    assert (put.json()["revision"], put.json()["change_note"]) == (2, None)


async def test_read_only_fields_that_differ_are_a_422_naming_each(api: Api) -> None:
    await api.request("POST", f"{STORY}/briefs", "write", json=await _document(api))
    got = await api.request("GET", NEW)
    document = got.json()
    document.update(
        id="another-brief", revision=7, created_at="2020-01-01T00:00:00Z", revised_by="mallory"
    )
    put = await api.request(
        "PUT", NEW, "write", json=document, headers={"If-Match": got.headers["etag"]}
    )
    assert put.status_code == 422
    errors = put.json()["errors"]
    assert [error["path"] for error in errors] == [
        "$.id",
        "$.revision",
        "$.created_at",
        "$.revised_by",
    ]
    assert errors[1]["message"] == "is read-only: 7 is not the current value 1"
    assert (await api.request("GET", NEW)).json()["revision"] == 1  # nothing stored


async def test_a_new_brief_is_revision_1_of_this_story(api: Api) -> None:
    document = {**(await _document(api)), "story_id": "another-story", "revision": 3}
    created = await api.request("POST", f"{STORY}/briefs", "write", json=document)
    assert created.status_code == 422
    assert [error["path"] for error in created.json()["errors"]] == ["$.story_id", "$.revision"]


async def test_unknown_fields_stay_rejected_at_every_depth_next_to_read_only_ones(
    api: Api,
) -> None:
    await api.request("POST", f"{STORY}/briefs", "write", json=await _document(api))
    got = await api.request("GET", NEW)
    document = got.json()
    document["revisions"] = 1
    document["sources"][0]["rating"] = "A"
    put = await api.request(
        "PUT", NEW, "write", json=document, headers={"If-Match": got.headers["etag"]}
    )
    assert put.status_code == 422
    assert put.json()["errors"] == [
        {"path": "$.sources[0].rating", "message": "unknown field"},
        {"path": "$.revisions", "message": "unknown field (did you mean 'revision'?)"},
    ]


async def test_a_change_note_has_at_most_500_characters(api: Api) -> None:
    document = {**(await _document(api)), "change_note": "x" * 501}
    created = await api.request("POST", f"{STORY}/briefs", "write", json=document)
    assert created.status_code == 422
    assert [error["path"] for error in created.json()["errors"]] == ["$.change_note"]


async def _document(api: Api) -> dict[str, Any]:
    latest: dict[str, Any] = (await api.request("GET", f"{STORY}/briefs/latest")).json()
    return {**latest, "id": "mar-25", "as_of": "2025-03-25", "revision": 1}
