"""Helpers shared by the TUI tests (a module, not a package: ``tests/tui`` must not shadow
``tui``)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import httpx
from textual.app import App
from textual.content import Content
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import DataTable, Static

from service.client import BriefsClient
from service.domain import codec
from service.domain.files import StoryFolder
from tests.conftest import CEASEFIRE_DIR
from tui.app import BriefsApp
from tui.screens.brief import BriefScreen
from tui.screens.diff import DiffScreen
from tui.source import DataSource
from tui.sources.http import HttpSource
from tui.sources.local import DirSource

BASE_URL = "http://briefs.test"
S = TypeVar("S", bound=Screen[Any])


class AsgiServer:
    """The API app behind an in-process httpx client, and a token per scope."""

    def __init__(self, *, http: httpx.AsyncClient, tokens: dict[str, str]) -> None:
        self.http = http
        self.tokens = tokens

    def source(self, token: str | None) -> HttpSource:
        """An `HttpSource` sending ``token`` (the client is shared, so it is not closed)."""
        return HttpSource(BriefsClient(self.http, token=token), label=BASE_URL, timeout=10.0)


Handler = Callable[[httpx.Request], httpx.Response | Awaitable[httpx.Response]]


def mock_source(handler: Handler, *, timeout: float = 2.0) -> HttpSource:
    """An `HttpSource` whose requests are answered by ``handler``."""
    http = httpx.AsyncClient(
        base_url=BASE_URL, transport=httpx.MockTransport(handler), timeout=timeout
    )
    return HttpSource(BriefsClient(http, owns_http=True), label=BASE_URL, timeout=timeout)


class FolderServer:
    """A fake Briefs server answering the TUI's GETs from a story folder (through MockTransport),
    so failures can be switched on and off between requests."""

    def __init__(self, folder: StoryFolder) -> None:
        self.folder = folder
        self.failure: Callable[[httpx.Request], httpx.Response] | None = None
        self.requests: list[str] = []

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request.url.path)
        if self.failure is not None:
            return self.failure(request)
        return await self._answer(request)

    async def _answer(self, request: httpx.Request) -> httpx.Response:
        source = DirSource(CEASEFIRE_DIR)
        story_id = self.folder.story.id
        parts = request.url.path.strip("/").split("/")
        match parts:
            case ["v1", "stories"]:
                body: object = await source.list_stories()
            case ["v1", "stories", _]:
                body = await source.get_story(story_id)
            case ["v1", "stories", _, "briefs"]:
                body = {"items": await source.list_briefs(story_id), "next_cursor": None}
            case ["v1", "stories", _, "briefs", brief_id, "revisions"]:
                body = await source.list_revisions(story_id, brief_id)
            case ["v1", "stories", _, "briefs", brief_id, "revisions", revision]:
                body = await source.get_revision(story_id, brief_id, int(revision))
            case ["v1", "stories", _, "diff"]:
                body = await self._diff(source, request)
            case ["v1", "stories", _, "timeline"]:
                body = await source.timeline(story_id)
            case ["v1", "stories", _, "issues"]:
                body = await source.issue_lifecycles(story_id)
            case ["v1", "stories", _, "parties", party_id, "stances"]:
                body = await source.stance_history(story_id, party_id)
            case _:
                return httpx.Response(404, json={"title": "Not Found", "status": 404})
        return httpx.Response(200, content=codec.encode(body), headers=JSON)

    async def _diff(self, source: DirSource, request: httpx.Request) -> object:
        params = request.url.params
        refs = []
        for side in ("from", "to"):
            revisions = await source.list_revisions(self.folder.story.id, params[side])
            wanted = int(params.get(f"{side}_revision", revisions[-1].revision))
            refs.append(next(ref for ref in revisions if ref.revision == wanted))
        return await source.diff(self.folder.story.id, refs[0], refs[1])


JSON = {"content-type": "application/json"}


async def settle(app: App[None]) -> None:
    """Wait until every load has finished and the screen has refreshed."""
    await app.workers.wait_for_complete()
    await app.workers.wait_for_complete()


@asynccontextmanager
async def started(
    source: DataSource, size: tuple[int, int] = (120, 40)
) -> AsyncIterator[tuple[BriefsApp, Pilot[None]]]:
    """The app over ``source`` running headless at ``size``, its first screen loaded."""
    app = BriefsApp(source)
    async with app.run_test(size=size) as pilot:
        await settle(app)
        yield app, pilot


async def press(pilot: Pilot[Any], *keys: str) -> None:
    """Press ``keys``, then wait until the app has settled (workers done, screen painted)."""
    await pilot.press(*keys)
    await settle(pilot.app)


def text_of(app: App[None], selector: str) -> str:
    """The plain text of a `Static` on the active screen."""
    content = app.screen.query_one(selector, Static).content
    return content.plain if isinstance(content, Content) else str(content)


def screen_text(app: App[None]) -> str:
    """The plain text of every `Static` on the active screen, joined."""
    parts = []
    for static in app.screen.query(Static):
        content = static.content
        parts.append(content.plain if isinstance(content, Content) else str(content))
    return "\n".join(parts)


def column(app: App[None], selector: str, key: str) -> list[str]:
    """The plain text of one column of a `DataTable` on the active screen."""
    table: DataTable[object] = app.screen.query_one(selector, DataTable)
    return [
        cell.plain if isinstance(cell, Content) else str(cell)
        for cell in (table.get_cell(row, key) for row in table.rows)
    ]


async def steady(pilot: Pilot[Any]) -> None:
    """Settle the loads, then let every `DataTable` size its columns (it does so on Idle)."""
    await pilot.pause()  # a screen pushed by the last key has mounted and started its load
    await settle(pilot.app)
    for _ in range(50):
        await pilot.pause()
        # A private flag, but the only signal that column widths are final; snapshots need it.
        if not any(table._require_update_dimensions for table in pilot.app.screen.query(DataTable)):
            break
    await pilot.pause()


def shown_brief_date(app: App[None]) -> str:
    """The as-of date of the brief the active screen shows (it must be a `BriefScreen`)."""
    screen = app.screen
    assert isinstance(screen, BriefScreen)
    assert screen.brief is not None
    return screen.brief.as_of.isoformat()


async def open_brief_of_march_18(pilot: Pilot[Any]) -> BriefScreen:
    """From the story list: the ceasefire story's brief of 2025-03-18 (the timeline's 4th row)."""
    screen = await _from_march_18(pilot, "enter", BriefScreen)
    assert screen.brief is not None
    assert screen.brief.as_of.isoformat() == "2025-03-18"
    return screen


async def open_diff_of_march_18(pilot: Pilot[Any]) -> DiffScreen:
    """From the story list: the diff of the brief of 2025-03-18 from its predecessor."""
    return await _from_march_18(pilot, "d", DiffScreen)


async def _from_march_18(pilot: Pilot[Any], key: str, kind: type[S]) -> S:
    await settle(pilot.app)
    await press(pilot, "enter")
    await press(pilot, "down", "down", "down", key)
    screen = pilot.app.screen
    assert isinstance(screen, kind)
    return screen
