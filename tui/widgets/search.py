"""``/`` search for any screen: a search bar, highlighting, and ``n``/``N`` between matches.

On the diff screen ``n``/``N`` step between sections until a search is on, then between
matches (as in vim after ``/``).

A screen adopts it in three steps (the brief and diff screens do):

1. mix `SearchMixin` in before its `Screen` base and add ``*search_bindings("brief")`` to its
   ``BINDINGS`` (the prefix keeps binding ids unique per screen);
2. yield a `SearchBar` in ``compose``, after the scrolling body and before the footer;
3. implement ``search_targets`` (the widgets to search, with their plain text and, for tables
   and lists, the text of each row) and re-render with `highlight` applied when
   ``search_changed`` is called.

Matching is a case-insensitive substring, so what you type is what is found.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import ClassVar, NamedTuple

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable, Input, OptionList

HIGHLIGHT = "reverse"
"""How a match is drawn: reverse video reads in every theme and in a monochrome terminal."""


def search_bindings(prefix: str, *, step_keys: bool = True) -> list[Binding]:
    """The search keys of one screen, with ids under ``prefix``. Without ``step_keys`` only
    ``/`` is bound: the screen gives ``n``/``N`` another meaning and calls
    `SearchMixin.action_search_step` itself while a search is on (the diff screen does)."""
    search = Binding("slash", "search", "Search", id=f"{prefix}.search")
    if not step_keys:
        return [search]
    return [
        search,
        Binding("n", "search_step(1)", "Next match", show=False, id=f"{prefix}.search_next"),
        Binding(
            "N", "search_step(-1)", "Previous match", show=False, id=f"{prefix}.search_previous"
        ),
    ]


def pattern(query: str) -> re.Pattern[str] | None:
    """The case-insensitive pattern for ``query`` (``None`` when there is nothing to find)."""
    query = query.strip()
    return re.compile(re.escape(query), re.IGNORECASE) if query else None


def highlight(content: Content | str, query: str) -> Content:
    """``content`` with every match of ``query`` drawn in `HIGHLIGHT`."""
    content = Content(content) if isinstance(content, str) else content
    found = pattern(query)
    return content if found is None else content.highlight_regex(found, style=HIGHLIGHT)


class Target(NamedTuple):
    """A searchable widget: its rows' texts (one item for a plain widget)."""

    widget: Widget
    rows: Sequence[str]


class Hit(NamedTuple):
    """One match: a widget and, for tables and lists, the row to put the cursor on."""

    widget: Widget
    row: int


class SearchBar(Input):
    """The search input, hidden until ``/``; Enter goes to the next match, Escape closes."""

    DEFAULT_CSS = """
    /* In the flow, not docked: a second dock at the bottom would sit under the footer. */
    SearchBar, SearchBar:focus {
        display: none;
        border: none;
        height: 1;
        padding: 0 1;
    }
    SearchBar.-open {
        display: block;
    }
    SearchBar.-nomatch {
        color: $text-error;
    }
    """

    class Query(Message):
        """The query changed (an empty query clears the search)."""

        def __init__(self, query: str) -> None:
            super().__init__()
            self.query = query

    class Step(Message):
        """Go to the next (1) or previous (-1) match."""

        def __init__(self, step: int) -> None:
            super().__init__()
            self.step = step

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close search", id="search.close")
    ]

    def __init__(self) -> None:
        super().__init__(placeholder="Search (Enter: next match, Esc: close)", id="search")

    def open(self) -> None:
        """Show the bar and take the focus."""
        self.add_class("-open")
        self.focus()

    def action_close(self) -> None:
        """Hide the bar and clear the search, so the screen shows no highlight."""
        self.remove_class("-open")
        self.value = ""
        self.screen.focus_next()

    def on_input_changed(self, event: Input.Changed) -> None:
        """Tell the screen what to look for."""
        event.stop()
        self.post_message(self.Query(event.value))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter: the next match."""
        event.stop()
        self.post_message(self.Step(1))


class SearchMixin(Screen[None]):
    """Search behaviour for a screen (see the module docstring); a `Screen` itself so that it
    mixes in before any screen base class."""

    search_query: str = ""
    _search_hits: tuple[Hit, ...] = ()
    _search_at: int = -1

    def search_targets(self) -> Iterable[Target]:
        """The widgets to search, in reading order."""
        raise NotImplementedError

    def search_changed(self) -> None:
        """Re-render what shows highlights; ``self.search_query`` is the new query."""

    def action_search(self) -> None:
        """Open the search bar."""
        self._bar().open()

    def action_search_step(self, step: int) -> None:
        """Go to the next (or previous) match."""
        hits = self.search_hits
        if not hits:
            notify = self.notify
            notify("No matches." if self.search_query else "Press / to search.")
            return
        self._search_at = (self._search_at + step) % len(hits)
        self._go_to(hits[self._search_at])

    def on_search_bar_query(self, message: SearchBar.Query) -> None:
        """Highlight the new query and go to its first match."""
        self.search_query = message.query
        self.search_changed()
        found = pattern(message.query)
        self._search_hits = () if found is None else tuple(_hits(self.search_targets(), found))
        self._search_at = -1
        # Typing on with nothing found turns the bar red rather than saying so each keystroke.
        self._bar().set_class(found is not None and not self._search_hits, "-nomatch")
        if self._search_hits:
            self._search_at = 0
            self._go_to(self._search_hits[0])

    def refresh_search(self) -> None:
        """Find the current query again after the screen re-rendered its widgets, staying at
        the same match number where there still is one (no scrolling)."""
        found = pattern(self.search_query)
        self._search_hits = () if found is None else tuple(_hits(self.search_targets(), found))
        self._search_at = min(self._search_at, len(self._search_hits) - 1)

    def on_search_bar_step(self, message: SearchBar.Step) -> None:
        """Enter in the bar: the next match."""
        self.action_search_step(message.step)

    @property
    def search_hits(self) -> list[Hit]:
        """The matches of the current query, in reading order."""
        return list(self._search_hits)

    @property
    def search_at(self) -> int:
        """The index of the match the screen is at (-1 before the first step)."""
        return self._search_at

    def _bar(self) -> SearchBar:
        return self.query_one(SearchBar)

    def _go_to(self, hit: Hit) -> None:
        widget = hit.widget
        if isinstance(widget, DataTable):
            widget.move_cursor(row=hit.row, scroll=True)
            # The table sits in a scrolling body: bring the row itself into view.
            widget.scroll_visible()
        elif isinstance(widget, OptionList):
            widget.highlighted = hit.row
            widget.scroll_visible()
        else:
            widget.scroll_visible()


def _hits(targets: Iterable[Target], found: re.Pattern[str]) -> Iterable[Hit]:
    for target in targets:
        for row, text in enumerate(target.rows):
            if found.search(text):
                yield Hit(target.widget, row)
