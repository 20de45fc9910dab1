"""Exports of one brief revision: readable Markdown and IPTC ninjs 2.x JSON."""

from __future__ import annotations

from litestar import get

from service.api.deps import StoreDep
from service.api.representations import (
    MARKDOWN,
    Answer,
    BriefRefParam,
    IfNoneMatch,
    RevisionQuery,
    StoryId,
    export_body,
    load_brief,
    read_responses,
    serve,
)


@get(
    "/v1/stories/{story_id:str}/briefs/{brief_ref:str}/markdown",
    operation_id="exportBriefMarkdown",
    tags=["exports"],
    responses=read_responses("The brief as Markdown.", str, MARKDOWN),
)
async def export_brief_markdown(
    store: StoreDep,
    story_id: StoryId,
    brief_ref: BriefRefParam,
    if_none_match: IfNoneMatch,
    revision: RevisionQuery = None,
) -> Answer:
    """A readable Markdown document of the brief (latest or the given revision)."""
    story = await store.get_story(story_id)
    brief = await load_brief(store, story_id, brief_ref, revision)
    return serve(export_body(brief, story, "markdown"), if_none_match)


@get(
    "/v1/stories/{story_id:str}/briefs/{brief_ref:str}/ninjs",
    operation_id="exportBriefNinjs",
    tags=["exports"],
    responses=read_responses("The brief as an IPTC ninjs 2.x document.", dict[str, object]),
)
async def export_brief_ninjs(
    store: StoreDep,
    story_id: StoryId,
    brief_ref: BriefRefParam,
    if_none_match: IfNoneMatch,
    revision: RevisionQuery = None,
) -> Answer:
    """The brief as IPTC ninjs 2.x (uri, version, headlines, people, infosources, ...)."""
    story = await store.get_story(story_id)
    brief = await load_brief(store, story_id, brief_ref, revision)
    return serve(export_body(brief, story, "ninjs"), if_none_match)


ROUTES = [export_brief_markdown, export_brief_ninjs]
