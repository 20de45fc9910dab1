"""The API in-process: ``create_app(settings)`` on a temporary SQLite database, behind
``httpx.ASGITransport``, with its lifespan run (ASGITransport itself does not run it) by the
API tests' own `running_lifespan`."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from service.client import BriefsClient
from service.domain.wire import Scope
from service.settings import Settings
from service.store.base import Store
from tests.api.conftest import running_lifespan

BASE_URL = "http://briefs.test"


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
    async with running_lifespan(app):
        yield InProcessAPI(app, store)
