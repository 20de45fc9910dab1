"""Screen 1: every story with its brief count, latest as-of date and open issues; type to filter."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Footer, Header, Input

from service.domain.views import StorySummary
from tui.screens.base import DataScreen
from tui.screens.timeline import TimelineScreen
from tui.source import DataSource


class StoriesScreen(DataScreen):
    """The list of stories; Enter opens a story's timeline."""

    HELP_TITLE = "Stories"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "focus_filter", "Filter", id="stories.filter"),
        Binding("escape", "clear_filter", "Clear filter", show=False, id="stories.clear"),
    ]

    def __init__(self, source: DataSource) -> None:
        super().__init__(source)
        self._stories: list[StorySummary] = []

    def compose(self) -> ComposeResult:
        """Filter box above the table."""
        yield Header()
        yield Input(placeholder="Filter stories (/)", id="filter")
        table: DataTable[str] = DataTable(id="stories", cursor_type="row", zebra_stripes=True)
        table.add_column("Latest", key="latest")
        table.add_column("Briefs", key="briefs")
        table.add_column("Open", key="open")
        table.add_column("Story", key="title")
        yield table
        yield Footer()

    def on_mount(self) -> None:
        """Title, focus and first load."""
        self.title = "Briefs"
        self.query_one("#stories").focus()
        super().on_mount()

    async def load(self) -> None:
        """Fetch the story list."""
        self._stories = await self.source.list_stories()
        self._fill()
        if not self._stories:
            self.notify(f"No stories in {self.source.label} yet.", title="Briefs")

    @on(Input.Changed, "#filter")
    def _filter_changed(self) -> None:
        self._fill()

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self) -> None:
        self.query_one("#stories").focus()

    @on(DataTable.RowSelected, "#stories")
    def _story_selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            self.open_story(event.row_key.value)

    def open_story(self, story_id: str) -> None:
        """Push the timeline of one story."""
        self.app.push_screen(TimelineScreen(self.source, story_id))

    def action_focus_filter(self) -> None:
        """Move the focus to the filter box."""
        self.query_one("#filter").focus()

    def action_clear_filter(self) -> None:
        """Empty the filter and go back to the table."""
        self.query_one("#filter", Input).value = ""
        self.query_one("#stories").focus()

    @property
    def stories(self) -> list[StorySummary]:
        """The stories last loaded (for the command palette)."""
        return list(self._stories)

    def _fill(self) -> None:
        needle = self.query_one("#filter", Input).value.strip().casefold()
        table: DataTable[str] = self.query_one("#stories", DataTable)
        table.clear()
        for story in self._stories:
            if needle and needle not in f"{story.id} {story.title}".casefold():
                continue
            table.add_row(
                story.latest_as_of.isoformat() if story.latest_as_of else "—",
                str(story.brief_count),
                str(story.open_issue_count),
                story.title,
                key=story.id,
            )
