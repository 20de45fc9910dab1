"""``briefs push``: store a brief document (a draft, or an edited GET body) as a new revision.

The file is checked with the rule of ``briefs validate`` (and against the story's parties) before
anything is sent. A brief id the story does not hold yet is created (POST); an existing one gets
its next revision (PUT with ``If-Match``). A file that names the ``revision`` it was edited from
must name the current one: if someone stored a revision meanwhile, nothing is stored and the
command prints what changed meanwhile, so the editor can merge it into the file and push again.
A file without ``revision`` (a draft) updates whatever is current.

On success, stdout is the stored revision in one line: ``brief-2025-03-20 r2 by desk: note``.
"""

from __future__ import annotations

import argparse
import functools
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from service.cli._command import Arg, Command
from service.cli._preview import color_argument
from service.cli._target import add_target_arguments
from service.cli.main import EXIT_FAILED, EXIT_OK

if TYPE_CHECKING:
    from service.cli._target import Target
    from service.domain.models import Brief, BriefDraft


def run(args: argparse.Namespace) -> int:
    """Validate and store FILE; 1 if it is invalid, stale or refused."""
    from service.cli._target import TargetError, open_target, report
    from service.domain.limits import MAX_CHANGE_NOTE
    from service.domain.validate import read_document_file

    note: str | None = args.note
    if note is not None and len(note) > MAX_CHANGE_NOTE:
        print(
            f"{args.command_prog}: --note is {len(note)} characters; at most "
            f"{MAX_CHANGE_NOTE} are kept",
            file=sys.stderr,
        )
        return EXIT_FAILED
    document, problems = read_document_file(args.file)
    if document is None or problems:
        return _invalid(args, [str(problem) for problem in problems])
    if note is None and document.revision is None:
        note = document.change_note
    try:
        with open_target(args) as target:
            return push(args, target, document, note)
    except TargetError as error:
        return report(args, error)


register = Command(
    name="push",
    handler=run,
    help="store a brief file as a new brief or a new revision",
    description=(
        "Validate FILE, then store it in the story: as a new brief (POST) when its id is\n"
        "new, else as the brief's next revision (PUT with If-Match). If FILE names the\n"
        "revision it was edited from and someone stored a newer one meanwhile, nothing is\n"
        "stored: the command shows what changed meanwhile. Writing to a server needs a\n"
        "write token, from $BRIEFS_TOKEN or --token-file (never on the command line)."
    ),
    epilog=(
        "examples:\n"
        "  export BRIEFS_TOKEN=$(briefs token create --name desk --scope write)\n"
        "  briefs push draft.json --url http://127.0.0.1:8000 --story ceasefire-2025 \\\n"
        '      --note "Kyiv joins the energy truce"\n'
        "  briefs push draft.json --story fixtures/stories/ceasefire-2025\n"
        "\n"
        "The change note is --note, else the file's change_note when the file has no\n"
        "revision (a draft); a revision read back keeps the note of that revision to itself."
    ),
    arguments=(
        Arg("file", type=Path, metavar="FILE", help="the brief document to store"),
        functools.partial(add_target_arguments, story_option=True),
        Arg("--note", metavar="TEXT", help="why this revision is made (at most 500 characters)"),
        color_argument,
    ),
)


def push(args: argparse.Namespace, target: Target, document: BriefDraft, note: str | None) -> int:
    """Check ``document`` against the story, then create or update it."""
    import msgspec

    from service.cli._preview import revision_line
    from service.cli._target import TargetConflict, TargetNotFound
    from service.domain.models import BriefContent, BriefUpdate, content_of
    from service.domain.validate import validate_brief

    story = target.story()
    problems = validate_brief(document, story)
    if problems:
        return _invalid(args, [str(problem) for problem in problems])
    try:
        current = target.get(document.id)
    except TargetNotFound:
        stored = target.create(
            msgspec.structs.replace(document, change_note=note), change_note=note
        )
        print(revision_line(stored))
        return EXIT_OK
    base = current.value
    if content_of(document) == content_of(base):  # pushed already: say so, even from a stale file
        print(
            f"{args.command_prog}: {args.file} holds what revision {base.revision} of "
            f"{base.id} holds already; nothing to store",
            file=sys.stderr,
        )
        print(revision_line(base))
        return EXIT_OK
    if document.revision is not None and document.revision != base.revision:
        return _stale(args, target, document, base)
    # The revision was checked above; the other read-only fields of a merged file (revised_at
    # of the revision it was read at) are not the editor's to keep in step: send content only.
    update = BriefUpdate(
        **{name: getattr(document, name) for name in BriefContent.__struct_fields__}
    )
    try:
        stored = target.update(document.id, update, if_match=current.etag, change_note=note)
    except TargetConflict as conflict:  # someone stored a revision between our read and write
        return _stale(args, target, document, base, current=conflict.current.value)
    print(revision_line(stored))
    return EXIT_OK


def _stale(
    args: argparse.Namespace,
    target: Target,
    document: BriefDraft,
    base: Brief,
    *,
    current: Brief | None = None,
) -> int:
    """Refuse a file edited from an older revision, showing what changed since that one."""
    from service.cli._preview import print_changes, revision_line
    from service.cli._target import TargetNotFound

    edited_from = document.revision if current is None else base.revision
    newest = base if current is None else current
    try:
        old = base if current is not None else target.get(document.id, revision=edited_from).value
    except TargetNotFound:
        print(
            f"{args.command_prog}: {args.file} names revision {edited_from} of {document.id}, "
            f"which has revisions 1 to {newest.revision}: nothing stored",
            file=sys.stderr,
        )
        return EXIT_FAILED
    print(
        f"{args.command_prog}: {args.file} was edited from revision {edited_from} of "
        f"{document.id}, which is at revision {newest.revision} now "
        f"({revision_line(newest)}): nothing stored. Merge what changed meanwhile (below) "
        f"into {args.file}, set its revision to {newest.revision}, and push again.",
        file=sys.stderr,
    )
    print_changes(old, newest, target.story(), file=sys.stderr, color=args.color)
    return EXIT_FAILED


def _invalid(args: argparse.Namespace, problems: list[str]) -> int:
    for problem in problems:
        print(f"{args.file}: {problem}", file=sys.stderr)
    count = len(problems)
    print(
        f"{args.command_prog}: {args.file} has {count} problem{'' if count == 1 else 's'}; "
        "nothing stored",
        file=sys.stderr,
    )
    return EXIT_FAILED
