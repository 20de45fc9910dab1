"""Screen 3: one brief (or one revision of it), section by section."""

from __future__ import annotations

import asyncio
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import (
    Collapsible,
    DataTable,
    Footer,
    Header,
    Label,
    Markdown,
    OptionList,
    Static,
)
from textual.widgets.option_list import Option

from service.domain.derive import is_withdrawn
from service.domain.models import Brief, BriefRef, Story
from tui.format import (
    RELIABILITY_LABELS,
    age_days,
    fuzzy_date,
    quote_line,
    ref_label,
    stance_label,
    status_badge,
)
from tui.screens.base import DataScreen
from tui.screens.diff import DiffScreen
from tui.screens.party import PartyScreen
from tui.source import DataSource
from tui.widgets.cells import themed_cell


class BriefScreen(DataScreen):
    """Headline, summary, positions with quotes, issues, events, sources and revisions."""

    HELP_TITLE = "Brief"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="brief.back"),
        Binding("d", "diff_previous_brief", "Diff with previous brief", id="brief.diff"),
        Binding("v", "diff_previous_revision", "Diff with previous revision", id="brief.diff_rev"),
        Binding(
            "left_square_bracket", "revision(-1)", "Older revision", show=False, id="brief.older"
        ),
        Binding(
            "right_square_bracket", "revision(1)", "Newer revision", show=False, id="brief.newer"
        ),
        Binding("e", "expand_quotes", "Expand quotes", id="brief.quotes"),
        Binding("m", "mark", "Mark for diff", id="brief.mark"),
        Binding("c", "compare_marked", "Diff with marked", id="brief.compare"),
    ]

    def __init__(
        self, source: DataSource, story_id: str, brief_id: str, revision: int | None = None
    ) -> None:
        super().__init__(source)
        self.story_id = story_id
        self.brief_id = brief_id
        self.revision = revision
        self.story: Story | None = None
        self.brief: Brief | None = None
        self.revisions: list[BriefRef] = []
        self.briefs: list[Brief] = []

    def compose(self) -> ComposeResult:
        """Every section of a brief, in one scrolling column."""
        yield Header()
        with VerticalScroll(id="body"):
            yield Static(id="headline")
            yield Static(id="meta", classes="muted")
            yield Markdown(id="summary")
            yield Label(
                "Positions (Enter opens the party's stance history)", classes="section-title"
            )
            positions: DataTable[object] = DataTable(id="positions", cursor_type="row")
            positions.add_column("Party", key="party")
            positions.add_column("Stance", key="stance")
            positions.add_column("Statement", key="statement", width=44)
            positions.add_column("Conditions", key="conditions", width=26)
            yield positions
            yield VerticalScroll(id="quotes")
            yield Label("Issues", classes="section-title")
            yield Static(id="issues")
            yield Label("Events", classes="section-title")
            yield Static(id="events")
            yield Label("Sources", classes="section-title")
            sources: DataTable[str] = DataTable(id="sources", cursor_type="row")
            sources.add_column("Id", key="id")
            sources.add_column("Outlet", key="outlet")
            sources.add_column("Reliability", key="reliability")
            sources.add_column("Published", key="published")
            sources.add_column("Title", key="title")
            yield sources
            yield Label("Revisions (Enter opens one)", classes="section-title")
            yield OptionList(id="revisions")
        yield Footer()

    async def load(self) -> None:
        """The story (for party names), the revision list, the brief and its neighbours."""
        story, revisions, briefs = await asyncio.gather(
            self.source.get_story(self.story_id),
            self.source.list_revisions(self.story_id, self.brief_id),
            self.source.list_briefs(self.story_id),
        )
        revision = self.revision or revisions[-1].revision
        brief = await self.source.get_revision(self.story_id, self.brief_id, revision)
        self.story, self.brief, self.revisions, self.briefs = story, brief, revisions, briefs
        self._show(story, brief)

    def restyle(self) -> None:
        """Colour the stances with the new theme."""
        if self.story is not None and self.brief is not None:
            self._show(self.story, self.brief)

    def _show(self, story: Story, brief: Brief) -> None:
        names = {party.id: party.name for party in story.parties}
        self.title = f"{story.title} — {ref_label(brief.ref)}"
        self.query_one("#headline", Static).update(Content.styled(brief.headline, "bold"))
        author = f" · by {brief.author}" if brief.author else ""
        status = "✗ withdrawn (canceled)" if is_withdrawn(brief) else brief.status.value
        self.query_one("#meta", Static).update(
            f"as of {brief.as_of.isoformat()} · revision {brief.revision} of "
            f"{len(self.revisions)} · {status}{author}"
        )
        takeaways = "".join(f"\n- {item}" for item in brief.takeaways)
        self.query_one("#summary", Markdown).update(brief.summary + "\n" + takeaways)

        positions: DataTable[object] = self.query_one("#positions", DataTable)
        positions.clear()
        quotes = self.query_one("#quotes", VerticalScroll)
        quotes.remove_children()
        variables = self.app.get_css_variables()
        outlets = {source.id: source.outlet for source in brief.sources}
        for position in brief.positions:
            name = names.get(position.party_id, position.party_id)
            positions.add_row(
                name,
                themed_cell(stance_label(position.stance), variables),
                position.statement,
                "; ".join(position.conditions) or "—",
                key=position.party_id,
                height=None,
            )
            if position.quotes:
                lines = [
                    Static(quote_line(quote, outlets), classes="quote") for quote in position.quotes
                ]
                quotes.mount(
                    Collapsible(*lines, title=f"Quotes — {name} ({len(lines)})", collapsed=True)
                )

        width = max((len(status_badge(issue.status).plain) for issue in brief.issues), default=0)
        issue_lines = [
            Content.assemble(
                status_badge(issue.status),
                " " * (width - len(status_badge(issue.status).plain) + 2),
                (issue.id, "bold"),
                f"  {issue.title}  ",
                (f"age {age_days(issue.opened_on, issue.closed_on or brief.as_of)}", "$text-muted"),
            )
            for issue in brief.issues
        ]
        self.query_one("#issues", Static).update(Content("\n").join(issue_lines) or "—")
        event_lines = [
            Content.assemble((fuzzy_date(event.when), "bold"), f"  {event.title}")
            for event in sorted(brief.events, key=lambda event: event.when.date)
        ]
        self.query_one("#events", Static).update(Content("\n").join(event_lines) or "—")

        sources: DataTable[str] = self.query_one("#sources", DataTable)
        sources.clear()
        for source in brief.sources:
            sources.add_row(
                source.id,
                source.outlet,
                RELIABILITY_LABELS[source.reliability],
                fuzzy_date(source.published) if source.published else "—",
                source.title,
                key=source.id,
            )
        options = self.query_one("#revisions", OptionList)
        options.clear_options()
        options.add_options(
            Option(
                f"r{ref.revision}  {ref.as_of.isoformat()}"
                + ("  (shown)" if ref.revision == brief.revision else ""),
                id=str(ref.revision),
            )
            for ref in self.revisions
        )

    @on(DataTable.RowSelected, "#positions")
    def _position_selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            self.app.push_screen(PartyScreen(self.source, self.story_id, event.row_key.value))

    @on(OptionList.OptionSelected, "#revisions")
    def _revision_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.revision = int(event.option.id)
            self.reload()

    def action_revision(self, step: int) -> None:
        """Show the previous or next revision of this brief."""
        if self.brief is None:
            return
        wanted = self.brief.revision + step
        if not any(ref.revision == wanted for ref in self.revisions):
            self.notify("No more revisions that way.", severity="warning")
            return
        self.revision = wanted
        self.reload()

    def action_expand_quotes(self) -> None:
        """Expand (or collapse again) every quote block."""
        blocks = list(self.query(Collapsible))
        expand = any(block.collapsed for block in blocks)
        for block in blocks:
            block.collapsed = not expand

    def action_diff_previous_brief(self) -> None:
        """Diff this brief against the brief dated before it."""
        if self.brief is None:
            return
        earlier = [brief for brief in self.briefs if brief.as_of < self.brief.as_of]
        if not earlier:
            self.notify("The first brief has no predecessor.", severity="warning")
            return
        self.app.push_screen(
            DiffScreen(self.source, self.story_id, earlier[-1].ref, self.brief.ref)
        )

    def action_mark(self) -> None:
        """Mark the revision shown as the old side of a diff (compare it from any screen)."""
        if self.brief is not None:
            self.set_mark(self.story_id, self.brief.ref)
            self.notify(
                f"Marked {ref_label(self.brief.ref)}; press c on another brief or revision, "
                "or d in the timeline, to compare."
            )

    def action_compare_marked(self) -> None:
        """Diff the marked revision against the one shown."""
        marked = self.marked_in(self.story_id)
        if self.brief is None or marked is None or marked == self.brief.ref:
            self.notify("Mark another brief or revision first (m).", severity="warning")
            return
        self.set_mark(self.story_id, None)
        old, new = sorted([marked, self.brief.ref], key=lambda ref: (ref.as_of, ref.revision))
        self.app.push_screen(DiffScreen(self.source, self.story_id, old, new))

    def action_diff_previous_revision(self) -> None:
        """Diff this revision against the revision before it."""
        if self.brief is None:
            return
        older = [ref for ref in self.revisions if ref.revision < self.brief.revision]
        if not older:
            self.notify("This is the first revision.", severity="warning")
            return
        self.app.push_screen(DiffScreen(self.source, self.story_id, older[-1], self.brief.ref))
