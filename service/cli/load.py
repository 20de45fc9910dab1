"""``briefs load PATH...``: import story folders into the database, idempotently.

Each PATH is a story folder (holding ``story.json``) or a folder of them. Revisions already stored
identically are skipped, so running it twice stores nothing new the second time.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from service.cli._command import Arg, Command
from service.cli._database import settings_or_report, with_store

if TYPE_CHECKING:
    from service.settings import Settings
    from service.store.base import Store


async def load_paths(settings: Settings, paths: list[Path]) -> list[str]:
    """Import every story folder under ``paths``; returns one report line per story."""
    from service.domain.files import find_story_dirs, load_story_dir

    folders = [folder for path in paths for folder in find_story_dirs(path)]
    loaded = [load_story_dir(folder) for folder in folders]  # decode everything before writing

    async def import_all(store: Store) -> list[str]:
        lines = []
        for story_folder in loaded:
            report = await store.import_folder(story_folder)
            lines.append(
                f"{story_folder.story.id}: "
                f"{'story created' if report.stories_created else 'story exists'}, "
                f"{report.revisions_created} revision(s) stored, "
                f"{report.revisions_unchanged} already present"
            )
        return lines

    return await with_store(settings, import_all)


def run(args: argparse.Namespace) -> int:
    """Import the folders and print what was stored."""
    settings = settings_or_report("briefs load", database_url=args.database_url)
    if settings is None:
        return 2
    from service.domain.errors import DomainError
    from service.domain.files import StoryFileError

    missing = [path for path in args.paths if not path.exists()]
    if missing:
        print(f"briefs load: no such path: {missing[0]}", file=sys.stderr)
        return 2
    try:
        lines = asyncio.run(load_paths(settings, args.paths))
    except (StoryFileError, DomainError) as error:
        print(f"briefs load: {error}", file=sys.stderr)
        return 1
    # The database's own errors (unreachable, full) are reported by the one boundary, `main`.
    if not lines:
        print("briefs load: no story folder (story.json) found", file=sys.stderr)
        return 1
    for line in lines:
        print(line)
    return 0


register = Command(
    name="load",
    handler=run,
    help="import story folders into the database (idempotent)",
    description="Import story folders (story.json + briefs/*.json) into BRIEFS_DATABASE_URL.",
    arguments=(
        Arg("paths", metavar="PATH", nargs="+", type=Path, help="story folder(s)"),
        Arg(
            "--database-url",
            help="sqlite:///PATH or postgresql://... (overrides BRIEFS_DATABASE_URL)",
        ),
    ),
)
