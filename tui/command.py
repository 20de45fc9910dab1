"""``briefs tui``: the terminal client, over a server (``--url``) or story folders (``--dir``).

The ``tui`` package contributes this command to ``briefs`` through the ``briefs.commands`` entry
point (pyproject.toml), so ``service`` never imports ``tui``. Textual and the screens are
imported inside the handler (they cost ~0.3 s), so registering keeps ``briefs --help`` fast.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from tui.source import DataSource

DEFAULT_URL = "http://127.0.0.1:8000"


def register(subparsers: Any) -> None:
    """Add the ``tui`` sub-command."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "tui",
        help="browse stories and briefs in the terminal, and see what changed",
        description=(
            "Browse stories, briefs and their diffs in the terminal. Reads a Briefs server "
            f"(--url, or BRIEFS_URL, default {DEFAULT_URL}) or story folders on disk (--dir)."
        ),
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--url", help=f"server base URL (default: $BRIEFS_URL or {DEFAULT_URL})")
    where.add_argument(
        "--dir",
        type=Path,
        metavar="PATH",
        help="a story folder, or a folder of story folders; no server needed",
    )
    parser.add_argument(
        "--token",
        help="API token (default: $BRIEFS_TOKEN, else the token file "
        "~/.config/briefs/token); with the write scope, the editing keys work",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=10.0,
        help="seconds to wait for the server per request (default: %(default)s)",
    )
    parser.set_defaults(handler=run, tui_parser=parser)


def run(args: argparse.Namespace) -> int:
    """Validate the options, build the data source, run the app."""
    parser: argparse.ArgumentParser = args.tui_parser
    target = _validate(parser, args)
    if not sys.stdout.isatty():
        print("briefs tui: needs a terminal (stdout is not a TTY)", file=sys.stderr)
        return 2
    from tui.app import BriefsApp

    source, notice = _source(target, args)
    BriefsApp(source, notices=[notice] if notice else []).run()
    return 0


def _validate(parser: argparse.ArgumentParser, args: argparse.Namespace) -> str | Path:
    """The folder or URL to read; exits with status 2 and a clear message when unusable."""
    if args.timeout <= 0:
        parser.error("--timeout must be a positive number of seconds")
    if args.dir is not None:
        folder: Path = args.dir
        if not folder.is_dir():
            parser.error(f"--dir {folder}: not a folder")
        if not (folder / "story.json").is_file() and next(folder.rglob("story.json"), None) is None:
            parser.error(f"--dir {folder}: no story.json in it or below it")
        return folder.resolve()
    url: str = args.url or os.environ.get("BRIEFS_URL") or DEFAULT_URL
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        parser.error(f"--url {url!r}: expected http://HOST[:PORT] or https://HOST[:PORT]")
    return url.rstrip("/")


def _source(target: str | Path, args: argparse.Namespace) -> tuple[DataSource, str | None]:
    """The data source, and a warning for the app to show (a refused token file)."""
    # Imported here for the same reason as BriefsApp: registration must stay cheap.
    from tui.credentials import choose_token
    from tui.sources.http import HttpSource
    from tui.sources.local import DirSource

    if isinstance(target, Path):
        return DirSource(target, timeout=args.timeout), None
    choice = choose_token(args.token, os.environ)
    return HttpSource.connect(target, choice.token, timeout=args.timeout), choice.problem
