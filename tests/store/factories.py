"""Small briefs and stories built in code for the store tests (no fixture files needed)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from service.domain import models

NOW = dt.datetime(2025, 3, 1, 12, 0, tzinfo=dt.UTC)
STORY_ID = "harbour-talks"


def make_story(story_id: str = STORY_ID) -> models.Story:
    """A small story with three parties."""
    return models.Story(
        id=story_id,
        title="Talks over the harbour toll",
        description="Two port towns argue over a shared toll; a regional board mediates.",
        parties=[
            models.Party(id="north-port", name="North Port", kind=models.PartyKind.STATE),
            models.Party(id="south-port", name="South Port", kind=models.PartyKind.STATE),
            models.Party(id="board", name="Regional Board", kind=models.PartyKind.ORGANISATION),
        ],
    )


def make_draft(
    brief_id: str,
    as_of: dt.date,
    *,
    headline: str | None = None,
    summary: str = "",
    parties: Sequence[str] = (),
    issues: Sequence[tuple[str, models.IssueStatus]] = (),
    status: models.PubStatus = models.PubStatus.USABLE,
) -> models.BriefDraft:
    """A small brief with positions for ``parties`` and the given issues."""
    content = make_content(
        headline=headline or f"Brief {brief_id}",
        summary=summary,
        parties=parties,
        issues=issues,
        status=status,
        opened_on=as_of,
    )
    return models.BriefDraft(
        **{field: getattr(content, field) for field in models.BriefContent.__struct_fields__},
        id=brief_id,
        as_of=as_of,
    )


def make_content(
    *,
    headline: str,
    summary: str = "",
    parties: Sequence[str] = (),
    issues: Sequence[tuple[str, models.IssueStatus]] = (),
    status: models.PubStatus = models.PubStatus.USABLE,
    opened_on: dt.date = dt.date(2025, 1, 1),
) -> models.BriefContent:
    """Brief content: one position per party, one issue per (id, status)."""
    return models.BriefContent(
        headline=headline,
        summary=summary,
        positions=[
            models.Position(
                party_id=party, stance=models.Stance.UNDECIDED, statement=f"{party} waits."
            )
            for party in parties
        ],
        issues=[
            models.Issue(
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


_CLOSED = {models.IssueStatus.RESOLVED, models.IssueStatus.LAPSED, models.IssueStatus.OVERTAKEN}


def day(n: int) -> dt.date:
    """The n-th day of 2025 (1-based), for readable as-of dates."""
    return dt.date(2025, 1, 1) + dt.timedelta(days=n - 1)
