"""Exports of one brief revision: readable Markdown and IPTC ninjs 2.2 JSON."""

from __future__ import annotations

from typing import Any

from litestar import Request, get

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
from service.api.resources import resource
from service.settings import Settings


@get(
    "/markdown",
    operation_id="exportBriefMarkdown",
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
    "/ninjs",
    operation_id="exportBriefNinjs",
    responses=read_responses("The brief as an IPTC ninjs 2.2 document.", dict[str, object]),
)
async def export_brief_ninjs(
    store: StoreDep,
    story_id: StoryId,
    brief_ref: BriefRefParam,
    if_none_match: IfNoneMatch,
    *,
    request: Request[Any, Any, Any],
    revision: RevisionQuery = None,
) -> Answer:
    """The brief as IPTC ninjs 2.2 (uri, version, headlines, people, infosources, ...), valid
    against the official schema; its URIs are absolute under `BRIEFS_PUBLIC_BASE_URL` (or the
    request's base URL when that is unset)."""
    story = await store.get_story(story_id)
    brief = await load_brief(store, story_id, brief_ref, revision)
    base_url = _public_base_url(request)
    return serve(export_body(brief, story, "ninjs", base_url=base_url), if_none_match)


def _public_base_url(request: Request[Any, Any, Any]) -> str:
    settings: Settings = request.app.state.settings
    return settings.public_base_url or str(request.base_url)


ROUTER = resource(
    "/v1/stories/{story_id:str}/briefs/{brief_ref:str}",
    export_brief_markdown,
    export_brief_ninjs,
    tag="exports",
)
