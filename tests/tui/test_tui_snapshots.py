"""Snapshots of every screen at 80x24 and 120x40, on the fixture story read from its folder.

Deterministic: fixed data, no clock in the header, every load awaited before the capture.
Regenerate with ``pytest tests/tui/test_tui_snapshots.py --snapshot-update`` and review the SVGs.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input
from tui_support import steady

from tests.conftest import CEASEFIRE_DIR
from tui.app import BriefsApp
from tui.screens.timeline import TimelineScreen
from tui.sources.local import DirSource

SnapCompare = Callable[..., bool]


def walk(*steps: str | tuple[str, ...]) -> Callable[[Pilot[Any]], Awaitable[None]]:
    """Press each group of keys, waiting for the loads it starts before the next group."""

    async def run(pilot: Pilot[Any]) -> None:
        await steady(pilot)
        for step in steps:
            keys = (step,) if isinstance(step, str) else step
            await pilot.press(*keys)
            await steady(pilot)
        # A blinking cursor would be drawn or not by the time of the screenshot: hold it on.
        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False
        await steady(pilot)

    return run


async def _open_russia(pilot: Pilot[Any]) -> None:
    await walk("enter")(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, TimelineScreen)
    screen.open_party("russia")
    await steady(pilot)


SCREENS: dict[str, Callable[[Pilot[Any]], Awaitable[None]]] = {
    "stories": walk(),
    "timeline": walk("enter"),
    "brief": walk("enter", ("down", "down", "down", "enter")),
    "diff": walk("enter", ("down", "down", "down", "d")),
    # The summary comes last (word diff after what moved), so scroll to it to see its two columns.
    "diff-side-by-side": walk("enter", ("down", "down", "down", "d"), "s", "end"),
    "issues": walk("enter", "i"),
    # The first closed issue: a status history, a resolution and the briefs that changed it.
    "issue": walk("enter", "i", "c", "enter"),
    # The brief's sources (outlet, title and link apart) and its search, at the first match.
    "brief-search": walk("enter", ("down", "down", "down", "enter"), ("slash", *"black sea")),
    # The diff's search, at its first match (the issues opened that day).
    "diff-search": walk("enter", ("down", "down", "down", "d"), ("slash", *"black sea")),
    "party": _open_russia,
    "help": walk("question_mark"),
}


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@pytest.mark.parametrize("screen", list(SCREENS))
def test_screen_snapshot(screen: str, size: tuple[int, int], snap_compare: SnapCompare) -> None:
    app = BriefsApp(DirSource(CEASEFIRE_DIR))
    assert snap_compare(app, terminal_size=size, run_before=SCREENS[screen])
