"""The help screen: every key of every screen, read from the screens' own bindings."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.widgets.motions import MODAL_MOTION_BINDINGS


def describe_bindings(
    title: str, bindings: Iterable[BindingType], key_display: Callable[[Binding], str]
) -> Content:
    """A titled block of ``keys  description`` lines, one per action (``? / F1  Help``)."""
    keys: dict[str, list[str]] = {}
    descriptions: dict[str, str] = {}
    for binding in Binding.make_bindings(bindings):
        if binding.description:
            keys.setdefault(binding.action, []).append(key_display(binding))
            # A footer label can be terse ("Marked"); its tooltip, when set, says it in full.
            descriptions.setdefault(binding.action, binding.tooltip or binding.description)
    lines = [Content.styled(title, "bold $text-accent")]
    for action, description in descriptions.items():
        lines.append(Content.assemble((f"  {' / '.join(keys[action]):<16}", "bold"), description))
    return Content("\n").join(lines)


class HelpScreen(ModalScreen[None]):
    """Keys by screen; any of Escape, q or ? closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close", id="help.close"),
        *MODAL_MOTION_BINDINGS,
    ]

    def __init__(self, sections: list[tuple[str, list[BindingType]]]) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        """One block per screen."""
        with VerticalScroll(id="help-body"):
            yield Static(Content.styled("Briefs — keys", "bold"), id="help-title")
            for title, bindings in self.sections:
                yield Static(
                    describe_bindings(title, bindings, self.app.get_key_display),
                    classes="help-section",
                )
            yield Static(
                "Mouse: click a row to highlight it, click it again to open it; the wheel\n"
                "scrolls; footer keys and quote blocks are clickable.\n"
                "Ctrl+P opens the command palette with every action of the current screen.",
                classes="muted",
            )

    def on_mount(self) -> None:
        """Title the border."""
        self.query_one("#help-body").border_title = "Help (Esc closes)"
