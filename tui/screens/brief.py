"""Screen 3: one brief (or one revision of it), section by section."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
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

import tui.screens.issue as issue_screens
from service.domain.changelog import Change
from service.domain.derive import is_withdrawn
from service.domain.models import Brief, BriefRef, Event, Story
from tui.editing import EditingMixin, edit_bindings
from tui.format import (
    RELIABILITY_LABELS,
    age_days,
    fuzzy_date,
    quote_line,
    ref_label,
    stance_label,
    status_badge,
)
from tui.live import LiveMixin
from tui.screens.base import FittedFooterScreen
from tui.screens.diff import DiffScreen
from tui.screens.party import PartyScreen
from tui.source import DataSource
from tui.widgets.cells import fit_widths, themed_cell
from tui.widgets.live import RevisionBanner
from tui.widgets.search import SearchBar, SearchMixin, Target, highlight, search_bindings

Cell = Callable[[Content | str], Text]
"""Turns highlighted, theme-styled content into a table cell."""

STACK_BELOW = 100
"""Narrower than this, a position's statement and conditions stack in one column."""


class BriefScreen(EditingMixin, SearchMixin, LiveMixin, FittedFooterScreen):
    """Headline, summary, positions with quotes, issues, events, sources and revisions;
    ``n``/``e``/``w`` draft, edit and withdraw (see `tui.editing`)."""

    HELP_TITLE = "Brief"
    # Footer order is binding order, and the footer is cut at the right edge: Help and Quit (the
    # app's keys, repeated here so they come first), then time travel and diffs, then the rest,
    # with labels short enough that all of those fit 80 columns.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="brief.back"),
        Binding("question_mark", "app.help", "Help", id="brief.help"),
        Binding("q", "app.quit", "Quit", id="brief.quit"),
        Binding(
            "left_square_bracket",
            "revision(-1)",
            "Older",
            tooltip="The previous revision of this brief",
            id="brief.older",
        ),
        Binding(
            "right_square_bracket",
            "revision(1)",
            "Newer",
            tooltip="The next revision of this brief",
            id="brief.newer",
        ),
        Binding(
            "d",
            "diff_previous_brief",
            "Diff",
            tooltip="Diff with the previous brief",
            id="brief.diff",
        ),
        Binding(
            "c",
            "compare_marked",
            "Marked",
            tooltip="Diff with the marked brief",
            id="brief.compare",
        ),
        *search_bindings("brief"),
        # After the search keys: n is the next match while a search is on, else a new brief.
        *edit_bindings("brief"),
        Binding("o", "open_source", "Link", tooltip="Open the source's link", id="brief.open"),
        Binding("m", "mark", "Mark", tooltip="Mark for a diff (then c elsewhere)", id="brief.mark"),
        Binding(
            "v",
            "diff_previous_revision",
            "Rev diff",
            tooltip="Diff with the previous revision",
            id="brief.diff_rev",
        ),
        Binding("x", "expand_quotes", "Quotes", tooltip="Expand every quote", id="brief.quotes"),
        Binding(
            "u",
            "load_offered",
            "Load new revision",
            show=False,
            tooltip="Load the revision stored since this one opened",
            id="brief.load_new",
        ),
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
            yield DataTable(id="positions", cursor_type="row")
            yield VerticalScroll(id="quotes")
            yield Label("Issues (Enter opens the issue)", classes="section-title")
            yield DataTable(id="issues", cursor_type="row")
            yield Label("Events", classes="section-title")
            yield DataTable(id="events", cursor_type="row")
            yield Label("Sources (o or Enter opens the link)", classes="section-title")
            yield DataTable(id="sources", cursor_type="row")
            yield Label("Revisions (Enter opens one)", classes="section-title")
            yield OptionList(id="revisions")
        yield RevisionBanner()
        yield SearchBar()
        yield Footer(compact=True)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``n`` steps through matches only while there is a search; otherwise it falls through
        to the next binding of ``n``, the new brief."""
        if action == "search_step" and not self.search_query:
            return False
        return super().check_action(action, parameters)

    def editing_target(self) -> Brief | None:
        """``e`` and ``w`` act on the brief shown (its current revision)."""
        return self.brief

    def change_arrived(self, change: Change) -> None:
        """A newer revision of this brief: offer it (``u``) rather than swap the text away
        under the reader."""
        shown = self.brief.revision if self.brief is not None else 0
        if change.brief_id == self.brief_id and (change.revision or 0) > shown:
            self.query_one(RevisionBanner).offer(change, "u")

    def action_load_offered(self) -> None:
        """Load the revision the banner offers."""
        banner = self.query_one(RevisionBanner)
        if banner.change is None or banner.change.revision is None:
            self.notify("No newer revision has been stored.", severity="information")
            return
        self.revision = banner.change.revision
        banner.withdraw()
        self.reload()

    def published(self, brief: Brief) -> None:
        """Show the stored revision (of a new brief, that brief)."""
        self.brief_id = brief.id
        self.revision = None
        self.reload()

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
            self._fill_tables(self.story, self.brief)

    def refit(self) -> None:
        """Re-fit the tables' columns to the new width (a height change needs nothing; the
        footer re-fits itself)."""
        if self.story and self.brief:
            self._fill_tables(self.story, self.brief)

    def search_changed(self) -> None:
        """Redraw with the matches highlighted."""
        if self.story is not None and self.brief is not None:
            self._show_text(self.brief)
            self._fill_tables(self.story, self.brief)

    def search_targets(self) -> Iterable[Target]:
        """Headline, summary and every table row, top to bottom."""
        brief = self.brief
        if brief is None:
            return
        names = self._names()
        yield Target(self.query_one("#headline"), [brief.headline])
        yield Target(self.query_one("#summary"), [brief.summary + " " + " ".join(brief.takeaways)])
        yield Target(
            self.query_one("#positions"),
            [
                " ".join([names.get(p.party_id, p.party_id), p.statement, *p.conditions])
                for p in brief.positions
            ],
        )
        yield Target(
            self.query_one("#issues"),
            [" ".join([i.title, i.id, i.note or "", i.resolution or ""]) for i in brief.issues],
        )
        yield Target(self.query_one("#events"), [event.title for event in self._events(brief)])
        yield Target(
            self.query_one("#sources"),
            [" ".join([s.outlet, s.title, s.url or ""]) for s in brief.sources],
        )

    def _names(self) -> dict[str, str]:
        return {party.id: party.name for party in self.story.parties} if self.story else {}

    @staticmethod
    def _events(brief: Brief) -> list[Event]:
        return sorted(brief.events, key=lambda event: event.when.date)

    def _show(self, story: Story, brief: Brief) -> None:
        self.title = f"{story.title} — {ref_label(brief.ref)}"
        self._show_text(brief)
        author = f" · by {brief.author}" if brief.author else ""
        status = "✗ withdrawn (canceled)" if is_withdrawn(brief) else brief.status.value
        # Who stored this revision and why, on a line of its own (it can be long).
        said = [f"stored by {brief.revised_by}"] if brief.revised_by else []
        said += [f"note: {brief.change_note}"] if brief.change_note else []
        stored = "\n" + " · ".join(said) if said else ""
        self.query_one("#meta", Static).update(
            f"as of {brief.as_of.isoformat()} · revision {brief.revision} of "
            f"{len(self.revisions)} · {status}{author}{stored}"
        )
        takeaways = "".join(f"\n- {item}" for item in brief.takeaways)
        self.query_one("#summary", Markdown).update(brief.summary + "\n" + takeaways)

        quotes = self.query_one("#quotes", VerticalScroll)
        quotes.remove_children()
        outlets = {source.id: source.outlet for source in brief.sources}
        names = self._names()
        for position in brief.positions:
            if position.quotes:
                # A mark column and a text column: a wrapped quote hangs under its text.
                lines = [
                    Horizontal(
                        Static(
                            "\N{SINGLE RIGHT-POINTING ANGLE QUOTATION MARK}", classes="quote-mark"
                        ),
                        Static(quote_line(quote, outlets), classes="quote"),
                        classes="quote-row",
                    )
                    for quote in position.quotes
                ]
                name = names.get(position.party_id, position.party_id)
                quotes.mount(
                    Collapsible(*lines, title=f"Quotes — {name} ({len(lines)})", collapsed=True)
                )
        self._fill_tables(story, brief)
        options = self.query_one("#revisions", OptionList)
        options.clear_options()
        options.add_options(
            Option(
                f"r{ref.revision}  {ref.as_of.isoformat()}"
                + (f"  by {ref.revised_by}" if ref.revised_by else "")
                + (f"  “{ref.change_note}”" if ref.change_note else "")
                + ("  (shown)" if ref.revision == brief.revision else ""),
                id=str(ref.revision),
            )
            for ref in self.revisions
        )

    def _show_text(self, brief: Brief) -> None:
        headline = Content.styled(brief.headline, "bold")
        self.query_one("#headline", Static).update(highlight(headline, self.search_query))

    def _fill_tables(self, story: Story, brief: Brief) -> None:
        """Fill the tables with columns that fit the screen: text wraps inside its column (a
        hanging indent for free) instead of running off the right edge."""
        # The body's scrollbar, the focus bar on the left and one cell of slack.
        width = self.lay_out_width() - 4
        query = self.search_query
        variables = self.app.get_css_variables()

        def cell(content: Content | str) -> Text:
            return themed_cell(highlight(content, query), variables)

        self._fill_positions(story, brief, width, cell)
        self._fill_issues(brief, width, cell)
        self._fill_events(brief, width, cell)
        self._fill_sources(brief, width, cell)

    def _fill_positions(self, story: Story, brief: Brief, width: int, cell: Cell) -> None:
        names = {party.id: party.name for party in story.parties}
        positions: DataTable[object] = self.query_one("#positions", DataTable)
        positions.clear(columns=True)
        party_width = min(max((len(name) for name in names.values()), default=8), 18)
        if self.size.width < STACK_BELOW:
            party, statement = fit_widths(width, [min(party_width, 14)], [1])
            positions.add_column("Party", key="party", width=party)
            positions.add_column("Position", key="statement", width=statement)
        else:
            party, stance, statement, conditions = fit_widths(width, [party_width, 11], [2, 1])
            positions.add_column("Party", key="party", width=party)
            positions.add_column("Stance", key="stance", width=stance)
            positions.add_column("Statement", key="statement", width=statement)
            positions.add_column("Conditions", key="conditions", width=conditions)
        for position in brief.positions:
            name = names.get(position.party_id, position.party_id)
            conditions_text = "; ".join(position.conditions) or "—"
            if self.size.width < STACK_BELOW:
                row = [
                    cell(Content.assemble(name, "\n", stance_label(position.stance))),
                    cell(
                        Content.assemble(
                            position.statement,
                            "\n",
                            (f"Conditions: {conditions_text}", "$text-muted"),
                        )
                    ),
                ]
            else:
                row = [
                    cell(name),
                    cell(stance_label(position.stance)),
                    cell(position.statement),
                    cell(conditions_text),
                ]
            positions.add_row(*row, key=position.party_id, height=None)

    def _fill_issues(self, brief: Brief, width: int, cell: Cell) -> None:
        issues: DataTable[object] = self.query_one("#issues", DataTable)
        issues.clear(columns=True)
        badge = max((len(status_badge(issue.status).plain) for issue in brief.issues), default=4)
        status_width, title_width = fit_widths(width, [badge], [1])
        issues.add_column("Status", key="status", width=status_width)
        issues.add_column("Issue", key="issue", width=title_width)
        for issue in brief.issues:
            age = age_days(issue.opened_on, issue.closed_on or brief.as_of)
            issues.add_row(
                cell(status_badge(issue.status)),
                cell(
                    Content.assemble(issue.title, "\n", (f"{issue.id} · age {age}", "$text-muted"))
                ),
                key=issue.id,
                height=None,
            )

    def _fill_events(self, brief: Brief, width: int, cell: Cell) -> None:
        events_table: DataTable[object] = self.query_one("#events", DataTable)
        events_table.clear(columns=True)
        ordered = self._events(brief)
        when = max((len(fuzzy_date(event.when)) for event in ordered), default=4)
        when_width, what_width = fit_widths(width, [when], [1])
        events_table.add_column("When", key="when", width=when_width)
        events_table.add_column("Event", key="event", width=what_width)
        for event in ordered:
            events_table.add_row(
                cell(Content.styled(fuzzy_date(event.when), "bold")),
                cell(event.title),
                key=event.id,
                height=None,
            )

    def _fill_sources(self, brief: Brief, width: int, cell: Cell) -> None:
        sources: DataTable[object] = self.query_one("#sources", DataTable)
        sources.clear(columns=True)
        ids = max((len(source.id) for source in brief.sources), default=2)
        outlet_width = max(len(label) for label in RELIABILITY_LABELS.values())
        id_width, outlet, title = fit_widths(width, [ids, outlet_width], [1])
        sources.add_column("Id", key="id", width=id_width)
        sources.add_column("Outlet", key="outlet", width=outlet)
        sources.add_column("Title and link", key="title", width=title)
        for source in brief.sources:
            published = fuzzy_date(source.published) if source.published else "undated"
            sources.add_row(
                cell(source.id),
                cell(
                    Content.assemble(
                        (source.outlet, "bold"),
                        "\n",
                        (f"{RELIABILITY_LABELS[source.reliability]}\n{published}", "$text-muted"),
                    )
                ),
                cell(
                    Content.assemble(
                        source.title or "(untitled)",
                        "\n",
                        # One line: a folded URL is unreadable, and o opens the whole of it.
                        Content.styled(source.url, "underline $text-accent").truncate(
                            title, ellipsis=True
                        )
                        if source.url
                        else Content.styled("no link", "$text-muted"),
                    )
                ),
                key=source.id,
                height=None,
            )

    @on(DataTable.RowSelected, "#positions")
    def _position_selected(self, event: DataTable.RowSelected) -> None:
        self.open_row(event, lambda party_id: PartyScreen(self.source, self.story_id, party_id))

    @on(DataTable.RowSelected, "#issues")
    def _issue_selected(self, event: DataTable.RowSelected) -> None:
        self.open_row(
            event, lambda issue_id: issue_screens.IssueScreen(self.source, self.story_id, issue_id)
        )

    @on(DataTable.RowSelected, "#sources")
    def _source_selected(self, event: DataTable.RowSelected) -> None:
        self.action_open_source()

    def action_open_source(self) -> None:
        """Open the link of the source under the cursor in the system's browser."""
        if self.brief is None or not self.brief.sources:
            return
        table: DataTable[object] = self.query_one("#sources", DataTable)
        source = self.brief.sources[min(table.cursor_row, len(self.brief.sources) - 1)]
        if source.url is None:
            self.notify(f"{source.id} ({source.outlet}) has no link.", severity="warning")
            return
        self.app.open_url(source.url)
        self.notify(f"Opening {source.url}")

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
