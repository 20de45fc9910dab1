"""Screen 2: one story's briefs by date, each marked with what changed since its predecessor,
and the merged events timeline beneath."""

from __future__ import annotations

import asyncio
import itertools
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import DataTable, Footer, Header, Label, Static

from service.domain.changes import BriefDiff
from service.domain.derive import is_withdrawn
from service.domain.models import Brief, BriefRef, Story
from tui.format import change_marks, fuzzy_date, ref_label
from tui.screens.base import DataScreen
from tui.screens.brief import BriefScreen
from tui.screens.diff import DiffScreen
from tui.screens.issues import IssuesScreen
from tui.screens.party import PartyPickerScreen, PartyScreen
from tui.source import DataSource

CONCURRENT_DIFFS = 6
WITHDRAWN = "✗ withdrawn"
"""The change marks of a withdrawn (canceled) brief: it is listed, not compared."""


class TimelineScreen(DataScreen):
    """Briefs of a story, newest change marks included; Enter opens a brief."""

    HELP_TITLE = "Story timeline"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="timeline.back"),
        Binding("d", "diff", "Diff", id="timeline.diff"),
        Binding("m", "mark", "Mark for diff", id="timeline.mark"),
        Binding("i", "issues", "Issues", id="timeline.issues"),
        Binding("p", "party", "Party", id="timeline.party"),
    ]

    def __init__(self, source: DataSource, story_id: str) -> None:
        super().__init__(source)
        self.story_id = story_id
        self.story: Story | None = None
        self.briefs: list[Brief] = []
        self.reported_in: dict[str, BriefRef] = {}

    def compose(self) -> ComposeResult:
        """Story heading, briefs table, events table."""
        yield Header()
        yield Static(id="story-head")
        with Vertical(id="body"):
            yield Label("Briefs", classes="section-title")
            briefs: DataTable[str] = DataTable(id="briefs", cursor_type="row")
            briefs.add_column("As of", key="as_of")
            briefs.add_column("What changed", key="changes")
            briefs.add_column("Headline", key="headline")
            yield briefs
            yield Label(
                "Events (Enter opens the brief that first reported one)", classes="section-title"
            )
            events: DataTable[str] = DataTable(id="events", cursor_type="row")
            events.add_column("When", key="when")
            events.add_column("Event", key="event")
            events.add_column("First reported", key="reported")
            yield events
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
        self.title = story.title
        self.query_one("#story-head", Static).update(story.description or story.title)
        table: DataTable[str] = self.query_one("#briefs", DataTable)
        table.clear()
        for brief in briefs:
            row_marks = WITHDRAWN if is_withdrawn(brief) else marks.get(brief.id, "first brief")
            table.add_row(ref_label(brief.ref), row_marks, brief.headline, key=brief.id)
        events: DataTable[str] = self.query_one("#events", DataTable)
        events.clear()
        self.reported_in = {entry.event.id: entry.first_reported_in for entry in timeline.entries}
        for entry in timeline.entries:
            events.add_row(
                fuzzy_date(entry.event.when),
                entry.event.title,
                entry.first_reported_in.as_of.isoformat(),
                key=entry.event.id,
            )

    @property
    def selected(self) -> Brief | None:
        """The brief under the cursor of the briefs table."""
        table: DataTable[str] = self.query_one("#briefs", DataTable)
        if not self.briefs or table.row_count == 0:
            return None
        return self.briefs[min(table.cursor_row, len(self.briefs) - 1)]

    @on(DataTable.RowSelected, "#briefs")
    def _brief_selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            self.app.push_screen(BriefScreen(self.source, self.story_id, event.row_key.value))

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
            self.notify(f"Marked {ref_label(brief.ref)}; press d on another brief to compare.")

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
