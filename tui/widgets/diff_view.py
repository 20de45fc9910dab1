"""`DiffView`: a `BriefDiff` rendered section by section.

Each section is one `Static` holding joined `Content` lines, so even a diff of very large briefs
mounts a handful of widgets (the render budget is in docs/perf/tui.md).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Label, Static

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

#: Summary hunks shown before "press f": enough for a day's edits, cheap to lay out.
MAX_HUNKS = 30
ADDED = "$text-success"
REMOVED = "$text-error"


class DiffView(VerticalScroll):
    """The sections of one diff; call `show` to (re)render."""

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
        sections = list(
            _sections(diff, names, side_by_side=side_by_side, full_summary=full_summary)
        )
        with self.app.batch_update():
            await self.remove_children()
            await self.mount_all(sections)
        self.scroll_home(animate=False)

    def jump(self, section: str) -> bool:
        """Scroll a section (``issues``, ``events``, ...) to the top; false if it is absent."""
        titles = self.query(f"#{section}-title")
        if not titles:
            return False
        self.scroll_to_widget(titles.first(), top=True, animate=False)
        return True

    def step_section(self, step: int) -> None:
        """Scroll to the next (``1``) or previous (``-1``) section title."""
        tops = [title.virtual_region_with_margin.y for title in self.query(".section-title")]
        here = round(self.scroll_y)
        if step > 0:
            target = next((top for top in tops if top > here), None)
        else:
            target = next((top for top in reversed(tops) if top < here), 0)
        if target is not None:
            self.scroll_to(y=target, animate=False)


def _sections(
    diff: BriefDiff, names: Mapping[str, str], *, side_by_side: bool, full_summary: bool
) -> Iterator[Widget]:
    if diff.is_empty:
        yield Static("No changes between these two briefs.", classes="muted")
        return
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
        yield from _summary(diff, side_by_side=side_by_side, full=full_summary)
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


def _summary(diff: BriefDiff, *, side_by_side: bool, full: bool) -> Iterator[Widget]:
    """The summary's changes: hunks with context (the first `MAX_HUNKS`), or the whole text."""
    hunks = [list(diff.summary.runs)] if full else summary_hunks(diff.summary.runs)
    hidden = max(len(hunks) - MAX_HUNKS, 0)
    shown = hunks[:MAX_HUNKS]
    words = f"+{diff.summary.words_added} -{diff.summary.words_removed} words"
    places = "changed place" if len(hunks) == 1 else "changed places"
    where = "whole text" if full else f"{len(hunks)} {places}"
    yield Label(f"Summary  {words}, {where}", classes="section-title", id="summary-title")
    if side_by_side:
        rows = []
        for hunk in shown:
            old, new = side_word_diff(hunk)
            rows.append(
                Horizontal(Static(old, classes="side old"), Static(new, classes="side new"))
            )
        yield Vertical(*rows, id="summary-sides")
    else:
        separator = Content.styled("\n" + "┄" * 8 + "\n", "$text-muted")
        yield Static(separator.join(map(inline_word_diff, shown)), id="summary-inline")
    if hidden:
        yield Static(
            Content.styled(f"… {hidden} more changed places: press f for the whole text", "italic"),
            classes="muted",
        )


def _section(title: str, lines: list[Content], name: str) -> Iterator[Widget]:
    if not lines:
        return
    yield Label(title, classes="section-title", id=f"{name}-title")
    yield Static(Content("\n").join(lines), id=name)


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
