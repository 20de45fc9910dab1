"""`DiffView`: a `BriefDiff` rendered section by section.

The sections, their order and their words come from `service.domain.presentation`, as for
``briefs diff``; this widget draws them in theme styles and lays out the summary's word diff
(hunks with context, or the whole text; inline or side by side). Each section is one `Static`
holding joined `Content` lines, so even a diff of very large briefs mounts a handful of widgets
(the render budget is in docs/perf/tui.md).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from rich import box
from rich.table import Table
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.geometry import Size
from textual.widget import Widget
from textual.widgets import Static

from service.domain.changes import BriefDiff
from service.domain.presentation import DiffContext, Section, mostly_rewritten, sections
from tui.format import inline_word_diff, side_word_diff, spans, summary_hunks
from tui.widgets.cells import themed_cell
from tui.widgets.search import Target, highlight

#: Summary hunks shown before "press f": enough for a day's edits, cheap to lay out.
MAX_HUNKS = 30


class DiffView(VerticalScroll):
    """The sections of one diff, one `Static` each (titled in its border); call `show`."""

    def compose(self) -> ComposeResult:
        """Empty until `show`."""
        yield Static("Loading the diff…", classes="muted")

    async def show(
        self,
        diff: BriefDiff,
        context: DiffContext,
        *,
        side_by_side: bool = False,
        full_summary: bool = False,
    ) -> None:
        """Replace the content with the sections of ``diff``."""
        layout = _Layout(
            side_by_side=side_by_side,
            full_summary=full_summary,
            variables=self.app.get_css_variables(),
        )
        widgets = list(_widgets(diff, context, layout))
        with self.app.batch_update():
            await self.remove_children()
            await self.mount_all(widgets)
        self.scroll_home(animate=False)

    def jump(self, section: str) -> bool:
        """Scroll a section (``issues``, ``events``, ...) to the top; false if it is absent."""
        found = self.query(f"#{section}")
        if not found:
            return False
        self.scroll_to_widget(found.first(), top=True, animate=False)
        return True

    def mark(self, query: str) -> None:
        """Highlight every match of ``query`` in the sections (an empty query clears them)."""
        for section in self.query(".section"):
            if isinstance(section, Searchable):
                section.mark(query)

    def search_targets(self) -> Iterator[Target]:
        """Each section with its plain text, top to bottom (for ``/`` on the diff screen)."""
        for section in self.query(".section"):
            if isinstance(section, Searchable):
                yield Target(section, [section.search_text])

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


class Searchable(Static):
    """A section that ``/`` searches: its plain text, and matches drawn on request.

    The text is worked out on the first search, not on every render: most diffs are read
    without one, and the summary's text is the whole 10,000-word summary twice over.
    """

    def __init__(self, *args: Any, search_text: Callable[[], str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._search_text = search_text

    @cached_property
    def search_text(self) -> str:
        """The plain text a search looks in."""
        return self._search_text()

    def mark(self, query: str) -> None:
        """Draw the matches of ``query`` (none for an empty query)."""


class HangingLines(Searchable):
    """Lines that wrap with a hanging indent: a wrapped line continues two cells in from where
    its text starts, so each change still reads as one entry. ``content`` stays the unwrapped
    lines; the wrapping is redone for each width the layout asks about."""

    MIN_WIDTH = 30
    """Narrower than this (plus the indent) the lines wrap as usual: an indent would not fit."""

    def __init__(self, lines: Sequence[Content], **kwargs: Any) -> None:
        super().__init__(Content("\n").join(lines), search_text=self._plain, **kwargs)
        self._lines = list(lines)
        self._set_lines(self._lines)

    def _plain(self) -> str:
        return "\n".join(line.plain for line in self._lines)

    def mark(self, query: str) -> None:
        """Redraw the lines with the matches of ``query`` highlighted."""
        lines = [highlight(line, query) for line in self._lines] if query else self._lines
        self._set_lines(lines)
        self.update(Content("\n").join(lines))

    def _set_lines(self, lines: Sequence[Content]) -> None:
        self._physical = [part for line in lines for part in line.split("\n")]
        self._wrapped: tuple[int, list[Content]] = (-1, [])

    def wrapped(self, width: int) -> list[Content]:
        """The lines wrapped to ``width`` cells, continuations indented."""
        if self._wrapped[0] == width:
            return self._wrapped[1]
        lines: list[Content] = []
        for line in self._physical:
            plain = line.plain
            hang = len(plain) - len(plain.lstrip(" ")) + 2
            if line.cell_length <= width or width < hang + self.MIN_WIDTH:
                lines.append(line)
                continue
            first, *rest = line.wrap(width - hang)
            lines += [first, *(Content(" " * hang) + part for part in rest)]
        self._wrapped = (width, lines)
        return lines

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        """As many rows as the hanging-indented lines take at ``width``."""
        lines = self.wrapped(width)
        return sum(len(line.wrap(width)) if line.cell_length > width else 1 for line in lines)

    def render(self) -> Content:
        """The lines wrapped to the current width."""
        return Content("\n").join(self.wrapped(self.content_size.width))


@dataclass(frozen=True)
class _Layout:
    side_by_side: bool
    full_summary: bool
    variables: Mapping[str, str]


def _widgets(diff: BriefDiff, context: DiffContext, layout: _Layout) -> Iterator[Widget]:
    if diff.is_empty:
        said = "No changes between these two briefs."
        if context.trivial_hidden:
            said = "Only trivial changes (case, punctuation, spacing): press t to show them."
        yield Static(said, classes="muted", id="no-changes")
        return
    for section in sections(diff, context):
        if section.words is not None:
            yield _summary(section, layout)
            continue
        widget = HangingLines([spans(line) for line in section.lines], id=section.key)
        widget.add_class("section")
        widget.border_title = section.title
        yield widget


class SummaryDiff(Searchable):
    """The summary's word diff: one `Content` (inline, or before and after) or, side by side,
    one table; matches are drawn in the first two, and found in all three."""

    def __init__(self, body: Content | Table, **kwargs: Any) -> None:
        super().__init__(body, **kwargs)
        self._body = body

    def mark(self, query: str) -> None:
        """Redraw with the matches of ``query`` highlighted (the side-by-side table keeps its
        look: a match there is still found and scrolled to)."""
        if isinstance(self._body, Content):
            self.update(highlight(self._body, query) if query else self._body)


def _summary(section: Section, layout: _Layout) -> Static:
    """The summary's changes: hunks with context (the first `MAX_HUNKS`), or the whole text;
    inline, or side by side as one two-column table (one widget, however many hunks)."""
    assert section.words is not None  # only the summary's section has words
    full = layout.full_summary
    runs = section.words.runs
    rewritten = mostly_rewritten(section.words)
    hunks = [list(runs)] if full else summary_hunks(runs)
    shown = hunks[:MAX_HUNKS]
    hidden = len(hunks) - len(shown)
    more = Content.styled(
        f"… {hidden} more changed places: press f for the whole text", "italic $text-muted"
    )
    counted = Content("\n").join(map(spans, section.lines))
    body: Content | Table
    if layout.side_by_side:
        body = Table(box=box.SIMPLE_HEAD, expand=True, show_lines=True, padding=(0, 1))
        body.add_column("Before", ratio=1)
        body.add_column("After", ratio=1)
        body.title = themed_cell(counted, layout.variables)
        for hunk in shown:
            old, new = side_word_diff(hunk)
            body.add_row(themed_cell(old, layout.variables), themed_cell(new, layout.variables))
        if hidden:
            body.add_row(themed_cell(more, layout.variables), "")
    elif rewritten:
        # A new text reads better as before and after than as one struck-and-coloured paragraph.
        before, after = side_word_diff(runs)
        old_text = Content.assemble(("- ", "$text-error"), before)
        new_text = Content.assemble(("+ ", "$text-success"), after)
        body = Content("\n").join([counted, old_text, Content(""), new_text])
    else:
        separator = Content.styled("\n" + "┄" * 8 + "\n", "$text-muted")
        body = Content("\n").join([counted, separator.join(map(inline_word_diff, shown))])
        if hidden:
            body = Content("\n\n").join([body, more])
    places = "changed place" if len(hunks) == 1 else "changed places"
    where = "whole text" if full else f"{len(hunks)} {places}"
    if not full and rewritten:
        where = "rewritten"  # "1 changed place" would undersell a new text

    def search_text() -> str:
        old_words, new_words = side_word_diff(runs)
        return "\n".join([counted.plain, old_words.plain, new_words.plain])

    summary = SummaryDiff(
        body,
        search_text=search_text,
        id=section.key,
        classes="section sides" if layout.side_by_side else "section",
    )
    summary.border_title = f"{section.title}  {where}"
    return summary
