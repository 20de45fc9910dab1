"""The writing commands' test doubles: a private copy of the fixture story folder, and one real
``briefs serve`` (SQLite) per session with a fresh copy of the fixture story per test."""

from __future__ import annotations

import asyncio
import itertools
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import msgspec
import pytest
from e2e.conftest import BriefsServer

from service.cli.main import main
from service.domain.drafting import document_of
from service.domain.files import StoryFolder
from tests.conftest import CEASEFIRE_DIR

_story_numbers = itertools.count(1)


class Result(NamedTuple):
    """What a ``briefs`` run returned and printed."""

    code: int
    out: str
    err: str


def run_briefs(capsys: pytest.CaptureFixture[str], *args: str | Path) -> Result:
    """``briefs ARGS`` in-process, with what it printed."""
    capsys.readouterr()  # what earlier steps printed is theirs
    code = main([str(arg) for arg in args])
    captured = capsys.readouterr()
    return Result(code, captured.out, captured.err)


@pytest.fixture
def story_dir(tmp_path: Path) -> Path:
    """A private copy of the fixture story folder, to write to."""
    return Path(shutil.copytree(CEASEFIRE_DIR, tmp_path / "ceasefire-2025"))


class CliServer(NamedTuple):
    """A running server with a write and a read token."""

    server: BriefsServer
    write_token: str
    read_token: str

    @property
    def url(self) -> str:
        """Its base URL."""
        return self.server.base_url


@pytest.fixture(scope="session")
def cli_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CliServer]:
    """One ``briefs serve`` on SQLite for the session's CLI tests."""
    folder = tmp_path_factory.mktemp("cli-server")
    server = BriefsServer(f"sqlite:///{folder / 'briefs.db'}", log_path=folder / "serve.log")
    try:
        server.start()
        write = server.create_token("write", name="cli-desk")
        read = server.create_token("read", name="cli-reader")
        yield CliServer(server, write, read)
    finally:
        server.stop()


@pytest.fixture
def server_story(
    cli_server: CliServer, ceasefire: StoryFolder, monkeypatch: pytest.MonkeyPatch
) -> str:
    """A fresh copy of the fixture story on `cli_server` (the latest revision of each brief,
    stored as revision 1); ``BRIEFS_URL`` and ``BRIEFS_TOKEN`` (write) name it. Its id."""
    story_id = f"ceasefire-cli-{next(_story_numbers)}"

    async def create() -> None:
        async with cli_server.server.client(cli_server.write_token) as client:
            await client.create_story(msgspec.structs.replace(ceasefire.story, id=story_id))
            for brief in ceasefire.latest():
                await client.create_brief(story_id, document_of(brief))

    asyncio.run(create())
    monkeypatch.setenv("BRIEFS_URL", cli_server.url)
    monkeypatch.setenv("BRIEFS_TOKEN", cli_server.write_token)
    return story_id
