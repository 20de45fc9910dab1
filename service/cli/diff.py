"""``briefs diff``: what changed between two briefs, or two revisions of one brief.

* ``briefs diff OLD.json NEW.json`` compares two brief files;
* ``briefs diff STORY_DIR 2025-03-14 2025-03-18`` compares the latest revisions of the briefs
  dated on those days, and ``2025-03-18@1`` picks revision 1.

``--format text`` (default) renders the semantic diff for people, ``json`` prints the `BriefDiff`
wire model, ``patch`` the RFC 6902 JSON Patch from OLD to NEW. Input problems (a missing file, a
brief that does not decode, a date the story has no brief for) exit 1 with one message line.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from service.cli._command import Arg, Command, color_option

if TYPE_CHECKING:
    from service.domain.models import Brief, Story

_SELECTOR = re.compile(r"^(?P<date>\d{4}-\d{2}-\d{2})(?:@(?P<revision>[1-9]\d*))?$")


class Selector(NamedTuple):
    """A brief in a story folder: its as-of date and, optionally, a revision."""

    as_of: dt.date
    revision: int | None


class InputError(Exception):
    """An input the command cannot use; ``str()`` is the message shown to the user."""


def run(args: argparse.Namespace) -> int:
    """Load the two briefs, diff them and print the result in the chosen format."""
    parser: argparse.ArgumentParser = args.command_parser
    targets: list[str] = args.targets
    if len(targets) == 3:
        selectors = (_parse_selector(parser, targets[1]), _parse_selector(parser, targets[2]))
    elif len(targets) != 2:
        parser.error("expected OLD NEW (two brief files) or STORY_DIR DATE DATE")
    try:
        if len(targets) == 3:
            loaded = _from_story_dir(Path(targets[0]), *selectors)
        else:
            loaded = _from_files(Path(targets[0]), Path(targets[1]))
    except InputError as error:
        print(f"briefs diff: {error}", file=sys.stderr)
        return 1
    _print(args, *loaded)
    return 0


register = Command(
    name="diff",
    handler=run,
    help="show what changed between two briefs or revisions",
    description=(
        "Show what changed in meaning between two briefs: stances, statements, quotes,\n"
        "issues opened and closed, events, sources and the summary, word by word."
    ),
    usage="%(prog)s [options] OLD NEW | STORY_DIR DATE[@REV] DATE[@REV]",
    epilog=(
        "examples:\n"
        "  briefs diff briefs/2025-03-14.json briefs/2025-03-18.json\n"
        "  briefs diff fixtures/stories/ceasefire-2025 2025-03-14 2025-03-18\n"
        "  briefs diff fixtures/stories/ceasefire-2025 2025-03-18@1 2025-03-18@2\n"
        "  briefs diff --format json --hide-trivial STORY_DIR 2025-03-14@1 2025-03-14@2"
    ),
    arguments=(
        Arg(
            "targets",
            nargs="+",
            metavar="TARGET",
            help="two brief files, or a story folder and two dates (YYYY-MM-DD[@REVISION])",
        ),
        Arg(
            "--format",
            choices=("text", "json", "patch"),
            default="text",
            help="text for people (default), json for the BriefDiff, patch for RFC 6902 JSON Patch",
        ),
        Arg(
            "--hide-trivial",
            action="store_true",
            help="leave out changes of case, punctuation and spacing (text and json formats)",
        ),
        color_option("the text format"),
    ),
)


def _parse_selector(parser: argparse.ArgumentParser, text: str) -> Selector:
    match = _SELECTOR.match(text)
    if match is None:
        parser.error(f"{text!r} is not a date like 2025-03-18 or 2025-03-18@2")
    try:
        as_of = dt.date.fromisoformat(match["date"])
    except ValueError:
        parser.error(f"{text!r} is not a valid calendar date")
    revision = match["revision"]
    return Selector(as_of, int(revision) if revision else None)


def _from_story_dir(
    folder: Path, old: Selector, new: Selector
) -> tuple[Story | None, Brief, Brief]:
    from service.domain.files import StoryFileError, load_story_dir

    if not folder.is_dir():
        raise InputError(f"{folder}: not a story folder")
    try:
        loaded = load_story_dir(folder)
    except StoryFileError as error:
        raise InputError(str(error)) from None
    return loaded.story, _select(loaded.briefs, old), _select(loaded.briefs, new)


def _select(briefs: list[Brief], selector: Selector) -> Brief:
    on_day = [brief for brief in briefs if brief.as_of == selector.as_of]
    if not on_day:
        days = ", ".join(sorted({brief.as_of.isoformat() for brief in briefs})) or "none"
        raise InputError(f"no brief dated {selector.as_of} (the story has: {days})")
    if selector.revision is None:
        return max(on_day, key=lambda brief: brief.revision)
    for brief in on_day:
        if brief.revision == selector.revision:
            return brief
    revisions = ", ".join(str(brief.revision) for brief in on_day)
    raise InputError(
        f"no revision {selector.revision} of the brief dated {selector.as_of} "
        f"(it has revisions: {revisions})"
    )


def _from_files(old_path: Path, new_path: Path) -> tuple[Story | None, Brief, Brief]:
    from service.domain.files import StoryFileError, read_brief, read_story

    try:
        old, new = read_brief(old_path), read_brief(new_path)
    except StoryFileError as error:
        raise InputError(str(error)) from None
    # Party names come from the story when the files sit in a story folder (<story>/briefs/).
    story_path = new_path.parent.parent / "story.json"
    story = None
    if new_path.parent.name == "briefs" and story_path.is_file():
        try:
            story = read_story(story_path)
        except StoryFileError:
            story = None  # names are a nicety: fall back to party ids
    return story, old, new


def _print(args: argparse.Namespace, story: Story | None, old: Brief, new: Brief) -> None:
    from service.domain import codec
    from service.domain.diff import diff_briefs, without_trivial

    if args.format == "patch":
        from service.domain.patch import json_patch

        sys.stdout.write(codec.encode_pretty(json_patch(old, new)).decode())
        return
    diff = full = diff_briefs(old, new)
    if args.hide_trivial:
        diff = without_trivial(full)
    if args.format == "json":
        sys.stdout.write(codec.encode_pretty(diff).decode())
        return
    from service.cli._render import diff_context, make_console, print_diff

    console = make_console(args.color)
    plain = console.no_color or console.color_system is None
    context = diff_context(old, new, story, trivial_hidden=diff != full)
    print_diff(console, diff, context, plain=plain)
