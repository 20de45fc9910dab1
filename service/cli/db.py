"""``briefs db``: database operations.

* ``briefs db upgrade`` applies pending schema migrations (servers also do it at start; run it
  before rolling out a release to make the step explicit and visible).
* ``briefs db backup PATH`` copies the SQLite database with SQLite's online backup API: the copy
  is a consistent snapshot even while the server is writing. PostgreSQL has its own tool for that,
  ``pg_dump``, and the command says so instead of doing something weaker.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sqlite3
import sys
from pathlib import Path

from service.cli._command import Arg, Command, CommandGroup
from service.cli._database import settings_or_report


def run_upgrade(args: argparse.Namespace) -> int:
    """Apply pending migrations and say which."""
    del args
    settings = settings_or_report("briefs db")
    if settings is None:
        return 2
    # Imported here so that `briefs --help` does not load the store and its drivers.
    from service.store.factory import upgrade

    applied = asyncio.run(upgrade(settings))
    if applied:
        versions = ", ".join(str(version) for version in applied)
        print(f"applied migrations: {versions}")
    else:
        print("schema is current: no migration to apply")
    return 0


def run_backup(args: argparse.Namespace) -> int:
    """Back up the SQLite database to ``args.path``; refuse for PostgreSQL."""
    settings = settings_or_report("briefs db")
    if settings is None:
        return 2
    if settings.is_postgres:
        print(
            "briefs db backup: BRIEFS_DATABASE_URL names PostgreSQL; back it up with pg_dump, "
            'e.g. pg_dump --format=custom --file=briefs.dump "$BRIEFS_DATABASE_URL"',
            file=sys.stderr,
        )
        return 2
    target: Path = args.path
    if target.exists() and not args.force:
        print(f"briefs db backup: {target} exists (use --force to overwrite)", file=sys.stderr)
        return 1
    try:
        pages = backup_sqlite(settings.sqlite_path, target)
    except (OSError, sqlite3.Error, BackupError) as error:
        print(f"briefs db backup: {error}", file=sys.stderr)
        return 1
    print(f"backed up {settings.sqlite_path} to {target} ({pages} pages, integrity ok)")
    return 0


class BackupError(Exception):
    """The copy could not be made or failed its integrity check."""


def backup_sqlite(source: Path, target: Path) -> int:
    """Copy ``source`` to ``target`` as one consistent snapshot; returns the page count.

    The copy is written next to ``target`` and renamed into place only after
    ``PRAGMA integrity_check`` passed, so ``target`` is never a partial or broken file.
    """
    if not source.is_file():
        raise BackupError(f"no database at {source}")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    # mode=rw: never create an empty database when the path is wrong.
    with contextlib.closing(
        sqlite3.connect(f"{source.resolve().as_uri()}?mode=rw", uri=True)
    ) as db:
        db.execute("PRAGMA busy_timeout = 10000")
        with contextlib.closing(sqlite3.connect(partial)) as copy:
            # pages=-1 copies everything in one step under one read transaction: a snapshot.
            db.backup(copy, pages=-1)
            copy.execute("PRAGMA journal_mode = DELETE")  # a single self-contained file
            verdict = copy.execute("PRAGMA integrity_check").fetchone()[0]
            pages = int(copy.execute("PRAGMA page_count").fetchone()[0])
    if verdict != "ok":
        partial.unlink(missing_ok=True)
        raise BackupError(f"the copy failed its integrity check: {verdict}")
    partial.replace(target)
    return pages


register = CommandGroup(
    name="db",
    help="database operations: upgrade (migrations), backup (SQLite)",
    description="Operate on the database that BRIEFS_DATABASE_URL names.",
    dest="db_command",
    actions=(
        Command(
            name="upgrade",
            handler=run_upgrade,
            help="apply pending schema migrations",
            description="Apply pending schema migrations; safe while servers run.",
        ),
        Command(
            name="backup",
            handler=run_backup,
            help="copy the SQLite database to PATH, consistently, while the server runs",
            description=(
                "Write a consistent copy of the SQLite database to PATH using SQLite's online "
                "backup API (safe while the server writes), then check the copy's integrity. "
                "For PostgreSQL use pg_dump."
            ),
            arguments=(
                Arg("path", metavar="PATH", type=Path, help="file to write the copy to"),
                Arg("--force", action="store_true", help="overwrite PATH if it exists"),
            ),
        ),
    ),
)
