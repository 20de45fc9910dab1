"""Small modals that ask for what an edit needs: a date, a change note, a withdrawal reason, an
issue's new status, a party's new stance.

Each checks what was typed before it closes: a bad value is said in the modal's own error line
and the text stays in its box, so nothing typed is lost. ``Escape`` cancels (the modal returns
``None``); ``Enter`` in the last box, or the button, confirms.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Select, Static

from service.domain.limits import MAX_CHANGE_NOTE
from service.domain.models import CLOSED_STATUSES, IssueStatus, Stance

T = TypeVar("T")

Check = Callable[[str], str | None]
"""What is wrong with a typed value (one sentence), or None when it is fine."""


def parse_date(text: str) -> dt.date | None:
    """An ISO date (``2025-03-20``), or None."""
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        return None


def check_date(text: str) -> str | None:
    """A date must be ``YYYY-MM-DD``."""
    if parse_date(text) is None:
        return f"{text.strip() or '(empty)'!s} is not a date: type it as YYYY-MM-DD."
    return None


def check_note(text: str) -> str | None:
    """A change note is optional but bounded."""
    if len(text.strip()) > MAX_CHANGE_NOTE:
        return f"A change note has at most {MAX_CHANGE_NOTE} characters ({len(text.strip())} now)."
    return None


def check_reason(text: str) -> str | None:
    """A withdrawal needs a reason (it becomes the revision's change note)."""
    if not text.strip():
        return "Say why the brief is withdrawn: the reason is stored as its change note."
    return check_note(text)


class PromptScreen(ModalScreen[T | None]):
    """Shared behaviour: an error line, Escape to cancel, `confirm` to check and close."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="prompt.cancel"),
    ]
    FOCUS: ClassVar[type[Widget]] = Input
    """The control that has the focus when the prompt opens."""

    def __init__(self, heading: str, question: str, *, ok: str = "Save") -> None:
        super().__init__()
        self.heading = heading
        """The title on the prompt's border."""
        self.question = question
        """The line above the fields."""
        self.ok = ok
        """The confirm button's label."""

    def compose(self) -> ComposeResult:
        """The question, the fields, the error line, the buttons."""
        with Vertical(classes="prompt"):
            yield Label(self.question, classes="prompt-question")
            yield from self.fields()
            yield Static(classes="prompt-error")
            yield self.buttons(self.ok)

    def fields(self) -> ComposeResult:
        """The prompt's own inputs."""
        raise NotImplementedError

    def on_mount(self) -> None:
        """Title the border, hide the empty error line, focus the first control."""
        self.query_one(".prompt").border_title = self.heading
        self.problem(None)
        self.query_one(self.FOCUS).focus()

    def action_cancel(self) -> None:
        """Close without an answer."""
        self.dismiss(None)

    def problem(self, message: str | None) -> None:
        """Show (or clear) what is wrong with the input."""
        error = self.query_one(".prompt-error", Static)
        error.update(message or "")
        error.display = bool(message)

    def answer(self) -> T | None:
        """The checked answer, or None after showing the problem."""
        raise NotImplementedError

    def confirm(self) -> None:
        """Check the input; close with the answer if it is good."""
        answer = self.answer()
        if answer is not None:
            self.dismiss(answer)

    @on(Button.Pressed, "#prompt-ok")
    def _ok(self) -> None:
        self.confirm()

    @on(Button.Pressed, "#prompt-cancel")
    def _cancel(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        inputs = list(self.query(Input))
        if event.input is inputs[-1]:
            self.confirm()
        else:
            self.focus_next()

    @staticmethod
    def buttons(ok: str) -> Horizontal:
        """The confirm and cancel buttons."""
        return Horizontal(
            Button(ok, variant="primary", id="prompt-ok"),
            Button("Cancel (Esc)", id="prompt-cancel"),
            classes="prompt-buttons",
        )


class AskScreen(PromptScreen[str]):
    """One line of text, checked by ``check`` (a date, a change note, a reason)."""

    def __init__(
        self,
        title: str,
        question: str,
        *,
        value: str = "",
        placeholder: str = "",
        check: Check | None = None,
        ok: str = "OK",
    ) -> None:
        super().__init__(title, question, ok=ok)
        self.value = value
        self.placeholder = placeholder
        self.check = check

    def fields(self) -> ComposeResult:
        """The one box."""
        yield Input(self.value, placeholder=self.placeholder, id="prompt-input")

    def answer(self) -> str | None:
        """The text typed, if ``check`` has nothing against it."""
        text = self.query_one(Input).value
        wrong = self.check(text) if self.check else None
        self.problem(wrong)
        return None if wrong else text.strip()


@dataclass(frozen=True)
class IssueStatusChange:
    """What the issue modal returns: the new status, from when, and a resolution (closing)."""

    status: IssueStatus
    on: dt.date
    resolution: str | None


class IssueStatusScreen(PromptScreen[IssueStatusChange]):
    """Change one issue's status: a status list, the date (default: the latest as-of) and an
    optional resolution."""

    FOCUS = Select

    def __init__(self, issue_title: str, current: IssueStatus, on: dt.date) -> None:
        super().__init__("Change the issue's status", issue_title)
        self.current = current
        self.on = on

    def fields(self) -> ComposeResult:
        """Status, date, resolution."""
        yield Select(
            [(status.value, status) for status in IssueStatus],
            value=self.current,
            allow_blank=False,
            id="issue-status",
        )
        yield Label("On (YYYY-MM-DD)")
        yield Input(self.on.isoformat(), id="issue-on")
        yield Label("Resolution (optional; kept when closing)")
        yield Input(placeholder="what settled it", id="issue-resolution")

    def answer(self) -> IssueStatusChange | None:
        """The status, date and resolution, if the date is one."""
        status = self.query_one(Select).value
        on_text = self.query_one("#issue-on", Input).value
        resolution = self.query_one("#issue-resolution", Input).value.strip()
        wrong = check_date(on_text)
        if wrong is None and not isinstance(status, IssueStatus):
            wrong = "Pick a status."
        if wrong is None and resolution and status not in CLOSED_STATUSES:
            wrong = "A resolution is for a closing status (resolved, lapsed, overtaken)."
        self.problem(wrong)
        on = parse_date(on_text)
        if wrong or on is None or not isinstance(status, IssueStatus):
            return None
        return IssueStatusChange(status=status, on=on, resolution=resolution or None)


@dataclass(frozen=True)
class StanceChange:
    """What the stance modal returns: the new stance and, if typed, a new statement."""

    stance: Stance
    statement: str | None


class StanceScreen(PromptScreen[StanceChange]):
    """Change one party's stance: a stance list and an optional new statement."""

    FOCUS = Select

    def __init__(self, party_name: str, current: Stance | None, stances: Sequence[Stance]) -> None:
        super().__init__("Change the stance", party_name)
        self.current = current
        self.stances = list(stances)

    def fields(self) -> ComposeResult:
        """Stance, statement."""
        yield Select(
            [(stance.value, stance) for stance in self.stances],
            value=self.current if self.current is not None else self.stances[0],
            allow_blank=False,
            id="stance",
        )
        yield Label("Statement (optional; empty keeps the current one)")
        yield Input(placeholder="what the party now says", id="stance-statement")

    def answer(self) -> StanceChange | None:
        """The stance, and the statement if one was typed."""
        stance = self.query_one(Select).value
        statement = self.query_one(Input).value.strip()
        if not isinstance(stance, Stance):
            self.problem("Pick a stance.")
            return None
        self.problem(None)
        return StanceChange(stance=stance, statement=statement or None)
