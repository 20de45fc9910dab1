"""`DataScreen`: a screen that loads from the data source in a worker and survives every failure.

Each load runs in one exclusive worker (a new load cancels the previous one), bounded by the
source's timeout. `SourceError` and timeouts become error notifications and a subtitle that says
how to retry; anything unexpected is caught by the worker machinery (``exit_on_error=False``) and
reported the same way, so the screen never freezes and the app never crashes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, ClassVar, Protocol, runtime_checkable

from textual import events, on, work
from textual.binding import ActiveBinding, Binding, BindingType
from textual.screen import Screen
from textual.theme import Theme
from textual.widgets import DataTable, Footer, Input
from textual.worker import Worker, WorkerState

from service.domain.models import BriefRef
from tui.source import DataSource, SourceError
from tui.widgets import status as status_module
from tui.widgets.cells import fit_footer
from tui.widgets.status import Status, StatusBar


@runtime_checkable
class MarkHolder(Protocol):
    """Where the diff mark lives: the app, so a revision marked on one screen can be compared
    from another. ``marked`` is a story id and a revision of one of its briefs."""

    marked: tuple[str, BriefRef] | None


@runtime_checkable
class StatusHolder(Protocol):
    """The app's one `Status`, shown by the bar of whichever screen is active."""

    status: Status


class DataScreen(Screen[None]):
    """Base class of every screen that shows data: ``r`` reloads it.

    Footer order: Textual merges ``BINDINGS`` base class first, so the keys here lead every
    screen's footer: ``?`` and ``q`` are never pushed off at 80 columns, and a subclass lists its
    own keys most useful first. ``r`` is in the help and the palette, not the footer.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark,f1", "app.help", "Help", id="app.help"),
        Binding("q", "app.quit", "Quit", id="app.quit"),
        Binding("r", "reload", "Reload", show=False, id="reload"),
        # A priority key so a retry works while a filter box has the focus (r would type there).
        Binding("f5", "reload", "Reload", show=False, priority=True, id="reload.always"),
    ]

    #: Words that name the screen in the help screen and the command palette.
    HELP_TITLE: ClassVar[str] = ""

    def __init__(self, source: DataSource) -> None:
        super().__init__()
        self.source = source
        #: Whether the last load got no answer at all (see `on_screen_resume`).
        self._unreachable = False
        #: The width the width-fitted widgets were last laid out for (0: never).
        self._laid_out_for = 0

    def on_mount(self) -> None:
        """Add the status bar, start the first load; follow theme changes."""
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)
        # Mounted here rather than in each compose, so every screen has one without asking.
        # (Textual may run this twice: as the subclass's super() call and as the base handler.)
        if not self.query(StatusBar):
            footers = self.query(Footer)
            bar = StatusBar(id="status-bar")
            if footers:
                self.mount(bar, before=footers.first())
            else:
                self.mount(bar)
        self.show_status()
        self.reload()

    def on_screen_resume(self) -> None:
        """The mark or the connection may have changed on another screen; if this screen could
        not reach the server and another screen has had an answer since, the server is back:
        load again, so no stale "⚠ Cannot reach…" stays in the title."""
        self.show_status()
        status = self.status
        if self._unreachable and status is not None and status.connection == "live":
            self.reload()

    @property
    def status(self) -> Status | None:
        """The app's status, if the app keeps one."""
        app = self.app
        return app.status if isinstance(app, StatusHolder) else None

    def show_status(self) -> None:
        """Render the app's status in this screen's bar."""
        status = self.status
        if status is None:
            return
        app = self.app
        mark = app.marked if isinstance(app, MarkHolder) else None
        status.marked = mark[1] if mark else None
        for bar in self.query(StatusBar):
            bar.show(status)

    def _set_connection(self, *, ok: bool | None, reached: bool = True) -> None:
        """``ok`` None: a load started; True or False: it ended well or not (``reached``: an
        answer came, even if an error)."""
        self._unreachable = ok is False and not reached
        status = self.status
        if status is None:
            return
        offline = status.connection == "offline"
        if ok is None:
            if status.connection == "unreachable":
                status.connection = "reconnecting"
        else:
            if ok:
                status.refreshed = status_module.now()
            if not offline:
                status.connection = "live" if reached else "unreachable"
        self.show_status()

    def lay_out_width(self) -> int:
        """The screen's width, to fit tables to: noted, so that a resize to another width lays
        them out again (see `refit`)."""
        self._laid_out_for = self.size.width
        return self._laid_out_for

    def refit(self) -> None:
        """Lay out again what was fitted to the old width (a hook, run when the width changes:
        table columns whose text wraps to it)."""

    @on(events.Resize)
    def _width_changed(self, event: events.Resize) -> None:
        if event.size.width != self._laid_out_for:
            self.refit()

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
        self._set_connection(ok=None)
        try:
            async with asyncio.timeout(self.source.timeout):
                await self.load()
        except SourceError as error:
            hint = f" {self.retry_hint}" if error.retryable else ""
            self.report(f"{error.message}{hint}")
            self._set_connection(ok=False, reached=not error.unreachable)
        except TimeoutError:
            self.report(f"No answer within {self.source.timeout:g} s. {self.retry_hint}")
            self._set_connection(ok=False, reached=False)
        else:
            self.sub_title = self.source.label
            self._set_connection(ok=True)

    @property
    def retry_hint(self) -> str:
        """How to retry: ``r`` would type into a text box if one has the focus, F5 never does."""
        if self.query(Input):
            return "Press F5 to retry."
        return "Press r to retry."

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
        self.show_status()

    def open_row(self, event: DataTable.RowSelected, screen: Callable[[str], Screen[Any]]) -> None:
        """Push ``screen`` of the key of the row Enter chose; a row without a key opens nothing."""
        if event.row_key.value is not None:
            self.app.push_screen(screen(event.row_key.value))

    def report(self, message: str) -> None:
        """Show an error: a notification now, the subtitle until the next good load, and, where
        the screen shows nothing, a line saying why (the toast fades; the line stays)."""
        self.sub_title = f"⚠ {message}"
        self.notify(message, title="Briefs", severity="error", timeout=8)
        self.explain_empty(message)

    def explain_empty(self, message: str) -> None:
        """Say ``message`` where the screen's data would be, if it shows none (a hook)."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Report a load that failed with an unexpected error instead of crashing."""
        if event.state is WorkerState.ERROR:
            error = event.worker.error
            self.report(f"Unexpected error: {type(error).__name__}: {error}. {self.retry_hint}")
            self._set_connection(ok=False)


class FittedFooterScreen(DataScreen):
    """A data screen with a compact footer that leaves out the keys that would not fit, so no key
    is cut mid-word at 80 columns (help lists them all)."""

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """The screen's keys, less those that would not fit the footer at this width."""
        return fit_footer(super().active_bindings, self.size.width, self.app.get_key_display)

    @on(events.Resize)
    def _refit_footer(self) -> None:
        """Re-fit the footer to the new width."""
        self.refresh_bindings()
