"""The story views over HTTP leave a withdrawn brief out, name it in the timeline, and see it
again once a later revision reinstates it (both backends)."""

from __future__ import annotations

import msgspec

from service.domain import codec
from service.domain.models import Brief, PubStatus, content_of
from tests.api.conftest import Api
from tests.api.test_briefs import STORY


async def _set_status(api: Api, brief_id: str, status: PubStatus) -> Brief:
    response = await api.request("GET", f"{STORY}/briefs/{brief_id}")
    brief = msgspec.json.decode(response.content, type=Brief)
    put = await api.put_json(
        f"{STORY}/briefs/{brief_id}",
        codec.encode(msgspec.structs.replace(content_of(brief), status=status)),
        if_match=response.headers["etag"],
    )
    assert put.status_code == 200, put.text
    return msgspec.json.decode(put.content, type=Brief)


async def test_views_leave_out_a_withdrawn_brief_until_it_is_reinstated(api: Api) -> None:
    newest = (await api.request("GET", f"{STORY}/briefs/latest")).json()
    before = (await api.request("GET", f"{STORY}/timeline")).json()
    assert before["withdrawn"] == []

    withdrawn = await _set_status(api, newest["id"], PubStatus.CANCELED)

    timeline = (await api.request("GET", f"{STORY}/timeline")).json()
    assert timeline["withdrawn"] == [msgspec.to_builtins(withdrawn.ref)]
    reported = {entry["first_reported_in"]["brief_id"] for entry in timeline["entries"]}
    assert newest["id"] not in reported
    assert len(timeline["entries"]) < len(before["entries"])
    issues = (await api.request("GET", f"{STORY}/issues")).json()["issues"]
    assert all(
        point["brief"]["brief_id"] != newest["id"]
        for issue in issues
        for point in issue["statuses"]
    )
    stances = (await api.request("GET", f"{STORY}/parties/russia/stances")).json()["points"]
    assert stances
    assert all(point["brief"]["brief_id"] != newest["id"] for point in stances)

    await _set_status(api, newest["id"], PubStatus.USABLE)

    reinstated = (await api.request("GET", f"{STORY}/timeline")).json()
    assert reinstated["withdrawn"] == []
    assert len(reinstated["entries"]) == len(before["entries"])
