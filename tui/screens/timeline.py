"""Screen 2: one story's briefs by date, each marked with what changed since its predecessor,
and the merged events timeline beneath."""

from __future__ import annotations

import asyncio
import itertools
from typing import ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding, BindingType
from textual.containers import Vertical
from textual.widgets import DataTable, Footer, Header, Label, Static
from textual.widgets.data_table import CellDoesNotExist

from service.domain.changelog import Change
from service.domain.changes import BriefDiff
from service.domain.derive import is_withdrawn
from service.domain.models import Brief, BriefRef, Story
from tui.editing import edit_bindings
from tui.format import change_marks, fuzzy_date, ref_label
from tui.importing import ArticleImportMixin, import_binding
from tui.live import LiveMixin
from tui.screens.brief import BriefScreen
from tui.screens.diff import DiffScreen
from tui.screens.issues import IssuesScreen
from tui.screens.party import PartyPickerScreen, PartyScreen
from tui.source import DataSource
from tui.widgets.cells import fit_footer
from tui.widgets.live import announcement

CONCURRENT_DIFFS = 6
WITHDRAWN = "✗ withdrawn"
"""The change marks of a withdrawn (canceled) brief: it is listed, not compared."""
MARKED = "◉"
"""In the mark column: the brief marked as the old side of the next diff."""
STACK_BELOW = 120
"""Narrower than this, the headline and its change marks share one wrapped column."""
SHORT_BELOW = 30
"""Fewer rows than this, the story's description is hidden to leave room for the briefs."""
AS_OF_WIDTH = 13
CELL_PADDING = 2


class TimelineScreen(ArticleImportMixin, LiveMixin):
    """Briefs of a story, newest change marks included; Enter opens a brief; ``n``/``e``/``w``
    draft, edit and withdraw briefs (see `tui.editing`)."""

    HELP_TITLE = "Story timeline"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="timeline.back"),
        Binding("d", "diff", "Diff", id="timeline.diff"),
        Binding("m", "mark", "Mark", id="timeline.mark"),
        Binding("i", "issues", "Issues", id="timeline.issues"),
        Binding("p", "party", "Party", id="timeline.party"),
        *edit_bindings("timeline"),
        import_binding("timeline"),
    ]

    def __init__(self, source: DataSource, story_id: str) -> None:
        super().__init__(source)
        self.story_id = story_id
        self.story: Story | None = None
        self.briefs: list[Brief] = []
        self.reported_in: dict[str, BriefRef] = {}
        #: The change marks of each brief, by id (what the briefs table shows beside it).
        self.marks: dict[str, str] = {}
        #: The events table's rows: event id, when, title, the as-of date that first reported it.
        self._event_rows: list[tuple[str, str, str, str]] = []
        #: The briefs table's column layout: ``None`` until laid out, then (stacked, width).
        self._layout: tuple[bool, int] | None = None
        #: The brief to put the cursor on after the next load (one just stored).
        self._select_after_load: str | None = None

    def compose(self) -> ComposeResult:
        """Story heading, briefs table, events table."""
        yield Header()
        yield Static(id="story-head")
        with Vertical(id="body"):
            yield Label("Briefs", classes="section-title")
            yield Static(id="briefs-empty", classes="empty-state")
            yield DataTable(id="briefs", cursor_type="row")
            yield Label(
                "Events (Enter opens the brief that first reported one)", classes="section-title"
            )
            yield DataTable(id="events", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        """Title and first load."""
        self.title = self.story_id
        self.query_one("#briefs").focus()
        super().on_mount()

    async def load(self) -> None:
        """Story, briefs, consecutive diffs and the timeline, fetched concurrently."""
        story, briefs, timeline = await asyncio.gather(
            self.source.get_story(self.story_id),
            self.source.list_briefs(self.story_id),
            self.source.timeline(self.story_id),
        )
        # A few diffs at a time: a long story must not open hundreds of requests at once.
        gate = asyncio.Semaphore(CONCURRENT_DIFFS)
        names = {party.id: party.name for party in story.parties}

        async def diff(old: Brief, new: Brief) -> BriefDiff:
            async with gate:
                return await self.source.diff(self.story_id, old.ref, new.ref)

        # A withdrawn brief is listed, marked, but never diffed: each standing brief is compared
        # with the standing brief before it.
        standing = [brief for brief in briefs if not is_withdrawn(brief)]
        diffs = await asyncio.gather(*(diff(old, new) for old, new in itertools.pairwise(standing)))
        marks = {
            new.id: change_marks(d, names)
            for (_, new), d in zip(itertools.pairwise(standing), diffs, strict=True)
        }
        self.story, self.briefs = story, briefs
        self.marks = {
            brief.id: WITHDRAWN if is_withdrawn(brief) else marks.get(brief.id, "first brief")
            for brief in briefs
        }
        self.title = story.title
        self.query_one("#story-head", Static).update(story.description or story.title)
        self._fill_briefs()
        self.reported_in = {entry.event.id: entry.first_reported_in for entry in timeline.entries}
        self._event_rows = [
            (
                entry.event.id,
                fuzzy_date(entry.event.when),
                entry.event.title,
                entry.first_reported_in.as_of.isoformat(),
            )
            for entry in timeline.entries
        ]
        self._fill_events()

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """The screen's keys, less those that would not fit the footer (help lists them all)."""
        return fit_footer(
            super().active_bindings, self.size.width, self.app.get_key_display, compact=False
        )

    def editing_target(self) -> Brief | None:
        """``e`` and ``w`` act on the selected brief."""
        return self.selected

    def change_arrived(self, change: Change) -> None:
        """A brief stored, revised or withdrawn elsewhere: say so, and load the story again
        (the cursor stays on its brief)."""
        self.notify(announcement(change), title="Briefs", timeout=8)
        self.reload()

    def published(self, brief: Brief) -> None:
        """Load again with the cursor on the stored brief."""
        self._select_after_load = brief.id
        self.reload()

    def on_resize(self, event: events.Resize) -> None:
        """Re-lay both tables when the width changes: their text columns wrap to it."""
        self.refresh_bindings()
        self.set_class(self.size.height < SHORT_BELOW, "-short")
        if self.briefs and self._wanted_layout() != self._layout:
            self._fill_briefs()
            self._fill_events()

    def _fill_events(self) -> None:
        """When | Event (wrapping to what is left) | Reported; the cursor stays on its row."""
        table: DataTable[str] = self.query_one("#events", DataTable)
        # A reload keeps the cursor where it was (by row, not by position).
        row = table.cursor_row if table.row_count else 0
        when = max((len(when) for _, when, _, _ in self._event_rows), default=4)
        room = max(20, self.size.width - when - 10 - 3 * CELL_PADDING - 2)
        table.clear(columns=True)
        table.add_column("When", key="when", width=max(4, when))
        table.add_column("Event", key="event", width=room)
        table.add_column("Reported", key="reported", width=10)
        for key, when_text, title, reported in self._event_rows:
            table.add_row(when_text, title, reported, key=key, height=None)
        if table.row_count:
            table.move_cursor(row=min(row, table.row_count - 1), animate=False)

    def _wanted_layout(self) -> tuple[bool, int]:
        width = self.size.width
        return (width < STACK_BELOW, width)

    def _fill_briefs(self) -> None:
        """(Re)build the briefs table for the current width, keeping the cursor on its brief.

        Wide: As of | What changed | Headline, the two text columns wrapping. Narrow: the
        headline with its change marks beneath, in one wrapped column, so the headline is
        never pushed off screen at 80 columns.
        """
        table: DataTable[object] = self.query_one("#briefs", DataTable)
        current = self.selected
        if self._select_after_load is not None:
            wanted = self._select_after_load
            current = next((brief for brief in self.briefs if brief.id == wanted), current)
            self._select_after_load = None
        stacked, width = self._layout = self._wanted_layout()
        table.clear(columns=True)
        marked = self.marked_in(self.story_id)
        table.add_column(" ", key="mark", width=1)
        table.add_column("As of", key="as_of", width=AS_OF_WIDTH)
        # Each column pads one cell either side; the scrollbar takes two.
        room = max(20, width - 1 - AS_OF_WIDTH - 3 * CELL_PADDING - 2)
        if stacked:
            table.add_column("Headline · What changed", key="brief", width=room)
        else:
            changes = max(24, room * 2 // 5)
            table.add_column("What changed", key="changes", width=changes)
            table.add_column("Headline", key="headline", width=room - changes - CELL_PADDING)
        for brief in self.briefs:
            mark = MARKED if marked == brief.ref else ""
            if stacked:
                cell = Text(brief.headline, style="bold")
                cell.append("\n")
                cell.append(self.marks[brief.id], style="dim")
                table.add_row(mark, ref_label(brief.ref), cell, key=brief.id, height=None)
            else:
                row = (mark, ref_label(brief.ref), self.marks[brief.id], brief.headline)
                table.add_row(*row, key=brief.id, height=None)
        if current is not None and current in self.briefs:
            table.move_cursor(row=self.briefs.index(current), animate=False)
        empty = self.query_one("#briefs-empty", Static)
        empty.update("No briefs in this story yet." if not self.briefs else "")
        empty.display = not self.briefs

    def explain_empty(self, message: str) -> None:
        """After a failed load with nothing shown, say why where the briefs would be."""
        if not self.briefs:
            empty = self.query_one("#briefs-empty", Static)
            empty.update(f"Nothing to show: {message}")
            empty.display = True

    @property
    def selected(self) -> Brief | None:
        """The brief under the cursor of the briefs table."""
        table: DataTable[object] = self.query_one("#briefs", DataTable)
        if not self.briefs or table.row_count == 0:
            return None
        try:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        except CellDoesNotExist:  # a table being refilled has no cell under its cursor
            return None
        return next((brief for brief in self.briefs if brief.id == key), None)

    @on(DataTable.RowSelected, "#briefs")
    def _brief_selected(self, event: DataTable.RowSelected) -> None:
        self.open_row(event, lambda brief_id: BriefScreen(self.source, self.story_id, brief_id))

    @on(DataTable.RowSelected, "#events")
    def _event_selected(self, event: DataTable.RowSelected) -> None:
        reported = self.reported_in.get(str(event.row_key.value))
        if reported is not None:
            self.app.push_screen(BriefScreen(self.source, self.story_id, reported.brief_id))

    def action_mark(self) -> None:
        """Remember the selected brief as the old side of the next diff."""
        brief = self.selected
        if brief is not None:
            self.set_mark(self.story_id, brief.ref)
            self._show_mark()
            self.notify(f"Marked {ref_label(brief.ref)}; press d on another brief to compare.")

    def _show_mark(self) -> None:
        """Put ◉ in the mark column of the marked brief only."""
        table: DataTable[object] = self.query_one("#briefs", DataTable)
        if not self.briefs or "mark" not in table.columns:
            return
        marked = self.marked_in(self.story_id)
        for brief in self.briefs:
            mark = MARKED if marked == brief.ref else ""
            table.update_cell(brief.id, "mark", mark)

    def on_screen_resume(self) -> None:
        """A diff clears the mark, another screen may set one: show the current one."""
        super().on_screen_resume()
        self._show_mark()

    def action_diff(self) -> None:
        """Diff the selected brief against the marked one, or against its predecessor."""
        brief = self.selected
        if brief is None:
            return
        index = self.briefs.index(brief)
        old = self.marked_in(self.story_id)
        if old is None or old == brief.ref:
            if index == 0:
                self.notify("The first brief has no predecessor.", severity="warning")
                return
            old = self.briefs[index - 1].ref
        self.set_mark(self.story_id, None)
        old, new = sorted([old, brief.ref], key=lambda ref: (ref.as_of, ref.revision))
        self.app.push_screen(DiffScreen(self.source, self.story_id, old, new))

    def action_issues(self) -> None:
        """Open the issue lanes of this story."""
        self.app.push_screen(IssuesScreen(self.source, self.story_id))

    def action_party(self) -> None:
        """Pick a party and open its stance history."""
        if self.story is None or not self.story.parties:
            self.notify("This story has no parties.", severity="warning")
            return

        def opened(party_id: str | None) -> None:
            if party_id is not None:
                self.open_party(party_id)

        self.app.push_screen(PartyPickerScreen(self.story.parties), opened)

    def open_party(self, party_id: str) -> None:
        """Open one party's stance history."""
        self.app.push_screen(PartyScreen(self.source, self.story_id, party_id))
