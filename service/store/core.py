"""The SQL store: every read and write of `Store`, written once over a `Driver`.

Reads are single statements (``driver.one``/``driver.all``: on SQLite they run inline on the
event loop, on PostgreSQL on a pooled connection); every write is one ``driver.transaction`` of a
function in `service.store.writes`. What differs between the backends is in their drivers.
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
import time
from collections.abc import Awaitable, Callable
from typing import Any, Concatenate, ParamSpec, TypeVar

import msgspec

from service.domain import codec
from service.domain.changelog import Change
from service.domain.errors import InvalidContentError, NotFoundError
from service.domain.files import StoryFolder
from service.domain.models import Brief, BriefContent, BriefDraft, BriefRef, Story, StoryUpdate
from service.domain.views import StorySummary
from service.domain.wire import BriefPage, BriefQuery, Scope
from service.store import outbox, writes
from service.store.base import (
    ChangeListener,
    EncodedBriefPage,
    Health,
    ImportReport,
    Now,
    Observer,
    Store,
    TokenRecord,
)
from service.store.changelog import ChangeLog
from service.store.driver import Dialect, Driver, Row, Tx, UniqueViolationError
from service.store.listing import CURRENT_JOIN, list_briefs_sql
from service.store.records import NUL_MESSAGE, encode_cursor, first_revision, stale_revision
from service.store.webhooks import WebhookSQL

P = ParamSpec("P")
T = TypeVar("T")

_CURRENT = f"SELECT r.body {CURRENT_JOIN} WHERE b.story_id = ?"
# A withdrawn brief (status canceled) is never the latest, nor the previous of another; the
# partial indexes briefs_standing keep these lookups index-only.
_STANDING = " AND b.status <> 'canceled'"
# Index-only lookups of a current revision (briefs_current / briefs_by_date cover them).
_REF = "SELECT brief_id, as_of, revision FROM briefs WHERE story_id = ?"
_REF_BY_ID = f"{_REF} AND brief_id = ?"
_REF_BY_DATE = f"{_REF} AND as_of = ?"
_REF_LATEST = f"{_REF} AND status <> 'canceled' ORDER BY as_of DESC LIMIT 1"
# The story version (``story_version_of``): a scan of a covering index of ``briefs``.
_VERSION = "SELECT sum(revision) FROM briefs WHERE story_id = ?"
_TOKEN = "SELECT id, name, scopes, secret_hash, created_at, revoked_at FROM api_tokens"  # noqa: S105 - SQL, not a secret

OPERATIONS = tuple(
    name
    for protocol in Store.__bases__  # the concerns `Store` composes (and ``Protocol``)
    for name, member in vars(protocol).items()
    if inspect.iscoroutinefunction(member)
)
"""The store's operations, as its metrics name them (every coroutine method of `Store`)."""


class SQLStore(WebhookSQL):
    """A `Store` over a driver; ``SQLiteStore`` and ``PostgresStore`` name their driver."""

    def __init__(self, driver: Driver) -> None:
        self.driver = driver
        self.backend = driver.dialect.backend
        self.applied_migrations: list[int] = []
        self._d = driver.dialect
        self._changes = ChangeLog(driver, self._require_story)

    # --- lifecycle ----------------------------------------------------------------------------

    async def open(self) -> None:
        """Connect and apply pending migrations."""
        self.applied_migrations = await self.driver.open()

    async def close(self) -> None:
        """Release connections and threads."""
        await self.driver.close()

    async def health(self) -> Health:
        """The driver's readiness check."""
        return await self.driver.health()

    def observe(self, observer: Observer) -> None:
        """Time every operation from now on, and tell ``observer``.

        Each operation is wrapped once, on this instance (replacing an earlier observer's
        wrapper), so a store nobody observes pays nothing, and an observed one a clock read
        either side of a call.
        """
        for name in OPERATIONS:
            method = getattr(type(self), name).__get__(self)
            setattr(self, name, _timed(name, method, observer))

    # --- stories ------------------------------------------------------------------------------

    async def is_empty(self) -> bool:
        """Whether no story is stored yet."""
        return await self.driver.one("SELECT 1 FROM stories LIMIT 1") is None

    async def list_stories(self) -> list[StorySummary]:
        """Every story with its brief count, latest as-of and the latest brief's open issues."""
        rows = await self.driver.all(
            "SELECT id, title, brief_count, latest_as_of, open_issue_count FROM stories ORDER BY id"
        )
        return [
            StorySummary(
                id=story_id,
                title=title,
                brief_count=count,
                latest_as_of=dt.date.fromisoformat(as_of) if as_of else None,
                open_issue_count=open_issues,
            )
            for story_id, title, count, as_of, open_issues in rows
        ]

    async def get_story(self, story_id: str) -> Story:
        """One story; raises ``NotFoundError``."""
        row = await self.driver.one("SELECT body FROM stories WHERE id = ?", story_id)
        if row is None:
            raise _no_story(story_id)
        return codec.decode_story(row[0])

    async def create_story(self, story: Story) -> Story:
        """Store a new story; raises ``ConflictError`` if the id exists."""
        return await self._write(writes.create_story, story)

    async def update_story(self, story_id: str, update: StoryUpdate) -> Story:
        """Change a story's metadata; raises ``NotFoundError``."""
        return await self._write(writes.update_story, story_id, update)

    # --- briefs -------------------------------------------------------------------------------

    async def create_brief(
        self, story_id: str, draft: BriefDraft, now: dt.datetime, *, revised_by: str | None = None
    ) -> Brief:
        """Store revision 1 of a new brief; ``ConflictError`` if its id or as-of date exists.
        Its change's diff is computed first, outside the transaction (see `outbox`)."""
        brief = first_revision(story_id, draft, now, revised_by)
        counted = await outbox.count_new_brief(self.driver, brief)
        return await self._write(
            writes.create_brief, story_id, draft, now, revised_by=revised_by, counted=counted
        )

    async def update_brief(
        self,
        story_id: str,
        brief_id: str,
        content: BriefContent,
        expected: int | None,
        now: Now,
        *,
        revised_by: str | None = None,
    ) -> Brief:
        """Append a revision if ``expected`` is current (compare-and-set), else raise
        ``PreconditionFailedError``."""
        try:
            key = (story_id, brief_id)
            return await self._write(
                writes.append_revision,
                key,
                content,
                expected=expected,
                now=now,
                revised_by=revised_by,
            )
        except UniqueViolationError:  # revision n + 1 exists already (the schema's backstop)
            row = await self.driver.one(
                "SELECT max(revision) FROM brief_revisions WHERE story_id = ? AND brief_id = ?",
                story_id,
                brief_id,
            )
            current = int(row[0]) if row and row[0] else 0
            raise stale_revision(story_id, brief_id, expected or current, current) from None

    async def get_brief(self, story_id: str, brief_id: str, revision: int | None = None) -> Brief:
        """The latest (or the given) revision of a brief; raises ``NotFoundError``."""
        if revision is None:
            row = await self.driver.one(f"{_CURRENT} AND b.brief_id = ?", story_id, brief_id)
        else:
            row = await self.driver.one(writes.REVISION_BODY, story_id, brief_id, revision)
        if row is None:
            raise await self._brief_not_found(story_id, brief_id, revision)
        return codec.decode_brief(row[0])

    async def get_brief_on(self, story_id: str, as_of: dt.date) -> Brief:
        """The latest revision of the brief dated ``as_of``; raises ``NotFoundError``."""
        row = await self.driver.one(f"{_CURRENT} AND b.as_of = ?", story_id, as_of.isoformat())
        if row is None:
            await self._require_story(story_id)
            raise NotFoundError(f"story {story_id!r} has no brief dated {as_of.isoformat()}")
        return codec.decode_brief(row[0])

    async def latest_brief(self, story_id: str) -> Brief:
        """The latest revision of the most recent brief not withdrawn; raises ``NotFoundError``."""
        sql = f"{_CURRENT}{_STANDING} ORDER BY b.as_of DESC LIMIT 1"
        row = await self.driver.one(sql, story_id)
        if row is None:
            raise await self._no_latest(story_id)
        return codec.decode_brief(row[0])

    async def previous_brief(self, story_id: str, as_of: dt.date) -> Brief | None:
        """The latest revision of the brief not withdrawn dated just before ``as_of``, if any."""
        sql = f"{_CURRENT}{_STANDING} AND b.as_of < ? ORDER BY b.as_of DESC LIMIT 1"
        row = await self.driver.one(sql, story_id, as_of.isoformat())
        return None if row is None else codec.decode_brief(row[0])

    async def current_ref(self, story_id: str, brief_ref: str | dt.date) -> BriefRef:
        """The current revision of the brief with this id or as-of date: one index-only row."""
        if isinstance(brief_ref, dt.date):
            row = await self.driver.one(_REF_BY_DATE, story_id, brief_ref.isoformat())
            if row is None:
                await self._require_story(story_id)
                raise NotFoundError(
                    f"story {story_id!r} has no brief dated {brief_ref.isoformat()}"
                )
        else:
            row = await self.driver.one(_REF_BY_ID, story_id, brief_ref)
            if row is None:
                raise await self._brief_not_found(story_id, brief_ref, None)
        return _ref(row)

    async def latest_ref(self, story_id: str) -> BriefRef:
        """The current revision of the most recent brief not withdrawn: one index-only row."""
        row = await self.driver.one(_REF_LATEST, story_id)
        if row is None:
            raise await self._no_latest(story_id)
        return _ref(row)

    async def revision_json(self, story_id: str, brief_id: str, revision: int) -> bytes:
        """A revision's canonical bytes: as stored where the backend keeps them (SQLite),
        re-encoded where it does not (``jsonb`` keeps neither key order nor spacing)."""
        row = await self.driver.one(writes.REVISION_BODY, story_id, brief_id, revision)
        if row is None:
            raise await self._brief_not_found(story_id, brief_id, revision)
        return self._canonical(row[0])

    async def list_revisions(self, story_id: str, brief_id: str) -> list[Brief]:
        """Every revision of a brief, oldest first; raises ``NotFoundError``."""
        rows = await self.driver.all(
            "SELECT body FROM brief_revisions WHERE story_id = ? AND brief_id = ?"
            " ORDER BY revision",
            story_id,
            brief_id,
        )
        if not rows:
            raise await self._brief_not_found(story_id, brief_id, None)
        return [codec.decode_brief(row[0]) for row in rows]

    async def revision_refs(self, story_id: str, brief_id: str) -> list[BriefRef]:
        """Every revision of a brief with its provenance, oldest first, from the revision rows'
        columns (no body is read); raises ``NotFoundError``."""
        rows = await self.driver.all(
            "SELECT brief_id, as_of, revision, revised_at, revised_by, change_note"
            " FROM brief_revisions WHERE story_id = ? AND brief_id = ? ORDER BY revision",
            story_id,
            brief_id,
        )
        if not rows:
            raise await self._brief_not_found(story_id, brief_id, None)
        return [
            BriefRef(
                brief_id=row_id,
                as_of=dt.date.fromisoformat(as_of),
                revision=revision,
                revised_at=dt.datetime.fromisoformat(revised_at),
                revised_by=revised_by,
                change_note=change_note,
            )
            for row_id, as_of, revision, revised_at, revised_by, change_note in rows
        ]

    async def list_briefs(self, story_id: str, query: BriefQuery) -> BriefPage:
        """Latest revisions matching the filters, by as-of date, keyset-paginated."""
        rows, cursor = await self._page(story_id, query)
        return BriefPage(items=[codec.decode_brief(row[0]) for row in rows], next_cursor=cursor)

    async def list_briefs_encoded(self, story_id: str, query: BriefQuery) -> EncodedBriefPage:
        """``list_briefs`` with each revision's canonical bytes (see ``revision_json``)."""
        rows, cursor = await self._page(story_id, query)
        if self._d.canonical_bodies:  # a hot read: the stored bytes, without a call per item
            return EncodedBriefPage(items=[msgspec.Raw(row[0]) for row in rows], next_cursor=cursor)
        items = [msgspec.Raw(self._canonical(row[0])) for row in rows]
        return EncodedBriefPage(items=items, next_cursor=cursor)

    async def story_briefs(self, story_id: str) -> list[Brief]:
        """The latest revision of every brief of a story, by as-of date."""
        rows = await self.driver.all(f"{_CURRENT} ORDER BY b.as_of", story_id)
        if not rows:
            await self._require_story(story_id)
        return [codec.decode_brief(row[0]) for row in rows]

    async def story_version(self, story_id: str) -> int:
        """The sum of the current revision numbers of the story's briefs, from an index."""
        row = await self.driver.one(_VERSION, story_id)
        version = None if row is None else row[0]  # an aggregate: always one row
        if version is None:
            await self._require_story(story_id)
            return 0
        return int(version)

    async def import_folder(self, folder: StoryFolder) -> ImportReport:
        """Idempotently store a story folder: existing identical revisions are skipped."""
        return await self._write(writes.import_folder, folder)

    # --- tokens -------------------------------------------------------------------------------

    async def create_token(self, record: TokenRecord) -> None:
        """Store a token record; raises ``ConflictError`` if the name is taken."""
        await self._write(writes.create_token, record)

    async def find_token(self, secret_hash: str) -> TokenRecord | None:
        """The token with this secret hash (revoked ones included), if any."""
        row = await self.driver.one(f"{_TOKEN} WHERE secret_hash = ?", secret_hash)
        return None if row is None else self._token(row)

    async def list_tokens(self) -> list[TokenRecord]:
        """Every token, revoked ones included, by creation time."""
        rows = await self.driver.all(f"{_TOKEN} ORDER BY created_at, id")
        return [self._token(row) for row in rows]

    async def revoke_token(self, name_or_id: str, now: dt.datetime) -> TokenRecord:
        """Mark a token revoked; raises ``NotFoundError``."""
        token_id = await self._write(writes.revoke_token, name_or_id, now)
        row = await self.driver.one(f"{_TOKEN} WHERE id = ?", token_id)
        assert row is not None  # tokens are never deleted
        return self._token(row)

    # --- the change log ------------------------------------------------------------------------

    async def changes_after(
        self, after: int, *, story_id: str | None = None, limit: int = 100
    ) -> list[Change]:
        """Up to ``limit`` changes after id ``after``, oldest first; ``NotFoundError`` for an
        unknown ``story_id``."""
        return await self._changes.changes_after(after, story_id=story_id, limit=limit)

    async def last_change_id(self, story_id: str | None = None) -> int:
        """The newest change id (of one story, or of all), 0 when there is none."""
        return await self._changes.last_change_id(story_id)

    def on_change(self, listener: ChangeListener) -> Callable[[], None]:
        """Call ``listener`` after every committed change, of any process or replica."""
        return self._changes.on_change(listener)

    # --- plumbing -----------------------------------------------------------------------------

    async def _write(
        self,
        work: Callable[Concatenate[Tx, Dialect, P], Awaitable[T]],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        return await self.driver.transaction(lambda tx: work(tx, self._d, *args, **kwargs))

    async def _page(self, story_id: str, query: BriefQuery) -> tuple[list[Row], str | None]:
        sql, params = list_briefs_sql(self._d.contains, story_id, query)
        rows = await self.driver.all(sql, *params)
        if not rows and query.cursor is None:
            await self._require_story(story_id)
        page = rows[: query.limit]
        more = len(rows) > query.limit
        cursor = encode_cursor(dt.date.fromisoformat(page[-1][1]), page[-1][2]) if more else None
        return page, cursor

    def _canonical(self, body: bytes | str) -> bytes:
        if self._d.canonical_bodies and isinstance(body, bytes):
            return body
        return codec.encode(codec.decode_brief(body))

    def _token(self, row: Row) -> TokenRecord:
        token_id, name, scopes, secret_hash, created_at, revoked_at = row
        return TokenRecord(
            id=token_id,
            name=name,
            scopes=[Scope(scope) for scope in self._d.scopes_value(scopes)],
            secret_hash=secret_hash,
            created_at=dt.datetime.fromisoformat(created_at),
            revoked_at=dt.datetime.fromisoformat(revoked_at) if revoked_at else None,
        )

    async def _require_story(self, story_id: str) -> None:
        if await self.driver.one("SELECT 1 FROM stories WHERE id = ?", story_id) is None:
            raise _no_story(story_id)

    async def _no_latest(self, story_id: str) -> NotFoundError:
        await self._require_story(story_id)
        return NotFoundError(f"story {story_id!r} has no briefs yet, or every one is withdrawn")

    async def _brief_not_found(
        self, story_id: str, brief_id: str, revision: int | None
    ) -> NotFoundError:
        await self._require_story(story_id)
        exists = await self.driver.one(
            "SELECT 1 FROM briefs WHERE story_id = ? AND brief_id = ?", story_id, brief_id
        )
        if exists is None:
            _reject_nul(brief_id)
            return NotFoundError(f"brief {brief_id!r} does not exist in story {story_id!r}")
        return NotFoundError(f"brief {brief_id!r} of story {story_id!r} has no revision {revision}")


def _no_story(story_id: str) -> NotFoundError:
    _reject_nul(story_id)
    return NotFoundError(f"story {story_id!r} does not exist")


def _reject_nul(identifier: str) -> None:
    # What PostgreSQL's driver refuses to send, refused alike on SQLite (where it finds nothing).
    if "\x00" in identifier:
        raise InvalidContentError([("$", NUL_MESSAGE)])


def _ref(row: Row) -> BriefRef:
    brief_id, as_of, revision = row
    return BriefRef(brief_id=brief_id, as_of=dt.date.fromisoformat(as_of), revision=revision)


def _timed(
    operation: str, method: Callable[..., Awaitable[Any]], observer: Observer
) -> Callable[..., Awaitable[Any]]:
    @functools.wraps(method)
    async def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            result = await method(*args, **kwargs)
        except BaseException:
            observer(operation, time.perf_counter() - started, False)
            raise
        observer(operation, time.perf_counter() - started, True)
        return result

    return timed
