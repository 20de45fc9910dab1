"""``briefs new``: draft the next brief of a story, carried forward from its latest brief.

The draft (`service.domain.drafting.carry_forward`) keeps each party's position, the issues
still open, the events and the sources they cite; the editor writes the headline, summary and
takeaways of the new day. It is a brief document: ``briefs validate`` checks it and ``briefs
push`` (or a POST) stores it as it is. Its ``change_note`` says where it came from
(``carried forward from brief-2025-03-19 r1``): the note of revision 1 unless the editor
rewrites it. It is written as the fixtures are (indented JSON), to
``-o FILE`` or stdout; what was drafted from what is one line on stderr.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from service.cli._command import Arg, Command, date_option
from service.cli._target import add_target_arguments
from service.cli.main import EXIT_FAILED, EXIT_OK

if TYPE_CHECKING:
    from service.cli._target import Target
    from service.domain.models import BriefDraft


output_argument = Arg(
    "-o",
    "--output",
    type=Path,
    metavar="FILE",
    help="write the draft to FILE (default: stdout); an existing FILE needs --force",
)
"""``-o FILE``: where `write` puts a draft (``briefs new``, ``briefs draft``)."""


def run(args: argparse.Namespace) -> int:
    """Draft the brief and write it; 1 if the story cannot be drafted from or FILE exists."""
    from service.cli._target import TargetError, open_target, report

    try:
        with open_target(args) as target:
            document, note = draft(
                target, args.as_of, brief_id=args.brief_id, force=args.force, story=args.story
            )
    except TargetError as error:
        return report(args, error)
    return write(args, document, note)


register = Command(
    name="new",
    handler=run,
    help="draft the next brief, carried forward from the latest one",
    description=(
        "Write a draft of the brief dated --as-of, carried forward from the story's latest\n"
        "brief: positions (without the day's quotes), open issues (closed ones dropped),\n"
        "standing conditions, events and the sources they cite. Write the headline, summary\n"
        "and takeaways, then check it with `briefs validate` and store it with `briefs push`."
    ),
    epilog=(
        "examples:\n"
        "  briefs new fixtures/stories/ceasefire-2025 --as-of 2025-03-20 -o draft.json\n"
        "  export BRIEFS_URL=http://127.0.0.1:8000\n"
        "  briefs new ceasefire-2025 --as-of 2025-03-20 > draft.json\n"
        "\n"
        "A brief dated --as-of that exists already is edited, not drafted: `briefs edit`.\n"
        "A date before the latest brief's needs --force (the draft is then carried forward\n"
        "from the latest brief before that date)."
    ),
    arguments=(
        add_target_arguments,
        date_option("--as-of", "the new brief's date", required=True),
        output_argument,
        Arg("--id", dest="brief_id", metavar="ID", help="the new brief's id (default: brief-DATE)"),
        Arg(
            "--force",
            action="store_true",
            help="overwrite FILE, and allow a date before the latest brief's",
        ),
    ),
)


def draft(
    target: Target, as_of: dt.date, *, brief_id: str | None, force: bool, story: str
) -> tuple[BriefDraft, str]:
    """The draft dated ``as_of`` and a line saying what it was carried forward from."""
    import msgspec

    from service.cli._target import TargetError, TargetNotFound
    from service.domain.drafting import carry_forward

    try:
        existing = target.get(as_of.isoformat()).value
    except TargetNotFound:
        existing = None
    if existing is not None:
        raise TargetError(
            f"{target.where}: {existing.id} is dated {as_of} already (revision "
            f"{existing.revision}); change it with `briefs edit {story} {existing.id}`"
        )
    latest = target.latest()
    if latest is None:
        raise TargetError(
            f"{target.where}: no brief to carry forward from (none yet, or every one is "
            "withdrawn); write the first brief by hand (docs/data-model.md)"
        )
    if as_of < latest.as_of:
        if not force:
            raise TargetError(
                f"{as_of} is before the latest brief's date {latest.as_of} ({latest.id}); "
                "give --force to draft it anyway"
            )
        latest = target.latest(before=as_of)
        if latest is None:
            raise TargetError(f"{target.where}: no brief before {as_of} to carry forward from")
    origin = f"{latest.id} r{latest.revision}"
    # The change note of revision 1, unless the editor rewrites it: where the draft came from.
    document = msgspec.structs.replace(
        carry_forward(latest, as_of=as_of, brief_id=brief_id),
        change_note=f"carried forward from {origin}",
    )
    note = (
        f"drafted {document.id} (as of {as_of}) from {origin}: "
        "write its headline, summary and takeaways"
    )
    return document, note


def write(args: argparse.Namespace, document: BriefDraft, note: str) -> int:
    """Write the draft to ``--output`` (never over a file, unless ``--force``) or stdout."""
    from service.domain import codec

    data = codec.encode_pretty(document)
    output: Path | None = args.output
    if output is None:
        sys.stdout.write(data.decode())
        print(note, file=sys.stderr)
        return EXIT_OK
    try:
        with output.open("wb" if args.force else "xb") as file:
            file.write(data)
    except FileExistsError:
        print(
            f"{args.command_prog}: {output} exists already; give --force to overwrite it",
            file=sys.stderr,
        )
        return EXIT_FAILED
    print(f"{note}; wrote {output}", file=sys.stderr)
    return EXIT_OK
