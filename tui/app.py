"""The Briefs terminal client: a Textual app over a `DataSource`.

The app only wires things together: screens load their own data, the command palette lists the
current screen's actions, and ``?`` shows every key.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

# Where Textual saves screenshots by default (it is Textual's own dependency, pinned in the lock).
from platformdirs import user_downloads_path
from textual import events
from textual.app import App
from textual.binding import Binding, BindingType
from textual.theme import Theme

from service.domain.models import BriefRef
from tui import config
from tui.commands import BriefsCommands
from tui.editor import EditorLauncher, run_editor
from tui.screens.brief import BriefScreen
from tui.screens.diff import DiffScreen
from tui.screens.help import HelpScreen
from tui.screens.issue import IssueScreen
from tui.screens.issues import IssuesScreen
from tui.screens.party import PartyScreen
from tui.screens.stories import StoriesScreen
from tui.screens.timeline import TimelineScreen
from tui.source import DataSource
from tui.sources.local import DirSource
from tui.widgets.motions import MOTION_BINDINGS, Motion, move
from tui.widgets.status import Status

HELP_SCREENS = (
    StoriesScreen,
    TimelineScreen,
    BriefScreen,
    DiffScreen,
    IssuesScreen,
    IssueScreen,
    PartyScreen,
)


#: The cyclic collector's thresholds while the app runs. Textual allocates tens of thousands of
#: container objects to open a screen (styles, strips, messages); at Python's default of 700
#: the collector ran about 30 times while the large diff opened, a full collection of the whole
#: heap now and then among them, and took about 40 % of the time (docs/perf/tui.md). Reference
#: counting still frees everything that is not in a cycle at once; cycles wait a little longer.
GC_THRESHOLDS = (20_000, 10, 10)


class BriefsApp(App[None]):
    """Browse stories and briefs, and see what changed."""

    TITLE = "Briefs"
    CSS_PATH = "styles/app.tcss"
    COMMANDS = App.COMMANDS | {BriefsCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark,f1", "help", "Help", id="app.help"),
        Binding("q", "quit", "Quit", id="app.quit"),
        *MOTION_BINDINGS,
    ]

    def __init__(
        self,
        source: DataSource,
        settings: config.Config | None = None,
        *,
        editor: EditorLauncher = run_editor,
        notices: Sequence[str] = (),
    ) -> None:
        super().__init__()
        self.source = source
        #: Runs the person's editor on a file (see `tui.editor`); tests pass their own.
        self.editor = editor
        #: Warnings from starting up (a refused token file), shown once the app is up.
        self.notices = list(notices)
        #: The revision marked for the next diff (see `tui.screens.base.MarkHolder`).
        self.marked: tuple[str, BriefRef] | None = None
        offline = isinstance(source, DirSource)
        #: What the status bar shows (see `tui.screens.base.StatusHolder`).
        self.status = Status(connection="offline" if offline else "live", where=source.label)
        #: The user's settings file: theme and key overrides (see `tui.config`).
        self.settings = settings if settings is not None else config.load()
        self._screenshot_target: Path | None = None
        self._gc_thresholds = gc.get_threshold()

    def on_mount(self) -> None:
        """Apply the user's settings, start on the story list."""
        self._gc_thresholds = gc.get_threshold()
        gc.set_threshold(*GC_THRESHOLDS)
        self.sub_title = self.source.label
        self._apply_settings()
        for notice in self.notices:
            self.notify(notice, title="Briefs", severity="warning", timeout=10)
        self.push_screen(StoriesScreen(self.source))

    def _apply_settings(self) -> None:
        settings = self.settings
        if settings.problem:
            self.notify(settings.problem, title="Briefs settings", severity="warning", timeout=8)
        if settings.theme:
            if settings.theme in self.available_themes:
                self.theme = settings.theme
            else:
                self.notify(
                    f"Unknown theme {settings.theme!r} in {settings.path}", severity="warning"
                )
        if settings.keys:
            self.set_keymap(settings.keys)
        # Subscribed after applying the saved theme, so only the person's choices are written.
        self.theme_changed_signal.subscribe(self, self._save_theme)

    def _save_theme(self, theme: Theme) -> None:
        if theme.name == self.settings.theme:
            return
        self.settings.theme = theme.name
        if problem := config.save(self.settings):
            self.notify(problem, title="Briefs settings", severity="warning", timeout=8)

    def deliver_screenshot(
        self, filename: str | None = None, path: str | None = None, time_format: str | None = None
    ) -> str | None:
        """Remember where the screenshot goes, so a failure can say where it tried to write."""
        stamp = dt.datetime.now(dt.UTC).astimezone().strftime(time_format or "%Y-%m-%dT%H_%M_%S")
        name = filename or f"briefs-{stamp}.svg"
        self._screenshot_target = Path(path) if path else user_downloads_path()
        self._screenshot_target /= name
        return super().deliver_screenshot(name, path, time_format)

    def on_delivery_failed(self, event: events.DeliveryFailed) -> None:
        """Replace Textual's bare "Failed to save screenshot" with where and why."""
        if event.name == "screenshot":
            event.prevent_default()
            self.notify(
                f"Could not save the screenshot to {self._screenshot_target}: {event.exception}",
                title="Screenshot",
                severity="error",
                timeout=10,
            )

    def action_motion(self, motion: Motion) -> None:
        """j/k, g/G, Ctrl+D/Ctrl+U: move the focused list or table, or scroll its view."""
        move(self.screen, motion)

    async def on_unmount(self) -> None:
        """Close the source's connections; give the collector its thresholds back."""
        gc.set_threshold(*self._gc_thresholds)
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
                    Binding("r,f5", "reload", "Reload (F5 also from a text box)"),
                    Binding("ctrl+p", "command_palette", "Command palette"),
                ],
            )
        ]
        sections += [(screen.HELP_TITLE, list(screen.BINDINGS)) for screen in HELP_SCREENS]
        self.push_screen(HelpScreen(sections))
