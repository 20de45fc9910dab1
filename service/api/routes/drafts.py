"""Drafts from articles: ``POST /v1/stories/{story_id}/drafts`` (issue 13).

The answer is a draft, not a stored brief: the next brief carried forward from the latest one
before its date, with the article's quotes, dated events and issue hints drafted in, and the
list of what the machine drafted (for review to accept or drop). Storing it is a
``createBrief`` of the reviewed ``brief``.
"""

from __future__ import annotations

import msgspec
from litestar import Response, post
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import JSONBody

from service.api.deps import StoreDep
from service.api.errors import problem_responses
from service.api.representations import JSON, StoryId
from service.api.resources import resource
from service.domain import codec
from service.domain.drafting import carry_forward
from service.domain.errors import ConflictError, NotFoundError
from service.domain.extract.article import ArticleDraftRequest, draft_article
from service.domain.extract.draft import ArticleDraft
from service.domain.wire import Scope


@post(
    "/drafts",
    operation_id="draftFromArticle",
    opt={"scope": Scope.WRITE},
    status_code=200,
    responses={
        200: ResponseSpec(
            data_container=ArticleDraft,
            description="The draft brief and the items drafted into it from the article.",
            generate_examples=False,
        ),
        **problem_responses(401, 403, 404, 409, 413, 415, 422),
    },
)
async def draft_from_article(
    *, store: StoreDep, story_id: StoryId, data: JSONBody[ArticleDraftRequest]
) -> Response[bytes]:
    """Draft the next brief of a story from an article's text. Needs `write`; stores nothing.

    The draft is dated `as_of` (default `published`) and carried forward from the latest brief
    before that date (as `briefs new` does); the article's attributed quotes go to their
    party's position, its dated sentences become events and its sentences on open issues
    become lines of those issues' notes, each listed in `drafted` with its span in `text`.
    409 when a brief is dated `as_of` already or there is no brief to carry forward from.
    """
    story = await store.get_story(story_id)
    as_of = data.as_of or data.published
    try:
        existing = await store.get_brief_on(story_id, as_of)
    except NotFoundError:
        existing = None
    if existing is not None:
        raise ConflictError(
            f"{existing.id} is dated {as_of} already (revision {existing.revision}); "
            "update it instead"
        )
    latest = await store.previous_brief(story_id, as_of)
    if latest is None:
        raise ConflictError(f"story {story_id} has no brief before {as_of} to carry forward from")
    base = msgspec.structs.replace(
        carry_forward(latest, as_of=as_of, brief_id=data.brief_id),
        change_note=f"carried forward from {latest.id} r{latest.revision}",
    )
    result = draft_article(base, data, story)
    return Response(codec.encode(result), media_type=JSON)


ROUTER = resource("/v1/stories/{story_id:str}", draft_from_article, tag="briefs")
