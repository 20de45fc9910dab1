"""``briefs extract``: what the extractor finds in an article, for review or for scripts.

``--format json`` prints the `Extraction` (``quotes[]``, ``indirect[]``, ``dates[]``,
``parties[]``, ``issues[]``, each with its ``start``/``end`` offsets); ``--format text`` (the
default) prints the article with each span highlighted and each date's value beside it, then
one line per item. Parties and issues are matched against ``--story``'s registry (its parties'
names and aliases, the open issues of its latest brief), else against the fixture story's.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from service.cli._article import add_article_arguments, read_article, read_registry
from service.cli._command import Arg, Command, color_option
from service.cli._target import add_target_arguments
from service.cli.main import EXIT_OK

if TYPE_CHECKING:
    from service.domain.extract.registry import Registry


def run(args: argparse.Namespace) -> int:
    """Extract and print; 2 when the article, registry or story cannot be read."""
    from service.cli._target import TargetError, report
    from service.domain.extract import extract

    try:
        text = read_article(args.file)
        registry = registry_of(args)
    except TargetError as error:
        return report(args, error)
    extraction = extract(text, args.published, registry)
    if args.format == "json":
        from service.domain import codec

        sys.stdout.write(codec.encode_pretty(extraction).decode())
        return EXIT_OK
    from service.cli._extract_text import print_extraction

    print_extraction(text, extraction, color=args.color)
    return EXIT_OK


def registry_of(args: argparse.Namespace) -> Registry | None:
    """The registry ``--story`` and ``--registry`` make, or None (the default one)."""
    from service.cli._target import open_target
    from service.domain.extract.registry import DEFAULT_REGISTRY, merged, registry_for

    extra = read_registry(args.registry)
    if args.story is None:
        return None if extra is None else merged(DEFAULT_REGISTRY, extra)
    with open_target(args) as target:
        story = target.story()
        # The issues open on the article's day: those of the latest brief up to that day.
        latest = target.latest(before=args.published + dt.timedelta(days=1))
    return registry_for(story, latest.issues if latest else [], extra=extra)


register = Command(
    name="extract",
    handler=run,
    help="show the quotes, dates, parties and issue hints found in an article",
    description=(
        "Extract from an article's plain text its direct quotes (speaker, cue), reported\n"
        "speech, dated mentions resolved against --published, mentions of the story's\n"
        "parties and sentences bearing on its open issues."
    ),
    epilog=(
        "examples:\n"
        "  briefs extract article.txt --published 2025-03-14\n"
        "  briefs extract article.txt --published 2025-03-14 \\\n"
        "      --story fixtures/stories/ceasefire-2025 --format json"
    ),
    arguments=(
        Arg("file", type=Path, metavar="FILE", help="the article, UTF-8 plain text"),
        add_article_arguments,
        functools.partial(add_target_arguments, story_option=True, required=False),
        Arg(
            "--format",
            choices=("text", "json"),
            default="text",
            help="text: the article with its spans highlighted (default); json: the Extraction",
        ),
        color_option("the spans"),
    ),
)
