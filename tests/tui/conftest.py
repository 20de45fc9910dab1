"""Fixtures for TUI tests: data sources over the fixture story (folder, fake server, real app)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from tui_support import BASE_URL, AsgiServer, FolderServer

from service.domain.files import StoryFolder
from tests.conftest import CEASEFIRE_DIR
from tui.source import DataSource
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
async def asgi_app(tmp_path: Path, ceasefire: StoryFolder) -> AsyncIterator[AsgiServer]:
    """The real API app in-process on a temporary SQLite database holding the fixture story;
    reads need a token, so tests can exercise 401 and 403 end to end."""
    import datetime as dt

    from litestar.testing import AsyncTestClient

    from service.api.app import create_app
    from service.api.auth import new_token_record
    from service.domain.wire import Scope
    from service.settings import load_settings
    from service.store.factory import create_store

    settings = load_settings(
        {},
        database_url=f"sqlite:///{tmp_path / 'briefs.db'}",
        load_fixtures=False,
        require_auth_for_reads=True,
    )
    store = create_store(settings)
    app = create_app(settings, store)
    async with AsyncTestClient(app, base_url=BASE_URL) as http:
        await store.import_folder(ceasefire)
        now = dt.datetime.now(dt.UTC)
        tokens = {}
        for scope in Scope:
            record, secret = new_token_record(f"tui-{scope.value}", [scope], now)
            await store.create_token(record)
            tokens[scope.value] = secret
        yield AsgiServer(http=http, tokens=tokens)


@pytest.fixture
def asgi_source(asgi_app: AsgiServer) -> DataSource:
    """An `HttpSource` with a read token, talking to the real API app in-process."""
    return asgi_app.source(asgi_app.tokens["read"])


@pytest.fixture(autouse=True)
def _private_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Never read or write the real ``~/.config/briefs/tui.toml``; a fixed status-bar clock."""
    import datetime as dt
    import itertools

    from tui import config
    from tui.widgets import status

    path = tmp_path / "settings" / "tui.toml"
    monkeypatch.setenv(config.ENV_VAR, str(path))
    # Always 09:30:00 on screen, yet strictly increasing, should anything compare two readings.
    start = dt.datetime(2025, 3, 19, 9, 30, tzinfo=dt.UTC)
    ticks = itertools.count()
    monkeypatch.setattr(status, "now", lambda: start + dt.timedelta(microseconds=next(ticks)))
    return path


@pytest.fixture
def settings_file(_private_settings: Path) -> Path:
    """Where this test's TUI settings live (nothing is there until a test writes it)."""
    return _private_settings
