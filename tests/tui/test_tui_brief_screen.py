"""The brief screen at 80 columns and up: tables that fit, a footer that keeps its keys, source
links, search and a visible focus (issue 14, items 4, 6 and 8)."""

from __future__ import annotations

import pytest
from rich.text import Text
from textual.widgets import DataTable
from textual.widgets._footer import FooterKey
from tui_support import column, open_brief_of_march_18, press, screen_text, settle, started

from tui.app import BriefsApp
from tui.screens.issue import IssueScreen
from tui.sources.local import DirSource
from tui.widgets.search import SearchBar


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
async def test_every_brief_table_fits_the_screen(
    dir_source: DirSource, size: tuple[int, int]
) -> None:
    async with started(dir_source, size=size) as (_app, pilot):
        screen = await open_brief_of_march_18(pilot)
        await pilot.pause()
        for table in screen.query(DataTable):
            widths = sum(column.get_render_width(table) for column in table.columns.values())
            assert widths <= size[0] - 3, f"#{table.id} is {widths} cells wide at {size}"


async def test_narrow_brief_stacks_statement_and_conditions(dir_source: DirSource) -> None:
    async with started(dir_source, size=(80, 24)) as (app, pilot):
        await open_brief_of_march_18(pilot)
        positions = app.screen.query_one("#positions", DataTable)
        assert [str(column.label) for column in positions.columns.values()] == [
            "Party",
            "Position",
        ]
        russia = str(positions.get_cell("russia", "statement"))
        assert "\nConditions: An end to foreign military aid" in russia
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        labels = [str(column.label) for column in positions.columns.values()]
        assert labels == ["Party", "Stance", "Statement", "Conditions"]


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
async def test_brief_footer_keeps_help_quit_and_the_time_keys(
    dir_source: DirSource, size: tuple[int, int]
) -> None:
    async with started(dir_source, size=size) as (app, pilot):
        await open_brief_of_march_18(pilot)
        keys = list(app.screen.query(FooterKey))
        palette = next(key for key in keys if key.has_class("-command-palette"))
        visible = {
            key.key
            for key in keys
            if key is not palette and key.region.right <= palette.region.x and key.region.width
        }
        for key in ("question_mark", "q", "left_square_bracket", "right_square_bracket", "d", "c"):
            assert key in visible, f"{key} is cut from the footer at {size}"
        # Keys that do not fit are left out, not cut mid-word under the palette key.
        for key in keys:
            if key is not palette and key.region.width:
                assert key.region.right <= palette.region.x, f"{key.key} is cut at {size}"


async def test_sources_separate_outlet_and_title_and_open_their_link(
    dir_source: DirSource, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = BriefsApp(dir_source)
    opened: list[str] = []
    monkeypatch.setattr(app, "open_url", lambda url, **_: opened.append(url))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_brief_of_march_18(pilot)
        assert screen.brief is not None
        first = screen.brief.sources[0]
        outlets = column(app, "#sources", "outlet")
        titles = column(app, "#sources", "title")
        assert outlets[0].startswith(first.outlet + "\n")
        assert first.title not in outlets[0]
        assert titles[0].startswith(first.title + "\n")
        assert titles[0].split("\n")[1].startswith("https://")
        sources = app.screen.query_one("#sources", DataTable)
        sources.focus()
        sources.move_cursor(row=1)
        await press(pilot, "o")
        assert opened == [screen.brief.sources[1].url]
        await press(pilot, "enter")
        assert opened[-1] == screen.brief.sources[1].url


async def test_slash_searches_the_brief_and_n_steps_through_matches(dir_source: DirSource) -> None:
    async with started(dir_source, size=(80, 24)) as (app, pilot):
        screen = await open_brief_of_march_18(pilot)
        await pilot.press("slash")
        bar = app.screen.query_one(SearchBar)
        assert bar.has_focus
        await pilot.press(*"black sea")
        await settle(app)
        hits = screen.search_hits
        assert len(hits) >= 2
        assert {hit.widget.id for hit in hits} >= {"summary", "issues"}
        issues = app.screen.query_one("#issues", DataTable)
        cell = issues.get_cell("black-sea-ceasefire", "issue")
        assert isinstance(cell, Text)
        assert any("reverse" in str(span.style) for span in cell.spans)
        first = hits[0]
        await pilot.press("enter")  # the next match
        second = screen.search_hits[1]
        if isinstance(second.widget, DataTable):
            assert second.widget.cursor_row == second.row
        assert second != first
        await pilot.press("escape")
        assert not bar.has_class("-open")
        assert screen.search_hits == []
        cell = issues.get_cell("black-sea-ceasefire", "issue")
        assert isinstance(cell, Text)
        assert not any("reverse" in str(span.style) for span in cell.spans)
        await pilot.press("slash", *"no such words")
        assert bar.has_class("-nomatch")


async def test_focused_brief_section_is_marked(dir_source: DirSource) -> None:
    async with started(dir_source) as (app, pilot):
        await open_brief_of_march_18(pilot)
        positions = app.screen.query_one("#positions", DataTable)
        sources = app.screen.query_one("#sources", DataTable)
        sources.focus()
        await pilot.pause()
        focused, unfocused = sources.styles.border_left, positions.styles.border_left
        assert focused[0] == unfocused[0] == "outer"
        assert focused[1] != unfocused[1]
        assert focused[1].hex == app.get_css_variables()["accent"].upper()


async def test_enter_on_a_brief_issue_opens_the_issue_screen(dir_source: DirSource) -> None:
    async with started(dir_source) as (app, pilot):
        await open_brief_of_march_18(pilot)
        issues = app.screen.query_one("#issues", DataTable)
        issues.focus()
        issues.move_cursor(row=issues.get_row_index("putin-trump-call"))
        await press(pilot, "enter")
        screen = app.screen
        assert isinstance(screen, IssueScreen)
        assert screen.issue_id == "putin-trump-call"


async def test_n_and_shift_n_step_through_matches_after_the_bar(dir_source: DirSource) -> None:
    async with started(dir_source) as (app, pilot):
        screen = await open_brief_of_march_18(pilot)
        await pilot.press("slash", *"ceasefire")
        await settle(app)
        hits = screen.search_hits
        assert len(hits) > 3
        app.screen.query_one("#events", DataTable).focus()  # leave the bar: n is a key again
        await pilot.press("n")
        assert screen.search_at == 1
        await pilot.press("N", "N")
        assert screen.search_at == len(hits) - 1


async def test_help_spells_out_the_terse_footer_labels(dir_source: DirSource) -> None:
    async with started(dir_source) as (app, pilot):
        await pilot.press("question_mark")
        text = screen_text(app)
        for words in ("Diff with the marked brief", "Open the source's link", "The next party"):
            assert words in text
