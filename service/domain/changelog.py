"""The change log's wire models: one `Change` per brief created, revised or withdrawn and per
story created or updated, in the order the database committed them.

The log is the truth every channel reads (the change stream, feeds, webhooks): a `Change` is
written in the same transaction as the revision or story it describes (an outbox), and its
``id`` strictly grows with commit order, so a reader that remembers the last id it saw can
resume from the log without losing or repeating a change.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec

from service.domain.models import ChangeNote, Editor, Revision, Slug

ChangeKind = Literal[
    "brief.created", "brief.revised", "brief.withdrawn", "story.created", "story.updated"
]
"""What a change did: a brief's first revision, a later one, the revision that withdrew it
(``status = canceled``), or a story's creation or metadata update."""

CHANGE_KINDS: tuple[ChangeKind, ...] = (
    "brief.created",
    "brief.revised",
    "brief.withdrawn",
    "story.created",
    "story.updated",
)

ChangeId = Annotated[int, msgspec.Meta(ge=1)]
"""A change's position in the log: 1-based, strictly increasing with commit order."""


class ChangeCounts(msgspec.Struct, kw_only=True, frozen=True):
    """The headline figures of the diff a brief change made: against the brief's previous
    revision for a revision, against the story's previous brief for a new brief (all zero when
    there is none)."""

    issues_opened: int = 0
    issues_closed: int = 0
    stance_shifts: int = 0
    events_added: int = 0
    significance: float = 0.0


class Change(msgspec.Struct, kw_only=True, frozen=True):
    """One entry of the change log (responses only: a tolerant reader)."""

    id: ChangeId
    kind: ChangeKind
    story_id: Slug
    at: dt.datetime
    """When the change was committed (UTC)."""
    brief_id: Slug | None = None
    as_of: dt.date | None = None
    revision: Revision | None = None
    revised_by: Editor | None = None
    change_note: ChangeNote | None = None
    headline: str | None = None
    """The brief's (or story's title) after the change."""
    counts: ChangeCounts | None = None
    """For brief changes: the diff's headline figures."""


class ChangePage(msgspec.Struct, kw_only=True, frozen=True):
    """A cursor page of the change log for pollers: pass ``last_id`` back as ``after``."""

    items: list[Change]
    last_id: int
    """The id of the last change in ``items``, or the ``after`` asked for when empty."""
    has_more: bool = False
