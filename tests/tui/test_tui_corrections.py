"""Pilot tests of the domain rules the TUI shows: corrected quotes and withdrawn briefs."""

from __future__ import annotations

from pathlib import Path

import msgspec
from textual.widgets import DataTable
from tui_support import column, press, settle, started, text_of

from service.domain.diff import diff_briefs
from service.domain.files import StoryFolder, write_story_dir
from service.domain.models import Brief, PubStatus
from tui.format import change_marks
from tui.screens.brief import BriefScreen
from tui.screens.diff import DiffScreen
from tui.screens.issues import IssuesScreen
from tui.screens.stories import StoriesScreen
from tui.screens.timeline import TimelineScreen
from tui.sources.local import DirSource

SIZE = (120, 40)


def _revised(brief: Brief, **content: object) -> Brief:
    """The next revision of ``brief`` with ``content`` replaced."""
    return msgspec.structs.replace(brief, revision=brief.revision + 1, **content)


def _folder_with(tmp_path: Path, ceasefire: StoryFolder, *extra: Brief) -> DirSource:
    write_story_dir(tmp_path, ceasefire.story, [*ceasefire.briefs, *extra])
    return DirSource(tmp_path)


async def test_diff_screen_shows_a_corrected_quote(tmp_path: Path, ceasefire: StoryFolder) -> None:
    last = ceasefire.latest()[-1]
    index, position = next((i, p) for i, p in enumerate(last.positions) if p.quotes)
    quote = msgspec.structs.replace(position.quotes[0], translated_by="Reuters")
    positions = list(last.positions)
    positions[index] = msgspec.structs.replace(position, quotes=[quote, *position.quotes[1:]])
    corrected = _revised(last, positions=positions)
    source = _folder_with(tmp_path, ceasefire, corrected)
    async with started(source, size=SIZE) as (app, pilot):
        app.push_screen(DiffScreen(source, last.story_id, last.ref, corrected.ref))
        await settle(app)
        await pilot.pause()
        section = text_of(app, "#quotes-corrected")
        assert f"{quote.speaker} {quote.cue}: “{quote.text}”" in section
        assert "translated_by: none -> Reuters" in section
        assert "significance 0.00" not in text_of(app, "#diff-head")


def _withdrawing(ceasefire: StoryFolder, as_of: str) -> Brief:
    brief = next(brief for brief in ceasefire.latest() if brief.as_of.isoformat() == as_of)
    return _revised(brief, status=PubStatus.CANCELED)


async def test_timeline_marks_a_withdrawn_brief_and_skips_it(
    tmp_path: Path, ceasefire: StoryFolder
) -> None:
    withdrawn = _withdrawing(ceasefire, "2025-03-18")
    source = _folder_with(tmp_path, ceasefire, withdrawn)
    latest = {brief.as_of.isoformat(): brief for brief in ceasefire.latest()}
    names = {party.id: party.name for party in ceasefire.story.parties}
    # The brief after the withdrawn one is compared with the one before it.
    expected = change_marks(diff_briefs(latest["2025-03-14"], latest["2025-03-19"]), names)
    async with started(source, size=SIZE) as (app, pilot):
        await press(pilot, "enter")
        assert isinstance(app.screen, TimelineScreen)
        dates = column(app, "#briefs", "as_of")
        changes = dict(zip(dates, column(app, "#briefs", "changes"), strict=True))
        assert changes["2025-03-18 r3"] == "✗ withdrawn"
        assert changes["2025-03-19"] == expected
        # Its events count as first reported by the next standing brief that lists them.
        assert "2025-03-18" not in column(app, "#events", "reported")
        assert "2025-03-19" in column(app, "#events", "reported")
        await press(pilot, "i")
        assert isinstance(app.screen, IssuesScreen)
        lanes = app.screen.query_one("#lanes", DataTable)
        assert "2025-03-18" not in [str(key.value) for key in lanes.columns]


async def test_a_withdrawn_last_brief_neither_dates_the_story_nor_adds_events(
    tmp_path: Path, ceasefire: StoryFolder
) -> None:
    withdrawn = _withdrawing(ceasefire, "2025-03-19")
    source = _folder_with(tmp_path, ceasefire, withdrawn)
    earlier = {event.id for brief in ceasefire.latest()[:-1] for event in brief.events}
    async with started(source, size=SIZE) as (app, pilot):
        assert isinstance(app.screen, StoriesScreen)
        assert column(app, "#stories", "briefs") == ["5"]
        assert column(app, "#stories", "latest") == ["2025-03-18"]
        await press(pilot, "enter")
        events = app.screen.query_one("#events", DataTable)
        assert {str(key.value) for key in events.rows} == earlier
        await press(pilot, "down", "down", "down", "down", "enter")
        assert isinstance(app.screen, BriefScreen)
        assert "✗ withdrawn (canceled)" in text_of(app, "#meta")
