"""The Briefs terminal client: a Textual app over a `DataSource`.

The app only wires things together: screens load their own data, the command palette lists the
current screen's actions, and ``?`` shows every key.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import App
from textual.binding import Binding, BindingType

from service.domain.models import BriefRef
from tui.commands import BriefsCommands
from tui.screens.brief import BriefScreen
from tui.screens.diff import DiffScreen
from tui.screens.help import HelpScreen
from tui.screens.issue import IssueScreen
from tui.screens.issues import IssuesScreen
from tui.screens.party import PartyScreen
from tui.screens.stories import StoriesScreen
from tui.screens.timeline import TimelineScreen
from tui.source import DataSource

HELP_SCREENS = (
    StoriesScreen,
    TimelineScreen,
    BriefScreen,
    DiffScreen,
    IssuesScreen,
    IssueScreen,
    PartyScreen,
)


class BriefsApp(App[None]):
    """Browse stories and briefs, and see what changed."""

    TITLE = "Briefs"
    CSS_PATH = "styles/app.tcss"
    COMMANDS = App.COMMANDS | {BriefsCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark,f1", "help", "Help", id="app.help"),
        Binding("q", "quit", "Quit", id="app.quit"),
    ]

    def __init__(self, source: DataSource) -> None:
        super().__init__()
        self.source = source
        #: The revision marked for the next diff (see `tui.screens.base.MarkHolder`).
        self.marked: tuple[str, BriefRef] | None = None

    def on_mount(self) -> None:
        """Start on the story list."""
        self.sub_title = self.source.label
        self.push_screen(StoriesScreen(self.source))

    async def on_unmount(self) -> None:
        """Close the source's connections."""
        await self.source.aclose()

    def action_help(self) -> None:
        """Show every key of every screen."""
        if isinstance(self.screen, HelpScreen):
            return
        sections = [
            (
                "Everywhere",
                [
                    *self.BINDINGS,
                    Binding("r", "reload", "Reload"),
                    Binding("ctrl+p", "command_palette", "Command palette"),
                ],
            )
        ]
        sections += [(screen.HELP_TITLE, list(screen.BINDINGS)) for screen in HELP_SCREENS]
        self.push_screen(HelpScreen(sections))
