"""A small story stored at known instants, for the time travel, Memento and feed tests.

T1: brief ``first`` (2025-03-01) revision 1, by alice, with one position.
T2: ``first`` revision 2, by bob ("board joins"): the board takes a position.
T3: brief ``second`` (2025-03-03) revision 1, no editor known.
T4: ``second`` revision 2 withdraws it (status canceled), by carol.
T5: brief ``third`` (2025-03-05) revision 1, by alice.
"""

from __future__ import annotations

import datetime as dt

from service.domain import models
from service.store.base import Store
from tests.store.factories import STORY_ID, make_content, make_draft, make_story

T1 = dt.datetime(2025, 3, 1, 12, 0, tzinfo=dt.UTC)
T2 = T1 + dt.timedelta(days=1)
T3 = T1 + dt.timedelta(days=2)
T4 = T1 + dt.timedelta(days=3)
T5 = T1 + dt.timedelta(days=4)
HOUR = dt.timedelta(hours=1)
FIRST_DAY, SECOND_DAY, THIRD_DAY = dt.date(2025, 3, 1), dt.date(2025, 3, 3), dt.date(2025, 3, 5)
REVISIONS = 5
"""Revisions the story holds."""


async def store_history_story(store: Store) -> str:
    """Store the story above; returns its id."""
    await store.create_story(make_story())
    first = make_draft("first", FIRST_DAY, parties=["north-port"], summary="Talks open.")
    await store.create_brief(STORY_ID, first, T1, revised_by="alice")
    board = models.BriefUpdate(
        **{
            field: getattr(
                make_content(headline="Board joins the talks", parties=["north-port", "board"]),
                field,
            )
            for field in models.BriefContent.__struct_fields__
        },
        change_note="board joins",
    )
    await store.update_brief(STORY_ID, "first", board, 1, T2, revised_by="bob")
    second = make_draft(
        "second", SECOND_DAY, parties=["south-port"], issues=[("toll", models.IssueStatus.OPEN)]
    )
    await store.create_brief(STORY_ID, second, T3)
    withdrawn = make_content(
        headline="Brief second",
        parties=["south-port"],
        issues=[("toll", models.IssueStatus.OPEN)],
        status=models.PubStatus.CANCELED,
        opened_on=SECOND_DAY,
    )
    await store.update_brief(STORY_ID, "second", withdrawn, 1, T4, revised_by="carol")
    await store.create_brief(STORY_ID, make_draft("third", THIRD_DAY), T5, revised_by="alice")
    return STORY_ID


def rfc3339(instant: dt.datetime) -> str:
    """``instant`` as an ``at`` query value."""
    return instant.isoformat().replace("+00:00", "Z")
