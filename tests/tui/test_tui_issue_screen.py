"""The issues matrix names its issues and opens them; the issue screen has no dead ends
(issue 14, item 6)."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import DataTable
from tui_support import column, press, settle, started, text_of

from tui.app import BriefsApp
from tui.screens.brief import BriefScreen
from tui.screens.issue import IssueScreen
from tui.screens.issues import IssuesScreen
from tui.sources.local import DirSource


async def _open_issue(app: BriefsApp, pilot: Pilot[Any], issue_id: str) -> IssueScreen:
    await settle(app)
    await press(pilot, "enter")
    await press(pilot, "i")
    assert isinstance(app.screen, IssuesScreen)
    lanes = app.screen.query_one("#lanes", DataTable)
    lanes.move_cursor(row=lanes.get_row_index(issue_id))
    await press(pilot, "enter")
    screen = app.screen
    assert isinstance(screen, IssueScreen)
    return screen


async def test_issue_lanes_show_titles_with_the_slug_below(dir_source: DirSource) -> None:
    async with started(dir_source, size=(80, 24)) as (app, pilot):
        await press(pilot, "enter")
        await press(pilot, "i")
        issues = column(app, "#lanes", "issue")
        assert "A Putin\N{EN DASH}Trump phone call on the truce\nputin-trump-call" in issues
        lanes = app.screen.query_one("#lanes", DataTable)
        widths = sum(column.get_render_width(lanes) for column in lanes.columns.values())
        assert widths <= 80 - 3


async def test_enter_on_a_lane_opens_the_issue_history(dir_source: DirSource) -> None:
    async with started(dir_source) as (app, pilot):
        screen = await _open_issue(app, pilot, "putin-trump-call")
        assert screen.issue is not None
        assert "A Putin\N{EN DASH}Trump phone call on the truce" in text_of(app, "#issue-title")
        assert "putin-trump-call" in text_of(app, "#issue-title")
        assert "✓ resolved" in text_of(app, "#issue-meta")
        assert screen.issue.resolution
        assert text_of(app, "#resolution") == screen.issue.resolution
        history = app.screen.query_one("#history", DataTable)
        assert history.row_count == len(screen.issue.statuses)
        dates = column(app, "#history", "brief")
        assert dates[0] == "2025-03-13"
        assert column(app, "#history", "status")[-1] == "✓ resolved"
        changes = column(app, "#history", "change")
        assert changes[0] == "first listed"
        assert changes[-1].startswith("from ")
        changed_by = text_of(app, "#changed-by")
        assert changed_by.splitlines()[0].startswith("2025-03-13")
        assert "✓ resolved" in changed_by.splitlines()[-1]


async def test_issue_history_opens_the_brief_of_a_row(dir_source: DirSource) -> None:
    async with started(dir_source) as (app, pilot):
        screen = await _open_issue(app, pilot, "putin-trump-call")
        assert screen.issue is not None
        last = screen.issue.statuses[-1].brief
        history = app.screen.query_one("#history", DataTable)
        history.move_cursor(row=history.row_count - 1)
        await press(pilot, "enter")
        brief = app.screen
        assert isinstance(brief, BriefScreen)
        assert (brief.brief_id, brief.revision) == (last.brief_id, last.revision)


async def test_issue_notes_are_listed(dir_source: DirSource) -> None:
    lifecycles = await dir_source.issue_lifecycles("ceasefire-2025")
    noted = next(
        issue for issue in lifecycles.issues if any(point.note for point in issue.statuses)
    )
    async with started(dir_source) as (app, pilot):
        await _open_issue(app, pilot, noted.issue_id)
        notes = column(app, "#history", "note")
        assert [point.note or "—" for point in noted.statuses] == notes


async def test_an_unknown_issue_says_so(dir_source: DirSource) -> None:
    async with started(dir_source) as (app, pilot):
        app.push_screen(IssueScreen(dir_source, "ceasefire-2025", "no-such-issue"))
        await pilot.pause()
        await settle(app)
        assert "No issue no-such-issue" in app.screen.sub_title
