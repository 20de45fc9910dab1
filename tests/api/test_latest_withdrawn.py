"""``GET .../briefs/latest`` never serves a withdrawn brief (status ``canceled``); the brief stays
readable by id and listed (both backends)."""

from __future__ import annotations

import msgspec

from service.domain import codec
from service.domain.models import Brief, PubStatus, content_of
from tests.api.conftest import Api
from tests.api.test_briefs import STORY

LATEST = f"{STORY}/briefs/latest"


async def test_latest_skips_a_withdrawn_brief(api: Api) -> None:
    response = await api.request("GET", LATEST)
    newest = msgspec.json.decode(response.content, type=Brief)
    withdrawn = msgspec.structs.replace(content_of(newest), status=PubStatus.CANCELED)
    put = await api.put_json(
        f"{STORY}/briefs/{newest.id}", codec.encode(withdrawn), if_match=response.headers["etag"]
    )
    assert put.status_code == 200, put.text
    latest = (await api.request("GET", LATEST)).json()
    assert latest["id"] != newest.id
    assert latest["as_of"] < newest.as_of.isoformat()
    assert latest["status"] != "canceled"
    assert (await api.request("GET", f"{STORY}/briefs/{newest.id}")).json()["status"] == "canceled"
    listed = (await api.request("GET", f"{STORY}/briefs")).json()["items"]
    assert newest.id in [item["id"] for item in listed]
