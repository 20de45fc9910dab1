"""The write side of the change log: the rows a write adds to ``changes``, in its transaction.

Each write of `service.store.writes` builds its `PendingChange` values from what it has read
and written anyway, and appends them with `append_changes` as its last statements: the change
rows commit with the revision or story they describe, or not at all (an outbox). The headline
counts are the domain's diff (`service.domain.diff`) of the brief against its previous revision
(a revision) or against the story's previous brief (a new brief).

A revision's diff is cheap (its previous revision is read by the write anyway, and most of it is
unchanged), but a new brief's diff with the previous day's brief is not (milliseconds: the whole
summary differs), so ``create_brief`` computes it before its transaction (`count_new_brief`,
off the event loop) and the transaction only checks, from an index, that the story's previous
brief is still the one it was computed against (`new_brief_change`); a write that raced with
another recomputes it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Sequence

import msgspec

from service.domain import codec
from service.domain.changelog import ChangeCounts, ChangeKind
from service.domain.changes import IssueClosed, IssueOpened
from service.domain.diff import diff_briefs
from service.domain.models import Brief, PubStatus, Story
from service.store.driver import Driver, Tx

_INSERT_CHANGE = (
    "INSERT INTO changes (kind, story_id, brief_id, as_of, revision, revised_by, change_note,"
    " headline, issues_opened, issues_closed, stance_shifts, events_added, significance, at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"
)
# The story's brief dated just before a new one that is not withdrawn: what its change is
# diffed against. The key alone is an index-only lookup (briefs_standing).
_PREVIOUS = (
    " FROM briefs b WHERE b.story_id = ? AND b.status <> 'canceled' AND b.as_of < ?"
    " ORDER BY b.as_of DESC LIMIT 1"
)
_PREVIOUS_KEY = f"SELECT b.brief_id, b.revision{_PREVIOUS}"
_PREVIOUS_BODY = (
    "SELECT b.brief_id, b.revision, (SELECT r.body FROM brief_revisions r"  # noqa: S608 - constants
    " WHERE r.story_id = b.story_id AND r.brief_id = b.brief_id AND r.revision = b.revision)"
    f"{_PREVIOUS}"
)


class PendingChange(msgspec.Struct, kw_only=True, frozen=True):
    """A change row before it has its id and commit time."""

    kind: ChangeKind
    story_id: str
    headline: str
    brief: Brief | None = None
    counts: ChangeCounts | None = None


class Counted(msgspec.Struct, kw_only=True, frozen=True):
    """A new brief's counts, computed before its transaction, and the revision (``(brief id,
    revision)``, ``None`` for none) they were diffed against."""

    against: tuple[str, int] | None
    counts: ChangeCounts


def story_change(kind: ChangeKind, story: Story) -> PendingChange:
    """A story's creation or metadata update; its headline is the story's title."""
    return PendingChange(kind=kind, story_id=story.id, headline=story.title)


def brief_change(
    brief: Brief, previous: Brief | None, counts: ChangeCounts | None = None
) -> PendingChange:
    """The change a stored revision made, with the diff against ``previous`` (``counts`` when
    computed already): the brief's previous revision for a revision, the story's previous
    brief (if any) for revision 1.

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
        counts=change_counts(previous, brief) if counts is None else counts,
    )


async def count_new_brief(driver: Driver, brief: Brief) -> Counted:
    """Before the transaction: a new brief's counts against the story's previous brief as it
    is now, the diff computed on a thread (it takes milliseconds)."""
    row = await driver.one(_PREVIOUS_BODY, brief.story_id, brief.as_of.isoformat())
    if row is None:
        return Counted(against=None, counts=ChangeCounts())
    previous = codec.decode_brief(row[2])
    counts = await asyncio.to_thread(change_counts, previous, brief)
    return Counted(against=(row[0], int(row[1])), counts=counts)


async def new_brief_change(tx: Tx, brief: Brief, counted: Counted | None) -> PendingChange:
    """In the transaction: the change of a new brief (revision 1), with ``counted`` if the
    story's previous brief is still the revision they were computed against, else counted
    now against the story's previous brief."""
    if counted is not None:
        row = await tx.one(_PREVIOUS_KEY, brief.story_id, brief.as_of.isoformat())
        if (None if row is None else (row[0], int(row[1]))) == counted.against:
            return brief_change(brief, None, counted.counts)
    return brief_change(brief, await previous_brief(tx, brief))


async def previous_brief(tx: Tx, brief: Brief) -> Brief | None:
    """The story's brief dated just before this one that is not withdrawn, as stored now."""
    row = await tx.one(_PREVIOUS_BODY, brief.story_id, brief.as_of.isoformat())
    return None if row is None else codec.decode_brief(row[2])


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
    """Insert the change rows, in order, as the transaction's last statements; the driver
    keeps their ids in commit order and wakes listeners at commit (`Tx.append_changes`).

    ``at`` is the writer's clock as it writes them: close to the commit, but across writers
    (and replicas' clocks) only the ids give the order.
    """
    if not changes:
        return
    at = dt.datetime.now(dt.UTC).isoformat()
    await tx.append_changes(_INSERT_CHANGE, [(*_parameters(change), at) for change in changes])


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
