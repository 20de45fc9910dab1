"""Story-level views derived from a story's briefs, as wire models.

Produced by ``service.domain.derive``; served by the API and rendered by the TUI.
"""

from __future__ import annotations

import datetime as dt

import msgspec

from service.domain.models import BriefRef, Event, IssueStatus, Quote, Stance


class TimelineEntry(msgspec.Struct, kw_only=True, frozen=True):
    """One event of the merged timeline, with the brief that first reported it.

    ``event`` is the version reported by the latest brief that lists it.
    """

    event: Event
    first_reported_in: BriefRef


class Timeline(msgspec.Struct, kw_only=True, frozen=True):
    """Every event across a story's standing briefs, deduplicated by id, in chronological order.

    ``withdrawn`` lists the briefs whose latest revision is ``canceled``, in as-of order: their
    events are left out (``service.domain.derive.standing_briefs``).
    """

    story_id: str
    entries: list[TimelineEntry] = []
    withdrawn: list[BriefRef] = []


class IssueStatusPoint(msgspec.Struct, kw_only=True, frozen=True):
    """An issue's status as one brief reports it."""

    brief: BriefRef
    status: IssueStatus
    changed: bool
    note: str | None = None


class IssueLifecycle(msgspec.Struct, kw_only=True, frozen=True):
    """The life of one issue across a story's briefs.

    ``age_days`` counts from ``opened_on`` to ``closed_on``, or to the latest brief's as-of date
    while the issue is still open.
    """

    issue_id: str
    title: str
    opened_on: dt.date
    first_seen: BriefRef
    statuses: list[IssueStatusPoint]
    current_status: IssueStatus
    closed_on: dt.date | None = None
    resolution: str | None = None
    age_days: int = 0

    @property
    def is_closed(self) -> bool:
        """Whether the issue's lifecycle has ended."""
        return self.closed_on is not None


class IssueLifecycles(msgspec.Struct, kw_only=True, frozen=True):
    """Every issue of a story's standing (not withdrawn) briefs, ordered by opening date then
    id."""

    story_id: str
    issues: list[IssueLifecycle] = []


class StancePoint(msgspec.Struct, kw_only=True, frozen=True):
    """A party's position in one brief; ``changed`` marks a stance category change."""

    brief: BriefRef
    stance: Stance
    statement: str
    changed: bool
    quotes: list[Quote] = []


class StanceHistory(msgspec.Struct, kw_only=True, frozen=True):
    """One party's stance over time, one point per standing (not withdrawn) brief that states a
    position for it."""

    story_id: str
    party_id: str
    points: list[StancePoint] = []


class StorySummary(msgspec.Struct, kw_only=True, frozen=True):
    """A story in a listing: counts and the latest as-of date."""

    id: str
    title: str
    brief_count: int
    latest_as_of: dt.date | None = None
    open_issue_count: int = 0
