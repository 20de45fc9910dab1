"""The write transactions of the store, one function each, run by ``Driver.transaction``.

Each runs in one transaction, so its checks and writes are atomic across processes and replicas:
SQLite takes the database's write lock up front (``BEGIN IMMEDIATE``); on PostgreSQL (READ
COMMITTED) a write locks its story row first (``_lock_story``), then the rows it changes, so
concurrent editors on any replica queue on them and see each other's commit. The unique keys of
the schema are the backstop of every check made here.

Every write that changes a story or a brief appends its change rows (`service.store.outbox`) as
its last statements, in the same transaction.
"""

from __future__ import annotations

import datetime as dt

from service.domain import codec
from service.domain.errors import ConflictError, InvalidContentError, NotFoundError
from service.domain.files import StoryFolder, sort_briefs
from service.domain.models import Brief, BriefContent, BriefDraft, BriefUpdate, Story, StoryUpdate
from service.domain.validate import read_only_problems
from service.store.base import ImportReport, TokenRecord
from service.store.driver import Dialect, ForeignKeyViolationError, Tx, UniqueViolationError
from service.store.outbox import (
    Counted,
    PendingChange,
    append_changes,
    brief_change,
    new_brief_change,
    previous_brief,
    story_change,
)
from service.store.records import (
    BriefIndex,
    brief_conflict,
    brief_index,
    first_revision,
    next_revision,
    reject_nul,
    stale_revision,
    updated_story,
)

REVISION_BODY = (
    "SELECT body FROM brief_revisions WHERE story_id = ? AND brief_id = ? AND revision = ?"
)
_INSERT_REVISION = (
    "INSERT INTO brief_revisions (story_id, brief_id, revision, as_of, status, headline,"
    " created_at, revised_at, revised_by, change_note, body)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_INSERT_CURRENT = (
    "INSERT INTO briefs (story_id, brief_id, as_of, revision, status, headline, open_issues,"
    " search_text) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)
_UPDATE_CURRENT = (
    "UPDATE briefs SET revision = ?, status = ?, headline = ?, open_issues = ?, search_text = ?"
    " WHERE story_id = ? AND brief_id = ?"
)


async def create_story(tx: Tx, d: Dialect, story: Story) -> Story:
    """Insert a story; ``ConflictError`` if the id exists."""
    if await tx.one("SELECT 1 FROM stories WHERE id = ?", story.id) is not None:
        raise ConflictError(f"story {story.id!r} already exists")
    try:
        await _insert_story(tx, d, story)
    except UniqueViolationError:  # a concurrent creator on another replica committed first
        raise ConflictError(f"story {story.id!r} already exists") from None
    await append_changes(tx, [story_change("story.created", story)])
    return story


async def update_story(tx: Tx, d: Dialect, story_id: str, update: StoryUpdate) -> Story:
    """Change a story's metadata; ``NotFoundError`` if it does not exist."""
    sql = f"SELECT body FROM stories WHERE id = ?{d.for_update}"  # noqa: S608 - a dialect constant
    row = await tx.one(sql, story_id)
    if row is None:
        raise NotFoundError(f"story {story_id!r} does not exist")
    stored = codec.decode_story(row[0])
    story = updated_story(stored, update)
    if story == stored:
        return story  # nothing changed: no write, so no change row
    body = _encoded(story, "$")
    await tx.execute(
        "UPDATE stories SET title = ?, body = ? WHERE id = ?",
        story.title,
        d.json_param(body),
        story_id,
    )
    await append_changes(tx, [story_change("story.updated", story)])
    return story


async def create_brief(
    tx: Tx,
    d: Dialect,
    story_id: str,
    draft: BriefDraft,
    now: dt.datetime,
    *,
    revised_by: str | None = None,
    counted: Counted | None = None,
) -> Brief:
    """Store revision 1 of a new brief; ``ConflictError`` if its id or as-of date exists.
    ``counted``: its change's counts, if computed before the transaction (``count_new_brief``)."""
    brief = first_revision(story_id, draft, now, revised_by)
    if not await _lock_story(tx, d, story_id):
        raise NotFoundError(f"story {story_id!r} does not exist")
    clash = await tx.one(
        "SELECT brief_id FROM briefs WHERE story_id = ? AND (brief_id = ? OR as_of = ?)",
        story_id,
        draft.id,
        draft.as_of.isoformat(),
    )
    if clash is not None:
        raise brief_conflict(story_id, brief, clash[0])
    try:
        await _insert_revision(tx, d, brief)
        await _insert_current(tx, brief)
    except UniqueViolationError as error:  # unreachable under the story's lock; the backstop
        clash_id = "" if "as_of" in error.constraint else brief.id
        raise brief_conflict(story_id, brief, clash_id) from None
    except ForeignKeyViolationError:
        raise NotFoundError(f"story {story_id!r} does not exist") from None
    await append_changes(tx, [await new_brief_change(tx, brief, counted)])
    return brief


async def append_revision(
    tx: Tx,
    d: Dialect,
    key: tuple[str, str],
    content: BriefContent,
    *,
    expected: int | None,
    now: dt.datetime,
    revised_by: str | None = None,
) -> Brief:
    """Read the current revision once and append ``n + 1`` if ``expected`` is ``n`` (``None``:
    whatever ``n`` is): the compare-and-set of ``update_brief``. The read-only fields an update
    echoes are checked against that revision (``InvalidContentError`` naming each that differs).

    A ``UniqueViolationError`` (revision ``n + 1`` stored already, by a writer that bypassed the
    pointer) is left to the caller: PostgreSQL refuses further statements in this transaction.
    """
    story_id, brief_id = key
    if not await _lock_story(tx, d, story_id):
        raise NotFoundError(f"story {story_id!r} does not exist")
    # Lock the pointer row alone: on PostgreSQL a join under FOR UPDATE would re-check the other
    # table against the old snapshot after waiting, and miss the new revision.
    row = await tx.one(
        f"SELECT revision FROM briefs WHERE story_id = ? AND brief_id = ?{d.for_update}",  # noqa: S608 - a dialect constant
        story_id,
        brief_id,
    )
    if row is None:
        raise NotFoundError(f"brief {brief_id!r} does not exist in story {story_id!r}")
    current = int(row[0])
    if expected is not None and current != expected:
        raise stale_revision(story_id, brief_id, expected, current)
    body = await tx.one(REVISION_BODY, story_id, brief_id, current)
    assert body is not None  # the pointer's foreign key guarantees the revision
    stored = codec.decode_brief(body[0])
    if isinstance(content, BriefUpdate):
        problems = read_only_problems(content, stored)
        if problems:
            raise InvalidContentError([(problem.path, problem.message) for problem in problems])
    brief = next_revision(stored, content, now, revised_by)
    await _insert_revision(tx, d, brief)
    await _update_current(tx, brief)
    await append_changes(tx, [brief_change(brief, stored)])
    return brief


async def import_folder(tx: Tx, d: Dialect, folder: StoryFolder) -> ImportReport:
    """Store a story folder idempotently, in one transaction (all or nothing), with one change
    per story or revision stored now (none for those already stored)."""
    story = folder.story
    created = unchanged = 0
    changes: list[PendingChange] = []
    seen: dict[tuple[str, int], Brief] = {}  # the folder's revisions so far, stored or found
    # Imports of one story queue behind each other, so a concurrent identical import finds the
    # revisions stored instead of tripping over the unique constraints.
    await tx.lock(story.id)
    story_created = not await _lock_story(tx, d, story.id)
    if story_created:
        await _insert_story(tx, d, story)
        changes.append(story_change("story.created", story))
    for index, brief in enumerate(sort_briefs(folder.briefs)):
        if brief.story_id != story.id:
            raise InvalidContentError([(f"$.briefs[{index}].story_id", f"expected {story.id!r}")])
        row = await tx.one(REVISION_BODY, story.id, brief.id, brief.revision)
        if row is not None:
            if codec.decode_brief(row[0]) != brief:
                raise ConflictError(
                    f"revision {brief.revision} of brief {brief.id!r} of story {story.id!r}"
                    " is already stored with different content"
                )
            unchanged += 1
            seen[brief.id, brief.revision] = brief
            continue
        await _import_revision(tx, d, brief, f"$.briefs[{index}]")
        created += 1
        previous = seen.get((brief.id, brief.revision - 1))
        if previous is None:
            previous = await _previous_revision(tx, brief)
        changes.append(brief_change(brief, previous))
        seen[brief.id, brief.revision] = brief
    await append_changes(tx, changes)
    return ImportReport(
        stories_created=int(story_created), revisions_created=created, revisions_unchanged=unchanged
    )


async def create_token(tx: Tx, d: Dialect, record: TokenRecord) -> None:
    """Insert a token record; ``ConflictError`` if its name (or id, or hash) is taken."""
    reject_nul(record, "$")
    try:
        await tx.execute(
            "INSERT INTO api_tokens (id, name, scopes, secret_hash, created_at, revoked_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            record.id,
            record.name,
            d.scopes_param([scope.value for scope in record.scopes]),
            record.secret_hash,
            record.created_at.isoformat(),
            record.revoked_at.isoformat() if record.revoked_at else None,
        )
    except UniqueViolationError:
        raise ConflictError(f"a token named {record.name!r} already exists") from None


async def revoke_token(tx: Tx, d: Dialect, name_or_id: str, now: dt.datetime) -> str:
    """Set ``revoked_at`` (kept if already revoked); returns the token's id."""
    row = await tx.one(
        "SELECT id FROM api_tokens WHERE id = ? OR name = ?"  # noqa: S608 - a dialect constant
        f" ORDER BY id = ? DESC LIMIT 1{d.for_update}",
        name_or_id,
        name_or_id,
        name_or_id,
    )
    if row is None:
        raise NotFoundError(f"no token has the name or id {name_or_id!r}")
    await tx.execute(
        "UPDATE api_tokens SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?",
        now.isoformat(),
        row[0],
    )
    return str(row[0])


# --- helpers ----------------------------------------------------------------------------------


async def _lock_story(tx: Tx, d: Dialect, story_id: str) -> bool:
    """Lock the story row for this transaction; whether the story exists.

    Every transaction that writes a story's briefs locks its story row first: the summary
    triggers update that row, so taking it first gives every writer the same lock order (story,
    then briefs) and no deadlock. Writes to one story are serialised; editing rates allow it.
    """
    sql = f"SELECT 1 FROM stories WHERE id = ?{d.for_no_key_update}"  # noqa: S608 - a dialect constant
    row = await tx.one(sql, story_id)
    return row is not None


async def _previous_revision(tx: Tx, brief: Brief) -> Brief | None:
    """What a revision's change is diffed against: the brief's previous revision if stored
    (an import may lack it), the story's previous brief for revision 1."""
    if brief.revision == 1:
        return await previous_brief(tx, brief)
    row = await tx.one(REVISION_BODY, brief.story_id, brief.id, brief.revision - 1)
    return None if row is None else codec.decode_brief(row[0])


def _encoded(value: Story | Brief, path: str) -> bytes:
    body = codec.encode(value)
    reject_nul(value, path, body)
    return body


async def _insert_story(tx: Tx, d: Dialect, story: Story) -> None:
    body = d.json_param(_encoded(story, "$"))
    await tx.execute(
        "INSERT INTO stories (id, title, body) VALUES (?, ?, ?)", story.id, story.title, body
    )


async def _import_revision(tx: Tx, d: Dialect, brief: Brief, path: str) -> None:
    pointer = await tx.one(
        "SELECT revision, as_of FROM briefs WHERE story_id = ? AND brief_id = ?",
        brief.story_id,
        brief.id,
    )
    if pointer is not None and pointer[1] != brief.as_of.isoformat():
        raise ConflictError(
            f"brief {brief.id!r} is dated {pointer[1]}, revision {brief.revision} says"
            f" {brief.as_of.isoformat()}"
        )
    try:
        await _insert_revision(tx, d, brief, path)
        if pointer is None:
            await _insert_current(tx, brief)
        elif brief.revision > int(pointer[0]):
            await _update_current(tx, brief)
    except UniqueViolationError:
        raise ConflictError(
            f"another brief of story {brief.story_id!r} is dated {brief.as_of.isoformat()}"
        ) from None


async def _insert_revision(tx: Tx, d: Dialect, brief: Brief, path: str = "$") -> None:
    body = _encoded(brief, path)
    await tx.execute(
        _INSERT_REVISION,
        brief.story_id,
        brief.id,
        brief.revision,
        brief.as_of.isoformat(),
        brief.status.value,
        brief.headline,
        brief.created_at.isoformat(),
        brief.revised_at.isoformat(),
        brief.revised_by,
        brief.change_note,
        d.json_param(body),
    )


async def _insert_current(tx: Tx, brief: Brief) -> None:
    index = brief_index(brief)
    await tx.execute(
        _INSERT_CURRENT,
        brief.story_id,
        brief.id,
        brief.as_of.isoformat(),
        brief.revision,
        brief.status.value,
        brief.headline,
        index.open_issues,
        index.search_text,
    )
    await _insert_side_rows(tx, brief, index)


async def _update_current(tx: Tx, brief: Brief) -> None:
    index = brief_index(brief)
    await tx.execute(
        _UPDATE_CURRENT,
        brief.revision,
        brief.status.value,
        brief.headline,
        index.open_issues,
        index.search_text,
        brief.story_id,
        brief.id,
    )
    # The side tables index the current revision only; history lives in brief_revisions.
    key = (brief.story_id, brief.id)
    await tx.execute("DELETE FROM brief_parties WHERE story_id = ? AND brief_id = ?", *key)
    await tx.execute("DELETE FROM brief_issues WHERE story_id = ? AND brief_id = ?", *key)
    await _insert_side_rows(tx, brief, index)


async def _insert_side_rows(tx: Tx, brief: Brief, index: BriefIndex) -> None:
    await tx.execute_many(
        "INSERT INTO brief_parties (story_id, brief_id, party_id) VALUES (?, ?, ?)",
        [(brief.story_id, brief.id, party) for party in index.parties],
    )
    await tx.execute_many(
        "INSERT INTO brief_issues (story_id, brief_id, issue_id, status) VALUES (?, ?, ?, ?)",
        [(brief.story_id, brief.id, issue, status) for issue, status in index.issues],
    )
