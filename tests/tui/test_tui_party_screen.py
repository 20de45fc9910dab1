"""The party screen: conditions per brief date, a party switcher and hanging indents (issue 14,
items 6 and 8)."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import OptionList, Static
from tui_support import press, screen_text, settle, started, text_of

from tui.app import BriefsApp
from tui.screens.party import PartyPickerScreen, PartyScreen
from tui.screens.timeline import TimelineScreen
from tui.sources.local import DirSource


async def _open_russia(app: BriefsApp, pilot: Pilot[Any]) -> PartyScreen:
    await settle(app)
    await press(pilot, "enter")
    timeline = app.screen
    assert isinstance(timeline, TimelineScreen)
    timeline.open_party("russia")
    await pilot.pause()
    await settle(app)
    screen = app.screen
    assert isinstance(screen, PartyScreen)
    return screen


async def test_party_points_list_their_conditions(dir_source: DirSource) -> None:
    async with started(dir_source, size=(80, 24)) as (app, pilot):
        await _open_russia(app, pilot)
        text = screen_text(app)
        assert "Conditions: none stated" in text  # 2025-03-11: no conditions yet
        assert "Conditions: Agreed monitoring of the truce along the whole front" in text


async def test_party_switcher_cycles_and_picks(dir_source: DirSource) -> None:
    async with started(dir_source) as (app, pilot):
        screen = await _open_russia(app, pilot)
        parties = [party.id for party in screen.parties]
        assert parties[0] == "russia"
        await press(pilot, "right_square_bracket")
        assert app.screen is screen
        assert screen.party_id == parties[1]
        assert text_of(app, "#stance-path").startswith("United States: ")
        assert f"(party 2 of {len(parties)})" in text_of(app, "#stance-path")
        await press(pilot, "left_square_bracket", "left_square_bracket")
        assert screen.party_id == parties[-1]
        await press(pilot, "p")
        assert isinstance(app.screen, PartyPickerScreen)
        options = app.screen.query_one(OptionList)
        options.highlighted = parties.index("ukraine")
        await press(pilot, "enter")
        assert app.screen is screen
        assert screen.party_id == "ukraine"
        assert text_of(app, "#stance-path").startswith("Ukraine: ")


async def test_party_point_text_hangs_under_itself(dir_source: DirSource) -> None:
    async with started(dir_source, size=(80, 24)) as (app, pilot):
        await _open_russia(app, pilot)
        when = app.screen.query(".point .when").first(Static)
        what = app.screen.query(".point .what").first(Static)
        assert what.region.x > when.region.x
        assert what.region.height > 1  # a wrapped statement, every line at the text's column
