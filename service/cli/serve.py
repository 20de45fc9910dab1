"""``briefs serve``: run the API on granian.

Settings come from ``BRIEFS_*`` environment variables plus the flags here; flags win. Workers are
separate processes that import ``service.api.asgi:app_from_environment``, so the flags reach them
through the environment: this command writes each given flag back as its ``BRIEFS_*`` variable
before starting granian.

On first start with an empty database the fixture stories are loaded once, here, before any worker
starts (unless ``--no-fixtures`` or ``BRIEFS_LOAD_FIXTURES=false``). SIGTERM/SIGINT stop granian
gracefully: in-flight requests finish, workers still busy after ``BRIEFS_SHUTDOWN_GRACE_SECONDS``
are killed.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import math
import os
import sys
from collections.abc import Mapping, MutableMapping
from pathlib import Path

from service.settings import ENV_PREFIX, ConfigError, Settings, load_settings

ASGI_TARGET = "service.api.asgi:app_from_environment"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``serve``."""
    parser = subparsers.add_parser(
        "serve",
        help="run the REST API (granian, ASGI)",
        description="Run the Briefs REST API. Configuration: BRIEFS_* variables and these flags.",
    )
    parser.add_argument("--host", help="interface to listen on (BRIEFS_HOST)")
    parser.add_argument("--port", type=int, help="TCP port (BRIEFS_PORT)")
    parser.add_argument(
        "--database-url", help="sqlite:///PATH or postgresql://... (BRIEFS_DATABASE_URL)"
    )
    parser.add_argument(
        "--no-fixtures",
        action="store_true",
        help="do not load the fixture stories into an empty database",
    )
    parser.set_defaults(handler=run)


def overrides_from(args: argparse.Namespace) -> dict[str, object]:
    """The settings the flags override (``None`` values are absent flags)."""
    return {
        "host": args.host,
        "port": args.port,
        "database_url": args.database_url,
        "load_fixtures": False if args.no_fixtures else None,
    }


def export_overrides(overrides: Mapping[str, object], environ: MutableMapping[str, str]) -> None:
    """Write the given overrides into ``environ`` as ``BRIEFS_*`` variables for the workers."""
    for name, value in overrides.items():
        if value is None:
            continue
        text = ("true" if value else "false") if isinstance(value, bool) else str(value)
        environ[f"{ENV_PREFIX}{name.upper()}"] = text


async def load_fixtures_if_empty(settings: Settings) -> list[str]:
    """Open and migrate the store; load the fixture stories if it holds none. Returns their ids."""
    from service.domain.files import find_story_dirs, load_story_dir
    from service.fixtures import default_fixtures_dir
    from service.store.factory import open_store

    store = await open_store(settings)
    try:
        if not settings.load_fixtures or not await store.is_empty():
            return []
        root = settings.fixtures_dir or default_fixtures_dir()
        loaded = []
        for folder in find_story_dirs(Path(root)):
            story_folder = load_story_dir(folder)
            await store.import_folder(story_folder)
            loaded.append(story_folder.story.id)
        return loaded
    finally:
        await store.close()


def run(args: argparse.Namespace) -> int:
    """Prepare the database, then serve until SIGTERM/SIGINT."""
    overrides = overrides_from(args)
    try:
        settings = load_settings(os.environ, **overrides)
    except ConfigError as error:
        print(f"briefs serve: {error}", file=sys.stderr)
        return 2
    from granian.constants import Interfaces
    from granian.log import LogLevels
    from granian.server import Server

    from service.domain.errors import first_line
    from service.domain.files import StoryFileError
    from service.observability.logs import (
        configure_logging,
        granian_log_config,
    )

    # Before the store opens: the pool's connection retries log in the app's format too.
    configure_logging(settings)

    try:
        loaded = asyncio.run(load_fixtures_if_empty(settings))
    except StoryFileError as error:
        print(f"briefs serve: cannot load fixtures: {error}", file=sys.stderr)
        return 1
    except Exception as error:  # drivers raise their own errors; report any in one line
        reason = first_line(error)
        print(f"briefs serve: cannot open the database: {reason}", file=sys.stderr)
        return 1
    if loaded:
        logging.getLogger("briefs.serve").info(
            "loaded fixture stories: %s", ", ".join(loaded), extra={"stories": loaded}
        )
    export_overrides(overrides, os.environ)
    server = Server(
        ASGI_TARGET,
        address=settings.host,
        port=settings.port,
        interface=Interfaces.ASGI,
        workers=settings.workers,
        factory=True,
        # Graceful shutdown: granian stops accepting, lets in-flight requests finish, and kills a
        # worker only when it is still busy after this many seconds.
        workers_kill_timeout=max(1, math.ceil(settings.shutdown_grace_seconds)),
        log_access=False,  # the app logs one structured access line per request itself
        # granian's own lines (start, workers, shutdown) in the app's format: one JSON per line.
        log_level=LogLevels(settings.log_level.lower()),
        log_dictconfig=granian_log_config(settings),
    )
    server.serve()
    return 0
