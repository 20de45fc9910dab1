"""Readiness reflects failing writes: a full disk (simulated with SQLite's ``max_page_count``)
turns ``/readyz`` into 503 problem+json, and it recovers once writes succeed again."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator

import pytest

from service.domain.files import StoryFolder
from service.settings import Settings
from service.store.sqlite import SQLiteStore
from tests.api.conftest import Api, start


@pytest.fixture
async def sqlite_api(sqlite_url: str, ceasefire: StoryFolder) -> AsyncIterator[Api]:
    settings = Settings(database_url=sqlite_url, load_fixtures=False)
    async for running in start(settings, ceasefire):
        yield running


async def limit_pages(store: SQLiteStore, extra: int | None) -> None:
    """Cap the database at its current size plus ``extra`` pages (``None``: lift the cap)."""

    def cap(connection: sqlite3.Connection) -> None:
        pages = connection.execute("PRAGMA page_count").fetchone()[0]
        limit = 1_073_741_823 if extra is None else pages + extra
        connection.execute(f"PRAGMA max_page_count = {limit}")

    writer = store.driver._writer
    assert writer is not None
    await store.driver._on_writer(cap, writer)


async def test_readiness_fails_while_the_disk_is_full(sqlite_api: Api) -> None:
    store = sqlite_api.app.state.store
    assert (await sqlite_api.request("GET", "/readyz")).status_code == 200
    await limit_pages(store, 0)
    story = {"id": "too-big", "title": "A story", "description": "x" * 20_000}
    refused = await sqlite_api.request("POST", "/v1/stories", "write", json=story)
    assert refused.status_code >= 500
    ready = await sqlite_api.request("GET", "/readyz")
    assert ready.status_code == 503, ready.text
    assert ready.headers["content-type"] == "application/problem+json"
    assert "full" in ready.json()["detail"]
    await limit_pages(store, None)  # space again: the probe write succeeds
    assert (await sqlite_api.request("GET", "/readyz")).status_code == 200
    created = await sqlite_api.request("POST", "/v1/stories", "write", json=story)
    assert created.status_code == 201, created.text
