"""Story-level views derived from every brief: timeline, issue lifecycles, stance history.

Each is served as cached bytes with a strong `ETag` for the story's current version
(``service.api.story_views``), honouring ``If-None-Match``.
"""

from __future__ import annotations

import enum
from typing import Annotated

from litestar import get
from litestar.params import Parameter, QueryParameter

from service.api.deps import CacheDep, StoreDep
from service.api.representations import (
    SLUG_PATTERN,
    Answer,
    IfNoneMatch,
    StoryId,
    read_responses,
    serve,
)
from service.api.resources import resource
from service.api.routes import history
from service.api.story_views import view_body
from service.domain.derive import issue_lifecycles, stance_history, timeline
from service.domain.errors import NotFoundError
from service.domain.limits import MAX_ID_LENGTH
from service.domain.models import Brief
from service.domain.views import IssueLifecycles, StanceHistory, Timeline


class IssueState(enum.StrEnum):
    """Which issues to list."""

    ALL = "all"
    OPEN = "open"
    CLOSED = "closed"


@get(
    "/timeline",
    operation_id="getTimeline",
    responses=read_responses("The story's timeline.", Timeline),
)
async def get_timeline(
    store: StoreDep,
    cache: CacheDep,
    story_id: StoryId,
    if_none_match: IfNoneMatch,
    at: history.AtQuery = None,
) -> Answer:
    """Every event across the story's briefs, deduplicated by id, in chronological order, with
    its `ETag`; with `at`, from the briefs as they stood at that instant."""

    def derive(briefs: list[Brief]) -> Timeline:
        return timeline(story_id, briefs)

    if at is not None:
        body = await history.view_at_body(store, story_id, ("timeline",), derive, at)
        return serve(body, if_none_match)
    return serve(await view_body(store, cache, story_id, ("timeline",), derive), if_none_match)


@get(
    "/issues",
    operation_id="listIssueLifecycles",
    responses=read_responses(
        "The lifecycles of the story's issues in that state.", IssueLifecycles
    ),
)
async def list_issue_lifecycles(  # noqa: PLR0917 - the documented parameters, injected by name
    store: StoreDep,
    cache: CacheDep,
    story_id: StoryId,
    if_none_match: IfNoneMatch,
    issue_state: Annotated[
        IssueState, QueryParameter(name="state", description="`open`, `closed` or `all` issues.")
    ] = IssueState.ALL,
    at: history.AtQuery = None,
) -> Answer:
    """The lifecycle of every issue of the story (status per brief, age, resolution), with its
    `ETag`; with `at`, from the briefs as they stood at that instant."""

    def derive(briefs: list[Brief]) -> IssueLifecycles:
        return _in_state(issue_lifecycles(story_id, briefs), issue_state)

    view = ("issues", issue_state.value)
    if at is not None:
        return serve(await history.view_at_body(store, story_id, view, derive, at), if_none_match)
    return serve(await view_body(store, cache, story_id, view, derive), if_none_match)


@get(
    "/parties/{party_id:str}/stances",
    operation_id="getStanceHistory",
    responses=read_responses("The party's stance history.", StanceHistory),
)
async def get_stance_history(
    store: StoreDep,
    cache: CacheDep,
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
    if_none_match: IfNoneMatch,
) -> Answer:
    """One party's stance over time, with its `ETag`; 404 when the party is not in the story's
    registry."""
    # The registry is editable and not part of the story version: check it on every request.
    story = await store.get_story(story_id)
    if all(party.id != party_id for party in story.parties):
        raise NotFoundError(f"Story {story_id!r} has no party {party_id!r}.")

    def derive(briefs: list[Brief]) -> StanceHistory:
        return stance_history(story_id, party_id, briefs)

    view = ("parties", party_id, "stances")
    return serve(await view_body(store, cache, story_id, view, derive), if_none_match)


def _in_state(lifecycles: IssueLifecycles, issue_state: IssueState) -> IssueLifecycles:
    """Only the open or only the closed issues (all of them for ``ALL``)."""
    if issue_state is IssueState.ALL:
        return lifecycles
    closed = issue_state is IssueState.CLOSED
    return IssueLifecycles(
        story_id=lifecycles.story_id,
        issues=[issue for issue in lifecycles.issues if issue.is_closed == closed],
    )


ROUTER = resource(
    "/v1/stories/{story_id:str}",
    get_timeline,
    list_issue_lifecycles,
    get_stance_history,
    tag="views",
)
