"""Pilot tests of the diff screen leading with meaning (issue 14: items 2, 3 and 8)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from textual.content import Content
from tui_support import open_diff_of_march_18, press, settle, started, text_of

from service.domain.models import BriefRef
from tui.app import BriefsApp
from tui.screens.diff import DiffScreen, provenance
from tui.sources.local import DirSource
from tui.widgets.diff_view import DiffView, HangingLines, SummaryDiff
from tui.widgets.search import SearchBar

STORY = "ceasefire-2025"


async def _refs(source: DirSource) -> dict[str, BriefRef]:
    """The latest revision of each fixture brief by ``as_of``, and ``DATE@1`` for the first."""
    briefs = await source.list_briefs(STORY)
    out = {brief.as_of.isoformat(): brief.ref for brief in briefs}
    for brief in briefs:
        first = BriefRef(brief_id=brief.id, as_of=brief.as_of, revision=1)
        out[f"{brief.as_of}@1"] = first
    return out


def _visible_text(app: BriefsApp) -> str:
    """What the terminal shows right now (no scrolling), as plain text."""
    svg = app.export_screenshot()
    texts = re.findall(r"<text[^>]*>(.*?)</text>", svg)
    return "".join(texts).replace("&#160;", " ")


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_first_screen_shows_counts_and_the_resolved_issue(
    dir_source: DirSource, size: tuple[int, int]
) -> None:
    async with started(dir_source, size=size) as (app, pilot):
        await open_diff_of_march_18(pilot)
        head = text_of(app, "#diff-head")
        assert "✓1 resolved · +5 opened · 1 stance shift · +5 events" in head
        assert app.screen.query_one("#diff").scroll_y == 0
        shown = _visible_text(app)
        assert "✓1" in shown
        assert "putin-trump-call" in shown
        if size[1] >= 40:  # at 24 rows the status bar and six opened issues fill the first screen;
            # the counts line above names the stance shift there
            assert "European" in shown  # the stance shift, before any edited note
        # Edited notes say old and new, after the stances.
        edits = text_of(app, "#issue-edits")
        assert "- note: The Kremlin is cautiously optimistic" in edits
        assert "+ note: Russia declined a full truce" in edits


async def test_revision_diff_labels_both_sides_and_says_only_trivial(
    dir_source: DirSource,
) -> None:
    refs = await _refs(dir_source)
    async with started(dir_source) as (app, pilot):
        old, new = refs["2025-03-14@1"], refs["2025-03-14"]
        await app.push_screen(DiffScreen(dir_source, STORY, old, new))
        await settle(app)
        assert app.screen.title == "Diff 2025-03-14 r1 → r2"
        await press(pilot, "t")
        said = text_of(app, "#no-changes")
        assert said.startswith("Only trivial changes")
        assert "only trivial changes" in text_of(app, "#diff-head")


async def test_rewritten_summary_is_not_one_changed_place_and_has_no_brackets(
    dir_source: DirSource,
) -> None:
    refs = await _refs(dir_source)
    app = BriefsApp(dir_source)
    async with app.run_test(size=(120, 40)):
        await settle(app)
        old, new = refs["2025-03-13"], refs["2025-03-14@1"]
        await app.push_screen(DiffScreen(dir_source, STORY, old, new))
        await settle(app)
        summary = app.screen.query_one("#summary")
        assert "rewritten" in str(summary.border_title)
        assert "changed place" not in str(summary.border_title)
        text = text_of(app, "#summary")
        # One marking style in the TUI: colour and strike, never the {+ +}/[- -] brackets too.
        assert "{+" not in text
        assert "[-" not in text
        # Before and after, each as one paragraph, rather than interleaved fragments.
        assert text.split("\n")[1].startswith("- Moscow gave its first answers")
        assert "\n+ Dmitry Peskov said" in text


def test_wrapped_lines_hang_under_their_text() -> None:
    line = Content("opened 2025-03-18: energy-strike-moratorium  30-day halt to strikes on energy")
    detail = Content("    - note: Trump says thousands are encircled and Putin offers surrender")
    widget = HangingLines([line, detail])

    wrapped = [part.plain for part in widget.wrapped(44)]

    assert wrapped[0].startswith("opened 2025-03-18:")
    first_continuation = next(i for i, part in enumerate(wrapped) if i and "note" not in part)
    assert wrapped[first_continuation].startswith("  ")
    assert wrapped[first_continuation][2] != " "
    note = next(i for i, part in enumerate(wrapped) if "- note:" in part)
    assert wrapped[note + 1].startswith(" " * 6)
    assert all(len(part) <= 44 for part in wrapped)
    assert widget.get_content_height(None, None, 44) == len(wrapped)  # type: ignore[arg-type]


def _marked(widget: object) -> bool:
    """Whether a section draws a search match (reverse video)."""
    assert isinstance(widget, (HangingLines, SummaryDiff))
    content = widget.render()
    return isinstance(content, Content) and any("reverse" in str(s.style) for s in content.spans)


async def test_slash_searches_the_diff_and_n_steps_through_matches(dir_source: DirSource) -> None:
    async with started(dir_source, size=(80, 24)) as (app, pilot):
        screen = await open_diff_of_march_18(pilot)
        await pilot.press("slash")
        bar = screen.query_one(SearchBar)
        assert bar.has_focus
        await pilot.press(*"black sea")
        await settle(app)
        hits = screen.search_hits
        assert len(hits) >= 2
        ids = [hit.widget.id for hit in hits]
        assert "issues" in ids
        assert "summary" in ids  # the summary's word diff is searched too
        assert _marked(screen.query_one("#issues"))
        # The first match is scrolled into view.
        view = screen.query_one(DiffView)
        assert view.scroll_y <= hits[0].widget.virtual_region.y
        await pilot.press("enter")  # the next match
        assert screen.search_at == 1
        view.focus()  # out of the bar, n and N step through the matches, not the sections
        await pilot.press("n")
        assert screen.search_at == 2 % len(hits)
        await pilot.press("N", "N")
        assert screen.search_at == (2 - 2) % len(hits)
        screen.query_one(SearchBar).focus()
        await pilot.press("escape")
        assert not bar.has_class("-open")
        assert screen.search_hits == []
        assert not _marked(screen.query_one("#issues"))


async def test_without_a_search_n_still_steps_sections(dir_source: DirSource) -> None:
    async with started(dir_source, size=(80, 24)) as (_app, pilot):
        screen = await open_diff_of_march_18(pilot)
        view = screen.query_one(DiffView)
        assert view.scroll_y == 0
        await press(pilot, "n")
        assert view.scroll_y > 0


async def test_a_search_with_no_match_says_so_and_survives_a_toggle(
    dir_source: DirSource,
) -> None:
    async with started(dir_source) as (app, pilot):
        screen = await open_diff_of_march_18(pilot)
        await pilot.press("slash", *"no such words")
        await settle(app)
        assert screen.query_one(SearchBar).has_class("-nomatch")
        await pilot.press(*["backspace"] * len("no such words"), *"moratorium")
        await settle(app)
        found = len(screen.search_hits)
        assert found >= 1
        screen.query_one(DiffView).focus()
        await press(pilot, "s")  # side by side: the sections are drawn anew
        assert len(screen.search_hits) == found
        assert all(hit.widget.is_attached for hit in screen.search_hits)
        await press(pilot, "f")
        assert all(hit.widget.is_attached for hit in screen.search_hits)


def test_the_diff_head_says_who_stored_each_side_and_why() -> None:
    old = BriefRef(brief_id="b", as_of=dt.date(2025, 3, 18), revision=1, revised_by="desk")
    new = BriefRef(
        brief_id="b", as_of=dt.date(2025, 3, 18), revision=2, change_note="Kremlin readout"
    )
    assert provenance(old, new) == "old r1 by desk · new r2: Kremlin readout"
    bare = BriefRef(brief_id="b", as_of=dt.date(2025, 3, 18), revision=1)
    assert provenance(bare, bare) == ""
