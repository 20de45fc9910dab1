"""The write side of the change log: the rows a write adds to ``changes``, in its transaction.

Each write of `service.store.writes` builds its `PendingChange` values from what it has read
and written anyway, and appends them with `append_changes` as its last statements: the change
rows commit with the revision or story they describe, or not at all (an outbox). The headline
counts are the domain's diff (`service.domain.diff`) of the brief against its previous revision
(a revision) or against the story's previous brief (a new brief).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import msgspec

from service.domain.changelog import ChangeCounts, ChangeKind
from service.domain.changes import IssueClosed, IssueOpened
from service.domain.diff import diff_briefs
from service.domain.models import Brief, PubStatus, Story
from service.store.driver import Tx

_INSERT_CHANGE = (
    "INSERT INTO changes (kind, story_id, brief_id, as_of, revision, revised_by, change_note,"
    " headline, issues_opened, issues_closed, stance_shifts, events_added, significance, at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"
)


class PendingChange(msgspec.Struct, kw_only=True, frozen=True):
    """A change row before it has its id and commit time."""

    kind: ChangeKind
    story_id: str
    headline: str
    brief: Brief | None = None
    counts: ChangeCounts | None = None


def story_change(kind: ChangeKind, story: Story) -> PendingChange:
    """A story's creation or metadata update; its headline is the story's title."""
    return PendingChange(kind=kind, story_id=story.id, headline=story.title)


def brief_change(brief: Brief, previous: Brief | None) -> PendingChange:
    """The change a stored revision made, with the diff against ``previous``: the brief's
    previous revision for a revision, the story's previous brief (if any) for revision 1.

    Revision 1 is ``brief.created``; a revision that makes the brief ``canceled`` is
    ``brief.withdrawn``; any other (a withdrawn brief's correction too) ``brief.revised``.
    """
    kind: ChangeKind
    if brief.revision == 1:
        kind = "brief.created"
    elif brief.status is PubStatus.CANCELED and (
        previous is None or previous.status is not PubStatus.CANCELED
    ):
        kind = "brief.withdrawn"
    else:
        kind = "brief.revised"
    return PendingChange(
        kind=kind,
        story_id=brief.story_id,
        headline=brief.headline,
        brief=brief,
        counts=change_counts(previous, brief),
    )


def change_counts(previous: Brief | None, brief: Brief) -> ChangeCounts:
    """The diff's headline figures from ``previous`` to ``brief`` (all zero without one)."""
    if previous is None:
        return ChangeCounts()
    diff = diff_briefs(previous, brief)
    return ChangeCounts(
        issues_opened=sum(isinstance(change, IssueOpened) for change in diff.issues),
        issues_closed=sum(isinstance(change, IssueClosed) for change in diff.issues),
        stance_shifts=sum(change.stance is not None for change in diff.parties),
        events_added=len(diff.events_added),
        significance=diff.significance,
    )


async def append_changes(tx: Tx, changes: Sequence[PendingChange]) -> None:
    """Insert the change rows, in order, as the transaction's last statements.

    ``serialise_commits`` first: from the ids being taken to the commit, no other writer takes
    ids (PostgreSQL), so ids follow commit order (see migration 0006). The commit time is read
    under that lock too, so on one clock it grows with the ids.
    """
    if not changes:
        return
    await tx.serialise_commits()
    at = dt.datetime.now(dt.UTC).isoformat()
    last = 0
    for change in changes:
        row = await tx.one(_INSERT_CHANGE, *_parameters(change), at)
        assert row is not None  # INSERT ... RETURNING gives the row
        last = int(row[0])
    await tx.notify_change(last)


def _parameters(change: PendingChange) -> tuple[object, ...]:
    brief, counts = change.brief, change.counts
    return (
        change.kind,
        change.story_id,
        None if brief is None else brief.id,
        None if brief is None else brief.as_of.isoformat(),
        None if brief is None else brief.revision,
        None if brief is None else brief.revised_by,
        None if brief is None else brief.change_note,
        change.headline,
        None if counts is None else counts.issues_opened,
        None if counts is None else counts.issues_closed,
        None if counts is None else counts.stance_shifts,
        None if counts is None else counts.events_added,
        None if counts is None else counts.significance,
    )
