"""Writing from the TUI: ``n`` new brief, ``e`` edit, ``w`` withdraw, and the quick changes of an
issue's status and a party's stance.

`EditingMixin` gives a screen (one with ``source`` and ``story_id``) those actions. Each runs in
one exclusive worker: it asks what it needs in modals (`tui.screens.prompts`), hands the document
to the editor (`tui.editor`) on a temporary file, validates it with
``service.domain.editing.parse_document``, shows problems with their field paths or the diff
preview (`tui.screens.review`), and publishes with ``If-Match`` and a change note. The temporary
file is deleted only once the brief is stored: whatever goes wrong (a problem, a discard, a 412,
a lost connection) the edited text stays there, and the notification says where.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar, Literal, TypeVar

import msgspec
from textual import work
from textual.binding import Binding, BindingType
from textual.screen import Screen

from service.domain import codec
from service.domain.derive import is_withdrawn, standing_briefs
from service.domain.diff import diff_briefs
from service.domain.drafting import DraftingError, carry_forward, document_of
from service.domain.editing import (
    annotate,
    change_note_of,
    editor_text,
    is_cancelled,
    is_unchanged,
    parse_document,
    proposed_revision,
    provenance,
    rebased_text,
)
from service.domain.models import Brief, BriefDraft, PubStatus, Story
from service.domain.presentation import DiffContext
from tui.editor import EditorError, EditorHolder, EditorLauncher, run_editor
from tui.format import ref_label
from tui.screens.prompts import AskScreen, check_date, check_note, check_reason, parse_date
from tui.screens.review import ConflictScreen, PreviewScreen, ProblemsScreen, kept_in
from tui.source import (
    DataSource,
    EditConflictError,
    InvalidDocumentError,
    SourceError,
    WriteRefusedError,
)

QuickChange = Callable[[BriefDraft], BriefDraft]
Answer = TypeVar("Answer")
"""A change of a brief document (``with_issue_status``, ``with_stance`` with their values)."""


def edit_bindings(prefix: str) -> list[BindingType]:
    """``n``, ``e`` and ``w`` with ids under ``prefix``."""
    return [
        Binding("n", "new_brief", "New", tooltip="A new brief from the latest", id=f"{prefix}.new"),
        Binding(
            "e", "edit_brief", "Edit", tooltip="Edit this brief in $EDITOR", id=f"{prefix}.edit"
        ),
        Binding(
            "w",
            "withdraw_brief",
            "Withdraw",
            tooltip="Withdraw this brief",
            id=f"{prefix}.withdraw",
        ),
    ]


def today() -> dt.date:
    """Today's date where the editor is (a function, so tests can fix it)."""
    return dt.datetime.now(dt.UTC).astimezone().date()


def default_as_of(latest: dt.date) -> dt.date:
    """Today, or the day after the latest brief when that is today or later."""
    return max(today(), latest + dt.timedelta(days=1))


def document_text(document: BriefDraft) -> str:
    """The brief document as the editor sees it: indented JSON, as in a story folder's files."""
    return codec.encode_pretty(document).decode("utf-8")


def as_new(document: BriefDraft, story_id: str) -> Brief:
    """A new brief's document as its first revision would be stored, for the preview."""
    now = dt.datetime.now(dt.UTC)
    fields = msgspec.structs.asdict(document)
    fields.update(
        story_id=story_id,
        revision=1,
        created_at=now,
        revised_at=now,
        revised_by=None,
        change_note=None,
    )
    return Brief(**fields)


def diff_context(story: Story, old: Brief, new: Brief) -> DiffContext:
    """Names and sources for a diff of two briefs held in memory."""
    return DiffContext(
        parties={party.id: party.name for party in story.parties},
        sources={source.id: source for brief in (old, new) for source in brief.sources},
        issues={issue.id: issue for issue in new.issues},
        old_issues={issue.id: issue for issue in old.issues},
    )


class EditingMixin(Screen[None]):
    """The editing actions of a screen over one story (see the module docstring).

    A screen mixes this in before its `DataScreen` base, adds ``*edit_bindings(prefix)`` (or
    binds the quick-change actions), and implements `editing_target` and `published`.
    """

    EDIT_BINDINGS: ClassVar[list[BindingType]] = []
    source: DataSource
    story_id: str

    def editing_target(self) -> Brief | None:
        """The brief ``e`` and ``w`` act on (the selected or shown one)."""
        return None

    def published(self, brief: Brief) -> None:
        """Show the stored revision (a hook; the default loads the screen again)."""
        reload = getattr(self, "reload", None)
        if callable(reload):
            reload()

    # --- the keys ------------------------------------------------------------------------------

    def can_write(self) -> bool:
        """Whether the source may write; if not, say why (a key that does nothing is a bug)."""
        reason = self.source.read_only_reason
        if reason is not None:
            self.notify(reason, title="Editing is off", severity="warning", timeout=8)
            return False
        return True

    def action_new_brief(self) -> None:
        """Draft the next brief from the latest, edit it, preview, publish."""
        if self.can_write():
            self.new_brief()

    def action_edit_brief(self) -> None:
        """Edit the selected (or shown) brief, preview, publish."""
        self._on_target(self.edit_brief)

    def action_withdraw_brief(self) -> None:
        """Withdraw the selected (or shown) brief, with a reason."""
        self._on_target(self.withdraw_brief)

    def _on_target(self, start: Callable[[str], object]) -> None:
        """Start ``start`` (a worker) on the selected or shown brief's id, if there is one and
        the source may write; otherwise say why not."""
        brief = self.editing_target()
        if brief is None:
            self.notify("No brief selected.", severity="warning")
        elif self.can_write():
            start(brief.id)

    async def story_and_briefs(self, title: str) -> tuple[Story, list[Brief]] | None:
        """The story and its briefs; None, once the failure is shown under ``title``."""
        try:
            story = await self.source.get_story(self.story_id)
            briefs = await self.source.list_briefs(self.story_id)
        except SourceError as error:
            self.notify(error.message, title=title, severity="error", timeout=8)
            return None
        return story, briefs

    # --- the workers --------------------------------------------------------------------------

    @work(exclusive=True, exit_on_error=False, group="edit")
    async def new_brief(self) -> None:
        """Ask the as-of date, carry the latest brief forward, and edit the draft."""
        loaded = await self.story_and_briefs("New brief")
        if loaded is None:
            return
        story, briefs = loaded
        standing = standing_briefs(briefs)
        if not standing:
            self.notify("No standing brief to carry forward.", severity="warning")
            return
        latest = standing[-1]
        taken = {brief.as_of for brief in briefs}

        def check(text: str) -> str | None:
            wrong = check_date(text)
            day = parse_date(text)
            if wrong is None and day in taken:
                wrong = f"A brief dated {text.strip()} exists already: press e on it to edit it."
            return wrong

        answer = await self.app.push_screen_wait(
            AskScreen(
                "New brief",
                f"As of which date? It starts from {ref_label(latest.ref)}, the latest brief.",
                value=default_as_of(latest.as_of).isoformat(),
                check=check,
                ok="Edit",
            )
        )
        as_of = parse_date(answer) if answer is not None else None
        if as_of is None:
            return
        draft = carry_forward(document_of(latest), as_of=as_of)
        await self._edit(story, latest, document_text(draft), etag=None)

    @work(exclusive=True, exit_on_error=False, group="edit")
    async def edit_brief(self, brief_id: str) -> None:
        """Edit the current revision of ``brief_id``."""
        try:
            story = await self.source.get_story(self.story_id)
            current = await self.source.current_brief(self.story_id, brief_id)
        except SourceError as error:
            self.notify(error.message, title="Edit", severity="error", timeout=8)
            return
        await self._edit(story, current.value, editor_text(current.value), etag=current.etag)

    @work(exclusive=True, exit_on_error=False, group="edit")
    async def withdraw_brief(self, brief_id: str) -> None:
        """Ask for the reason (the confirmation), then store the brief as ``canceled``."""
        try:
            current = await self.source.current_brief(self.story_id, brief_id)
        except SourceError as error:
            self.notify(error.message, title="Withdraw", severity="error", timeout=8)
            return
        brief = current.value
        if is_withdrawn(brief):
            self.notify(f"{ref_label(brief.ref)} is withdrawn already.", severity="warning")
            return
        reason = await self.app.push_screen_wait(
            AskScreen(
                "Withdraw a brief",
                f"Withdraw {ref_label(brief.ref)} “{brief.headline}”? Why (stored as the "
                "change note):",
                placeholder="the reason",
                check=check_reason,
                ok="Withdraw",
            )
        )
        if reason is None:
            return
        document = msgspec.structs.replace(document_of(brief), status=PubStatus.CANCELED)
        try:
            stored = await self.source.update_brief(
                self.story_id, document, etag=current.etag, change_note=reason
            )
        except EditConflictError:
            self.notify(
                f"{ref_label(brief.ref)} was changed meanwhile: not withdrawn. Look at the new "
                "revision, then press w again.",
                severity="error",
                timeout=10,
            )
            self.published(brief)
            return
        except SourceError as error:
            self.notify(error.message, title="Not withdrawn", severity="error", timeout=10)
            return
        self.notify(f"Withdrew {ref_label(brief.ref)} ({provenance(stored.ref)}).")
        self.published(stored)

    def ask_quick_change(
        self,
        prompt: Screen[Answer | None],
        change: Callable[[Answer, BriefDraft], BriefDraft],
        note: Callable[[Answer], str],
    ) -> None:
        """Ask with ``prompt``, then store its answer as a `quick_change`: ``change`` applies
        the answer to the brief and ``note`` says it. Dismissing the prompt changes nothing."""

        def answered(answer: Answer | None) -> None:
            if answer is not None:
                self.quick_change(lambda brief: change(answer, brief), note(answer))

        self.app.push_screen(prompt, answered)

    @work(exclusive=True, exit_on_error=False, group="edit")
    async def quick_change(self, change: QuickChange, note: str) -> None:
        """Apply ``change`` to the latest standing brief and store it as its next revision.

        On a 412 the change is applied once more to the revision stored meanwhile (it says
        what the person asked for, whatever else changed), and the notification says so.
        """
        for attempt in range(2):
            try:
                briefs = await self.source.list_briefs(self.story_id)
                standing = standing_briefs(briefs)
                if not standing:
                    self.notify("No standing brief to change.", severity="warning")
                    return
                current = await self.source.current_brief(self.story_id, standing[-1].id)
                document = change(document_of(current.value))
                stored = await self.source.update_brief(
                    self.story_id, document, etag=current.etag, change_note=note
                )
            except EditConflictError:
                if attempt == 0:
                    continue
                self.notify(
                    "The brief keeps changing meanwhile: not stored. Try again.", severity="error"
                )
                return
            except DraftingError as error:
                self.notify(str(error), severity="error", timeout=10)
                return
            except InvalidDocumentError as error:
                problems = "; ".join(error.problems) or error.message
                self.notify(f"Not stored: {problems}", severity="error", timeout=10)
                return
            except SourceError as error:
                self.notify(error.message, title="Not stored", severity="error", timeout=10)
                return
            again = " (applied to the revision stored meanwhile)" if attempt else ""
            self.notify(f"Stored {ref_label(stored.ref)}: {note}{again}.")
            self.published(stored)
            return

    # --- the editing loop ---------------------------------------------------------------------

    async def _edit(self, story: Story, base: Brief, text: str, *, etag: str | None) -> None:
        """Editor → validate → preview → note → publish, until stored, discarded or cancelled.

        ``base`` is what the preview compares with: the revision being edited (``etag`` its
        ETag), or, for a new brief (``etag`` None), the latest brief it starts from.
        """
        path = _temporary_file(self.story_id, base.id if etag else "new", text)
        while True:
            if not self._run_editor(path):
                return
            text = _load(path)
            current = base if etag is not None else None
            document = await self._read_back(text, story, current, path)
            if document == "edit":
                continue
            if document is None:
                return
            choice = await self.app.push_screen_wait(
                self._preview(story, base, document, current, path)
            )
            if choice == "edit":
                continue
            if choice == "cancel":
                self.notify(f"Not published. {kept_in(path)}.", timeout=10)
                return
            note = await self.app.push_screen_wait(
                AskScreen(
                    "Publish",
                    "Change note: why this revision (optional, shown in the revision list).",
                    value=change_note_of(document, current) or "",
                    placeholder="e.g. Russia's conditions from the 13 March press conference",
                    check=check_note,
                    ok="Publish",
                )
            )
            if note is None:
                continue
            outcome = await self._publish(
                story, base, document, etag=etag, note=note or None, path=path
            )
            if isinstance(outcome, Brief):
                _remove(path)
                self.notify(f"Published {ref_label(outcome.ref)} ({provenance(outcome.ref)}).")
                self.published(outcome)
                return
            if outcome is None:
                return
            stored, etag = outcome
            if stored is not base:
                # A 412: the person's changes re-applied on the revision stored meanwhile
                # (what they left alone takes its values), as ``briefs edit`` does.
                rebased = rebased_text(text, stored, original=base)
                reason = (
                    f"{ref_label(stored.ref)} was stored while you edited "
                    f"({provenance(stored.ref)}); your changes are re-applied on top of it below"
                )
                _save(path, annotate(rebased, [], note=reason))
                base = stored

    async def _read_back(
        self, text: str, story: Story, current: Brief | None, path: Path
    ) -> BriefDraft | Literal["edit"] | None:
        """The saved document if it is valid and changes something; ``"edit"`` to open the
        editor again (the problems now annotated at the file's top); None to stop here."""
        if is_cancelled(text):
            _remove(path)
            self.notify("The file was emptied: edit cancelled, nothing stored.")
            return None
        document, problems = parse_document(text, story, current=current)
        if document is None:
            shown = [str(problem) for problem in problems]
            if await self.app.push_screen_wait(ProblemsScreen(shown, path)) == "edit":
                _save(path, annotate(text, problems))
                return "edit"
            self.notify(f"Edit discarded. {kept_in(path)}.", timeout=10)
            return None
        if current is not None and is_unchanged(document, current):
            _remove(path)
            self.notify(f"No changes to {ref_label(current.ref)}: nothing to publish.")
            return None
        return document

    def _preview(
        self, story: Story, base: Brief, document: BriefDraft, current: Brief | None, path: Path
    ) -> PreviewScreen:
        """The diff preview: the revision edited → the edit, or the latest brief → the new."""
        if current is not None:
            edited = proposed_revision(current, document, None)
            heading = f"{ref_label(base.ref)} → edited"
            said = f"Current: {provenance(base.ref)}"
        else:
            edited = as_new(document, self.story_id)
            heading = f"{ref_label(base.ref)} → new brief {edited.as_of.isoformat()}"
            said = f"Starts from the latest brief, {ref_label(base.ref)} ({provenance(base.ref)})"
        return PreviewScreen(
            heading, diff_briefs(base, edited), diff_context(story, base, edited), path, note=said
        )

    async def _publish(
        self,
        story: Story,
        base: Brief,
        document: BriefDraft,
        *,
        etag: str | None,
        note: str | None,
        path: Path,
    ) -> Brief | tuple[Brief, str | None] | None:
        """Store the document: the stored brief; or, to edit again, the base and ETag to edit
        on (after a 412, the revision stored meanwhile); or None when the edit ends here (the
        text stays in ``path``)."""
        outcome: Brief | tuple[Brief, str | None] | None = None
        try:
            if etag is None:
                outcome = await self.source.create_brief(self.story_id, document, change_note=note)
            else:
                outcome = await self.source.update_brief(
                    self.story_id, document, etag=etag, change_note=note
                )
        except EditConflictError:
            outcome = await self._conflict(story, base, document, path)
        except InvalidDocumentError as error:
            problems = error.problems or [error.message]
            if await self.app.push_screen_wait(ProblemsScreen(problems, path)) == "edit":
                outcome = base, etag
            else:
                self.notify(f"Edit discarded. {kept_in(path)}.", timeout=10)
        except SourceError as error:
            # Refused (read-only), unreachable, a duplicate date...: say so, keep the text.
            refused = isinstance(error, WriteRefusedError)
            self.notify(
                f"{error.message} {kept_in(path)}.",
                title="Not published",
                severity="warning" if refused else "error",
                timeout=12,
            )
        return outcome

    async def _conflict(
        self, story: Story, base: Brief, document: BriefDraft, path: Path
    ) -> tuple[Brief, str | None] | None:
        """Say what changed meanwhile; re-edit on the new revision, or stop with the text kept."""
        try:
            current = await self.source.current_brief(self.story_id, document.id)
        except SourceError as error:
            self.notify(
                f"Changed meanwhile, and the new revision cannot be read: {error.message} "
                f"{kept_in(path)}.",
                severity="error",
                timeout=12,
            )
            return None
        stored = current.value
        choice = await self.app.push_screen_wait(
            ConflictScreen(
                f"{ref_label(base.ref)} → {ref_label(stored.ref)}, stored while you edited",
                diff_briefs(base, stored),
                diff_context(story, base, stored),
                path,
                note=(
                    f"New: {provenance(stored.ref)}. e opens your text again to publish it on top."
                ),
            )
        )
        if choice == "edit":
            return stored, current.etag
        self.notify(f"Not published. {kept_in(path)}.", timeout=12)
        return None

    def _run_editor(self, path: Path) -> bool:
        """Run the app's editor on ``path``; false (after saying why) if it failed."""
        app = self.app
        launcher: EditorLauncher = app.editor if isinstance(app, EditorHolder) else run_editor
        try:
            launcher(app, path)
        except EditorError as error:
            self.notify(f"{error} {kept_in(path)}.", title="Editor", severity="error", timeout=12)
            return False
        return True


def _temporary_file(story_id: str, brief_id: str, text: str) -> Path:
    """A private file (mode 600) holding ``text``, left in place until it is stored."""
    with tempfile.NamedTemporaryFile(
        "w",
        encoding="utf-8",
        prefix=f"briefs-{story_id}-{brief_id}-",
        suffix=".json",
        delete=False,
    ) as handle:
        handle.write(text)
    return Path(handle.name)


# The edited file is a few kilobytes on local disk: read and written in place, not in a thread.
def _load(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _save(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def _remove(path: Path) -> None:
    path.unlink(missing_ok=True)
