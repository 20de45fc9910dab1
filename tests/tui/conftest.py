"""Fixtures for TUI tests: data sources over the fixture story (folder, fake server, real app)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from tui_support import BASE_URL, FolderServer

from service.client import BriefsClient
from service.domain.files import StoryFolder
from tests.conftest import CEASEFIRE_DIR
from tui.source import DataSource
from tui.sources.http import HttpSource
from tui.sources.local import DirSource


@pytest.fixture
def dir_source() -> DirSource:
    """The fixture story, read from its folder."""
    return DirSource(CEASEFIRE_DIR)


@pytest.fixture
def folder_server(ceasefire: StoryFolder) -> FolderServer:
    """A switchable fake server over the fixture story."""
    return FolderServer(ceasefire)


@pytest.fixture
async def asgi_source(tmp_path: Path, ceasefire: StoryFolder) -> AsyncIterator[DataSource]:
    """An `HttpSource` talking to the real API app in-process, with the fixture story loaded."""
    from litestar.testing import AsyncTestClient

    from service.api.app import create_app
    from service.settings import load_settings
    from service.store.factory import create_store

    settings = load_settings(
        {}, database_url=f"sqlite:///{tmp_path / 'briefs.db'}", load_fixtures=False
    )
    store = create_store(settings)
    app = create_app(settings, store)
    async with AsyncTestClient(app, base_url=BASE_URL) as http:
        await store.import_folder(ceasefire)
        yield HttpSource(BriefsClient(http), label=BASE_URL, timeout=10.0)
