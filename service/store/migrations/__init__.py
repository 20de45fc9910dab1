"""Numbered SQL migrations, one file for both backends (``0001_initial.sql``, ...).

A migration is applied once, inside a transaction, and recorded in ``schema_migrations`` (its
version, the file's number, and its name); the runners live with each backend. The SQL a released
migration renders to is never changed: add ``000N_*.sql`` instead.

Each file states its migration once, and where the dialects differ it says so in one of two ways:

* a **type token**, ``{date}`` and the others in ``DIALECT_TOKENS``, for a column type (or table
  option) that each backend spells its own way; the types both spell alike (``TEXT``,
  ``INTEGER``) are written as they are;
* a **section**, for statements (or lines) only one backend runs, such as triggers (PL/pgSQL
  functions on PostgreSQL, ``BEGIN ... END`` bodies on SQLite): a line ``-- @postgres`` or
  ``-- @sqlite`` starts one, ``-- @both`` ends it, and so does the next section or the file's end.

``load_migrations(backend)`` renders a backend's SQL: it keeps the lines of that backend and of
both, drops the section lines, and replaces the tokens; an unknown token or section raises
``ValueError``, so a typo fails every test rather than reaching a database. Braces are therefore
reserved in migrations (no SQL here needs them).
"""

from __future__ import annotations

import functools
import re
from importlib import resources
from typing import Literal, get_args

import msgspec

Backend = Literal["sqlite", "postgres"]

DIALECT_TOKENS: dict[str, dict[Backend, str]] = {
    # SQLite keeps dates and timestamps as ISO 8601 text, which sorts correctly.
    "date": {"postgres": "DATE", "sqlite": "TEXT"},
    "timestamp": {"postgres": "TIMESTAMPTZ", "sqlite": "TEXT"},
    # An encoded (msgspec JSON) Story or Brief: jsonb so psql can query it ad hoc.
    "json": {"postgres": "JSONB", "sqlite": "BLOB"},
    # On SQLite a JSON array of the strings.
    "text_array": {"postgres": "TEXT[]", "sqlite": "TEXT"},
    # SQLite integers are 64-bit already.
    "bigint": {"postgres": "BIGINT", "sqlite": "INTEGER"},
    "float": {"postgres": "DOUBLE PRECISION", "sqlite": "REAL"},
    # An id the database hands out, never twice (AUTOINCREMENT: not even after a delete).
    "identity": {
        "postgres": "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
        "sqlite": "INTEGER PRIMARY KEY AUTOINCREMENT",
    },
    # After a table's closing parenthesis: a clustered table, for the small link tables.
    "without_rowid": {"postgres": "", "sqlite": " WITHOUT ROWID"},
}
"""``{token}`` in a migration: what each backend writes for it."""

_SECTION = re.compile(r"-- @(\w+)")
_TOKEN = re.compile(r"\{(\w*)\}")
_BACKENDS: tuple[Backend, ...] = get_args(Backend)


class Migration(msgspec.Struct, kw_only=True, frozen=True):
    """One schema migration: its version (the file's number), name and SQL."""

    version: int
    name: str
    sql: str


def load_migrations(backend: Backend) -> list[Migration]:
    """Every migration, rendered for a backend, by version.

    Raises ``ValueError`` on a duplicate number, an unknown token or an unknown section.
    """
    migrations: list[Migration] = []
    for entry in resources.files(__package__).iterdir():
        if not entry.name.endswith(".sql"):
            continue
        number, _, rest = entry.name.partition("_")
        try:
            sql = render(entry.read_text(), backend)
        except ValueError as error:
            raise ValueError(f"migration {entry.name}: {error}") from None
        migrations.append(Migration(version=int(number), name=rest.removesuffix(".sql"), sql=sql))
    migrations.sort(key=lambda migration: migration.version)
    versions = [migration.version for migration in migrations]
    if len(set(versions)) != len(versions):
        raise ValueError(f"duplicate migration numbers: {versions}")
    return migrations


def render(source: str, backend: Backend) -> str:
    """A migration's SQL for one backend: its sections kept or dropped, its tokens replaced."""
    lines: list[str] = []
    section = "both"
    for line in source.splitlines(keepends=True):
        if marker := _SECTION.fullmatch(line.strip()):
            section = marker.group(1)
            if section != "both" and section not in _BACKENDS:
                raise ValueError(f"unknown section -- @{section}")
        elif section in ("both", backend):
            lines.append(_TOKEN.sub(lambda token: _token(token.group(1), backend), line))
    return "".join(lines)


def _token(name: str, backend: Backend) -> str:
    if name not in DIALECT_TOKENS:
        raise ValueError(f"unknown token {{{name}}}; known: {', '.join(DIALECT_TOKENS)}")
    return DIALECT_TOKENS[name][backend]


@functools.cache
def latest_version(backend: Backend) -> int:
    """The version a database of this backend has once every migration is applied."""
    return max(migration.version for migration in load_migrations(backend))
