"""`DataScreen`: a screen that loads from the data source in a worker and survives every failure.

Each load runs in one exclusive worker (a new load cancels the previous one), bounded by the
source's timeout. `SourceError` and timeouts become error notifications and a subtitle that says
how to retry; anything unexpected is caught by the worker machinery (``exit_on_error=False``) and
reported the same way, so the screen never freezes and the app never crashes.
"""

from __future__ import annotations

import asyncio
from typing import ClassVar, Protocol, runtime_checkable

from textual import work
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.theme import Theme
from textual.worker import Worker, WorkerState

from service.domain.models import BriefRef
from tui.source import DataSource, SourceError


@runtime_checkable
class MarkHolder(Protocol):
    """Where the diff mark lives: the app, so a revision marked on one screen can be compared
    from another. ``marked`` is a story id and a revision of one of its briefs."""

    marked: tuple[str, BriefRef] | None


class DataScreen(Screen[None]):
    """Base class of every screen that shows data: ``r`` reloads it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "reload", "Reload", id="reload"),
    ]

    #: Words that name the screen in the help screen and the command palette.
    HELP_TITLE: ClassVar[str] = ""

    def __init__(self, source: DataSource) -> None:
        super().__init__()
        self.source = source

    def on_mount(self) -> None:
        """Start the first load; follow theme changes."""
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)
        self.reload()

    def _theme_changed(self, theme: Theme) -> None:
        self.restyle()

    def restyle(self) -> None:
        """Re-render what holds resolved theme colours (table cells) after a theme change."""

    def action_reload(self) -> None:
        """Load everything again (the retry after a failure)."""
        self.reload()

    async def load(self) -> None:
        """Fetch from `self.source` and fill the widgets; raise `SourceError` on failure."""
        raise NotImplementedError

    @work(exclusive=True, exit_on_error=False, group="load")
    async def reload(self) -> None:
        """Run `load` with the source's timeout and report what goes wrong."""
        self.sub_title = "loading…"
        try:
            async with asyncio.timeout(self.source.timeout):
                await self.load()
        except SourceError as error:
            hint = " Press r to retry." if error.retryable else ""
            self.report(f"{error.message}{hint}")
        except TimeoutError:
            self.report(f"No answer within {self.source.timeout:g} s. Press r to retry.")
        else:
            self.sub_title = self.source.label

    def marked_in(self, story_id: str) -> BriefRef | None:
        """The revision marked for the next diff, if it belongs to ``story_id``."""
        app = self.app
        if isinstance(app, MarkHolder) and app.marked and app.marked[0] == story_id:
            return app.marked[1]
        return None

    def set_mark(self, story_id: str, ref: BriefRef | None) -> None:
        """Mark ``ref`` as the old side of the next diff (``None`` clears the mark)."""
        app = self.app
        if isinstance(app, MarkHolder):
            app.marked = None if ref is None else (story_id, ref)

    def report(self, message: str) -> None:
        """Show an error: a notification now, and the subtitle until the next good load."""
        self.sub_title = f"⚠ {message}"
        self.notify(message, title="Briefs", severity="error", timeout=8)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Report a load that failed with an unexpected error instead of crashing."""
        if event.state is WorkerState.ERROR:
            error = event.worker.error
            self.report(f"Unexpected error: {type(error).__name__}: {error}. Press r to retry.")
