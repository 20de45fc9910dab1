"""The PostgreSQL write transactions (READ COMMITTED). The compare-and-set locks the brief's
current-revision row (``SELECT ... FOR UPDATE``), so concurrent editors on any replica queue on
it and see each other's commit; the primary key of ``brief_revisions`` is the backstop."""

from __future__ import annotations

import datetime as dt
from typing import Any

from psycopg import AsyncConnection, errors

from service.domain import codec
from service.domain.errors import (
    ConflictError,
    InvalidContentError,
    NotFoundError,
)
from service.domain.files import StoryFolder, sort_briefs
from service.domain.models import Brief, BriefContent, BriefDraft, Story, StoryUpdate
from service.store.base import ImportReport, TokenRecord
from service.store.records import (
    BriefIndex,
    brief_conflict,
    brief_index,
    first_revision,
    next_revision,
    stale_revision,
    updated_story,
)

Connection = AsyncConnection[tuple[Any, ...]]


async def create_story(connection: Connection, story: Story) -> Story:
    """Insert a story; ``ConflictError`` if the id exists."""
    try:
        async with connection.transaction():
            await _insert_story(connection, story)
    except errors.UniqueViolation:
        raise ConflictError(f"story {story.id!r} already exists") from None
    return story


async def update_story(connection: Connection, story_id: str, update: StoryUpdate) -> Story:
    """Change a story's metadata; ``NotFoundError`` if it does not exist."""
    async with connection.transaction():
        cursor = await connection.execute(
            "SELECT body::text FROM stories WHERE id = %s FOR UPDATE", (story_id,)
        )
        row = await cursor.fetchone()
        if row is None:
            raise NotFoundError(f"story {story_id!r} does not exist")
        story = updated_story(codec.decode_story(row[0]), update)
        await connection.execute(
            "UPDATE stories SET title = %s, body = %s::jsonb WHERE id = %s",
            (story.title, codec.encode(story).decode(), story_id),
        )
    return story


async def create_brief(
    connection: Connection, story_id: str, draft: BriefDraft, now: dt.datetime
) -> Brief:
    """Store revision 1 of a new brief; unique constraints settle concurrent creators."""
    brief = first_revision(story_id, draft, now)
    try:
        async with connection.transaction():
            if not await _lock_story(connection, story_id):
                raise NotFoundError(f"story {story_id!r} does not exist")
            cursor = await connection.execute(
                "SELECT brief_id FROM briefs WHERE story_id = %s AND (brief_id = %s OR as_of = %s)",
                (story_id, draft.id, draft.as_of),
            )
            clash = await cursor.fetchone()
            if clash is not None:
                raise brief_conflict(story_id, brief, clash[0])
            await _insert_revision(connection, brief)
            await _insert_current(connection, brief)
    except errors.UniqueViolation as error:
        clash_id = "" if error.diag.constraint_name == "briefs_as_of_key" else brief.id
        raise brief_conflict(story_id, brief, clash_id) from None
    except errors.ForeignKeyViolation:
        raise NotFoundError(f"story {story_id!r} does not exist") from None
    return brief


async def update_brief(
    connection: Connection,
    story_id: str,
    brief_id: str,
    content: BriefContent,
    *,
    expected_revision: int,
    now: dt.datetime,
) -> Brief:
    """Append revision ``n + 1`` if ``expected_revision`` is ``n`` (compare-and-set)."""
    try:
        async with connection.transaction():
            if not await _lock_story(connection, story_id):
                raise NotFoundError(f"story {story_id!r} does not exist")
            # Lock the pointer row alone: a join under FOR UPDATE would re-check the other
            # table against the old snapshot after waiting, and miss the new revision.
            cursor = await connection.execute(
                "SELECT revision FROM briefs WHERE story_id = %s AND brief_id = %s FOR UPDATE",
                (story_id, brief_id),
            )
            row = await cursor.fetchone()
            if row is None:
                raise NotFoundError(f"brief {brief_id!r} does not exist in story {story_id!r}")
            current_revision = int(row[0])
            if current_revision != expected_revision:
                raise stale_revision(story_id, brief_id, expected_revision, current_revision)
            cursor = await connection.execute(
                "SELECT body::text FROM brief_revisions"
                " WHERE story_id = %s AND brief_id = %s AND revision = %s",
                (story_id, brief_id, current_revision),
            )
            body = await cursor.fetchone()
            assert body is not None  # the pointer's foreign key guarantees the revision
            brief = next_revision(codec.decode_brief(body[0]), content, now)
            await _insert_revision(connection, brief)
            await _update_current(connection, brief)
    except errors.UniqueViolation:  # revision n + 1 exists already (the schema's backstop)
        cursor = await connection.execute(
            "SELECT max(revision) FROM brief_revisions WHERE story_id = %s AND brief_id = %s",
            (story_id, brief_id),
        )
        latest = await cursor.fetchone()
        current = int(latest[0]) if latest and latest[0] else expected_revision + 1
        raise stale_revision(story_id, brief_id, expected_revision, current) from None
    return brief


async def import_folder(connection: Connection, folder: StoryFolder) -> ImportReport:
    """Store a story folder idempotently, in one transaction (all or nothing)."""
    story = folder.story
    created = unchanged = 0
    async with connection.transaction():
        # Imports of one story queue behind each other, so a concurrent identical import
        # finds the revisions stored instead of tripping over the unique constraints.
        await connection.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (story.id,))
        story_created = not await _lock_story(connection, story.id)
        if story_created:
            await _insert_story(connection, story)
        for index, brief in enumerate(sort_briefs(folder.briefs)):
            if brief.story_id != story.id:
                raise InvalidContentError(
                    [(f"$.briefs[{index}].story_id", f"expected {story.id!r}")]
                )
            cursor = await connection.execute(
                "SELECT body::text FROM brief_revisions"
                " WHERE story_id = %s AND brief_id = %s AND revision = %s",
                (story.id, brief.id, brief.revision),
            )
            row = await cursor.fetchone()
            if row is not None:
                if codec.decode_brief(row[0]) != brief:
                    raise ConflictError(
                        f"revision {brief.revision} of brief {brief.id!r} of story {story.id!r}"
                        " is already stored with different content"
                    )
                unchanged += 1
                continue
            await _import_revision(connection, brief)
            created += 1
    return ImportReport(
        stories_created=int(story_created), revisions_created=created, revisions_unchanged=unchanged
    )


async def create_token(connection: Connection, record: TokenRecord) -> None:
    """Insert a token record; ``ConflictError`` if its name (or id, or hash) is taken."""
    try:
        await connection.execute(
            "INSERT INTO api_tokens (id, name, scopes, secret_hash, created_at, revoked_at)"
            " VALUES (%s, %s, %s, %s, %s, %s)",
            (
                record.id,
                record.name,
                [scope.value for scope in record.scopes],
                record.secret_hash,
                record.created_at,
                record.revoked_at,
            ),
        )
    except errors.UniqueViolation:
        raise ConflictError(f"a token named {record.name!r} already exists") from None


async def revoke_token(connection: Connection, name_or_id: str, now: dt.datetime) -> str:
    """Set ``revoked_at`` (kept if already revoked); returns the token's id."""
    async with connection.transaction():
        cursor = await connection.execute(
            "SELECT id FROM api_tokens WHERE id = %s OR name = %s"
            " ORDER BY id = %s DESC LIMIT 1 FOR UPDATE",
            (name_or_id, name_or_id, name_or_id),
        )
        row = await cursor.fetchone()
        if row is None:
            raise NotFoundError(f"no token has the name or id {name_or_id!r}")
        await connection.execute(
            "UPDATE api_tokens SET revoked_at = coalesce(revoked_at, %s) WHERE id = %s",
            (now, row[0]),
        )
    return str(row[0])


# --- helpers ----------------------------------------------------------------------------------


async def _lock_story(connection: Connection, story_id: str) -> bool:
    """Lock the story row for this transaction; whether the story exists.

    Every transaction that writes a story's briefs locks its story row first: the summary
    triggers update that row, so taking it first gives every writer the same lock order (story,
    then briefs) and no deadlock. Writes to one story are serialised; editing rates allow it.
    """
    cursor = await connection.execute(
        "SELECT 1 FROM stories WHERE id = %s FOR NO KEY UPDATE", (story_id,)
    )
    return await cursor.fetchone() is not None


async def _insert_story(connection: Connection, story: Story) -> None:
    await connection.execute(
        "INSERT INTO stories (id, title, body) VALUES (%s, %s, %s::jsonb)",
        (story.id, story.title, codec.encode(story).decode()),
    )


async def _import_revision(connection: Connection, brief: Brief) -> None:
    cursor = await connection.execute(
        "SELECT revision, as_of FROM briefs WHERE story_id = %s AND brief_id = %s",
        (brief.story_id, brief.id),
    )
    pointer = await cursor.fetchone()
    if pointer is not None and pointer[1] != brief.as_of:
        raise ConflictError(
            f"brief {brief.id!r} is dated {pointer[1]}, revision {brief.revision} says"
            f" {brief.as_of.isoformat()}"
        )
    try:
        async with connection.transaction():  # a savepoint: a clash must not poison the import
            await _insert_revision(connection, brief)
            if pointer is None:
                await _insert_current(connection, brief)
            elif brief.revision > int(pointer[0]):
                await _update_current(connection, brief)
    except errors.UniqueViolation:
        raise ConflictError(
            f"another brief of story {brief.story_id!r} is dated {brief.as_of.isoformat()}"
        ) from None


async def _insert_revision(connection: Connection, brief: Brief) -> None:
    await connection.execute(
        "INSERT INTO brief_revisions (story_id, brief_id, revision, as_of, status, headline,"
        " created_at, revised_at, body) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s::jsonb)",
        (
            brief.story_id,
            brief.id,
            brief.revision,
            brief.as_of,
            brief.status.value,
            brief.headline,
            brief.created_at,
            brief.revised_at,
            codec.encode(brief).decode(),
        ),
    )


async def _insert_current(connection: Connection, brief: Brief) -> None:
    index = brief_index(brief)
    await connection.execute(
        "INSERT INTO briefs (story_id, brief_id, as_of, revision, status, headline, open_issues,"
        " search_text) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
        (
            brief.story_id,
            brief.id,
            brief.as_of,
            brief.revision,
            brief.status.value,
            brief.headline,
            index.open_issues,
            index.search_text,
        ),
    )
    await _insert_side_rows(connection, brief, index)


async def _update_current(connection: Connection, brief: Brief) -> None:
    index = brief_index(brief)
    await connection.execute(
        "UPDATE briefs SET revision = %s, status = %s, headline = %s, open_issues = %s,"
        " search_text = %s WHERE story_id = %s AND brief_id = %s",
        (
            brief.revision,
            brief.status.value,
            brief.headline,
            index.open_issues,
            index.search_text,
            brief.story_id,
            brief.id,
        ),
    )
    # The side tables index the current revision only; history lives in brief_revisions.
    key = (brief.story_id, brief.id)
    await connection.execute("DELETE FROM brief_parties WHERE story_id = %s AND brief_id = %s", key)
    await connection.execute("DELETE FROM brief_issues WHERE story_id = %s AND brief_id = %s", key)
    await _insert_side_rows(connection, brief, index)


async def _insert_side_rows(connection: Connection, brief: Brief, index: BriefIndex) -> None:
    async with connection.cursor() as cursor:
        if index.parties:
            await cursor.executemany(
                "INSERT INTO brief_parties (story_id, brief_id, party_id) VALUES (%s, %s, %s)",
                [(brief.story_id, brief.id, party) for party in index.parties],
            )
        if index.issues:
            await cursor.executemany(
                "INSERT INTO brief_issues (story_id, brief_id, issue_id, status)"
                " VALUES (%s, %s, %s, %s)",
                [(brief.story_id, brief.id, issue, status) for issue, status in index.issues],
            )
