"""Vim motions, footers, the status bar and the settings file (issue 14, items 1, 4, 6, 7)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import events
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Footer, Input
from textual.widgets._footer import FooterKey
from tui_support import column, press, settle, shown_brief_date, started, steady

from tests.conftest import CEASEFIRE_DIR
from tui import config
from tui.app import BriefsApp
from tui.screens.brief import BriefScreen
from tui.screens.diff import DiffScreen
from tui.screens.help import HelpScreen
from tui.screens.issues import IssuesScreen
from tui.screens.stories import StoriesScreen
from tui.screens.timeline import TimelineScreen
from tui.sources.local import DirSource
from tui.widgets.status import StatusBar

SMALL = (80, 24)
LARGE = (120, 40)
FIXTURES = CEASEFIRE_DIR.parent


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def cursor(app: BriefsApp, selector: str) -> int:
    return app.screen.query_one(selector, DataTable).cursor_row


def status_line(app: BriefsApp) -> str:
    return str(app.screen.query_one(StatusBar).content)


def footer_keys(app: BriefsApp) -> list[str]:
    footer = app.screen.query_one(Footer)
    return [key.key_display for key in footer.query(FooterKey) if key.region.width > 0]


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80x24", "120x40"])
async def test_enter_j_j_enter_opens_the_brief_two_rows_down(size: tuple[int, int]) -> None:
    """The issue's own walk, offline on the fixture folder (``--dir fixtures/stories``)."""
    async with started(DirSource(FIXTURES), size=size) as (app, pilot):
        await press(pilot, "enter", "j", "j", "enter")
        assert shown_brief_date(app) == "2025-03-14"
        await press(pilot, "escape", "j", "enter")
        assert shown_brief_date(app) == "2025-03-18"


async def test_motions_on_a_table_move_its_cursor(dir_source: DirSource) -> None:
    async with started(dir_source, size=LARGE) as (app, pilot):
        await press(pilot, "enter")
        assert cursor(app, "#briefs") == 0
        await pilot.press("G")
        assert cursor(app, "#briefs") == 4
        await pilot.press("k")
        assert cursor(app, "#briefs") == 3
        await pilot.press("g")
        assert cursor(app, "#briefs") == 0
        app.screen.query_one("#events").focus()
        await pilot.press("ctrl+d")
        half = cursor(app, "#events")
        assert half > 1
        await pilot.press("ctrl+d")
        assert cursor(app, "#events") > half
        await pilot.press("ctrl+u", "ctrl+u")
        assert cursor(app, "#events") == 0
        await pilot.press("k")  # already at the top: stays there
        assert cursor(app, "#events") == 0


async def test_motions_reach_issues_brief_diff_and_help(dir_source: DirSource) -> None:
    async with started(dir_source, size=SMALL) as (app, pilot):
        await press(pilot, "enter", "i")
        assert isinstance(app.screen, IssuesScreen)
        await pilot.press("j", "j")
        assert cursor(app, "#lanes") == 2
        await press(pilot, "escape", "G", "enter")
        assert isinstance(app.screen, BriefScreen)
        await steady(pilot)
        body = app.screen.query_one("#body", VerticalScroll)
        assert app.focused is body
        await pilot.press("j")
        assert body.scroll_y == 1
        await pilot.press("ctrl+d")
        assert body.scroll_y > 2
        await pilot.press("G")
        assert body.scroll_y == body.max_scroll_y > 0
        await pilot.press("g")
        assert body.scroll_y == 0
        await press(pilot, "escape", "d")
        assert isinstance(app.screen, DiffScreen)
        await steady(pilot)
        view = app.screen.query_one("#diff", VerticalScroll)
        await pilot.press("G")
        assert view.scroll_y == view.max_scroll_y > 0
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await steady(pilot)
        helps = app.screen.query_one("#help-body", VerticalScroll)
        await pilot.press("j", "j")
        assert helps.scroll_y == 2


async def test_motion_keys_typed_into_the_filter_still_type(dir_source: DirSource) -> None:
    async with started(dir_source, size=LARGE) as (app, pilot):
        await pilot.press("slash", "j", "k", "g", "G")
        assert app.screen.query_one("#filter", Input).value == "jkgG"
        await pilot.press("ctrl+u")  # the Input's own key: delete to the start
        assert app.screen.query_one("#filter", Input).value == ""


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80x24", "120x40"])
async def test_timeline_headline_is_on_screen(size: tuple[int, int], dir_source: DirSource) -> None:
    async with started(dir_source, size=size) as (app, pilot):
        await press(pilot, "enter")
        await steady(pilot)
        table = app.screen.query_one("#briefs", DataTable)
        # Every column fits in the table's width: nothing is pushed off to the right.
        total = sum(col.get_render_width(table) for col in table.columns.values())
        assert total <= table.scrollable_content_region.width
        assert table.max_scroll_x == 0
        headline = "Ukraine signs up to a US plan for a 30-day truce in"
        key = "brief" if size == SMALL else "headline"
        assert column(app, "#briefs", key)[0].startswith(headline)
        assert "first brief" in " ".join(
            column(app, "#briefs", "brief" if size == SMALL else "changes")
        )


@pytest.mark.parametrize("path", ["stories", "timeline", "brief", "diff", "issues"])
async def test_footers_lead_with_help_and_quit_at_80_columns(
    path: str, dir_source: DirSource
) -> None:
    keys = {
        "stories": (),
        "timeline": ("enter",),
        "brief": ("enter", "enter"),
        "diff": ("enter", "j", "d"),
        "issues": ("enter", "i"),
    }[path]
    async with started(dir_source, size=SMALL) as (app, pilot):
        await press(pilot, *keys)
        await steady(pilot)
        shown = footer_keys(app)
        assert shown[:2] == ["?", "q"], shown
        footer = app.screen.query_one(Footer)
        for key in footer.query(FooterKey):
            if key.key_display in {"?", "q"}:
                assert key.region.right <= SMALL[0]


async def test_the_mark_shows_in_the_timeline(dir_source: DirSource) -> None:
    async with started(dir_source, size=LARGE) as (app, pilot):
        await press(pilot, "enter", "j", "m")
        assert column(app, "#briefs", "mark") == ["", "◉", "", "", ""]
        assert "marked 2025-03-13" in status_line(app)
        await press(pilot, "j", "m")
        assert column(app, "#briefs", "mark") == ["", "", "◉", "", ""]
        await press(pilot, "j", "d")
        assert isinstance(app.screen, DiffScreen)
        await press(pilot, "escape")
        assert isinstance(app.screen, TimelineScreen)
        assert column(app, "#briefs", "mark") == ["", "", "", "", ""]  # the diff used it
        assert "marked" not in status_line(app)


async def test_the_mark_survives_a_resize_and_a_reload(dir_source: DirSource) -> None:
    async with started(dir_source, size=LARGE) as (app, pilot):
        await press(pilot, "enter", "j", "j", "m")
        await pilot.resize_terminal(*SMALL)
        await steady(pilot)
        assert column(app, "#briefs", "mark")[2] == "◉"
        assert cursor(app, "#briefs") == 2
        await press(pilot, "r")
        assert column(app, "#briefs", "mark")[2] == "◉"
        assert cursor(app, "#briefs") == 2


async def test_status_bar_says_offline_folder_and_last_refresh(dir_source: DirSource) -> None:
    async with started(dir_source, size=SMALL) as (app, pilot):
        line = status_line(app)
        assert line.startswith("◌ offline folder ")
        assert "refreshed 09:30:00" in line
        await press(pilot, "enter")
        assert status_line(app).startswith("◌ offline folder ")


async def test_theme_is_saved_and_restored(dir_source: DirSource, settings_file: Path) -> None:
    app = BriefsApp(dir_source)
    async with app.run_test(size=SMALL):
        await settle(app)
        app.theme = "nord"
    assert 'theme = "nord"' in _read(settings_file)
    again = BriefsApp(DirSource(CEASEFIRE_DIR))
    async with again.run_test(size=SMALL):
        await settle(again)
        assert again.theme == "nord"


async def test_keys_are_overridable_in_the_settings_file(
    dir_source: DirSource, settings_file: Path
) -> None:
    _write(settings_file, '[keys]\n"timeline.diff" = "D"\n"motion.down" = "j,J"\n')
    async with started(dir_source, size=LARGE) as (app, pilot):
        await press(pilot, "enter", "J", "d")
        assert isinstance(app.screen, TimelineScreen)  # d is no longer bound
        assert cursor(app, "#briefs") == 1
        await press(pilot, "D")
        assert isinstance(app.screen, DiffScreen)
    # A theme saved later keeps the keys written by hand.
    config.save(config.Config(settings_file, theme="nord", keys={"timeline.diff": "D"}))
    saved = config.load(settings_file)
    assert (saved.theme, saved.keys) == ("nord", {"timeline.diff": "D"})


async def test_a_broken_settings_file_is_reported_not_fatal(
    dir_source: DirSource, settings_file: Path
) -> None:
    _write(settings_file, "theme = [unclosed\n")
    app = BriefsApp(dir_source)
    async with app.run_test(size=SMALL):
        await settle(app)
        messages = [notification.message for notification in app._notifications]
        assert any(str(settings_file) in message for message in messages), messages
        assert isinstance(app.screen, StoriesScreen)


def test_settings_path_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(config.ENV_VAR)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert config.config_path() == tmp_path / "briefs" / "tui.toml"


async def test_a_failed_screenshot_says_where_it_tried_to_write(
    dir_source: DirSource, tmp_path: Path
) -> None:
    missing = tmp_path / "no" / "such" / "folder"
    async with started(dir_source, size=SMALL) as (app, pilot):
        app.action_screenshot("shot.svg", str(missing))
        for _ in range(50):
            await pilot.pause(0.02)
            messages = [notification.message for notification in app._notifications]
            if any("screenshot" in message.casefold() for message in messages):
                break
        assert any(str(missing / "shot.svg") in message for message in messages), messages
        assert not any(message == "Failed to save screenshot" for message in messages)


def test_motion_bindings_have_ids_for_the_keymap() -> None:
    ids = {binding.id for binding in BriefsApp.BINDINGS if not isinstance(binding, tuple)}
    assert {"motion.down", "motion.up", "motion.top", "motion.bottom"} <= ids
    assert isinstance(events.Key, type)
