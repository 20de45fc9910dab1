"""``briefs draft``: the next brief's draft (``briefs new``'s) enriched with an article.

The article's quotes go to their speaker's party's position (``said_on`` the day their sentence
names, else the publication date), its dated sentences become events, and its sentences on open
issues become lines of those issues' notes; the article is added as a source. Every one of
them is machine-drafted: events and notes say so in their text (``[machine-drafted from S27,
chars a-b]``), and stderr lists every item with its span for review. The draft validates and
pushes as it is (``briefs validate``, ``briefs push``); ``--items FILE`` writes the list as JSON
for tools (the TUI's review screen reads the same `ArticleDraft`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import msgspec

from service.cli._article import add_article_arguments, read_article, read_registry
from service.cli._command import Arg, Command, date_option
from service.cli._target import add_target_arguments
from service.cli.new import output_argument

if TYPE_CHECKING:
    from service.domain.extract.article import ArticleSource
    from service.domain.extract.draft import ArticleDraft


def run(args: argparse.Namespace) -> int:
    """Draft the brief from the article and write it; 1 or 2 on what cannot be done."""
    from service.cli._target import TargetError, open_target, report
    from service.cli.new import draft, write
    from service.domain.extract.article import ArticleDraftRequest, draft_article

    as_of: dt.date = args.as_of or args.published
    try:
        text = read_article(args.article)
        extra = read_registry(args.registry)
        with open_target(args) as target:
            base, note = draft(
                target, as_of, brief_id=args.brief_id, force=args.force, story=args.story
            )
            story = target.story()
        request = ArticleDraftRequest(
            text=text, published=args.published, source=source_of(args), as_of=as_of
        )
    except TargetError as error:
        return report(args, error)
    result = draft_article(base, request, story, extra=extra)
    _print_items(result)
    if args.items is not None:
        from service.domain import codec

        args.items.write_bytes(codec.encode_pretty(result.drafted))
    return write(args, result.brief, f"{note}; {len(result.drafted)} items machine-drafted")


def source_of(args: argparse.Namespace) -> ArticleSource:
    """The article as a source, from ``--outlet``, ``--source-url`` and the rest."""
    from service.cli._target import TargetError
    from service.cli.main import EXIT_USAGE
    from service.domain.extract.article import ArticleSource

    try:
        return msgspec.convert(
            {
                "outlet": args.outlet,
                "title": args.source_title,
                "url": args.source_url,
                "id": args.source_id,
            },
            ArticleSource,
        )
    except msgspec.ValidationError as error:
        raise TargetError(
            f"--outlet, --source-url, --source-id: {error}", code=EXIT_USAGE
        ) from None


def _print_items(result: ArticleDraft) -> None:
    for item in result.drafted:
        print(
            f"machine-drafted {item.kind} -> {item.target} (chars {item.start}-{item.end}): "
            f"{item.text[:100]}",
            file=sys.stderr,
        )


register = Command(
    name="draft",
    handler=run,
    help="draft the next brief from an article: quotes, dated events and issue notes",
    description=(
        "Write the draft `briefs new` would, dated --published (or --as-of), with the\n"
        "article's quotes, dated events and issue hints drafted into it, each marked as\n"
        "machine-drafted with its span. Review them, then `briefs validate` and `briefs push`."
    ),
    epilog=(
        "examples:\n"
        "  briefs draft --article article.txt --published 2025-03-20 \\\n"
        "      --outlet Reuters --source-url https://example.org/story \\\n"
        "      fixtures/stories/ceasefire-2025 -o draft.json"
    ),
    arguments=(
        Arg("--article", required=True, type=Path, metavar="FILE", help="the article, plain text"),
        add_article_arguments,
        add_target_arguments,
        date_option("--as-of", "the brief's date (default: --published)"),
        Arg("--outlet", default="Article", help="the source's outlet name"),
        Arg("--source-url", metavar="URL", help="the article's URL"),
        Arg("--source-title", default="", metavar="TITLE", help="the article's title"),
        Arg("--source-id", metavar="ID", help="the source's id (default: the next free S-number)"),
        output_argument,
        Arg("--items", type=Path, metavar="FILE", help="write the drafted items as JSON"),
        Arg("--id", dest="brief_id", metavar="ID", help="the brief's id (default: brief-DATE)"),
        Arg("--force", action="store_true", help="overwrite FILE, allow a date before the latest"),
    ),
)
