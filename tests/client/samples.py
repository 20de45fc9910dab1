"""Small, valid domain objects for the client tests (fresh prose, no real reporting)."""

from __future__ import annotations

import datetime as dt

from service.domain.models import Brief, Story

NOW = dt.datetime(2025, 3, 14, 12, 0, tzinfo=dt.UTC)


def story(story_id: str = "harbour-talks") -> Story:
    """A story with no parties."""
    return Story(id=story_id, title="Harbour talks", description="Talks about a harbour.")


def brief(brief_id: str = "2025-03-14", *, revision: int = 1) -> Brief:
    """A brief revision of `story()`."""
    return Brief(
        id=brief_id,
        story_id="harbour-talks",
        as_of=dt.date(2025, 3, 14),
        headline="Negotiators meet at the harbour",
        summary="Both delegations arrived; no agenda was published.",
        revision=revision,
        created_at=NOW,
        revised_at=NOW,
    )
