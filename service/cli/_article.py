"""What ``briefs extract`` and ``briefs draft`` share: reading an article file, the story's
registry, and the ``--published``/``--registry`` arguments."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from service.cli._command import date_option
from service.cli._target import TargetError
from service.cli.main import EXIT_USAGE

if TYPE_CHECKING:
    from service.domain.extract.registry import Registry


def add_article_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``--published`` and ``--registry``."""
    date_option(
        "--published",
        "the article's publication date (YYYY-MM-DD): relative dates resolve against it",
        required=True,
    )(parser)
    parser.add_argument(
        "--registry",
        type=Path,
        metavar="FILE",
        help="a JSON registry of extra party names and issue keywords (docs/extraction.md)",
    )


def read_article(path: Path) -> str:
    """The article's text (UTF-8 plain text); `TargetError` (code 2) when it cannot be read."""
    from service.domain.extract.article import ArticleTextError, article_text

    try:
        return article_text(path.read_bytes())
    except OSError as error:
        raise TargetError(f"{path}: {error.strerror or error}", code=EXIT_USAGE) from None
    except ArticleTextError as error:
        raise TargetError(f"{path}: {error}", code=EXIT_USAGE) from None


def read_registry(path: Path | None) -> Registry | None:
    """The ``--registry`` file, or None; `TargetError` (code 2) naming the bad field."""
    if path is None:
        return None
    import msgspec

    from service.domain.extract.registry import Registry

    try:
        return msgspec.json.decode(path.read_bytes(), type=Registry)
    except OSError as error:
        raise TargetError(
            f"--registry {path}: {error.strerror or error}", code=EXIT_USAGE
        ) from None
    except msgspec.DecodeError as error:
        raise TargetError(f"--registry {path}: {error}", code=EXIT_USAGE) from None
