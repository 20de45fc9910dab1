"""Backend-neutral helpers of the stores: building revisions, index rows and listing cursors."""

from __future__ import annotations

import base64
import binascii
import datetime as dt

import msgspec

from service.domain import limits
from service.domain.errors import ConflictError, InvalidContentError, PreconditionFailedError
from service.domain.models import (
    OPEN_STATUSES,
    Brief,
    BriefContent,
    BriefDraft,
    BriefUpdate,
    Story,
    StoryUpdate,
)

_CONTENT_FIELDS = BriefContent.__struct_fields__
_cursor_decoder = msgspec.json.Decoder(tuple[dt.date, str])

NUL_MESSAGE = "text must not contain the NUL character (U+0000)"


class BriefIndex(msgspec.Struct, kw_only=True, frozen=True):
    """What the listing filters need from the current revision of a brief."""

    parties: list[str]
    issues: list[tuple[str, str]]
    open_issues: int
    search_text: str


def first_revision(
    story_id: str, draft: BriefDraft, now: dt.datetime, revised_by: str | None = None
) -> Brief:
    """Revision 1 of a new brief, stored by ``revised_by`` with the draft's change note.

    The server's fields are the server's: timestamps and ``revised_by`` a draft carries (a
    stored revision's file) are replaced; ``story_id`` and ``revision`` are checked before.
    """
    return Brief(
        **{field: getattr(draft, field) for field in _CONTENT_FIELDS},
        id=draft.id,
        as_of=draft.as_of,
        story_id=story_id,
        revision=1,
        created_at=now,
        revised_at=now,
        revised_by=revised_by,
        change_note=draft.change_note,
    )


def next_revision(
    current: Brief, content: BriefContent, now: dt.datetime, revised_by: str | None = None
) -> Brief:
    """Revision ``n + 1`` of a brief: new content, same identity and creation time, stored by
    ``revised_by`` with the update's change note (none for plain content)."""
    if current.revision >= limits.MAX_REVISION:
        raise InvalidContentError(
            [("$.revision", f"a brief keeps at most {limits.MAX_REVISION} revisions")]
        )
    return msgspec.structs.replace(
        current,
        **{field: getattr(content, field) for field in _CONTENT_FIELDS},
        revision=current.revision + 1,
        revised_at=now,
        revised_by=revised_by,
        change_note=content.change_note if isinstance(content, BriefUpdate) else None,
    )


def updated_story(story: Story, update: StoryUpdate) -> Story:
    """A story with the fields the update sets (``None`` keeps the stored value)."""
    changes = {
        field: value
        for field in StoryUpdate.__struct_fields__
        if (value := getattr(update, field)) is not None
    }
    return msgspec.structs.replace(story, **changes)


def brief_index(brief: Brief) -> BriefIndex:
    """The filter rows of a brief revision: parties with a position, issues and their status."""
    parties = sorted({position.party_id for position in brief.positions})
    issues: dict[str, str] = {}
    for issue in brief.issues:
        issues.setdefault(issue.id, issue.status.value)  # a repeated id: the first one counts
    return BriefIndex(
        parties=parties,
        issues=sorted(issues.items()),
        open_issues=sum(1 for issue in brief.issues if issue.status in OPEN_STATUSES),
        search_text=search_text(brief.headline, brief.summary),
    )


def search_text(*texts: str) -> str:
    """Casefolded text for case-insensitive matching (the same rule on every backend)."""
    return "\n".join(texts).casefold()


def encode_cursor(as_of: dt.date, brief_id: str) -> str:
    """An opaque cursor: base64url (unpadded) of the last key of a page."""
    raw = msgspec.json.encode((as_of, brief_id))
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def decode_cursor(cursor: str) -> tuple[dt.date, str]:
    """The key a cursor holds; raises ``InvalidContentError`` at ``$.cursor`` if it is not one."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        return _cursor_decoder.decode(raw)
    except (binascii.Error, ValueError, msgspec.DecodeError):
        raise InvalidContentError([("$.cursor", "not a cursor returned by this listing")]) from None


def brief_conflict(story_id: str, brief: Brief, existing_id: str) -> ConflictError:
    """The error for a new brief whose id, or whose as-of date, the story already has."""
    if existing_id == brief.id:
        return ConflictError(f"brief {brief.id!r} already exists in story {story_id!r}")
    return ConflictError(
        f"brief {existing_id!r} of story {story_id!r} is already dated {brief.as_of.isoformat()}"
    )


def stale_revision(
    story_id: str, brief_id: str, expected: int, current: int
) -> PreconditionFailedError:
    """The error for an update based on a revision that is no longer the current one."""
    return PreconditionFailedError(
        f"brief {brief_id!r} of story {story_id!r} is at revision {current}, not {expected}",
        current_revision=current,
    )


def reject_nul(value: object, path: str, encoded: bytes | None = None) -> None:
    """Raise ``InvalidContentError`` naming every text in ``value`` that holds a NUL character.

    PostgreSQL cannot store NUL in text (nor ``\\u0000`` in ``jsonb``) and SQLite would, so both
    refuse it alike, here. ``encoded`` (the JSON of ``value``, when the caller has it) makes the
    common case a byte search: ``codec`` writes NUL as ``\\u0000``, and only when those bytes
    occur (a text may also spell them out) is ``value`` walked.
    """
    if encoded is not None and b"\\u0000" not in encoded:
        return
    if value is None or (isinstance(value, str) and "\x00" not in value):
        return  # the common case of a parameter, without a walk
    problems = [(where, NUL_MESSAGE) for where in _nul_paths(msgspec.to_builtins(value), path)]
    if problems:
        raise InvalidContentError(problems)


def _nul_paths(value: object, path: str) -> list[str]:
    if isinstance(value, str):
        return [path] if "\x00" in value else []
    if isinstance(value, dict):
        found = [f"{path}.{key}" for key in value if isinstance(key, str) and "\x00" in key]
        for key, item in value.items():
            found += _nul_paths(item, f"{path}.{key}")
        return found
    if isinstance(value, list | tuple):
        return [found for i, item in enumerate(value) for found in _nul_paths(item, f"{path}[{i}]")]
    return []
