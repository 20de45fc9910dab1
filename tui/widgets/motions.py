"""Vim motions (j/k, g/G, Ctrl+D/Ctrl+U) for every list, table and scroll, in one place.

The app binds the keys once (`MOTION_BINDINGS`) and `move` hands each motion to the focused
widget, or the nearest scrollable ancestor of it, so every screen gets them without declaring
anything (a modal screen adds `MODAL_MOTION_BINDINGS`). App bindings are the last link of the
binding chain: an `Input` consumes printable keys (and its own Ctrl+D/Ctrl+U) before they get
here, so typing a ``j`` into a filter still types it.
"""

from __future__ import annotations

from typing import Literal

from textual.binding import Binding
from textual.containers import ScrollableContainer
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable, Input, ListView, OptionList, TextArea

Motion = Literal["down", "up", "top", "bottom", "half_down", "half_up"]

MOTION_BINDINGS = [
    Binding("j", "motion('down')", "Down", show=False, id="motion.down"),
    Binding("k", "motion('up')", "Up", show=False, id="motion.up"),
    Binding("g", "motion('top')", "First", show=False, id="motion.top"),
    Binding("G", "motion('bottom')", "Last", show=False, id="motion.bottom"),
    Binding("ctrl+d", "motion('half_down')", "Half a page down", show=False, id="motion.half_down"),
    Binding("ctrl+u", "motion('half_up')", "Half a page up", show=False, id="motion.half_up"),
]


# A modal screen's binding chain stops at the modal, so app bindings do not reach it: a modal
# lists these (the same ids, so one keymap entry rebinds both) to get the motions too.
MODAL_MOTION_BINDINGS = [
    Binding(
        binding.key,
        f"app.{binding.action}",
        binding.description,
        show=False,
        id=binding.id,
    )
    for binding in MOTION_BINDINGS
]


def move(screen: Screen[object], motion: Motion) -> bool:
    """Apply ``motion`` to the focused widget or its nearest movable ancestor, or, with nothing
    focused (a modal such as help), to the screen's first view that can scroll."""
    node: Widget | None = screen.focused
    while node is not None:
        if isinstance(node, Input | TextArea):
            return False  # text boxes keep their keys (they only get here if unbound there)
        if _move(node, motion):
            return True
        parent = node.parent
        node = parent if isinstance(parent, Widget) else None
    for view in screen.query(ScrollableContainer):
        if view.display and view.max_scroll_y > 0:
            return _move(view, motion)
    return False


def _move(widget: Widget, motion: Motion) -> bool:
    half = max(1, widget.scrollable_content_region.height // 2)
    if isinstance(widget, DataTable):
        last = widget.row_count - 1
        if last < 0:
            return True
        row = widget.cursor_row
        target = {
            "down": row + 1,
            "up": row - 1,
            "top": 0,
            "bottom": last,
            "half_down": row + half,
            "half_up": row - half,
        }[motion]
        widget.move_cursor(row=max(0, min(last, target)))
        return True
    if isinstance(widget, OptionList | ListView):
        count = widget.option_count if isinstance(widget, OptionList) else len(widget)
        if count == 0:
            return True
        index = widget.highlighted if isinstance(widget, OptionList) else widget.index
        current = -1 if index is None else index
        target = {
            "down": current + 1,
            "up": current - 1,
            "top": 0,
            "bottom": count - 1,
            "half_down": current + half,
            "half_up": current - half,
        }[motion]
        target = max(0, min(count - 1, target))
        if isinstance(widget, OptionList):
            widget.highlighted = target
        else:
            widget.index = target
        return True
    if widget.allow_vertical_scroll:
        y = {
            "down": widget.scroll_y + 1,
            "up": widget.scroll_y - 1,
            "top": 0,
            "bottom": widget.max_scroll_y,
            "half_down": widget.scroll_y + half,
            "half_up": widget.scroll_y - half,
        }[motion]
        widget.scroll_to(y=y, animate=False)
        return True
    return False
