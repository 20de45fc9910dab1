"""Pilot tests of the domain rules the TUI shows: corrected quotes and withdrawn briefs."""

from __future__ import annotations

from pathlib import Path

import msgspec
from tui_support import settle, text_of

from service.domain.files import StoryFolder, write_story_dir
from service.domain.models import Brief
from tui.app import BriefsApp
from tui.screens.diff import DiffScreen
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
    app = BriefsApp(source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app)
        app.push_screen(DiffScreen(source, last.story_id, last.ref, corrected.ref))
        await settle(app)
        await pilot.pause()
        section = text_of(app, "#quotes-corrected")
        assert f"{quote.speaker} {quote.cue}: “{quote.text}”" in section
        assert "translated_by: none -> Reuters" in section
        assert "significance 0.00" not in text_of(app, "#diff-head")
