"""Screen 5: every issue of a story as a lane across brief dates (opened → changes → closed)."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import ClassVar, Literal

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import DataTable, Footer, Header, Static
from textual.widgets.data_table import CellDoesNotExist

from service.domain.derive import is_withdrawn, standing_briefs
from service.domain.drafting import with_issue_status
from service.domain.models import Brief
from service.domain.views import IssueLifecycle, IssueLifecycles
from tui.editing import EditingMixin
from tui.format import STATUS_SYMBOLS, status_badge, status_symbol
from tui.screens.base import DataScreen
from tui.screens.issue import IssueScreen
from tui.screens.prompts import IssueStatusScreen
from tui.source import DataSource
from tui.widgets.cells import fit_widths, themed_cell

IssueFilter = Literal["all", "open", "closed"]
WIDE = 100
"""From this width on, the current status is spelled out beside its symbol."""
LEGEND = "  ".join(f"{symbol} {status.value}" for status, symbol in STATUS_SYMBOLS.items())


class IssuesScreen(EditingMixin, DataScreen):
    """Issue lanes, titled (the slug below); ``o``/``c``/``a`` filter open, closed or all
    issues; Enter opens the issue; ``s`` changes its status (a new revision of the latest
    brief)."""

    HELP_TITLE = "Issues"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="issues.back"),
        Binding("o", "show('open')", "Open", id="issues.open"),
        Binding("c", "show('closed')", "Closed", id="issues.closed"),
        Binding("a", "show('all')", "All", id="issues.all"),
        Binding("s", "change_status", "Status", tooltip="Change the status", id="issues.status"),
    ]

    def __init__(self, source: DataSource, story_id: str) -> None:
        super().__init__(source)
        self.story_id = story_id
        self.shown: IssueFilter = "all"
        self.lifecycles: IssueLifecycles | None = None
        self.briefs: list[Brief] = []

    def compose(self) -> ComposeResult:
        """The lane table and a legend."""
        yield Header()
        yield Static(id="issues-head")
        yield DataTable(id="lanes", cursor_type="row", zebra_stripes=True)
        yield Static(Content.styled(LEGEND, "$text-muted"), id="legend")
        yield Footer()

    def on_mount(self) -> None:
        """Focus the lanes and load."""
        self.query_one("#lanes").focus()
        super().on_mount()

    async def load(self) -> None:
        """Lifecycles plus the brief dates that make the lane columns."""
        self.lifecycles, self.briefs = await asyncio.gather(
            self.source.issue_lifecycles(self.story_id),
            self.source.list_briefs(self.story_id),
        )
        self.title = f"{self.story_id}: issues"
        self._fill()

    def restyle(self) -> None:
        """Colour the lanes with the new theme."""
        self._fill()

    def action_show(self, which: IssueFilter) -> None:
        """Filter the lanes."""
        self.shown = which
        self._fill()

    def _fill(self) -> None:
        if self.lifecycles is None:
            return
        issues = [issue for issue in self.lifecycles.issues if _matches(issue, self.shown)]
        closed = sum(issue.is_closed for issue in self.lifecycles.issues)
        self.query_one("#issues-head", Static).update(
            f"Showing {self.shown} issues: {len(issues)} of {len(self.lifecycles.issues)} "
            f"({len(self.lifecycles.issues) - closed} open, {closed} closed) · Enter opens one"
        )
        width = self.lay_out_width()
        table: DataTable[object] = self.query_one("#lanes", DataTable)
        table.clear(columns=True)
        # A withdrawn brief feeds no lifecycle, so it has no lane column either.
        dates = [brief.as_of for brief in self.briefs if not is_withdrawn(brief)]
        # Narrow, the current status is its symbol only, so the titles keep room to read.
        wide = width >= WIDE
        now = max(len(status_badge(status).plain) for status in STATUS_SYMBOLS) if wide else 3
        # The table's scrollbar and one cell of slack; each lane is five cells (``03-18``).
        *_, issue_width = fit_widths(width - 3, [5] * len(dates) + [now, 4], [1])
        table.add_column("Issue", key="issue", width=issue_width)
        for date in dates:
            table.add_column(date.strftime("%m-%d"), key=date.isoformat())
        table.add_column("Now", key="status", width=now)
        table.add_column("Age", key="age", width=4)
        variables = self.app.get_css_variables()
        for issue in issues:
            current = (
                status_badge(issue.current_status) if wide else status_symbol(issue.current_status)
            )
            table.add_row(
                themed_cell(
                    Content.assemble(issue.title, "\n", (issue.issue_id, "$text-muted")), variables
                ),
                *(themed_cell(cell, variables) for cell in _lane(issue, dates)),
                themed_cell(current, variables),
                f"{issue.age_days}d",
                key=issue.issue_id,
                height=None,
            )

    def refit(self) -> None:
        """Re-fit the columns to the new width."""
        self._fill()

    @property
    def selected(self) -> IssueLifecycle | None:
        """The issue under the cursor."""
        table: DataTable[object] = self.query_one("#lanes", DataTable)
        if self.lifecycles is None or table.row_count == 0:
            return None
        try:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        except CellDoesNotExist:
            return None
        return next((i for i in self.lifecycles.issues if i.issue_id == key), None)

    def action_change_status(self) -> None:
        """Ask the new status, its date and a resolution; store them in the latest brief."""
        issue = self.selected
        if issue is None:
            self.notify("No issue selected.", severity="warning")
            return
        if not self.can_write():
            return
        standing = standing_briefs(self.briefs)
        latest = standing[-1].as_of if standing else issue.opened_on

        self.ask_quick_change(
            IssueStatusScreen(issue.title, issue.current_status, latest),
            lambda change, brief: with_issue_status(
                brief,
                issue.issue_id,
                status=change.status,
                on=change.on,
                resolution=change.resolution,
            ),
            lambda change: f"{issue.issue_id}: {change.status.value} on {change.on.isoformat()}",
        )

    @on(DataTable.RowSelected, "#lanes")
    def _issue_selected(self, event: DataTable.RowSelected) -> None:
        self.open_row(event, lambda issue_id: IssueScreen(self.source, self.story_id, issue_id))


def _matches(issue: IssueLifecycle, shown: IssueFilter) -> bool:
    match shown:
        case "open":
            return not issue.is_closed
        case "closed":
            return issue.is_closed
        case _:
            return True


def _lane(issue: IssueLifecycle, dates: list[dt.date]) -> list[Content]:
    """One cell per brief date: the status symbol where it changed, ``─`` where it held."""
    points = {point.brief.as_of: point for point in issue.statuses}
    cells: list[Content] = []
    first = True
    for date in dates:
        point = points.get(date)
        if point is None:
            cells.append(Content(""))
        elif first or point.changed:
            cells.append(status_symbol(point.status))
        else:
            cells.append(Content.styled("─", "$text-muted"))
        first = first and point is None
    return cells
