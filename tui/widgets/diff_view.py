"""`DiffView`: a `BriefDiff` rendered section by section.

Each section is one `Static` holding joined `Content` lines, so even a diff of very large briefs
mounts a handful of widgets (the render budget is in docs/perf/tui.md).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from rich import box
from rich.table import Table
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Static

from service.domain.changes import (
    BriefDiff,
    IssueChange,
    IssueClosed,
    IssueDropped,
    IssueEdited,
    IssueOpened,
    IssueReopened,
    IssueStatusChanged,
    PartyChange,
)
from tui.format import (
    fuzzy_date,
    inline_word_diff,
    quote_line,
    side_word_diff,
    stance_shift,
    status_badge,
    summary_hunks,
)
from tui.widgets.cells import themed_cell

#: Summary hunks shown before "press f": enough for a day's edits, cheap to lay out.
MAX_HUNKS = 30
ADDED = "$text-success"
REMOVED = "$text-error"


class DiffView(VerticalScroll):
    """The sections of one diff, one `Static` each (titled in its border); call `show`."""

    def compose(self) -> ComposeResult:
        """Empty until `show`."""
        yield Static("Loading the diff…", classes="muted")

    async def show(
        self,
        diff: BriefDiff,
        names: Mapping[str, str],
        *,
        side_by_side: bool = False,
        full_summary: bool = False,
    ) -> None:
        """Replace the content with the sections of ``diff``."""
        layout = _Layout(
            names=names,
            side_by_side=side_by_side,
            full_summary=full_summary,
            variables=self.app.get_css_variables(),
        )
        sections = list(_sections(diff, layout))
        with self.app.batch_update():
            await self.remove_children()
            await self.mount_all(sections)
        self.scroll_home(animate=False)

    def jump(self, section: str) -> bool:
        """Scroll a section (``issues``, ``events``, ...) to the top; false if it is absent."""
        found = self.query(f"#{section}")
        if not found:
            return False
        self.scroll_to_widget(found.first(), top=True, animate=False)
        return True

    def step_section(self, step: int) -> None:
        """Scroll to the next (``1``) or previous (``-1``) section."""
        tops = [section.virtual_region_with_margin.y for section in self.query(".section")]
        here = round(self.scroll_y)
        if step > 0:
            target = next((top for top in tops if top > here), None)
        else:
            target = next((top for top in reversed(tops) if top < here), 0)
        if target is not None:
            self.scroll_to(y=target, animate=False)


@dataclass(frozen=True)
class _Layout:
    names: Mapping[str, str]
    side_by_side: bool
    full_summary: bool
    variables: Mapping[str, str]


def _sections(diff: BriefDiff, layout: _Layout) -> Iterator[Widget]:
    if diff.is_empty:
        yield Static("No changes between these two briefs.", classes="muted")
        return
    names = layout.names
    if diff.headline is not None:
        yield from _section(
            "Headline",
            [
                Content.assemble(("- ", REMOVED), (diff.headline.old, f"strike {REMOVED}")),
                Content.assemble(("+ ", ADDED), (diff.headline.new, ADDED)),
            ],
            "headline",
        )
    if diff.summary.changed:
        yield _summary(diff, layout)
    if diff.status is not None:
        old_status, new_status = diff.status
        yield from _section(
            "Status", [Content(f"{old_status.value} → {new_status.value}")], "status"
        )
    yield from _section(
        "Stances",
        [line for change in diff.parties for line in _party_lines(change, names)],
        "stances",
    )
    yield from _section("Issues", [_issue_line(change) for change in diff.issues], "issues")
    yield from _section("Events", list(_event_lines(diff)), "events")
    quotes = [
        Content.assemble((f"{names.get(change.party_id, change.party_id)}: ", "bold"), line)
        for change in diff.parties
        for line in map(quote_line, change.quotes_added)
    ]
    yield from _section("New quotes", quotes, "quotes")
    yield from _section(
        "Takeaways",
        [Content.styled(f"+ {item}", ADDED) for item in diff.takeaways_added]
        + [Content.styled(f"- {item}", REMOVED) for item in diff.takeaways_removed],
        "takeaways",
    )
    yield from _section(
        "Sources",
        [Content.styled(f"+ {s.id} {s.outlet} {s.title}", ADDED) for s in diff.sources_added]
        + [Content.styled(f"- {s.id} {s.outlet} {s.title}", REMOVED) for s in diff.sources_removed],
        "sources",
    )


def _summary(diff: BriefDiff, layout: _Layout) -> Static:
    """The summary's changes: hunks with context (the first `MAX_HUNKS`), or the whole text;
    inline, or side by side as one two-column table (one widget, however many hunks)."""
    full = layout.full_summary
    hunks = [list(diff.summary.runs)] if full else summary_hunks(diff.summary.runs)
    shown = hunks[:MAX_HUNKS]
    hidden = len(hunks) - len(shown)
    more = Content.styled(
        f"… {hidden} more changed places: press f for the whole text", "italic $text-muted"
    )
    body: Content | Table
    if layout.side_by_side:
        body = Table(box=box.SIMPLE_HEAD, expand=True, show_lines=True, padding=(0, 1))
        body.add_column("Before", ratio=1)
        body.add_column("After", ratio=1)
        for hunk in shown:
            old, new = side_word_diff(hunk)
            body.add_row(themed_cell(old, layout.variables), themed_cell(new, layout.variables))
        if hidden:
            body.add_row(themed_cell(more, layout.variables), "")
    else:
        separator = Content.styled("\n" + "┄" * 8 + "\n", "$text-muted")
        body = separator.join(map(inline_word_diff, shown))
        if hidden:
            body = Content("\n\n").join([body, more])
    places = "changed place" if len(hunks) == 1 else "changed places"
    where = "whole text" if full else f"{len(hunks)} {places}"
    words = f"+{diff.summary.words_added} -{diff.summary.words_removed} words"
    summary = Static(
        body, id="summary", classes="section sides" if layout.side_by_side else "section"
    )
    summary.border_title = f"Summary  {words}, {where}"
    return summary


def _section(title: str, lines: list[Content], name: str) -> Iterator[Widget]:
    if not lines:
        return
    section = Static(Content("\n").join(lines), id=name, classes="section")
    section.border_title = title
    yield section


def _party_lines(change: PartyChange, names: Mapping[str, str]) -> Iterator[Content]:
    name = names.get(change.party_id, change.party_id)
    if change.appeared:
        yield Content.assemble(("+ ", ADDED), (name, "bold"), " now has a position")
    if change.disappeared:
        yield Content.assemble(("- ", REMOVED), (name, "bold"), " no longer has a position")
    if change.stance is not None:
        yield stance_shift(name, change.stance.old, change.stance.new, change.stance.direction)
    if change.statement is not None:
        yield Content.assemble("  ", (name, "bold"), ": statement reworded")
    for condition in change.conditions_added:
        yield Content.assemble("  ", (name, "bold"), (f" + condition: {condition}", ADDED))
    for condition in change.conditions_removed:
        yield Content.assemble("  ", (name, "bold"), (f" - condition: {condition}", REMOVED))


def _issue_line(change: IssueChange) -> Content:
    match change:
        case IssueOpened(issue=issue):
            badge = Content.assemble("  ", status_badge(issue.status)) if issue.is_closed else ""
            return Content.assemble(
                ("+ opened  ", ADDED), (issue.id, "bold"), f"  {issue.title}", badge
            )
        case IssueClosed():
            when = f" on {change.closed_on.isoformat()}" if change.closed_on else ""
            resolution = f" — {change.resolution}" if change.resolution else ""
            return Content.assemble(
                status_badge(change.new_status),
                "  ",
                (change.issue_id, "bold"),
                f"  {change.title}{when}{resolution}",
            )
        case IssueReopened() | IssueStatusChanged():
            verb = "↺ reopened  " if isinstance(change, IssueReopened) else "~ status  "
            return Content.assemble(
                verb,
                (change.issue_id, "bold"),
                "  ",
                status_badge(change.old_status),
                " → ",
                status_badge(change.new_status),
            )
        case IssueEdited():
            return Content.assemble(
                "✎ edited  ", (change.issue_id, "bold"), f"  {', '.join(change.fields)}"
            )
        case IssueDropped(issue=issue, was_closed=was_closed):
            why = "retired (closed earlier)" if was_closed else "dropped while open"
            return Content.assemble(("- ", REMOVED), (issue.id, "bold"), f"  {why}  {issue.title}")


def _event_lines(diff: BriefDiff) -> Iterator[Content]:
    for event in diff.events_added:
        yield Content.assemble(("+ ", ADDED), (fuzzy_date(event.when), "bold"), f"  {event.title}")
    for event in diff.events_removed:
        yield Content.assemble(
            ("- ", REMOVED), (fuzzy_date(event.when), "bold"), (f"  {event.title}", "strike")
        )
    for changed in diff.events_changed:
        yield Content.assemble(
            "~ ",
            (fuzzy_date(changed.new.when), "bold"),
            f"  {changed.new.title}  ",
            (f"({', '.join(changed.fields)})", "$text-muted"),
        )
