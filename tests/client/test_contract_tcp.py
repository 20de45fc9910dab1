"""Contract over TCP: the client drives every endpoint of a real ``briefs serve`` on PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from e2e.conftest import BriefsServer

from service.client import BriefsClient
from service.domain.files import StoryFolder

from .scenario import drive_every_endpoint

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


async def test_every_endpoint_over_tcp_on_postgres(
    postgres_url: str, ceasefire: StoryFolder, tmp_path: Path
) -> None:
    server = BriefsServer(postgres_url, log_path=tmp_path / "serve.log")
    try:
        server.start()
        admin_token = server.create_token("admin", name="contract-admin")

        def connect(token: str | None) -> BriefsClient:
            return server.client(token)

        await drive_every_endpoint(connect, admin_token, ceasefire, over_tcp=True)
    finally:
        server.stop()
