"""Two ``briefs serve`` replicas on one PostgreSQL, as compose.yaml runs them: started at the same
moment on an empty schema (migrations and the fixture import race), a write through one is read
through the other, and concurrent If-Match updates spread over both let exactly one win."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import BriefsServer

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

EDITORS = 12
STORY = {"id": "shared-desk", "title": "A story edited from two replicas"}
BRIEF = {"id": "opening", "as_of": "2026-11-27", "headline": "Both replicas see this"}
BRIEF_PATH = "/v1/stories/shared-desk/briefs/opening"


async def race(urls: list[str], token: str, etag: str) -> list[httpx.Response]:
    """``EDITORS`` updates based on the same revision, alternating between the replicas."""
    async with httpx.AsyncClient(timeout=30) as client:
        return await asyncio.gather(
            *(
                client.put(
                    f"{urls[index % len(urls)]}{BRIEF_PATH}",
                    json={"headline": f"Edit number {index}"},
                    headers={"Authorization": f"Bearer {token}", "If-Match": etag},
                )
                for index in range(EDITORS)
            )
        )


def test_two_replicas_share_one_postgresql(postgres_url: str, tmp_path: Path) -> None:
    replicas = [
        BriefsServer(
            postgres_url,
            log_path=tmp_path / f"replica-{index}.log",
            env={"BRIEFS_LOAD_FIXTURES": "true"},
        )
        for index in range(2)
    ]
    try:
        with ThreadPoolExecutor(len(replicas)) as pool:
            list(pool.map(BriefsServer.start, replicas))
        first, second = replicas
        token = first.create_token("write", name="desk-editor")
        with (
            httpx.Client(base_url=first.base_url, timeout=10) as one,
            httpx.Client(base_url=second.base_url, timeout=10) as two,
        ):
            stories = [story["id"] for story in two.get("/v1/stories").json()]
            assert stories.count("ceasefire-2025") == 1, "the fixtures were imported once"

            auth = {"Authorization": f"Bearer {token}"}
            assert one.post("/v1/stories", json=STORY, headers=auth).status_code == 201
            created = one.post("/v1/stories/shared-desk/briefs", json=BRIEF, headers=auth)
            assert created.status_code == 201, created.text
            read = two.get(BRIEF_PATH)
            assert read.status_code == 200, read.text
            assert read.json()["headline"] == BRIEF["headline"]
            etag = read.headers["etag"]
            assert etag == created.headers["etag"], "both replicas name the revision alike"

            responses = asyncio.run(race([first.base_url, second.base_url], token, etag))
            statuses = sorted(response.status_code for response in responses)
            assert statuses == [200] + [412] * (EDITORS - 1), [r.text for r in responses]
            (winner,) = [response for response in responses if response.status_code == 200]
            for loser in responses:
                if loser.status_code == 412:
                    assert loser.json()["current_revision"] == 2

            for client in (one, two):
                latest = client.get(BRIEF_PATH).json()
                assert latest["revision"] == 2
                assert latest["headline"] == winner.json()["headline"]
    finally:
        for replica in replicas:
            replica.stop()
