"""The PostgreSQL store, for several replicas sharing one database: psycopg 3 (async) and an
``AsyncConnectionPool`` of ``db_pool_size`` autocommit connections per worker.

Reads are single statements (no transaction round trips); every write is one transaction in
``postgres_writes``. Migrations run at open under an advisory lock, so replicas starting together
apply each migration exactly once.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
import psycopg
from psycopg_pool import AsyncConnectionPool

from service.domain import codec
from service.domain.errors import NotFoundError, first_line
from service.domain.files import StoryFolder
from service.domain.models import (
    Brief,
    BriefContent,
    BriefDraft,
    BriefRef,
    Story,
    StoryUpdate,
)
from service.domain.views import StorySummary
from service.domain.wire import BriefPage, BriefQuery, Scope
from service.store import postgres_writes
from service.store.base import EncodedBriefPage, Health, ImportReport, TokenRecord
from service.store.listing import CURRENT_JOIN, Dialect, list_briefs_sql
from service.store.migrations import latest_version, load_migrations
from service.store.records import encode_cursor

_DIALECT = Dialect(
    placeholder="%s",
    body="r.body::text",
    contains="strpos(b.search_text, {}) > 0",
    date=lambda d: d,
)
_CURRENT = f"SELECT r.body::text {CURRENT_JOIN} WHERE b.story_id = %s"
_REF = "SELECT brief_id, as_of, revision FROM briefs WHERE story_id = %s"
_REVISION_BODY = (
    "SELECT body::text FROM brief_revisions WHERE story_id = %s AND brief_id = %s AND revision = %s"
)
# The story version (``story_version_of``): an index-only scan of briefs_by_date, which
# INCLUDEs revision (pages rewritten since the last vacuum are checked in the heap).
_VERSION = "SELECT sum(revision) FROM briefs WHERE story_id = %s"
_TOKEN = "SELECT id, name, scopes, secret_hash, created_at, revoked_at FROM api_tokens"  # noqa: S105 - SQL, not a secret
_HEALTH_TIMEOUT_SECONDS = 5.0
_MIGRATION_LOCK = 0x42524945  # "BRIE": the advisory lock key of the migration runner


class PostgresStore:
    """A `Store` on a PostgreSQL database (the schema is the URL's ``search_path``)."""

    backend = "postgres"

    def __init__(self, url: str, *, pool_size: int) -> None:
        self.url = url
        self.applied_migrations: list[int] = []
        self._pool: AsyncConnectionPool[Any] = AsyncConnectionPool(
            url,
            min_size=pool_size,  # a fixed pool: connection problems show at start-up
            max_size=pool_size,
            open=False,
            kwargs={"autocommit": True},
            name="briefs",
        )

    # --- lifecycle ----------------------------------------------------------------------------

    async def open(self) -> None:
        """Connect the pool and apply pending migrations."""
        await self._pool.open(wait=True, timeout=10.0)
        try:
            async with self._pool.connection() as connection:
                self.applied_migrations = await _migrate(connection)
        except BaseException:
            await self._pool.close()
            raise

    async def close(self) -> None:
        """Close every pooled connection."""
        await self._pool.close()

    async def health(self) -> Health:
        """Reachable, and the schema at the version this release expects."""
        expected = latest_version("postgres")
        try:
            async with self._pool.connection(timeout=_HEALTH_TIMEOUT_SECONDS) as connection:
                cursor = await connection.execute("SELECT max(version) FROM schema_migrations")
                row = await cursor.fetchone()
        except (psycopg.Error, OSError) as error:  # PoolTimeout is a psycopg.OperationalError
            detail = first_line(error)
            return Health(ok=False, backend=self.backend, detail=detail)
        version = int(row[0] or 0) if row else 0
        if version != expected:
            detail = f"schema version {version}, this release expects {expected}"
            return Health(ok=False, backend=self.backend, detail=detail)
        return Health(ok=True, backend=self.backend, detail=f"schema version {version}")

    # --- stories ------------------------------------------------------------------------------

    async def is_empty(self) -> bool:
        """Whether no story is stored yet."""
        return await self._one("SELECT 1 FROM stories LIMIT 1") is None

    async def list_stories(self) -> list[StorySummary]:
        """Every story with its brief count, latest as-of and the latest brief's open issues."""
        rows = await self._all(
            "SELECT id, title, brief_count, latest_as_of, open_issue_count FROM stories ORDER BY id"
        )
        return [
            StorySummary(
                id=story_id,
                title=title,
                brief_count=count,
                latest_as_of=as_of,
                open_issue_count=open_issues,
            )
            for story_id, title, count, as_of, open_issues in rows
        ]

    async def get_story(self, story_id: str) -> Story:
        """One story; raises ``NotFoundError``."""
        row = await self._one("SELECT body::text FROM stories WHERE id = %s", story_id)
        if row is None:
            raise NotFoundError(f"story {story_id!r} does not exist")
        return codec.decode_story(row[0])

    async def create_story(self, story: Story) -> Story:
        """Store a new story; raises ``ConflictError`` if the id exists."""
        async with self._pool.connection() as connection:
            return await postgres_writes.create_story(connection, story)

    async def update_story(self, story_id: str, update: StoryUpdate) -> Story:
        """Change a story's metadata; raises ``NotFoundError``."""
        async with self._pool.connection() as connection:
            return await postgres_writes.update_story(connection, story_id, update)

    # --- briefs -------------------------------------------------------------------------------

    async def create_brief(self, story_id: str, draft: BriefDraft, now: dt.datetime) -> Brief:
        """Store revision 1 of a new brief; ``ConflictError`` if its id or as-of date exists."""
        async with self._pool.connection() as connection:
            return await postgres_writes.create_brief(connection, story_id, draft, now)

    async def update_brief(
        self,
        story_id: str,
        brief_id: str,
        content: BriefContent,
        expected_revision: int,
        now: dt.datetime,
    ) -> Brief:
        """Append a revision if ``expected_revision`` is current (compare-and-set), else raise
        ``PreconditionFailedError``."""
        async with self._pool.connection() as connection:
            return await postgres_writes.update_brief(
                connection,
                story_id,
                brief_id,
                content,
                expected_revision=expected_revision,
                now=now,
            )

    async def get_brief(self, story_id: str, brief_id: str, revision: int | None = None) -> Brief:
        """The latest (or the given) revision of a brief; raises ``NotFoundError``."""
        if revision is None:
            row = await self._one(f"{_CURRENT} AND b.brief_id = %s", story_id, brief_id)
        else:
            row = await self._one(_REVISION_BODY, story_id, brief_id, revision)
        if row is None:
            raise await self._brief_not_found(story_id, brief_id, revision)
        return codec.decode_brief(row[0])

    async def get_brief_on(self, story_id: str, as_of: dt.date) -> Brief:
        """The latest revision of the brief dated ``as_of``; raises ``NotFoundError``."""
        row = await self._one(f"{_CURRENT} AND b.as_of = %s", story_id, as_of)
        if row is None:
            await self._require_story(story_id)
            raise NotFoundError(f"story {story_id!r} has no brief dated {as_of.isoformat()}")
        return codec.decode_brief(row[0])

    async def latest_brief(self, story_id: str) -> Brief:
        """The latest revision of the most recent brief; raises ``NotFoundError``."""
        row = await self._one(f"{_CURRENT} ORDER BY b.as_of DESC LIMIT 1", story_id)
        if row is None:
            await self._require_story(story_id)
            raise NotFoundError(f"story {story_id!r} has no briefs yet")
        return codec.decode_brief(row[0])

    async def previous_brief(self, story_id: str, as_of: dt.date) -> Brief | None:
        """The latest revision of the brief dated just before ``as_of``, if any."""
        row = await self._one(
            f"{_CURRENT} AND b.as_of < %s ORDER BY b.as_of DESC LIMIT 1", story_id, as_of
        )
        return None if row is None else codec.decode_brief(row[0])

    async def current_ref(self, story_id: str, brief_ref: str | dt.date) -> BriefRef:
        """The current revision of the brief with this id or as-of date: one index-only row."""
        if isinstance(brief_ref, dt.date):
            row = await self._one(f"{_REF} AND as_of = %s", story_id, brief_ref)
            if row is None:
                await self._require_story(story_id)
                raise NotFoundError(
                    f"story {story_id!r} has no brief dated {brief_ref.isoformat()}"
                )
        else:
            row = await self._one(f"{_REF} AND brief_id = %s", story_id, brief_ref)
            if row is None:
                raise await self._brief_not_found(story_id, brief_ref, None)
        return _ref(row)

    async def latest_ref(self, story_id: str) -> BriefRef:
        """The current revision of the most recent brief: one index-only row."""
        row = await self._one(f"{_REF} ORDER BY as_of DESC LIMIT 1", story_id)
        if row is None:
            await self._require_story(story_id)
            raise NotFoundError(f"story {story_id!r} has no briefs yet")
        return _ref(row)

    async def revision_json(self, story_id: str, brief_id: str, revision: int) -> bytes:
        """A revision re-encoded canonically (``jsonb`` keeps neither key order nor spacing)."""
        row = await self._one(_REVISION_BODY, story_id, brief_id, revision)
        if row is None:
            raise await self._brief_not_found(story_id, brief_id, revision)
        return codec.encode(codec.decode_brief(row[0]))

    async def list_revisions(self, story_id: str, brief_id: str) -> list[Brief]:
        """Every revision of a brief, oldest first; raises ``NotFoundError``."""
        rows = await self._all(
            "SELECT body::text FROM brief_revisions WHERE story_id = %s AND brief_id = %s"
            " ORDER BY revision",
            story_id,
            brief_id,
        )
        if not rows:
            raise await self._brief_not_found(story_id, brief_id, None)
        return [codec.decode_brief(row[0]) for row in rows]

    async def list_briefs(self, story_id: str, query: BriefQuery) -> BriefPage:
        """Latest revisions matching the filters, by as-of date, keyset-paginated."""
        sql, params = list_briefs_sql(_DIALECT, story_id, query)
        rows = await self._all(sql, *params)
        if not rows and query.cursor is None:
            await self._require_story(story_id)
        items = [codec.decode_brief(row[0]) for row in rows[: query.limit]]
        more = len(rows) > query.limit
        cursor = encode_cursor(items[-1].as_of, items[-1].id) if more else None
        return BriefPage(items=items, next_cursor=cursor)

    async def list_briefs_encoded(self, story_id: str, query: BriefQuery) -> EncodedBriefPage:
        """``list_briefs`` with each revision re-encoded canonically (see ``revision_json``)."""
        page = await self.list_briefs(story_id, query)
        items = [msgspec.Raw(codec.encode(brief)) for brief in page.items]
        return EncodedBriefPage(items=items, next_cursor=page.next_cursor)

    async def story_briefs(self, story_id: str) -> list[Brief]:
        """The latest revision of every brief of a story, by as-of date."""
        rows = await self._all(f"{_CURRENT} ORDER BY b.as_of", story_id)
        if not rows:
            await self._require_story(story_id)
        return [codec.decode_brief(row[0]) for row in rows]

    async def story_version(self, story_id: str) -> int:
        """The sum of the current revision numbers of the story's briefs, from the index."""
        row = await self._one(_VERSION, story_id)
        version = None if row is None else row[0]
        if version is None:
            await self._require_story(story_id)
            return 0
        return int(version)

    async def import_folder(self, folder: StoryFolder) -> ImportReport:
        """Idempotently store a story folder: existing identical revisions are skipped."""
        async with self._pool.connection() as connection:
            return await postgres_writes.import_folder(connection, folder)

    # --- tokens -------------------------------------------------------------------------------

    async def create_token(self, record: TokenRecord) -> None:
        """Store a token record; raises ``ConflictError`` if the name is taken."""
        async with self._pool.connection() as connection:
            await postgres_writes.create_token(connection, record)

    async def find_token(self, secret_hash: str) -> TokenRecord | None:
        """The token with this secret hash (revoked ones included), if any."""
        row = await self._one(f"{_TOKEN} WHERE secret_hash = %s", secret_hash)
        return None if row is None else _token(row)

    async def list_tokens(self) -> list[TokenRecord]:
        """Every token, revoked ones included, by creation time."""
        return [_token(row) for row in await self._all(f"{_TOKEN} ORDER BY created_at, id")]

    async def revoke_token(self, name_or_id: str, now: dt.datetime) -> TokenRecord:
        """Mark a token revoked; raises ``NotFoundError``."""
        async with self._pool.connection() as connection:
            token_id = await postgres_writes.revoke_token(connection, name_or_id, now)
        row = await self._one(f"{_TOKEN} WHERE id = %s", token_id)
        assert row is not None  # tokens are never deleted
        return _token(row)

    # --- plumbing -----------------------------------------------------------------------------

    async def _one(self, sql: str, *params: object) -> tuple[Any, ...] | None:
        async with self._pool.connection() as connection:
            cursor = await connection.execute(sql, params)
            row: tuple[Any, ...] | None = await cursor.fetchone()
            return row

    async def _all(self, sql: str, *params: object) -> list[tuple[Any, ...]]:
        async with self._pool.connection() as connection:
            cursor = await connection.execute(sql, params)
            rows: list[tuple[Any, ...]] = await cursor.fetchall()
            return rows

    async def _require_story(self, story_id: str) -> None:
        if await self._one("SELECT 1 FROM stories WHERE id = %s", story_id) is None:
            raise NotFoundError(f"story {story_id!r} does not exist")

    async def _brief_not_found(
        self, story_id: str, brief_id: str, revision: int | None
    ) -> NotFoundError:
        await self._require_story(story_id)
        exists = await self._one(
            "SELECT 1 FROM briefs WHERE story_id = %s AND brief_id = %s", story_id, brief_id
        )
        if exists is None:
            return NotFoundError(f"brief {brief_id!r} does not exist in story {story_id!r}")
        return NotFoundError(f"brief {brief_id!r} of story {story_id!r} has no revision {revision}")


async def _migrate(connection: psycopg.AsyncConnection[Any]) -> list[int]:
    """Apply pending migrations in one transaction under an advisory lock; returns them."""
    applied: list[int] = []
    async with connection.transaction():
        await connection.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
        await connection.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY,"
            " name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        cursor = await connection.execute("SELECT version FROM schema_migrations")
        done = {row[0] for row in await cursor.fetchall()}
        for migration in load_migrations("postgres"):
            if migration.version in done:
                continue
            await connection.execute(migration.sql.encode())  # no parameters: several statements
            await connection.execute(
                "INSERT INTO schema_migrations (version, name) VALUES (%s, %s)",
                (migration.version, migration.name),
            )
            applied.append(migration.version)
    return applied


def _ref(row: tuple[Any, ...]) -> BriefRef:
    brief_id, as_of, revision = row
    return BriefRef(brief_id=brief_id, as_of=as_of, revision=revision)


def _token(row: tuple[Any, ...]) -> TokenRecord:
    token_id, name, scopes, secret_hash, created_at, revoked_at = row
    return TokenRecord(
        id=token_id,
        name=name,
        scopes=[Scope(scope) for scope in scopes],
        secret_hash=secret_hash,
        created_at=created_at,
        revoked_at=revoked_at,
    )
