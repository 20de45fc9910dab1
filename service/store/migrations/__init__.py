"""Numbered SQL migrations, one folder per backend (``sqlite/0001_initial.sql``, ...).

A migration is applied once, inside a transaction, and recorded in ``schema_migrations``; the
runners live with each backend. Files are never edited once released: add ``000N_*.sql`` instead.
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import Literal

import msgspec

Backend = Literal["sqlite", "postgres"]


class Migration(msgspec.Struct, kw_only=True, frozen=True):
    """One schema migration: its version (the file's number), name and SQL."""

    version: int
    name: str
    sql: str


def load_migrations(backend: Backend) -> list[Migration]:
    """Every migration of a backend, by version; raises ``ValueError`` on a duplicate number."""
    migrations: list[Migration] = []
    for entry in resources.files(__package__).joinpath(backend).iterdir():
        if not entry.name.endswith(".sql"):
            continue
        number, _, rest = entry.name.partition("_")
        migrations.append(
            Migration(version=int(number), name=rest.removesuffix(".sql"), sql=entry.read_text())
        )
    migrations.sort(key=lambda migration: migration.version)
    versions = [migration.version for migration in migrations]
    if len(set(versions)) != len(versions):
        raise ValueError(f"duplicate {backend} migration numbers: {versions}")
    return migrations


@functools.cache
def latest_version(backend: Backend) -> int:
    """The version a database of this backend has once every migration is applied."""
    return max(migration.version for migration in load_migrations(backend))
