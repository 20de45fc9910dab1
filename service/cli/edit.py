"""``briefs edit``: revise a brief in ``$EDITOR``, see what the edit changes, then save it.

The brief (its GET body: content plus read-only fields) goes to a temporary file that opens in
the editor (``$VISUAL``, else ``$EDITOR``, else ``vi``). On save the file is read by the one
strict rule and checked against the story; problems are listed at the top of the file as ``//``
comments and the editor opens again, the text as the editor left it. A valid edit is shown as
the semantic diff it makes, and saved on confirmation as the next revision, with ``If-Match``
naming the revision the edit started from. If the brief changed meanwhile, what changed is
shown and the edit can be re-applied on the new revision. Nothing typed is lost: whenever the
command stops without saving, the file stays and its path is printed. The pure parts
(annotations, parsing, the proposed revision) are `service.domain.editing`'s, shared with the TUI.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from service.cli._command import Arg, Command
from service.cli._preview import color_argument
from service.cli._target import add_target_arguments
from service.cli.main import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE

if TYPE_CHECKING:
    from service.cli._target import Target
    from service.client.models import Tagged
    from service.domain.models import Brief, BriefDraft, Story


def run(args: argparse.Namespace) -> int:
    """``briefs edit``: the editor loop, the preview, the save."""
    from service.cli._target import TargetError, open_target, report

    session: EditSession | None = None
    try:
        with open_target(args) as target:
            session = EditSession(args, target)
            return session.run()
    except TargetError as error:
        code = report(args, error)
        if session is not None:
            session.keep()
        return code
    except KeyboardInterrupt:
        print(f"\n{args.command_prog}: interrupted", file=sys.stderr)
        if session is not None:
            session.keep()
        return EXIT_INTERRUPTED


register = Command(
    name="edit",
    handler=run,
    help="revise a brief in $EDITOR, preview what changes, save a new revision",
    description=(
        "Open brief REF in your editor ($VISUAL, else $EDITOR, else vi). On save the file\n"
        "is validated; problems are listed at its top as // comments and the editor opens\n"
        "again with your text kept. Then the semantic diff of the edit is shown and, once\n"
        "you confirm, it is stored as the next revision (If-Match: the revision you began\n"
        "from). Emptying the file cancels. Whenever nothing is saved, your file is kept\n"
        "and its path printed."
    ),
    epilog=(
        "examples:\n"
        "  briefs edit ceasefire-2025 latest --url http://127.0.0.1:8000\n"
        "  briefs edit ceasefire-2025 2025-03-18 --note 'Kremlin readout added'\n"
        "  EDITOR='code --wait' briefs edit fixtures/stories/ceasefire-2025 brief-2025-03-19\n"
        "\n"
        "The change note comes from --note, else the file's change_note field, else a\n"
        "prompt. Writing to a server needs a write token ($BRIEFS_TOKEN or --token-file)."
    ),
    arguments=(
        add_target_arguments,
        Arg("ref", metavar="REF", help="the brief: its id, its as-of date (YYYY-MM-DD) or latest"),
        Arg("--note", metavar="TEXT", help="the change note: why this revision"),
        Arg("--yes", action="store_true", help="save without asking once the edit is valid"),
        color_argument,
    ),
)


class EditSession:
    """One ``briefs edit``: the brief being edited, its ETag and the editor's file."""

    def __init__(self, args: argparse.Namespace, target: Target) -> None:
        from service.domain.editing import editor_text

        self.args = args
        self.target = target
        tagged = target.get(args.ref)
        self.story: Story = target.story()
        self.base: Brief = tagged.value
        self.etag: str = tagged.etag
        self.original = editor_text(self.base)
        handle, name = tempfile.mkstemp(prefix=f"briefs-{self.base.id}-", suffix=".json")
        os.close(handle)
        self.path = Path(name)
        self.path.write_text(self.original, encoding="utf-8")

    def run(self) -> int:
        """Edit until the brief is saved, the edit cancelled or the user stops."""
        from service.domain import editing

        while True:
            text = self._edit()
            if text is None:
                return EXIT_USAGE
            if editing.is_cancelled(text):
                self._discard("the file was emptied: edit cancelled, nothing saved")
                return EXIT_FAILED
            draft, problems = editing.parse_document(text, self.story, current=self.base)
            if problems:
                plural = "s" if len(problems) > 1 else ""
                note = f"{len(problems)} problem{plural}: fix and save to go on"
                self.path.write_text(editing.annotate(text, problems, note=note), "utf-8")
                self._say(f"{len(problems)} problem{plural} in the file; reopening it")
                if text == self._last_invalid and not _ask("Edit again?", default=True):
                    self.keep()
                    return EXIT_FAILED
                self._last_invalid = text
                continue
            assert draft is not None
            if editing.is_unchanged(draft, self.base):
                self._discard("no changes: nothing saved")
                return EXIT_OK
            outcome = self._confirm_and_save(draft)
            if outcome is not None:
                return outcome

    _last_invalid: str | None = None

    def _edit(self) -> str | None:
        """Open the editor on the file; the text it leaves, or None if it could not run."""
        from service.domain.editing import editor_command

        command = [*editor_command(os.environ), str(self.path)]
        # Ctrl-C in the editor is the editor's (vi leaves insert mode with it): this process
        # must not die of it and take the editor with it. A handler, unlike SIG_IGN, is reset
        # to the default in the editor when it starts.
        previous = signal.signal(signal.SIGINT, lambda signum, frame: None)
        try:
            finished = subprocess.run(command, check=False)  # noqa: S603 - the user's own editor
        except OSError as error:
            self._say(
                f"cannot run the editor {command[0]!r} ({error.strerror or error}); "
                "set VISUAL or EDITOR"
            )
            self.keep()
            return None
        finally:
            signal.signal(signal.SIGINT, previous)
        if finished.returncode != 0:
            self._say(
                f"the editor exited with status {finished.returncode}; reading the file anyway"
            )
        return self.path.read_text(encoding="utf-8", errors="surrogateescape")

    def _confirm_and_save(self, draft: BriefDraft) -> int | None:
        """Preview the edit, ask, save; None means: open the editor again."""
        from service.cli._preview import print_changes, revision_line
        from service.cli._target import TargetConflict
        from service.domain.editing import change_note_of, proposed_revision

        note = self.args.note or change_note_of(draft, self.base)
        proposed = proposed_revision(self.base, draft, note)
        print(f"{self.base.id}: r{self.base.revision} -> r{proposed.revision} (not saved yet)")
        print()
        print_changes(self.base, proposed, self.story, file=sys.stdout, color=self.args.color)
        if not self.args.yes:
            answer = _choice(f"Save revision {proposed.revision}? [y/N/e(dit again)] ")
            if answer == "e":
                return None
            if answer != "y":
                self.keep()
                return EXIT_FAILED
            if note is None:
                note = _line("Change note (why; Enter for none): ") or None
        try:
            stored = self.target.update(self.base.id, draft, if_match=self.etag, change_note=note)
        except TargetConflict as conflict:
            return self._rebase(conflict.current)
        print(revision_line(stored))
        self.path.unlink(missing_ok=True)
        return EXIT_OK

    def _rebase(self, current: Tagged[Brief]) -> int | None:
        """The brief changed meanwhile: show how, and offer the edit again on the new revision."""
        from service.cli._preview import print_changes
        from service.domain.editing import annotate, changed_by_both, rebased_text

        newer = current.value
        self._say(
            f"{self.base.id} changed meanwhile: r{self.base.revision} -> r{newer.revision}"
            f"{f' by {newer.revised_by}' if newer.revised_by else ''}; what changed:"
        )
        print_changes(self.base, newer, self.story, file=sys.stderr, color=self.args.color)
        edited = self.path.read_text(encoding="utf-8")
        both = changed_by_both(edited, self.base, newer)
        text = rebased_text(edited, newer, original=self.base)
        note = f"rebased on r{newer.revision}, which changed meanwhile: your changes re-applied"
        if both:
            note += f"; yours replace theirs in {', '.join(both)}"
            self._say(f"you and r{newer.revision} both changed {', '.join(both)}: yours are kept")
        self.path.write_text(annotate(text, [], note=note), encoding="utf-8")
        self.base, self.etag = newer, current.etag
        if self.args.yes or not _ask(f"Re-apply your edit on r{newer.revision}?", default=True):
            self.keep()
            return EXIT_FAILED
        return None

    def keep(self) -> None:
        """Say where the user's text is kept (when it holds anything of theirs)."""
        if self.path.exists():
            if self.path.read_text(encoding="utf-8", errors="replace") == self.original:
                self.path.unlink()
            else:
                self._say(f"not saved; your edit is kept in {self.path}")

    def _discard(self, message: str) -> None:
        self.path.unlink(missing_ok=True)
        self._say(message)

    def _say(self, message: str) -> None:
        print(f"{self.args.command_prog}: {message}", file=sys.stderr)


def _line(prompt: str) -> str:
    """One line from the terminal; end of input reads as an empty answer."""
    try:
        return input(prompt).strip()
    except EOFError:
        print(file=sys.stderr)
        return ""


def _choice(prompt: str) -> str:
    return _line(prompt)[:1].lower()


def _ask(question: str, *, default: bool) -> bool:
    answer = _choice(f"{question} [{'Y/n' if default else 'y/N'}] ")
    return default if not answer else answer == "y"
