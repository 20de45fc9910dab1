"""Briefs: list, create, read (latest, by reference, by revision) and update with ``If-Match``."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from litestar import Request, Response, get, post, put
from litestar.exceptions import ValidationException
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import HeaderParameter, JSONBody, Parameter

from service.api.deps import CacheDep, StoreDep
from service.api.errors import PreconditionRequiredError, problem_responses
from service.api.representations import (
    JSON,
    SLUG_PATTERN,
    Answer,
    BriefRefParam,
    IfNoneMatch,
    StoryId,
    brief_body,
    expected_revision,
    ok_response,
    parse_ref,
    read_responses,
    resolve_ref,
    revision_body,
    serve,
)
from service.api.resources import resource
from service.api.routes import history
from service.domain import codec
from service.domain.errors import InvalidContentError
from service.domain.limits import MAX_ID_LENGTH, MAX_REVISION
from service.domain.models import (
    Brief,
    BriefContent,
    BriefDraft,
    BriefRef,
    BriefUpdate,
    IssueStatus,
    Story,
)
from service.domain.validate import FieldProblem, new_brief_problems, validate_brief
from service.domain.wire import BriefPage, BriefProjectionPage, BriefQuery, Scope

WRITE = {"scope": Scope.WRITE}
_BRIEF_FIELDS = frozenset(Brief.__struct_fields__)


def _ok(description: str, container: Any = Brief) -> dict[int, ResponseSpec]:
    return ok_response(description, container)


@get(
    "/",
    operation_id="listBriefs",
    responses={
        **_ok(
            "A page of briefs (projected to `fields` when given).",
            BriefPage | BriefProjectionPage,
        ),
        **problem_responses(401, 403, 404, 422),
    },
)
async def list_briefs(
    *,
    store: StoreDep,
    story_id: StoryId,
    as_of_from: Annotated[
        dt.date | None, Parameter(description="Only briefs dated on or after this day.")
    ] = None,
    as_of_to: Annotated[
        dt.date | None, Parameter(description="Only briefs dated on or before this day.")
    ] = None,
    party: Annotated[
        str | None,
        Parameter(
            description="Only briefs stating a position of this party.",
            pattern=SLUG_PATTERN,
            max_length=MAX_ID_LENGTH,
        ),
    ] = None,
    issue: Annotated[
        str | None,
        Parameter(
            description="Only briefs tracking this issue id.",
            pattern=SLUG_PATTERN,
            max_length=MAX_ID_LENGTH,
        ),
    ] = None,
    issue_status: Annotated[
        IssueStatus | None,
        Parameter(
            description="With `issue`: only briefs where it has this status; alone: any issue."
        ),
    ] = None,
    q: Annotated[
        str | None,
        Parameter(description="Full-text search in headline and summary.", max_length=200),
    ] = None,
    cursor: Annotated[
        str | None,
        Parameter(description="`next_cursor` of the previous page.", max_length=200),
    ] = None,
    limit: Annotated[int, Parameter(description="Page size.", ge=1, le=200)] = 50,
    fields: Annotated[
        str | None,
        Parameter(
            description="Comma-separated brief fields to return (projection); `id` is always kept.",
            max_length=500,
            pattern=r"^[a-z_]+(,[a-z_]+)*$",
        ),
    ] = None,
) -> Response[bytes]:
    """The latest revision of each brief matching the filters, by as-of date, keyset-paginated."""
    query = BriefQuery(
        as_of_from=as_of_from,
        as_of_to=as_of_to,
        party=party,
        issue_id=issue,
        issue_status=issue_status,
        q=q,
        cursor=cursor,
        limit=limit,
    )
    try:
        if fields is None:  # the stored JSON of each revision, spliced in: no decode, no encode
            encoded = await store.list_briefs_encoded(story_id, query)
            if not encoded.items and cursor is not None:
                await store.get_story(story_id)  # the store checks the story only without one
            return Response(codec.encode(encoded), media_type=JSON)
        page = await store.list_briefs(story_id, query)  # NotFoundError for an unknown story
    except InvalidContentError as error:  # a malformed or foreign cursor: a bad query, not a body
        raise _bad_query(error.problems) from None
    if not page.items and cursor is not None:
        await store.get_story(story_id)
    wanted = {"id", *fields.split(",")}
    unknown = sorted(wanted - _BRIEF_FIELDS)
    if unknown:  # well-formed but naming no brief field: 422, as the client expects
        raise InvalidContentError(
            [("query.fields", f"unknown brief field(s): {', '.join(unknown)}")]
        )
    items = [
        {key: value for key, value in codec.to_builtins(brief).items() if key in wanted}
        for brief in page.items
    ]
    projected = BriefProjectionPage(items=items, next_cursor=page.next_cursor)
    return Response(codec.encode(projected), media_type=JSON)


@post(
    "/",
    operation_id="createBrief",
    opt=WRITE,
    responses={
        201: ResponseSpec(
            data_container=Brief,
            description="Revision 1 of the new brief.",
            generate_examples=False,
        ),
        **problem_responses(401, 403, 404, 409, 413, 415, 422),
    },
)
async def create_brief(
    *,
    request: Request[Any, Any, Any],
    store: StoreDep,
    cache: CacheDep,
    story_id: StoryId,
    data: JSONBody[BriefDraft],
) -> Answer:
    """Create a brief (revision 1) from a brief document. Needs `write`; 409 if its id or as-of
    date exists.

    The document may be a stored revision's file as it is: `story_id`, when present, must be
    this story and `revision` 1 (else 422); `created_at`, `revised_at` and `revised_by` are set
    by the server (`revised_by`: the token's name). `change_note` is kept with the revision.
    """
    story = await store.get_story(story_id)
    _validate(data, story, new_brief_problems(data, story_id))
    now = dt.datetime.now(dt.UTC)
    brief = await store.create_brief(story_id, data, now, revised_by=_editor(request))
    location = f"/v1/stories/{story_id}/briefs/{brief.id}"
    return serve(brief_body(cache, brief), None, status_code=201, headers={"Location": location})


@get(
    "/latest",
    operation_id="getLatestBrief",
    responses=read_responses("The latest revision of the most recent brief.", Brief),
)
async def get_latest_brief(  # noqa: PLR0917 - the documented parameters, injected by name
    store: StoreDep,
    cache: CacheDep,
    story_id: StoryId,
    if_none_match: IfNoneMatch,
    on: history.OnQuery = None,
    at: history.AtQuery = None,
    accept_datetime: history.AcceptDatetime = None,
) -> Answer:
    """The latest revision of the story's most recent brief, with its `ETag`.

    `on`: the brief in effect that day; `at`: the latest brief as it stood at that instant;
    `Accept-Datetime`: that, as a Memento (RFC 7089) with `Memento-Datetime` and `Link`.
    """
    if on is not None or at is not None or accept_datetime is not None:
        return await history.latest_then(
            store,
            cache,
            story_id,
            on=on,
            at=at,
            accept_datetime=accept_datetime,
            if_none_match=if_none_match,
        )
    return serve(await revision_body(store, cache, story_id, None, None), if_none_match)


@get(
    "/{brief_ref:str}",
    operation_id="getBrief",
    responses=read_responses("The latest revision of the brief.", Brief),
)
async def get_brief(
    *,
    store: StoreDep,
    cache: CacheDep,
    story_id: StoryId,
    brief_ref: BriefRefParam,
    if_none_match: IfNoneMatch,
    at: history.AtQuery = None,
    accept_datetime: history.AcceptDatetime = None,
) -> Answer:
    """The latest revision of a brief (by id or as-of date), with its `ETag`.

    `at`: the revision current at that instant; `Accept-Datetime`: that revision as a Memento
    (RFC 7089) with `Memento-Datetime`, `Content-Location` and `Link` headers.
    """
    if at is not None or accept_datetime is not None:
        return await history.brief_then(
            store,
            cache,
            story_id,
            brief_ref,
            at=at,
            accept_datetime=accept_datetime,
            if_none_match=if_none_match,
        )
    return serve(await revision_body(store, cache, story_id, brief_ref, None), if_none_match)


@put(
    "/{brief_ref:str}",
    operation_id="updateBrief",
    opt=WRITE,
    responses={
        **_ok("The new revision."),
        **problem_responses(401, 403, 404, 412, 413, 415, 422, 428),
    },
)
async def update_brief(
    *,
    store: StoreDep,
    cache: CacheDep,
    story_id: StoryId,
    brief_ref: BriefRefParam,
    request: Request[Any, Any, Any],
    data: JSONBody[BriefUpdate],
    if_match: Annotated[
        str | None,
        HeaderParameter(
            name="If-Match",
            description="The current `ETag` of the brief (required: 428 without it, 412 if stale).",
            max_length=1000,
            required=False,
        ),
    ] = None,
) -> Answer:
    """Store the content as the brief's next revision. Needs `write` and a current `If-Match`.

    The body is the brief's content, or the whole document a GET returned, edited: the
    read-only fields it carries (`id`, `as_of`, `story_id`, `revision`, `created_at`,
    `revised_at`, `revised_by`) must equal the current revision's, else 422 naming each; absent
    or null, they are not checked. `change_note` describes the new revision; `revised_by` is
    the token's name.

    The check is a compare-and-set in the store: of concurrent updates carrying the same tag,
    exactly one succeeds and the others get 412 with the `current_revision`. The tag names the
    revision it was served for, so the current brief is read once, by that compare-and-set.
    """
    if if_match is None:
        raise PreconditionRequiredError("Send If-Match with the brief's current ETag.")
    as_of = parse_ref(brief_ref)
    # A date reference costs one index-only row (no body) to learn which brief it names.
    brief_id = brief_ref if as_of is None else (await store.current_ref(story_id, as_of)).brief_id
    _validate(data, await store.get_story(story_id))
    expected = expected_revision(if_match, story_id, brief_id)
    now = dt.datetime.now(dt.UTC)
    editor = _editor(request)
    brief = await store.update_brief(story_id, brief_id, data, expected, now, revised_by=editor)
    return serve(brief_body(cache, brief), None)


@get(
    "/{brief_ref:str}/revisions",
    operation_id="listRevisions",
    responses=problem_responses(401, 403, 404),
)
async def list_revisions(
    store: StoreDep, story_id: StoryId, brief_ref: BriefRefParam
) -> list[BriefRef]:
    """Every revision of a brief, oldest first, with when, by whom and why it was stored."""
    current = await resolve_ref(store, story_id, brief_ref)  # one index row, no body
    return await store.revision_refs(story_id, current.brief_id)


@get(
    "/{brief_ref:str}/revisions/{revision:int}",
    operation_id="getRevision",
    responses=read_responses("That revision of the brief.", Brief),
)
async def get_revision(
    *,
    store: StoreDep,
    cache: CacheDep,
    story_id: StoryId,
    brief_ref: BriefRefParam,
    revision: Annotated[int, Parameter(description="Revision number.", ge=1, le=MAX_REVISION)],
    if_none_match: IfNoneMatch,
) -> Answer:
    """One stored revision (immutable: served from the cache without a database query on a hit)."""
    body = await revision_body(store, cache, story_id, brief_ref, revision)
    return serve(body, if_none_match, pinned=True)


def _bad_query(problems: list[tuple[str, str]]) -> ValidationException:
    """A 400 naming the offending query parameters (``query.cursor``)."""
    extra = [
        {
            "source": "query",
            "key": path.removeprefix("$.").removeprefix("query."),
            "message": message,
        }
        for path, message in problems
    ]
    return ValidationException("Invalid query parameter.", extra=extra)


def _validate(
    content: BriefContent, story: Story, problems: list[FieldProblem] | None = None
) -> None:
    """Cross-field rules of ``service.domain.validate`` (and ``problems`` found before); 422
    with every problem's path."""
    problems = [*(problems or []), *validate_brief(content, story)]
    if problems:
        raise InvalidContentError([(problem.path, problem.message) for problem in problems])


def _editor(request: Request[Any, Any, Any]) -> str | None:
    """Who is writing: the token's name, set by the auth middleware; ``None`` with auth off."""
    name = request.scope.get("state", {}).get("token_name")
    return name if isinstance(name, str) else None


ROUTER = resource(
    "/v1/stories/{story_id:str}/briefs",
    list_briefs,
    create_brief,
    get_latest_brief,
    get_brief,
    update_brief,
    list_revisions,
    get_revision,
    tag="briefs",
)
