"""``briefs issue`` and ``briefs stance``: quick state changes, without editing JSON by hand.

Each stores a new revision of the latest brief (or, with ``--as-of``, of the brief of that day;
for a day without a brief, a new brief carried forward from the one before) with a change note,
generated unless ``--note`` gives one (``putin-trump-call -> resolved on 2025-03-18``). It prints
the stored revision in one line, then what the revision changed, as ``briefs diff`` shows it.
The edits themselves are `service.domain.drafting`'s, shared with the TUI.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from service.cli._command import Arg, Command, Commands, date_option
from service.cli._preview import color_argument
from service.cli._target import add_target_arguments
from service.cli.main import EXIT_FAILED, EXIT_OK

if TYPE_CHECKING:
    from service.cli._target import Target
    from service.domain.models import Brief, BriefDraft

Change = Callable[["BriefDraft"], "BriefDraft"]
"""A quick edit of a brief document (a `service.domain.drafting` function, bound)."""

ISSUE_STATUSES = (
    "open",
    "scheduled",
    "agreed-in-principle",
    "in-effect",
    "disputed",
    "resolved",
    "lapsed",
    "overtaken",
)
"""`IssueStatus` values, spelled out so that ``briefs --help`` imports no models
(tests/cli/test_quick.py checks they match)."""
STANCES = ("supports", "conditional", "undecided", "opposes", "unclear")
"""`Stance` values (checked like `ISSUE_STATUSES`)."""


def _common_arguments(parser: argparse.ArgumentParser) -> None:
    date_option("--as-of", "change the brief of this day (default: the latest brief)")(parser)
    parser.add_argument("--note", metavar="TEXT", help="the change note (default: generated)")
    color_argument(parser)


def run_issue(args: argparse.Namespace) -> int:
    """``briefs issue``: a new revision with one issue's status changed."""
    from service.domain.drafting import with_issue_status
    from service.domain.models import CLOSED_STATUSES, IssueStatus

    status = IssueStatus(args.status)

    def change(document: BriefDraft) -> BriefDraft:
        on: dt.date = args.on or document.as_of
        return with_issue_status(
            document, args.issue_id, status=status, on=on, resolution=args.resolution
        )

    def default_note(document: BriefDraft) -> str:
        if status not in CLOSED_STATUSES:
            return f"{args.issue_id} → {status.value}"
        return f"{args.issue_id} → {status.value} on {args.on or document.as_of}"

    return apply(args, change, default_note)


def run_stance(args: argparse.Namespace) -> int:
    """``briefs stance``: a new revision with one party's stance changed."""
    from service.domain.drafting import with_stance
    from service.domain.models import Stance

    stance = Stance(args.stance)

    def change(document: BriefDraft) -> BriefDraft:
        return with_stance(document, args.party_id, stance=stance, statement=args.statement)

    def default_note(document: BriefDraft) -> str:
        return f"{args.party_id} → {stance.value}"

    return apply(args, change, default_note)


register = Commands(
    Command(
        name="issue",
        handler=run_issue,
        help="move an issue to a new status in a new revision",
        description=(
            "Store a new revision of the latest brief (or of the brief dated --as-of) with\n"
            "issue ISSUE moved to --status: a closed status (resolved, lapsed, overtaken) sets\n"
            "closed_on to --on and the resolution; an open one reopens the issue. Prints the\n"
            "stored revision and what it changed."
        ),
        epilog=(
            "examples:\n"
            "  briefs issue ceasefire-2025 putin-trump-call --status resolved --on 2025-03-18 \\\n"
            '      --resolution "They spoke for about two hours" --url http://127.0.0.1:8000\n'
            "  briefs issue fixtures/stories/ceasefire-2025 energy-truce --status disputed\n"
            "\n"
            "--as-of a day without a brief stores a new brief, carried forward from the one\n"
            "before. Writing to a server needs a write token ($BRIEFS_TOKEN or --token-file)."
        ),
        arguments=(
            add_target_arguments,
            Arg("issue_id", metavar="ISSUE", help="the issue's id, e.g. putin-trump-call"),
            Arg("--status", required=True, choices=ISSUE_STATUSES, help="the new status"),
            date_option(
                "--on",
                "when it closed (default: the brief's as-of date); ignored for an open status",
            ),
            Arg("--resolution", metavar="TEXT", help="how it closed (closed statuses)"),
            _common_arguments,
        ),
    ),
    Command(
        name="stance",
        handler=run_stance,
        help="change a party's stance in a new revision",
        description=(
            "Store a new revision of the latest brief (or of the brief dated --as-of) with\n"
            "party PARTY's stance (and, with --statement, its statement) changed; a party the\n"
            "brief holds no position for gets one. Prints the stored revision and what it\n"
            "changed."
        ),
        epilog=(
            "examples:\n"
            "  briefs stance ceasefire-2025 russia --stance conditional --url http://127.0.0.1:8000\n"
            "  briefs stance fixtures/stories/ceasefire-2025 ukraine --stance supports \\\n"
            '      --statement "Backs the 30-day truce" --note "Kyiv signs on"'
        ),
        arguments=(
            add_target_arguments,
            Arg("party_id", metavar="PARTY", help="the party's id, e.g. russia"),
            Arg("--stance", required=True, choices=STANCES, help="the new stance"),
            Arg("--statement", metavar="TEXT", help="the party's position, in a sentence"),
            _common_arguments,
        ),
    ),
)


def apply(
    args: argparse.Namespace, change: Change, default_note: Callable[[BriefDraft], str]
) -> int:
    """Apply ``change`` to the brief ``args`` name, store the result, print what changed."""
    from service.cli._target import TargetError, open_target, report
    from service.domain.drafting import DraftingError

    try:
        with open_target(args) as target:
            return _store(args, target, change, default_note)
    except DraftingError as error:
        print(f"{args.command_prog}: {error}", file=sys.stderr)
        return EXIT_FAILED
    except TargetError as error:
        return report(args, error)


def _store(
    args: argparse.Namespace,
    target: Target,
    change: Change,
    default_note: Callable[[BriefDraft], str],
) -> int:
    import msgspec

    from service.cli._preview import print_changes, revision_line
    from service.cli._target import TargetError
    from service.domain.drafting import carry_forward, document_of
    from service.domain.models import content_of

    as_of: dt.date | None = args.as_of
    base, etag = _base(target, as_of)
    if base is None:  # a day without a brief: a new brief, carried forward
        assert as_of is not None
        previous = target.latest(before=as_of)
        if previous is None:
            raise TargetError(f"{target.where}: no brief before {as_of} to carry forward from")
        carried = carry_forward(previous, as_of=as_of)
        document = change(carried)
        note = args.note or default_note(document)
        stored = target.create(document, change_note=note)
        # Against the draft as carried forward, the diff shows the change alone, not all that
        # a new day drops (quotes, summary, closed issues).
        shown_from: Brief = msgspec.structs.replace(
            stored, **_content(carried), change_note=None, revised_by=None
        )
        print(
            f"a new brief, carried forward from {previous.id} r{previous.revision}",
            file=sys.stderr,
        )
    else:
        document = change(document_of(base))
        if content_of(document) == content_of(base):
            print(
                f"{args.command_prog}: nothing to change: {base.id} r{base.revision} says so "
                "already",
                file=sys.stderr,
            )
            return EXIT_OK
        note = args.note or default_note(document)
        assert etag is not None
        stored = target.update(base.id, document, if_match=etag, change_note=note)
        shown_from = base
    print(revision_line(stored))
    print()
    print_changes(shown_from, stored, target.story(), file=sys.stdout, color=args.color)
    return EXIT_OK


def _base(target: Target, as_of: dt.date | None) -> tuple[Brief | None, str | None]:
    """The brief to change, with its ETag: the latest, or the one dated ``as_of`` (None when
    that day has none)."""
    from service.cli._target import LATEST, TargetNotFound

    if as_of is None:
        tagged = target.get(LATEST)
        return tagged.value, tagged.etag
    try:
        tagged = target.get(as_of.isoformat())
    except TargetNotFound:
        return None, None
    return tagged.value, tagged.etag


def _content(brief: BriefDraft) -> dict[str, Any]:
    from service.domain.models import BriefContent

    return {name: getattr(brief, name) for name in BriefContent.__struct_fields__}
