"""Every failure of the server becomes an error notification and a retry with ``r`` works:
a real `BriefsClient` over ``httpx.MockTransport`` plays the server."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import httpx
import pytest
from textual.widgets import DataTable, Input, Static
from tui_support import BASE_URL, FolderServer, mock_source, press, settle, started

from tui.app import BriefsApp
from tui.screens.stories import StoriesScreen
from tui.screens.timeline import TimelineScreen
from tui.widgets.status import StatusBar

SIZE = (100, 30)
PROBLEM = {"content-type": "application/problem+json"}


def problem(status: int, title: str) -> Callable[[httpx.Request], httpx.Response]:
    body = {"title": title, "status": status, "detail": f"{title} (test)"}
    return lambda request: httpx.Response(status, json=body, headers=PROBLEM)


def problem_without_detail(status: int, title: str) -> Callable[[httpx.Request], httpx.Response]:
    body = {"title": title, "status": status}
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
    async with started(mock_source(folder_server), size=SIZE) as (app, pilot):
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
    async with started(mock_source(folder_server), size=SIZE) as (app, pilot):
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

    async with started(mock_source(hang, timeout=0.2), size=SIZE) as (app, pilot):
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


def status_line(app: BriefsApp) -> str:
    return str(app.screen.query_one(StatusBar).content)


async def test_timeline_title_recovers_when_the_server_returns(
    folder_server: FolderServer,
) -> None:
    """The timeline failed; another screen loads fine later: back on the timeline, it loads
    again by itself and the "⚠ Cannot reach…" subtitle is gone."""
    async with started(mock_source(folder_server), size=SIZE) as (app, pilot):
        await press(pilot, "enter")
        folder_server.failure = refuse
        await press(pilot, "r")
        timeline = app.screen
        assert isinstance(timeline, TimelineScreen)
        assert timeline.sub_title.startswith("⚠ Cannot reach")
        assert status_line(app).startswith("✗ cannot reach")
        folder_server.failure = None
        await press(pilot, "enter")  # the briefs are still listed: any answer to this one will do
        assert status_line(app).startswith("● live")
        await press(pilot, "escape")
        await settle(app)
        assert app.screen is timeline
        assert timeline.sub_title == BASE_URL
        assert "⚠" not in timeline.sub_title


async def test_reconnecting_shows_in_the_status_bar(folder_server: FolderServer) -> None:
    release = asyncio.Event()

    async def slow(request: httpx.Request) -> httpx.Response:
        await release.wait()
        return await folder_server(request)

    folder_server.failure = refuse
    async with started(mock_source(folder_server), size=SIZE) as (app, pilot):
        assert status_line(app).startswith("✗ cannot reach http://briefs.test")
        folder_server.failure = None
        app.screen.source = mock_source(slow)  # the next load waits until released
        assert isinstance(app.screen, StoriesScreen)
        app.screen.reload()
        await pilot.pause()
        assert status_line(app).startswith("↻ reconnecting to http://briefs.test")
        release.set()
        await settle(app)
        assert status_line(app).startswith("● live http://briefs.test")
        assert "refreshed 09:30:00" in status_line(app)


async def test_r_on_the_timeline_keeps_the_cursor(folder_server: FolderServer) -> None:
    async with started(mock_source(folder_server), size=SIZE) as (app, pilot):
        await press(pilot, "enter", "j", "j", "j")
        events = app.screen.query_one("#events", DataTable)
        events.move_cursor(row=4)
        await press(pilot, "r")
        assert app.screen.query_one("#briefs", DataTable).cursor_row == 3
        assert events.cursor_row == 4


async def test_retry_from_a_focused_filter_does_not_type(folder_server: FolderServer) -> None:
    folder_server.failure = refuse
    async with started(mock_source(folder_server), size=SIZE) as (app, pilot):
        assert app.screen.sub_title.endswith("Press F5 to retry.")
        await pilot.press("slash")
        folder_server.failure = None
        await press(pilot, "f5")
        assert app.screen.query_one("#filter", Input).value == ""
        assert app.screen.query_one("#stories", DataTable).row_count == 1
        assert app.screen.sub_title == BASE_URL


async def test_timeline_hint_names_r(folder_server: FolderServer) -> None:
    async with started(mock_source(folder_server), size=SIZE) as (app, pilot):
        folder_server.failure = refuse
        await press(pilot, "enter")
        assert app.screen.sub_title.endswith("Press r to retry.")


@pytest.mark.parametrize(
    ("failure", "expected"),
    [
        (refuse, "Cannot reach the Briefs server at http://briefs.test: connection refused."),
        (lambda request: httpx.Response(404), "Not found (404)."),
        (problem_without_detail(404, "Not Found"), "Not found (404)."),
        (problem(404, "Not Found"), "Not found (404): Not Found (test)."),
        (lambda request: httpx.Response(502), "The server failed (502)."),
        (read_timeout, "The Briefs server at http://briefs.test is too slow."),
    ],
    ids=["connect", "404-bare", "404-title", "404-detail", "502-bare", "timeout"],
)
async def test_error_text_says_each_thing_once(
    failure: Callable[[httpx.Request], httpx.Response], expected: str, folder_server: FolderServer
) -> None:
    folder_server.failure = failure
    app = BriefsApp(mock_source(folder_server))
    async with app.run_test(size=SIZE):
        await settle(app)
        (message,) = set(notices(app))
        assert message.startswith(expected), message
        assert "((" not in message, message
        assert "HTTP" not in message
        assert "Cannot connect" not in message


async def test_an_empty_list_after_a_failure_says_why(folder_server: FolderServer) -> None:
    folder_server.failure = refuse
    app = BriefsApp(mock_source(folder_server))
    async with app.run_test(size=SIZE):
        await settle(app)
        app._notifications.clear()  # the toast has faded: the line must still say why
        line = str(app.screen.query_one("#stories-empty", Static).content)
        assert line.startswith("Nothing to show: Cannot reach the Briefs server")
        assert app.screen.query_one("#stories-empty").display


async def test_an_empty_filter_result_says_why(folder_server: FolderServer) -> None:
    async with started(mock_source(folder_server), size=SIZE) as (app, pilot):
        await pilot.press("slash", "z", "z")
        line = str(app.screen.query_one("#stories-empty", Static).content)
        assert line == "No story matches 'zz'. Esc clears the filter."
        await pilot.press("escape")
        assert not app.screen.query_one("#stories-empty").display
