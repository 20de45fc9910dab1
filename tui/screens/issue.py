"""Screen 7: one issue — its status at every brief, its notes, its resolution and the briefs
that changed it (all from the story's issue lifecycles)."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import DataTable, Footer, Header, Label, Static

# A module import, not a name: the brief screen opens this one and this one opens briefs.
import tui.screens.brief as brief_screens
from service.domain.views import IssueLifecycle
from tui.format import ref_label, status_badge
from tui.screens.base import DataScreen
from tui.source import DataSource, SourceError
from tui.widgets.cells import fit_widths, themed_cell


class IssueScreen(DataScreen):
    """An issue's history, one row per brief that lists it; Enter opens that brief."""

    HELP_TITLE = "Issue"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="issue.back"),
    ]

    def __init__(self, source: DataSource, story_id: str, issue_id: str) -> None:
        super().__init__(source)
        self.story_id = story_id
        self.issue_id = issue_id
        self.issue: IssueLifecycle | None = None

    def compose(self) -> ComposeResult:
        """The issue's head, its history table and the briefs that changed it."""
        yield Header()
        with VerticalScroll(id="issue-body"):
            yield Static(id="issue-title")
            yield Static(id="issue-meta", classes="muted")
            yield Label("Resolution", classes="section-title")
            yield Static(id="resolution")
            yield Label("History (Enter opens the brief)", classes="section-title")
            yield DataTable(id="history", cursor_type="row")
            yield Label("Changed by", classes="section-title")
            yield Static(id="changed-by")
        yield Footer()

    def on_mount(self) -> None:
        """Focus the history and load."""
        self.query_one("#history").focus()
        super().on_mount()

    async def load(self) -> None:
        """The story's lifecycles, of which this screen shows one."""
        lifecycles = await self.source.issue_lifecycles(self.story_id)
        issue = next((i for i in lifecycles.issues if i.issue_id == self.issue_id), None)
        if issue is None:
            raise SourceError(f"No issue {self.issue_id} in {self.story_id}.", retryable=False)
        self.issue = issue
        self.title = f"{self.story_id}: {issue.title}"
        self.query_one("#issue-title", Static).update(
            Content.assemble((issue.title, "bold"), "  ", (issue.issue_id, "$text-muted"))
        )
        closed = f" · closed {issue.closed_on.isoformat()}" if issue.closed_on else ""
        self.query_one("#issue-meta", Static).update(
            Content.assemble(
                status_badge(issue.current_status),
                f" · opened {issue.opened_on.isoformat()}{closed} · age {issue.age_days}d"
                f" · first in the brief of {ref_label(issue.first_seen)}",
            )
        )
        self.query_one("#resolution", Static).update(
            issue.resolution or Content.styled("— (not resolved)", "$text-muted")
        )
        changes = [
            Content.assemble((ref_label(point.brief), "bold"), "  ", status_badge(point.status))
            for index, point in enumerate(issue.statuses)
            if index == 0 or point.changed
        ]
        self.query_one("#changed-by", Static).update(Content("\n").join(changes) or "—")
        self._fill(issue)

    def restyle(self) -> None:
        """Colour the statuses with the new theme."""
        if self.issue is not None:
            self._fill(self.issue)

    def refit(self) -> None:
        """Re-fit the history's columns to the new width."""
        if self.issue is not None:
            self._fill(self.issue)

    def _fill(self, issue: IssueLifecycle) -> None:
        width = self.lay_out_width()
        variables = self.app.get_css_variables()
        table: DataTable[object] = self.query_one("#history", DataTable)
        table.clear(columns=True)
        badge = max(len(status_badge(point.status).plain) for point in issue.statuses)
        date, status, change, note = fit_widths(width - 4, [13, badge, 14], [1])
        table.add_column("Brief", key="brief", width=date)
        table.add_column("Status", key="status", width=status)
        table.add_column("Change", key="change", width=change)
        table.add_column("Note", key="note", width=note)
        previous = None
        for index, point in enumerate(issue.statuses):
            if index == 0:
                what = Content.styled("first listed", "$text-accent")
            elif point.changed and previous is not None:
                what = Content.assemble("from ", status_badge(previous))
            else:
                what = Content.styled("held", "$text-muted")
            previous = point.status
            table.add_row(
                ref_label(point.brief),
                themed_cell(status_badge(point.status), variables),
                themed_cell(what, variables),
                point.note or "—",
                key=str(index),
                height=None,
            )

    @on(DataTable.RowSelected, "#history")
    def _point_selected(self, event: DataTable.RowSelected) -> None:
        if self.issue is None or event.row_key.value is None:
            return
        ref = self.issue.statuses[int(event.row_key.value)].brief
        self.app.push_screen(
            brief_screens.BriefScreen(self.source, self.story_id, ref.brief_id, ref.revision)
        )
