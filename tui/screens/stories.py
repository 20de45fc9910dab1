"""Screen 1: every story with its brief count, latest as-of date and open issues; type to filter."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Footer, Header, Input, Static

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
        yield Static(id="stories-empty", classes="empty-state")
        yield DataTable(id="stories", cursor_type="row", zebra_stripes=True)
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

    def refit(self) -> None:
        """Titles wrap to the width, so re-lay the table when it changes."""
        if self._stories:
            self._fill()

    def explain_empty(self, message: str) -> None:
        """After a failed load, say why the list is empty (the toast fades)."""
        if not self._stories:
            self._say_empty(f"Nothing to show: {message}")

    def _say_empty(self, text: str) -> None:
        empty = self.query_one("#stories-empty", Static)
        empty.update(text)
        empty.display = bool(text)

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
        current = table.cursor_row
        width = self.lay_out_width()
        table.clear(columns=True)
        table.add_column("Latest", key="latest", width=10)
        table.add_column("Briefs", key="briefs", width=6)
        table.add_column("Open", key="open", width=4)
        # The title wraps in what is left (four cells of padding each side, and a scrollbar).
        table.add_column("Story", key="title", width=max(20, width - 20 - 8 - 2 - 2))
        for story in self._stories:
            if needle and needle not in f"{story.id} {story.title}".casefold():
                continue
            table.add_row(
                story.latest_as_of.isoformat() if story.latest_as_of else "—",
                str(story.brief_count),
                str(story.open_issue_count),
                story.title,
                key=story.id,
                height=None,
            )
        if table.row_count:
            table.move_cursor(row=min(current, table.row_count - 1), animate=False)
        if not self._stories:
            self._say_empty(f"No stories in {self.source.label} yet.")
        elif not table.row_count:
            self._say_empty(f"No story matches {needle!r}. Esc clears the filter.")
        else:
            self._say_empty("")
