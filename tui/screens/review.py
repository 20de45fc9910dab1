"""What an edit shows before anything is stored: the problems of an invalid document, the diff
preview of a valid one, and, after a 412, what someone else changed meanwhile.

Each is a modal (so ``q`` cannot quit halfway through an edit) that returns the person's
choice; the edited text stays in its file, whose path each one shows, whatever is chosen.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar, Literal

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from service.domain.changes import BriefDiff
from service.domain.presentation import DiffContext, counts, significance
from tui.format import spans
from tui.widgets.diff_view import DiffView
from tui.widgets.motions import MODAL_MOTION_BINDINGS

ProblemChoice = Literal["edit", "discard"]
PreviewChoice = Literal["publish", "edit", "cancel"]
ConflictChoice = Literal["edit", "cancel"]


def kept_in(path: Path) -> str:
    """Where the edited text is, said the same way on every screen."""
    return f"Your text is kept in {path}"


class ProblemsScreen(ModalScreen[ProblemChoice]):
    """The document does not validate: each problem with its field path; edit again or
    discard."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e,enter", "choose('edit')", "Edit again", id="problems.edit"),
        Binding("d", "choose('discard')", "Discard", id="problems.discard"),
        Binding("escape", "choose('discard')", "Discard", show=False, id="problems.escape"),
    ]

    def __init__(self, problems: Sequence[str], path: Path) -> None:
        super().__init__()
        self.problems = list(problems)
        self.path = path

    def compose(self) -> ComposeResult:
        """The count, the problems, where the text is, the keys."""
        with Vertical(id="problems-panel", classes="review-panel"):
            count = len(self.problems)
            yield Static(
                f"{count} problem{'s' if count != 1 else ''}: nothing was stored.",
                classes="review-head",
            )
            with VerticalScroll(id="problems-list"):
                for problem in self.problems:
                    yield Static(Content.styled(f"• {problem}", "$text-error"), classes="problem")
            yield Static(
                f"{kept_in(self.path)}; e edits it again (the problems are listed at its top), "
                "d discards the edit.",
                classes="muted review-path",
            )
        yield Footer(compact=True)

    def on_mount(self) -> None:
        """Title the panel."""
        self.query_one("#problems-panel").border_title = "The brief does not validate"

    def action_choose(self, choice: ProblemChoice) -> None:
        """Close with the choice."""
        self.dismiss(choice)


class DiffReviewScreen(ModalScreen[str]):
    """A diff with a heading line and the path of the edited text (the base of the preview
    and of the conflict screen)."""

    PANEL_TITLE: ClassVar[str] = ""

    def __init__(
        self, heading: str, diff: BriefDiff, context: DiffContext, path: Path, note: str = ""
    ) -> None:
        super().__init__()
        self.heading = heading
        self.diff = diff
        self.context = context
        self.path = path
        self.note = note

    def compose(self) -> ComposeResult:
        """Heading, significance and counts, the diff, the path, the keys."""
        with Vertical(classes="review-panel review-diff"):
            yield Static(id="review-head", classes="review-head")
            yield DiffView(id="review-diff")
            yield Static(f"{kept_in(self.path)}.", classes="muted review-path")
        yield Footer(compact=True)

    async def on_mount(self) -> None:
        """Title the panel, draw the diff."""
        self.query_one(".review-panel").border_title = self.PANEL_TITLE
        said: list[Content] = [Content.styled(self.heading, "bold"), Content("\n")]
        if self.note:
            said += [Content(self.note), Content("\n")]
        said.append(spans(significance(self.diff, self.context)))
        counted = counts(self.diff)
        if counted:
            said += [Content(" · "), spans(counted)]
        self.query_one("#review-head", Static).update(Content.assemble(*said))
        view = self.query_one(DiffView)
        await view.show(self.diff, self.context)
        view.focus()

    def action_choose(self, choice: str) -> None:
        """Close with the choice."""
        self.dismiss(choice)


class PreviewScreen(DiffReviewScreen):
    """What the edit changes (current → edited); publish, edit again, or cancel."""

    PANEL_TITLE = "Preview: what publishing changes"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("p", "choose('publish')", "Publish", id="preview.publish"),
        Binding("e", "choose('edit')", "Edit again", id="preview.edit"),
        Binding("escape", "choose('cancel')", "Cancel", id="preview.cancel"),
        *MODAL_MOTION_BINDINGS,
    ]


class ConflictScreen(DiffReviewScreen):
    """A 412: what someone else stored meanwhile (the revision the edit started from → the
    current one); re-edit on the new revision, or cancel."""

    PANEL_TITLE = "Changed meanwhile: not published"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e", "choose('edit')", "Re-edit on the new revision", id="conflict.edit"),
        Binding("escape", "choose('cancel')", "Cancel", id="conflict.cancel"),
        *MODAL_MOTION_BINDINGS,
    ]
