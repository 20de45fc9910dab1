"""Small briefs and stories built in code for the store tests (no fixture files needed)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from service.domain.models import (
    BriefContent,
    BriefDraft,
    Issue,
    IssueStatus,
    Party,
    PartyKind,
    Position,
    PubStatus,
    Stance,
    Story,
)

NOW = dt.datetime(2025, 3, 1, 12, 0, tzinfo=dt.UTC)
STORY_ID = "harbour-talks"


def make_story(story_id: str = STORY_ID) -> Story:
    """A small story with three parties."""
    return Story(
        id=story_id,
        title="Talks over the harbour toll",
        description="Two port towns argue over a shared toll; a regional board mediates.",
        parties=[
            Party(id="north-port", name="North Port", kind=PartyKind.STATE),
            Party(id="south-port", name="South Port", kind=PartyKind.STATE),
            Party(id="board", name="Regional Board", kind=PartyKind.ORGANISATION),
        ],
    )


def make_draft(
    brief_id: str,
    as_of: dt.date,
    *,
    headline: str | None = None,
    summary: str = "",
    parties: Sequence[str] = (),
    issues: Sequence[tuple[str, IssueStatus]] = (),
    status: PubStatus = PubStatus.USABLE,
) -> BriefDraft:
    """A small brief with positions for ``parties`` and the given issues."""
    content = make_content(
        headline=headline or f"Brief {brief_id}",
        summary=summary,
        parties=parties,
        issues=issues,
        status=status,
        opened_on=as_of,
    )
    return BriefDraft(
        **{field: getattr(content, field) for field in BriefContent.__struct_fields__},
        id=brief_id,
        as_of=as_of,
    )


def make_content(
    *,
    headline: str,
    summary: str = "",
    parties: Sequence[str] = (),
    issues: Sequence[tuple[str, IssueStatus]] = (),
    status: PubStatus = PubStatus.USABLE,
    opened_on: dt.date = dt.date(2025, 1, 1),
) -> BriefContent:
    """Brief content: one position per party, one issue per (id, status)."""
    return BriefContent(
        headline=headline,
        summary=summary,
        positions=[
            Position(party_id=party, stance=Stance.UNDECIDED, statement=f"{party} waits.")
            for party in parties
        ],
        issues=[
            Issue(
                id=issue_id,
                title=f"Question {issue_id}",
                status=issue_status,
                opened_on=opened_on,
                closed_on=opened_on if issue_status in _CLOSED else None,
            )
            for issue_id, issue_status in issues
        ],
        status=status,
    )


_CLOSED = {IssueStatus.RESOLVED, IssueStatus.LAPSED, IssueStatus.OVERTAKEN}


def day(n: int) -> dt.date:
    """The n-th day of 2025 (1-based), for readable as-of dates."""
    return dt.date(2025, 1, 1) + dt.timedelta(days=n - 1)
