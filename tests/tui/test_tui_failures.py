"""Every failure of the server becomes an error notification and a retry with ``r`` works:
a real `BriefsClient` over ``httpx.MockTransport`` plays the server."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import httpx
import pytest
from textual.widgets import DataTable
from tui_support import BASE_URL, FolderServer, mock_source, settle

from tui.app import BriefsApp
from tui.screens.stories import StoriesScreen
from tui.screens.timeline import TimelineScreen

SIZE = (100, 30)
PROBLEM = {"content-type": "application/problem+json"}


def problem(status: int, title: str) -> Callable[[httpx.Request], httpx.Response]:
    body = {"title": title, "status": status, "detail": f"{title} (test)"}
    return lambda request: httpx.Response(status, json=body, headers=PROBLEM)


def refuse(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("connection refused", request=request)


def read_timeout(request: httpx.Request) -> httpx.Response:
    raise httpx.ReadTimeout("timed out", request=request)


def garbage(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, content=b"<html>not json", headers={"content-type": "text/html"})


def wrong_shape(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json={"unexpected": True})


FAILURES = {
    "server-down": (refuse, "Cannot reach the Briefs server"),
    "timeout": (read_timeout, "too slow"),
    "401": (problem(401, "Unauthorized"), "Not signed in (401)"),
    "403": (problem(403, "Forbidden"), "Not allowed (403)"),
    "404": (problem(404, "Not Found"), "Not found (404)"),
    "500": (problem(500, "Internal Server Error"), "The server failed"),
    "garbage": (garbage, "cannot read"),
    "wrong-shape": (wrong_shape, "cannot read"),
}


def notices(app: BriefsApp) -> list[str]:
    return [notification.message for notification in app._notifications]


@pytest.mark.parametrize("name", list(FAILURES))
async def test_failure_notifies_and_retry_recovers(name: str, folder_server: FolderServer) -> None:
    failure, expected = FAILURES[name]
    folder_server.failure = failure
    app = BriefsApp(mock_source(folder_server))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app)
        screen = app.screen
        assert isinstance(screen, StoriesScreen)
        assert any(expected in message for message in notices(app)), notices(app)
        assert not any("(HTTP " in message for message in notices(app)), "status said twice"
        assert expected in screen.sub_title
        assert screen.query_one("#stories", DataTable).row_count == 0
        folder_server.failure = None
        await pilot.press("r")
        await settle(app)
        assert screen.query_one("#stories", DataTable).row_count == 1
        assert screen.sub_title == BASE_URL
        await pilot.press("enter")
        await settle(app)
        assert isinstance(app.screen, TimelineScreen)


async def test_failure_on_a_later_screen_keeps_the_app_usable(folder_server: FolderServer) -> None:
    app = BriefsApp(mock_source(folder_server))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app)
        folder_server.failure = problem(500, "Internal Server Error")
        await pilot.press("enter")
        await settle(app)
        assert isinstance(app.screen, TimelineScreen)
        assert "The server failed" in app.screen.sub_title
        await pilot.press("escape")
        assert isinstance(app.screen, StoriesScreen)
        folder_server.failure = None
        await pilot.press("enter")
        await settle(app)
        assert app.screen.query_one("#briefs", DataTable).row_count == 5


async def test_a_server_that_never_answers_times_out(folder_server: FolderServer) -> None:
    """No httpx timeout fires inside MockTransport, so the screen's own deadline must."""

    async def hang(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(30)
        raise AssertionError("unreachable")

    app = BriefsApp(mock_source(hang, timeout=0.2))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app)
        assert any("No answer within" in message for message in notices(app)), notices(app)
        await pilot.press("q")


async def test_an_empty_server_says_so() -> None:
    def empty(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=[])

    app = BriefsApp(mock_source(empty))
    async with app.run_test(size=SIZE):
        await settle(app)
        assert any("No stories" in message for message in notices(app))
        assert app.screen.query_one("#stories", DataTable).row_count == 0
