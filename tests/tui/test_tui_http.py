"""The TUI against the real API app in-process (``AsyncTestClient``, an httpx client over ASGI)."""

from __future__ import annotations

from textual.widgets import DataTable
from tui_support import AsgiServer, column, settle, started, text_of

from tui.app import BriefsApp
from tui.screens.brief import BriefScreen
from tui.screens.diff import DiffScreen
from tui.screens.issues import IssuesScreen
from tui.screens.party import PartyScreen
from tui.screens.timeline import TimelineScreen
from tui.source import DataSource


async def test_walk_through_every_screen_over_http(asgi_source: DataSource) -> None:
    async with started(asgi_source) as (app, pilot):
        assert column(app, "#stories", "briefs") == ["5"]
        await pilot.press("enter")
        await settle(app)
        assert isinstance(app.screen, TimelineScreen)
        assert app.screen.query_one("#briefs", DataTable).row_count == 5
        assert "opened" in " ".join(column(app, "#briefs", "changes"))
        await pilot.press("down", "down", "down", "d")
        await settle(app)
        assert isinstance(app.screen, DiffScreen)
        issues = text_of(app, "#issues")
        assert "resolved 2025-03-18: putin-trump-call" in issues
        assert "opened 2025-03-18: energy-strike-moratorium" in issues
        assert "opened 2025-03-18: black-sea-ceasefire" in issues
        await pilot.press("escape", "enter")
        await settle(app)
        assert isinstance(app.screen, BriefScreen)
        assert app.screen.brief is not None
        assert app.screen.brief.revision == 2
        await pilot.press("escape", "i")
        await settle(app)
        assert isinstance(app.screen, IssuesScreen)
        assert app.screen.query_one("#lanes", DataTable).row_count > 5
        await pilot.press("escape")
        screen = app.screen
        assert isinstance(screen, TimelineScreen)
        screen.open_party("russia")
        await pilot.pause()
        await settle(app)
        assert isinstance(app.screen, PartyScreen)
        assert text_of(app, "#stance-path").startswith("Russia: ")
        assert app.screen.sub_title == "http://briefs.test"


async def test_missing_and_bad_tokens_are_explained(asgi_app: AsgiServer) -> None:
    for token, expected in ((None, "Not signed in (401)"), ("not-a-token", "Not signed in (401)")):
        app = BriefsApp(asgi_app.source(token))
        async with app.run_test(size=(100, 30)):
            await settle(app)
            assert expected in app.screen.sub_title
            assert "BRIEFS_TOKEN" in app.screen.sub_title
