"""The API on a real store (temporary SQLite, or a fresh PostgreSQL schema) with the fixture story
loaded and one token per scope, plus a revoked one."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar import Litestar

from service.api.app import create_app
from service.api.auth import new_token_record
from service.domain.files import StoryFolder
from service.domain.wire import Scope
from service.settings import Settings
from service.store.base import Store

Client = httpx.AsyncClient


class Tokens:
    """Bearer headers per role: ``none``, ``read``, ``write``, ``admin``, ``revoked``."""

    def __init__(self, secrets: dict[str, str]) -> None:
        self.secrets = secrets

    def headers(self, role: str) -> dict[str, str]:
        """The Authorization header of a role (empty for ``none``)."""
        if role == "none":
            return {}
        return {"Authorization": f"Bearer {self.secrets[role]}"}


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database on each backend."""
    if request.param == "postgres":
        yield request.getfixturevalue("postgres_url")
    else:
        yield f"sqlite:///{tmp_path / 'briefs.db'}"


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A fresh SQLite database (for tests that need only one backend)."""
    return f"sqlite:///{tmp_path / 'briefs.db'}"


async def seed(store: Store, ceasefire: StoryFolder) -> Tokens:
    """Load the fixture story and create one token per scope plus a revoked one."""
    await store.import_folder(ceasefire)
    now = dt.datetime.now(dt.UTC)
    secrets: dict[str, str] = {}
    for role, scopes in {
        "read": [Scope.READ],
        "write": [Scope.WRITE],
        "admin": [Scope.ADMIN],
        "revoked": [Scope.ADMIN],
    }.items():
        record, secret = new_token_record(f"test-{role}", scopes, now)
        await store.create_token(record)
        secrets[role] = secret
    await store.revoke_token("test-revoked", now)
    return Tokens(secrets)


class Api:
    """A running app, its client and its tokens."""

    def __init__(self, app: Litestar, client: Client, tokens: Tokens) -> None:
        self.app = app
        self.client = client
        self.tokens = tokens

    async def request(self, method: str, path: str, role: str = "none", **kwargs: Any) -> Any:
        """Send a request as ``role``, merging any extra headers."""
        headers = {**self.tokens.headers(role), **kwargs.pop("headers", {})}
        return await self.client.request(method, path, headers=headers, **kwargs)

    async def revalidate(self, path: str, etag: str) -> Any:
        """GET ``path`` again with ``If-None-Match: etag`` (a 304 when it still holds)."""
        return await self.request("GET", path, headers={"If-None-Match": etag})

    async def put_json(self, path: str, content: bytes, *, if_match: str) -> Any:
        """PUT the JSON ``content`` to ``path`` as the writer, with ``If-Match: if_match``."""
        headers = {"Content-Type": "application/json", "If-Match": if_match}
        return await self.request("PUT", path, "write", content=content, headers=headers)


async def start(settings: Settings, ceasefire: StoryFolder) -> AsyncIterator[Api]:
    """Start the app (its lifespan opens the store), seed it and yield it.

    The lifespan and the requests run on the test's own event loop (httpx's ``ASGITransport``),
    so the test may use the app's store directly.
    """
    app = create_app(settings)
    async with running_lifespan(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            tokens = await seed(app.state.store, ceasefire)
            yield Api(app, client, tokens)


@contextlib.asynccontextmanager
async def running_lifespan(app: Litestar) -> AsyncIterator[None]:
    """Run the app's lifespan in a task of its own.

    Litestar's lifespan holds anyio cancel scopes, which must be left by the task that entered
    them; pytest-asyncio may finalize a fixture from another task, so one task owns both ends.
    """
    started = asyncio.Event()
    stop = asyncio.Event()

    async def run() -> None:
        async with app.lifespan():
            started.set()
            await stop.wait()

    task = asyncio.create_task(run())
    waiter = asyncio.create_task(started.wait())
    await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
    if task.done():
        waiter.cancel()
        task.result()  # startup failed: raise its error here
    try:
        yield
    finally:
        stop.set()
        await task


@contextlib.asynccontextmanager
async def replica(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """A client of a second app on the same database (another replica), running for the block."""
    other = create_app(settings)
    async with (
        running_lifespan(other),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=other),  # type: ignore[arg-type]  # ASGI typing
            base_url="http://replica",
        ) as client,
    ):
        yield client


@pytest.fixture
async def api(database_url: str, ceasefire: StoryFolder) -> AsyncIterator[Api]:
    """The API on each backend (SQLite and PostgreSQL)."""
    settings = Settings(database_url=database_url, load_fixtures=False, db_pool_size=40)
    async for running in start(settings, ceasefire):
        yield running
