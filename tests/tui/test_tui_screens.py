"""Pilot tests of every screen's behaviour, on the fixture story read from its folder."""

from __future__ import annotations

from textual.widgets import Collapsible, DataTable, Input, OptionList
from tui_support import (
    column,
    open_brief_of_march_18,
    open_diff_of_march_18,
    press,
    screen_text,
    settle,
    shown_brief_date,
    started,
    text_of,
)

from tui.screens.brief import BriefScreen
from tui.screens.diff import DiffScreen
from tui.screens.help import HelpScreen
from tui.screens.issues import IssuesScreen
from tui.screens.party import PartyPickerScreen, PartyScreen
from tui.screens.stories import StoriesScreen
from tui.screens.timeline import TimelineScreen
from tui.sources.local import DirSource

SIZE = (120, 40)


async def test_stories_lists_counts_and_filters_as_you_type(dir_source: DirSource) -> None:
    async with started(dir_source, size=SIZE) as (app, pilot):
        assert isinstance(app.screen, StoriesScreen)
        assert column(app, "#stories", "briefs") == ["5"]
        assert column(app, "#stories", "latest") == ["2025-03-19"]
        assert int(column(app, "#stories", "open")[0]) > 0
        await pilot.press("slash", "z", "z", "z")
        assert app.screen.query_one("#filter", Input).value == "zzz"
        assert app.screen.query_one("#stories", DataTable).row_count == 0
        await pilot.press("backspace", "backspace", "backspace", "c", "e", "a", "s", "e")
        assert app.screen.query_one("#stories", DataTable).row_count == 1
        await press(pilot, "enter", "enter")
        assert isinstance(app.screen, TimelineScreen)


async def test_timeline_marks_changes_and_lists_events(dir_source: DirSource) -> None:
    async with started(dir_source, size=SIZE) as (app, pilot):
        await press(pilot, "enter")
        dates = column(app, "#briefs", "as_of")
        assert dates[0] == "2025-03-11"
        assert dates[-1] == "2025-03-19"
        changes = column(app, "#briefs", "changes")
        assert changes[0] == "first brief"
        march_18 = changes[dates.index("2025-03-18 r2")]
        assert "opened" in march_18
        assert "closed" in march_18
        assert app.screen.query_one("#events", DataTable).row_count > 5
        await press(pilot, "down", "enter")
        assert shown_brief_date(app) == "2025-03-13"


async def test_timeline_diffs_predecessor_and_marked_pair(dir_source: DirSource) -> None:
    async with started(dir_source, size=SIZE) as (app, pilot):
        await press(pilot, "enter")
        await press(pilot, "down", "down", "d")
        screen = app.screen
        assert isinstance(screen, DiffScreen)
        assert (screen.old.as_of.isoformat(), screen.new.as_of.isoformat()) == (
            "2025-03-13",
            "2025-03-14",
        )
        await press(pilot, "escape", "m", "down", "down", "d")
        screen = app.screen
        assert isinstance(screen, DiffScreen)
        assert (screen.old.as_of.isoformat(), screen.new.as_of.isoformat()) == (
            "2025-03-14",
            "2025-03-19",
        )


async def test_diff_screen_sections_steps_and_toggles(dir_source: DirSource) -> None:
    async with started(dir_source, size=SIZE) as (app, pilot):
        screen = await open_diff_of_march_18(pilot)
        issues = text_of(app, "#issues")
        assert "resolved 2025-03-18: putin-trump-call" in issues
        assert "opened 2025-03-18: energy-strike-moratorium" in issues
        assert "opened 2025-03-18: black-sea-ceasefire" in issues
        assert screen.title == "Diff 2025-03-14 r2 → 2025-03-18 r2"
        assert "significance" in text_of(app, "#diff-head")
        assert not app.screen.query_one("#summary").has_class("sides")
        await pilot.press("s")
        assert app.screen.query_one("#summary").has_class("sides")
        assert "side by side" in text_of(app, "#diff-head")
        await pilot.press("t")
        assert "trivial hidden" in text_of(app, "#diff-head")
        await pilot.press("f")
        assert "whole summary" in text_of(app, "#diff-head")
        assert "whole text" in str(app.screen.query_one("#summary").border_title)
        await pilot.press("f", "i")
        view = app.screen.query_one("#diff")
        issues_top = view.scroll_y
        assert issues_top == 0  # the issues lead the diff
        await pilot.press("n")
        assert view.scroll_y > issues_top
        await press(pilot, "left_square_bracket")
        assert screen.new.as_of.isoformat() == "2025-03-14"
        await press(pilot, "right_square_bracket", "right_square_bracket")
        assert screen.new.as_of.isoformat() == "2025-03-19"
        await pilot.press("right_square_bracket")
        assert screen.new.as_of.isoformat() == "2025-03-19"  # no later brief: a warning only


async def test_brief_screen_sections_quotes_and_revisions(dir_source: DirSource) -> None:
    async with started(dir_source, size=SIZE) as (app, pilot):
        screen = await open_brief_of_march_18(pilot)
        assert screen.brief is not None
        assert screen.brief.revision == 2
        assert text_of(app, "#headline") == screen.brief.headline
        assert "revision 2 of 2" in text_of(app, "#meta")
        parties = column(app, "#positions", "party")
        assert "Russia" in parties
        assert "✓ resolved" in column(app, "#issues", "status")
        assert any("A original/wire" in cell for cell in column(app, "#sources", "outlet"))
        assert app.screen.query_one("#revisions", OptionList).option_count == 2
        blocks = list(app.screen.query(Collapsible))
        assert blocks
        assert all(block.collapsed for block in blocks)
        await pilot.press("x")
        assert not any(block.collapsed for block in blocks)
        app.screen.query_one("#positions").focus()
        await press(pilot, "enter")
        assert isinstance(app.screen, PartyScreen)
        await pilot.press("escape")
        await press(pilot, "left_square_bracket")
        assert screen.brief.revision == 1
        assert "revision 1 of 2" in text_of(app, "#meta")
        await press(pilot, "right_square_bracket")
        await press(pilot, "v")
        diff = app.screen
        assert isinstance(diff, DiffScreen)
        assert (diff.old.revision, diff.new.revision) == (1, 2)
        assert diff.old.brief_id == diff.new.brief_id


async def test_issue_lanes_filter_open_and_closed(dir_source: DirSource) -> None:
    async with started(dir_source, size=SIZE) as (app, pilot):
        await press(pilot, "enter")
        await press(pilot, "i")
        assert isinstance(app.screen, IssuesScreen)
        table = app.screen.query_one("#lanes", DataTable)
        total = table.row_count
        assert "2025-03-18" in [str(key.value) for key in table.columns]
        await pilot.press("o")
        open_count = table.row_count
        await pilot.press("c")
        closed_count = table.row_count
        assert open_count + closed_count == total
        assert closed_count >= 1
        assert any(cell.endswith("\nputin-trump-call") for cell in column(app, "#lanes", "issue"))
        lane = [str(cell) for cell in table.get_row("putin-trump-call")]
        assert "✓" in lane
        assert "✓ resolved" in lane
        await pilot.press("a")
        assert table.row_count == total


async def test_party_picker_and_stance_history(dir_source: DirSource) -> None:
    async with started(dir_source, size=SIZE) as (app, pilot):
        await press(pilot, "enter")
        await pilot.press("p")
        assert isinstance(app.screen, PartyPickerScreen)
        options = app.screen.query_one(OptionList)
        russia = next(
            index
            for index in range(options.option_count)
            if options.get_option_at_index(index).id == "russia"
        )
        options.highlighted = russia
        await press(pilot, "enter")
        assert isinstance(app.screen, PartyScreen)
        path = text_of(app, "#stance-path")
        assert path.startswith("Russia: ")
        assert "→" in path
        text = screen_text(app)
        assert "2025-03-11" in text or "2025-03-13" in text
        assert "“" in text  # quotes are listed with their points


async def test_help_screen_and_palette_commands(dir_source: DirSource) -> None:
    async with started(dir_source, size=SIZE) as (app, pilot):
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        help_text = screen_text(app)
        for words in ("Story timeline", "Side by side", "Hide trivial", "Reload", "Issues"):
            assert words in help_text
        await pilot.press("escape")
        assert isinstance(app.screen, StoriesScreen)
        await pilot.press("ctrl+p")
        await pilot.press(*"open story")
        await pilot.pause(0.5)
        await press(pilot, "enter")
        assert isinstance(app.screen, TimelineScreen)
        await pilot.press("ctrl+p")
        await pilot.press(*"issues")
        await pilot.pause(0.5)
        await press(pilot, "enter")
        assert isinstance(app.screen, IssuesScreen)


async def test_mouse_opens_a_story_and_a_brief(dir_source: DirSource) -> None:
    async with started(dir_source, size=SIZE) as (app, pilot):
        # A click on the highlighted row selects it (the first row starts highlighted); a click
        # elsewhere moves the highlight first.
        await pilot.click("#stories", offset=(3, 1))
        await pilot.pause()
        await settle(app)
        assert isinstance(app.screen, TimelineScreen)
        # Rows wrap to several lines: the second row starts below the header and the first row.
        table = app.screen.query_one("#briefs", DataTable)
        second = 1 + next(iter(table.rows.values())).height
        await pilot.click("#briefs", offset=(3, second))
        await pilot.click("#briefs", offset=(3, second))
        await pilot.pause()
        await settle(app)
        assert isinstance(app.screen, BriefScreen)
        assert app.screen.brief_id == "brief-2025-03-13"


async def test_theme_change_recolours_table_cells(dir_source: DirSource) -> None:
    async with started(dir_source, size=SIZE) as (app, pilot):
        await press(pilot, "enter")
        await press(pilot, "i")
        table = app.screen.query_one("#lanes", DataTable)
        before = table.get_row("putin-trump-call")[-2]
        app.theme = "gruvbox"
        await pilot.pause()
        after = table.get_row("putin-trump-call")[-2]
        assert str(after) == str(before) == "✓ resolved"
        assert after.spans != before.spans


async def test_any_two_revisions_compare_through_the_mark(dir_source: DirSource) -> None:
    async with started(dir_source, size=SIZE) as (app, pilot):
        await press(pilot, "enter")
        await pilot.press("down", "down", "enter")  # 2025-03-14, shown at revision 2
        await settle(app)
        await pilot.press("left_square_bracket")  # revision 1
        await settle(app)
        await pilot.press("m", "escape", "down", "enter")  # 2025-03-18, revision 2
        await settle(app)
        await press(pilot, "c")
        screen = app.screen
        assert isinstance(screen, DiffScreen)
        assert (screen.old.as_of.isoformat(), screen.old.revision) == ("2025-03-14", 1)
        assert (screen.new.as_of.isoformat(), screen.new.revision) == ("2025-03-18", 2)
        assert app.marked is None
