"""The API in-process: ``create_app(settings)`` on a temporary SQLite database, behind
``httpx.ASGITransport``, with its lifespan run (ASGITransport itself does not run it)."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator, MutableMapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from service.client import BriefsClient
from service.domain.wire import Scope
from service.settings import Settings
from service.store.base import Store

BASE_URL = "http://briefs.test"

Message = MutableMapping[str, Any]


@asynccontextmanager
async def lifespan(app: Any) -> AsyncIterator[None]:
    """Drive an ASGI app's lifespan protocol: startup on enter, shutdown on exit."""
    inbox: asyncio.Queue[Message] = asyncio.Queue()
    outbox: asyncio.Queue[Message] = asyncio.Queue()
    scope = {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"}, "state": {}}
    task = asyncio.create_task(app(scope, inbox.get, outbox.put))
    await inbox.put({"type": "lifespan.startup"})
    started = await outbox.get()
    if started["type"] != "lifespan.startup.complete":
        task.cancel()
        raise RuntimeError(f"lifespan startup failed: {started.get('message', started)}")
    try:
        yield
    finally:
        await inbox.put({"type": "lifespan.shutdown"})
        await outbox.get()
        await task


class InProcessAPI:
    """The app, its store and a way to mint tokens and clients for it."""

    def __init__(self, app: Any, store: Store) -> None:
        self.app = app
        self.store = store

    def client(self, token: str | None = None) -> BriefsClient:
        """A `BriefsClient` over ``httpx.ASGITransport`` (use it as an async context manager)."""
        transport = httpx.ASGITransport(app=self.app)
        return BriefsClient.connect(BASE_URL, token, transport=transport)

    async def mint_token(self, scope: Scope, name: str) -> str:
        """A token stored directly (bootstrap: creating tokens over HTTP needs an admin one)."""
        from service.api.auth import new_token_record

        record, secret = new_token_record(name, [scope], dt.datetime.now(dt.UTC))
        await self.store.create_token(record)
        return secret


@pytest.fixture
async def sqlite_api(tmp_path: Path) -> AsyncIterator[InProcessAPI]:
    """The API on an empty SQLite database in a temporary folder, started."""
    from service.api.app import create_app
    from service.store.factory import create_store

    settings = Settings(database_url=f"sqlite:///{tmp_path / 'briefs.db'}", load_fixtures=False)
    store = create_store(settings)
    app = create_app(settings, store)
    async with lifespan(app):
        yield InProcessAPI(app, store)
