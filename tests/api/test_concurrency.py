"""Concurrent conditional updates on both backends: exactly one wins, the rest get 412."""

from __future__ import annotations

import asyncio

import msgspec

from service.domain import codec
from service.domain.models import Brief, content_of
from tests.api.conftest import Api

BRIEF = "/v1/stories/ceasefire-2025/briefs/brief-2025-03-19"
WRITERS = 32


async def test_concurrent_puts_with_the_same_if_match(api: Api) -> None:
    current = await api.request("GET", BRIEF)
    brief = msgspec.json.decode(current.content, type=Brief)
    before = len((await api.request("GET", f"{BRIEF}/revisions")).json())

    async def put(writer: int) -> int:
        content = msgspec.structs.replace(content_of(brief), headline=f"Edit by writer {writer}")
        response = await api.put_json(
            BRIEF, codec.encode(content), if_match=current.headers["etag"]
        )
        if response.status_code == 412:
            assert response.json()["current_revision"] == brief.revision + 1
        return response.status_code

    statuses = await asyncio.gather(*(put(writer) for writer in range(WRITERS)))
    assert sorted(statuses) == [200] + [412] * (WRITERS - 1), statuses
    revisions = (await api.request("GET", f"{BRIEF}/revisions")).json()
    assert len(revisions) == before + 1
    assert revisions[-1]["revision"] == brief.revision + 1
