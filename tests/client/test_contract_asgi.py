"""Contract: the client drives every endpoint of the in-process app on SQLite (ASGITransport)."""

from __future__ import annotations

from service.client import BriefsClient
from service.domain.files import StoryFolder
from service.domain.wire import Scope

from .conftest import InProcessAPI
from .scenario import drive_every_endpoint


async def test_every_endpoint_over_asgi_on_sqlite(
    sqlite_api: InProcessAPI, ceasefire: StoryFolder
) -> None:
    admin_token = await sqlite_api.mint_token(Scope.ADMIN, "contract-admin")

    def connect(token: str | None) -> BriefsClient:
        return sqlite_api.client(token)

    await drive_every_endpoint(connect, admin_token, ceasefire)
