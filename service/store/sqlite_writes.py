"""The SQLite write transactions. Each function runs on the store's writer thread, in one
``BEGIN IMMEDIATE`` transaction, so its checks and writes are atomic across processes."""

from __future__ import annotations

import datetime as dt
import sqlite3

import msgspec

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
from service.store.sqlite_schema import immediate

_CURRENT_BODY = (
    "SELECT r.body FROM briefs AS b JOIN brief_revisions AS r"
    " ON r.story_id = b.story_id AND r.brief_id = b.brief_id AND r.revision = b.revision"
    " WHERE b.story_id = ? AND b.brief_id = ?"
)
_INSERT_REVISION = (
    "INSERT INTO brief_revisions (story_id, brief_id, revision, as_of, status, headline,"
    " created_at, revised_at, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_INSERT_CURRENT = (
    "INSERT INTO briefs (story_id, brief_id, as_of, revision, status, headline, open_issues,"
    " search_text) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)
_UPDATE_CURRENT = (
    "UPDATE briefs SET revision = ?, status = ?, headline = ?, open_issues = ?, search_text = ?"
    " WHERE story_id = ? AND brief_id = ?"
)


def create_story(connection: sqlite3.Connection, story: Story) -> Story:
    """Insert a story; ``ConflictError`` if the id exists."""
    with immediate(connection):
        if _story_exists(connection, story.id):
            raise ConflictError(f"story {story.id!r} already exists")
        _insert_story(connection, story)
    return story


def update_story(connection: sqlite3.Connection, story_id: str, update: StoryUpdate) -> Story:
    """Change a story's metadata; ``NotFoundError`` if it does not exist."""
    with immediate(connection):
        row = connection.execute("SELECT body FROM stories WHERE id = ?", (story_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"story {story_id!r} does not exist")
        story = updated_story(codec.decode_story(row[0]), update)
        connection.execute(
            "UPDATE stories SET title = ?, body = ? WHERE id = ?",
            (story.title, codec.encode(story), story_id),
        )
    return story


def create_brief(
    connection: sqlite3.Connection, story_id: str, draft: BriefDraft, now: dt.datetime
) -> Brief:
    """Store revision 1 of a new brief."""
    brief = first_revision(story_id, draft, now)
    with immediate(connection):
        if not _story_exists(connection, story_id):
            raise NotFoundError(f"story {story_id!r} does not exist")
        clash = connection.execute(
            "SELECT brief_id FROM briefs WHERE story_id = ? AND (brief_id = ? OR as_of = ?)",
            (story_id, draft.id, draft.as_of.isoformat()),
        ).fetchone()
        if clash is not None:
            raise brief_conflict(story_id, brief, clash[0])
        try:
            _insert_revision(connection, brief)
            _insert_current(connection, brief)
        except sqlite3.IntegrityError:  # unreachable under the write lock; the schema's backstop
            raise brief_conflict(story_id, brief, draft.id) from None
    return brief


def update_brief(
    connection: sqlite3.Connection,
    story_id: str,
    brief_id: str,
    content: BriefContent,
    *,
    expected_revision: int,
    now: dt.datetime,
) -> Brief:
    """Append revision ``n + 1`` if ``expected_revision`` is ``n`` (compare-and-set)."""
    with immediate(connection):
        current = _current(connection, story_id, brief_id)
        if current.revision != expected_revision:
            raise stale_revision(story_id, brief_id, expected_revision, current.revision)
        brief = next_revision(current, content, now)
        try:
            _insert_revision(connection, brief)
        except sqlite3.IntegrityError:  # revision n + 1 exists already (the schema's backstop)
            row = connection.execute(
                "SELECT max(revision) FROM brief_revisions WHERE story_id = ? AND brief_id = ?",
                (story_id, brief_id),
            ).fetchone()
            raise stale_revision(story_id, brief_id, expected_revision, int(row[0])) from None
        _update_current(connection, brief)
    return brief


def import_folder(connection: sqlite3.Connection, folder: StoryFolder) -> ImportReport:
    """Store a story folder idempotently, in one transaction (all or nothing)."""
    story = folder.story
    created = unchanged = 0
    with immediate(connection):
        story_created = not _story_exists(connection, story.id)
        if story_created:
            _insert_story(connection, story)
        for index, brief in enumerate(sort_briefs(folder.briefs)):
            if brief.story_id != story.id:
                raise InvalidContentError(
                    [(f"$.briefs[{index}].story_id", f"expected {story.id!r}")]
                )
            row = connection.execute(
                "SELECT body FROM brief_revisions"
                " WHERE story_id = ? AND brief_id = ? AND revision = ?",
                (story.id, brief.id, brief.revision),
            ).fetchone()
            if row is not None:
                if codec.decode_brief(row[0]) != brief:
                    raise ConflictError(
                        f"revision {brief.revision} of brief {brief.id!r} of story {story.id!r}"
                        " is already stored with different content"
                    )
                unchanged += 1
                continue
            _import_revision(connection, brief)
            created += 1
    return ImportReport(
        stories_created=int(story_created), revisions_created=created, revisions_unchanged=unchanged
    )


def create_token(connection: sqlite3.Connection, record: TokenRecord) -> None:
    """Insert a token record; ``ConflictError`` if its name (or id, or hash) is taken."""
    with immediate(connection):
        try:
            connection.execute(
                "INSERT INTO api_tokens (id, name, scopes, secret_hash, created_at, revoked_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (
                    record.id,
                    record.name,
                    msgspec.json.encode(record.scopes).decode(),
                    record.secret_hash,
                    record.created_at.isoformat(),
                    record.revoked_at.isoformat() if record.revoked_at else None,
                ),
            )
        except sqlite3.IntegrityError:
            raise ConflictError(f"a token named {record.name!r} already exists") from None


def revoke_token(connection: sqlite3.Connection, name_or_id: str, now: dt.datetime) -> str:
    """Set ``revoked_at`` (kept if already revoked); returns the token's id."""
    with immediate(connection):
        row = connection.execute(
            "SELECT id FROM api_tokens WHERE id = ? OR name = ? ORDER BY id = ? DESC LIMIT 1",
            (name_or_id, name_or_id, name_or_id),
        ).fetchone()
        if row is None:
            raise NotFoundError(f"no token has the name or id {name_or_id!r}")
        connection.execute(
            "UPDATE api_tokens SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?",
            (now.isoformat(), row[0]),
        )
    return str(row[0])


# --- helpers ----------------------------------------------------------------------------------


def _story_exists(connection: sqlite3.Connection, story_id: str) -> bool:
    row = connection.execute("SELECT 1 FROM stories WHERE id = ?", (story_id,)).fetchone()
    return row is not None


def _insert_story(connection: sqlite3.Connection, story: Story) -> None:
    connection.execute(
        "INSERT INTO stories (id, title, body) VALUES (?, ?, ?)",
        (story.id, story.title, codec.encode(story)),
    )


def _current(connection: sqlite3.Connection, story_id: str, brief_id: str) -> Brief:
    row = connection.execute(_CURRENT_BODY, (story_id, brief_id)).fetchone()
    if row is None:
        if not _story_exists(connection, story_id):
            raise NotFoundError(f"story {story_id!r} does not exist")
        raise NotFoundError(f"brief {brief_id!r} does not exist in story {story_id!r}")
    return codec.decode_brief(row[0])


def _import_revision(connection: sqlite3.Connection, brief: Brief) -> None:
    pointer = connection.execute(
        "SELECT revision, as_of FROM briefs WHERE story_id = ? AND brief_id = ?",
        (brief.story_id, brief.id),
    ).fetchone()
    if pointer is not None and pointer[1] != brief.as_of.isoformat():
        raise ConflictError(
            f"brief {brief.id!r} is dated {pointer[1]}, revision {brief.revision} says"
            f" {brief.as_of.isoformat()}"
        )
    try:
        _insert_revision(connection, brief)
        if pointer is None:
            _insert_current(connection, brief)
        elif brief.revision > pointer[0]:
            _update_current(connection, brief)
    except sqlite3.IntegrityError:
        raise ConflictError(
            f"another brief of story {brief.story_id!r} is dated {brief.as_of.isoformat()}"
        ) from None


def _insert_revision(connection: sqlite3.Connection, brief: Brief) -> None:
    connection.execute(
        _INSERT_REVISION,
        (
            brief.story_id,
            brief.id,
            brief.revision,
            brief.as_of.isoformat(),
            brief.status.value,
            brief.headline,
            brief.created_at.isoformat(),
            brief.revised_at.isoformat(),
            codec.encode(brief),
        ),
    )


def _insert_current(connection: sqlite3.Connection, brief: Brief) -> None:
    index = brief_index(brief)
    connection.execute(
        _INSERT_CURRENT,
        (
            brief.story_id,
            brief.id,
            brief.as_of.isoformat(),
            brief.revision,
            brief.status.value,
            brief.headline,
            index.open_issues,
            index.search_text,
        ),
    )
    _insert_side_rows(connection, brief, index)


def _update_current(connection: sqlite3.Connection, brief: Brief) -> None:
    index = brief_index(brief)
    connection.execute(
        _UPDATE_CURRENT,
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
    connection.execute("DELETE FROM brief_parties WHERE story_id = ? AND brief_id = ?", key)
    connection.execute("DELETE FROM brief_issues WHERE story_id = ? AND brief_id = ?", key)
    _insert_side_rows(connection, brief, index)


def _insert_side_rows(connection: sqlite3.Connection, brief: Brief, index: BriefIndex) -> None:
    connection.executemany(
        "INSERT INTO brief_parties (story_id, brief_id, party_id) VALUES (?, ?, ?)",
        [(brief.story_id, brief.id, party) for party in index.parties],
    )
    connection.executemany(
        "INSERT INTO brief_issues (story_id, brief_id, issue_id, status) VALUES (?, ?, ?, ?)",
        [(brief.story_id, brief.id, issue, status) for issue, status in index.issues],
    )
