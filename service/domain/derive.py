"""Story-level views derived from a story's briefs: timeline, issue lifecycles, stance history.

Each function takes the briefs of one story (any revisions, any order) and works on the
`standing_briefs`: the latest revision of each brief in as-of order
(`service.domain.files.latest_revisions`), without the withdrawn ones. A brief is *withdrawn*
when its latest revision has the status ``canceled`` (`is_withdrawn`): it no longer feeds the
timeline, the issue lifecycles or the stance histories, and lists that still show it mark it as
withdrawn. Withheld briefs count like usable ones. The API, the offline TUI source and the CLI
all apply this one rule. The functions are pure and deterministic.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from service.domain.files import latest_revisions
from service.domain.matching import index_by
from service.domain.models import (
    CLOSED_STATUSES,
    Brief,
    BriefRef,
    Event,
    Issue,
    Position,
    PubStatus,
)
from service.domain.views import (
    IssueLifecycle,
    IssueLifecycles,
    IssueStatusPoint,
    StanceHistory,
    StancePoint,
    Timeline,
    TimelineEntry,
)

__all__ = ["is_withdrawn", "issue_lifecycles", "stance_history", "standing_briefs", "timeline"]


def is_withdrawn(brief: Brief) -> bool:
    """Whether ``brief`` is withdrawn: its status is ``canceled``. Ask it of a brief's latest
    revision; an earlier canceled revision followed by a usable one was reinstated."""
    return brief.status is PubStatus.CANCELED


def standing_briefs(briefs: Sequence[Brief]) -> list[Brief]:
    """The latest revision of each brief, in as-of order, leaving out the withdrawn ones."""
    return [brief for brief in latest_revisions(briefs) if not is_withdrawn(brief)]


def timeline(story_id: str, briefs: Sequence[Brief]) -> Timeline:
    """Every event of the standing briefs once, by event date then id, with the brief that
    first reported it; each event as the latest brief listing it reports it. ``withdrawn``
    names the briefs left out."""
    first_reported: dict[str, BriefRef] = {}
    latest: dict[str, Event] = {}
    for brief in standing_briefs(briefs):
        for event_id, event in index_by(brief.events, _id).items():
            first_reported.setdefault(event_id, brief.ref)
            latest[event_id] = event
    entries = [
        TimelineEntry(event=event, first_reported_in=first_reported[event_id])
        for event_id, event in latest.items()
    ]
    entries.sort(key=lambda entry: (entry.event.when.date, entry.event.id))
    withdrawn = [brief.ref for brief in latest_revisions(briefs) if is_withdrawn(brief)]
    return Timeline(story_id=story_id, entries=entries, withdrawn=withdrawn)


def issue_lifecycles(story_id: str, briefs: Sequence[Brief]) -> IssueLifecycles:
    """The life of every issue: its status in each standing brief that lists it, when it
    closed and how old it is, ordered by opening date then id."""
    ordered = standing_briefs(briefs)
    points: dict[str, list[IssueStatusPoint]] = {}
    latest: dict[str, Issue] = {}
    for brief in ordered:
        for issue_id, issue in index_by(brief.issues, _id).items():
            history = points.setdefault(issue_id, [])
            changed = bool(history) and history[-1].status != issue.status
            history.append(
                IssueStatusPoint(
                    brief=brief.ref, status=issue.status, changed=changed, note=issue.note
                )
            )
            latest[issue_id] = issue
    until = ordered[-1].as_of if ordered else None
    lifecycles = [_lifecycle(issue, points[issue_id], until) for issue_id, issue in latest.items()]
    lifecycles.sort(key=lambda lifecycle: (lifecycle.opened_on, lifecycle.issue_id))
    return IssueLifecycles(story_id=story_id, issues=lifecycles)


def stance_history(story_id: str, party_id: str, briefs: Sequence[Brief]) -> StanceHistory:
    """A party's stance in every standing brief that states a position for it, with stance
    changes marked. Empty when no brief does: whether the party exists is the story registry's
    call."""
    points: list[StancePoint] = []
    for brief in standing_briefs(briefs):
        position = index_by(brief.positions, _party).get(party_id)
        if position is None:
            continue
        points.append(
            StancePoint(
                brief=brief.ref,
                stance=position.stance,
                statement=position.statement,
                changed=bool(points) and points[-1].stance != position.stance,
                quotes=position.quotes,
            )
        )
    return StanceHistory(story_id=story_id, party_id=party_id, points=points)


def _lifecycle(
    issue: Issue, statuses: list[IssueStatusPoint], until: dt.date | None
) -> IssueLifecycle:
    closed_on = None
    if issue.is_closed:
        closed_on = issue.closed_on or _closed_since(statuses)
    end = closed_on or until or issue.opened_on
    return IssueLifecycle(
        issue_id=issue.id,
        title=issue.title,
        opened_on=issue.opened_on,
        first_seen=statuses[0].brief,
        statuses=statuses,
        current_status=issue.status,
        closed_on=closed_on,
        resolution=issue.resolution,
        age_days=max(0, (end - issue.opened_on).days),
    )


def _closed_since(statuses: list[IssueStatusPoint]) -> dt.date:
    """The as-of date of the first brief of the final run of closed statuses (a fallback for a
    closed issue without ``closed_on``)."""
    since = statuses[-1].brief.as_of
    for point in reversed(statuses):
        if point.status not in CLOSED_STATUSES:
            break
        since = point.brief.as_of
    return since


def _id(item: Issue | Event) -> str:
    return item.id


def _party(position: Position) -> str:
    return position.party_id
