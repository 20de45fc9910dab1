"""Drafting and quick edits of brief documents: pure functions shared by the CLI and the TUI.

`carry_forward` drafts the next brief from the latest one; `with_issue_status` and `with_stance`
are the quick state changes (``briefs issue``, ``briefs stance`` and the TUI's issue and party
screens). Each returns a new `BriefDraft`, the one brief document every tool accepts; none of
them touches the store or the network.
"""

from __future__ import annotations

import datetime as dt

import msgspec

from service.domain.models import (
    CLOSED_STATUSES,
    BriefDraft,
    Issue,
    IssueStatus,
    Position,
    Stance,
)


class DraftingError(ValueError):
    """A quick edit that names something the brief does not hold (an issue, a party)."""


def brief_id_for(as_of: dt.date) -> str:
    """The conventional id of the brief dated ``as_of`` (the fixtures' ``brief-YYYY-MM-DD``)."""
    return f"brief-{as_of.isoformat()}"


def document_of(brief: BriefDraft) -> BriefDraft:
    """The brief document of a stored revision or GET body: its content and identity only.

    The read-only fields the server sets (``story_id``, ``revision``, timestamps, ``revised_by``)
    and the revision's ``change_note`` are dropped: they describe the revision, not the document.
    """
    return BriefDraft(
        id=brief.id,
        as_of=brief.as_of,
        headline=brief.headline,
        summary=brief.summary,
        takeaways=list(brief.takeaways),
        positions=list(brief.positions),
        issues=list(brief.issues),
        events=list(brief.events),
        sources=list(brief.sources),
        status=brief.status,
        author=brief.author,
    )


def carry_forward(latest: BriefDraft, *, as_of: dt.date, brief_id: str | None = None) -> BriefDraft:
    """A draft of the brief dated ``as_of``, carried forward from ``latest``.

    Kept: each party's stance, statement and standing conditions; the issues still open; the
    events (a brief's timeline is cumulative); the sources the kept events still cite. Dropped:
    quotes (remarks belong to the day they were made), closed issues (a brief reports a closure
    once), takeaways and the summary, which the editor writes for the new day. The headline is
    kept so the draft validates as it is; the editor rewrites it.
    """
    issues = [issue for issue in latest.issues if issue.status not in CLOSED_STATUSES]
    positions = [msgspec.structs.replace(position, quotes=[]) for position in latest.positions]
    cited = {source_id for event in latest.events for source_id in event.source_ids}
    return BriefDraft(
        id=brief_id or brief_id_for(as_of),
        as_of=as_of,
        headline=latest.headline,
        summary="",
        takeaways=[],
        positions=positions,
        issues=issues,
        events=list(latest.events),
        sources=[source for source in latest.sources if source.id in cited],
        status=latest.status,
        author=latest.author,
    )


def with_issue_status(
    brief: BriefDraft,
    issue_id: str,
    *,
    status: IssueStatus,
    on: dt.date,
    resolution: str | None = None,
) -> BriefDraft:
    """``brief`` with issue ``issue_id`` moved to ``status`` on ``on``.

    Closing (resolved, lapsed, overtaken) sets ``closed_on`` and, when given, the resolution;
    moving to an open status clears ``closed_on`` (a reopened issue) and keeps the resolution
    only if a new one is given.
    """
    issue = _find_issue(brief, issue_id)
    closed = status in CLOSED_STATUSES
    changed = msgspec.structs.replace(
        issue,
        status=status,
        closed_on=on if closed else None,
        resolution=resolution if resolution is not None else (issue.resolution if closed else None),
    )
    issues = [changed if item.id == issue_id else item for item in brief.issues]
    return msgspec.structs.replace(brief, issues=issues)


def with_stance(
    brief: BriefDraft,
    party_id: str,
    *,
    stance: Stance,
    statement: str | None = None,
) -> BriefDraft:
    """``brief`` with party ``party_id``'s stance (and, when given, statement) changed.

    A party the brief holds no position for gets one; whether the party is in the story's
    registry is `service.domain.validate`'s check, as for any document.
    """
    current = next((item for item in brief.positions if item.party_id == party_id), None)
    if current is None:
        changed = Position(party_id=party_id, stance=stance, statement=statement or "")
        return msgspec.structs.replace(brief, positions=[*brief.positions, changed])
    changed = msgspec.structs.replace(
        current, stance=stance, statement=current.statement if statement is None else statement
    )
    positions = [changed if item.party_id == party_id else item for item in brief.positions]
    return msgspec.structs.replace(brief, positions=positions)


def _find_issue(brief: BriefDraft, issue_id: str) -> Issue:
    for issue in brief.issues:
        if issue.id == issue_id:
            return issue
    known = ", ".join(issue.id for issue in brief.issues) or "none"
    raise DraftingError(f"brief {brief.id} has no issue {issue_id!r} (its issues: {known})")
