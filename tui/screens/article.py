"""Reviewing what the machine drafted from an article, before the edit flow takes over.

`ArticleReviewScreen` lists each drafted item (a quote for a party, an event, an issue note)
with its span in the article; the row under the cursor shows its sentence in context, the span
highlighted. Space accepts or rejects the item, ``a`` accepts all, ``x`` rejects all; Enter
goes on to the editor with the rejected items taken out (`without_items`), Escape drops the
import. It is a modal: nothing is stored here.
"""

from __future__ import annotations

import re
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Static

from service.domain.extract.draft import ArticleDraft, DraftedItem
from tui.widgets.motions import MODAL_MOTION_BINDINGS

_CONTEXT = 160
_TEXT_WIDTH = 70
_TARGET_WIDTH = 28
_SPACES = re.compile(r"\s+")
_MARKER = re.compile(r"^\[machine-drafted [^\]]*\](?:, suggests [\w-]+)?: ")


def _flat(text: str) -> str:
    return _SPACES.sub(" ", text)


def _clipped(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


class ArticleReviewScreen(ModalScreen[list[DraftedItem] | None]):
    """Accept or reject each drafted item; dismissed with the rejected ones, or None."""

    CSS_PATH = "../styles/article.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle_item", "Accept/reject", id="article.toggle"),
        Binding("a", "accept_all", "Accept all", id="article.accept_all"),
        Binding("x", "reject_all", "Reject all", id="article.reject_all"),
        Binding("enter", "done", "Edit", priority=True, id="article.edit"),
        Binding("escape", "cancel", "Drop", id="article.cancel"),
        *MODAL_MOTION_BINDINGS,
    ]

    def __init__(self, draft: ArticleDraft, text: str, *, title: str = "") -> None:
        super().__init__()
        self.draft = draft
        self.text = text
        self.title_text = title
        #: Indices (into ``draft.drafted``) of the items the person rejected.
        self.rejected: set[int] = set()

    def compose(self) -> ComposeResult:
        """Heading, the items, the highlighted context, the keys."""
        with Vertical(id="article-panel", classes="review-panel"):
            yield Static(id="article-head", classes="review-head")
            yield DataTable(id="article-items", cursor_type="row", zebra_stripes=True)
            yield Static(id="article-context")
            yield Static(
                "Nothing is stored here: Enter opens the draft in your editor, then the preview.",
                classes="muted",
            )
        yield Footer(compact=True)

    def on_mount(self) -> None:
        """Title the panel, fill the table."""
        self.query_one("#article-panel").border_title = self.title_text or "Drafted from article"
        table: DataTable[Text] = self.query_one(DataTable)
        table.add_columns("", "Kind", "Into", "Chars", "Text")
        for index, item in enumerate(self.draft.drafted):
            table.add_row(*self._cells(index, item), key=str(index))
        self._refresh_head()
        if self.draft.drafted:
            self._show_context(0)
        table.focus()

    def _cells(self, index: int, item: DraftedItem) -> tuple[Text, ...]:
        """The row's cells, as plain content (an article's brackets are not markup)."""
        mark = "✗" if index in self.rejected else "✓"
        text = _clipped(_MARKER.sub("", _flat(item.text).strip()), _TEXT_WIDTH)
        cells = (
            mark,
            str(item.kind),
            _clipped(item.target, _TARGET_WIDTH),
            f"{item.start}-{item.end}",
            text,
        )
        return tuple(Text(cell) for cell in cells)

    def _refresh_head(self) -> None:
        total = len(self.draft.drafted)
        kept = total - len(self.rejected)
        said = f"{kept} of {total} drafted items accepted"
        if not total:
            said = "Nothing was drafted from this article: Enter edits the carried-forward draft."
        self.query_one("#article-head", Static).update(Content.styled(said, "bold"))

    def _show_context(self, index: int) -> None:
        item = self.draft.drafted[index]
        before = self.text[max(0, item.start - _CONTEXT) : item.start]
        after = self.text[item.end : item.end + _CONTEXT]
        span = self.text[item.start : item.end]
        style = "$text-error strike" if index in self.rejected else "$text-success bold"
        self.query_one("#article-context", Static).update(
            Content.assemble(
                Content(_flat(before).lstrip()),
                Content.styled(_flat(span), style),
                Content(_flat(after).rstrip()),
            )
        )

    def _redraw(self, indices: list[int]) -> None:
        table: DataTable[Text] = self.query_one(DataTable)
        for index in indices:
            row = str(index)
            cells = self._cells(index, self.draft.drafted[index])
            for column, value in zip(table.columns, cells, strict=True):
                table.update_cell(row, column, value)
        self._refresh_head()
        if self.draft.drafted:
            self._show_context(table.cursor_row)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        """Show the highlighted item in its context."""
        if self.draft.drafted and event.cursor_row >= 0:
            self._show_context(event.cursor_row)

    def action_toggle_item(self) -> None:
        """Accept the item under the cursor if rejected, reject it if accepted."""
        if not self.draft.drafted:
            return
        index = self.query_one(DataTable).cursor_row
        self.rejected ^= {index}
        self._redraw([index])

    def action_accept_all(self) -> None:
        """Accept every item."""
        changed = sorted(self.rejected)
        self.rejected.clear()
        self._redraw(changed)

    def action_reject_all(self) -> None:
        """Reject every item."""
        changed = [i for i in range(len(self.draft.drafted)) if i not in self.rejected]
        self.rejected.update(changed)
        self._redraw(changed)

    def action_done(self) -> None:
        """Go on to the editor with the rejected items taken out."""
        self.dismiss([self.draft.drafted[index] for index in sorted(self.rejected)])

    def action_cancel(self) -> None:
        """Drop the import."""
        self.dismiss(None)
