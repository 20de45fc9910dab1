"""Story-level views derived from every brief: timeline, issue lifecycles, stance history."""

from __future__ import annotations

import enum
from typing import Annotated

from litestar import get
from litestar.params import Parameter, QueryParameter

from service.api.deps import StoreDep
from service.api.errors import problem_responses
from service.api.representations import SLUG_PATTERN, StoryId
from service.domain.derive import issue_lifecycles, stance_history, timeline
from service.domain.errors import NotFoundError
from service.domain.limits import MAX_ID_LENGTH
from service.domain.views import IssueLifecycles, StanceHistory, Timeline


class IssueState(enum.StrEnum):
    """Which issues to list."""

    ALL = "all"
    OPEN = "open"
    CLOSED = "closed"


@get(
    "/v1/stories/{story_id:str}/timeline",
    operation_id="getTimeline",
    tags=["views"],
    responses=problem_responses(401, 403, 404),
)
async def get_timeline(store: StoreDep, story_id: StoryId) -> Timeline:
    """Every event across the story's briefs, deduplicated by id, in chronological order."""
    # story_briefs raises NotFoundError for an unknown story
    return timeline(story_id, await store.story_briefs(story_id))


@get(
    "/v1/stories/{story_id:str}/issues",
    operation_id="listIssueLifecycles",
    tags=["views"],
    responses=problem_responses(401, 403, 404),
)
async def list_issue_lifecycles(
    store: StoreDep,
    story_id: StoryId,
    issue_state: Annotated[
        IssueState, QueryParameter(name="state", description="`open`, `closed` or `all` issues.")
    ] = IssueState.ALL,
) -> IssueLifecycles:
    """The lifecycle of every issue of the story (status per brief, age, resolution)."""
    lifecycles = issue_lifecycles(story_id, await store.story_briefs(story_id))
    if issue_state is IssueState.ALL:
        return lifecycles
    closed = issue_state is IssueState.CLOSED
    return IssueLifecycles(
        story_id=lifecycles.story_id,
        issues=[issue for issue in lifecycles.issues if issue.is_closed == closed],
    )


@get(
    "/v1/stories/{story_id:str}/parties/{party_id:str}/stances",
    operation_id="getStanceHistory",
    tags=["views"],
    responses=problem_responses(401, 403, 404),
)
async def get_stance_history(
    store: StoreDep,
    story_id: StoryId,
    party_id: Annotated[
        str,
        Parameter(
            description="A party of the story's registry.",
            pattern=SLUG_PATTERN,
            min_length=1,
            max_length=MAX_ID_LENGTH,
        ),
    ],
) -> StanceHistory:
    """One party's stance over time; 404 when the party is not in the story's registry."""
    story = await store.get_story(story_id)
    if all(party.id != party_id for party in story.parties):
        raise NotFoundError(f"Story {story_id!r} has no party {party_id!r}.")
    return stance_history(story_id, party_id, await store.story_briefs(story_id))


ROUTES = [get_timeline, list_issue_lifecycles, get_stance_history]
