"""Loading briefs by reference and serving their cached, ETagged representations.

A ``brief_ref`` is a brief id or an as-of date (``YYYY-MM-DD``). A brief's as-of date never changes,
so both kinds of reference name the same immutable revisions and may key the response cache.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Hashable
from typing import Annotated, Any, Literal

from litestar.openapi.datastructures import ResponseSpec
from litestar.params import HeaderParameter, Parameter, QueryParameter
from litestar.types import Receive, Scope, Send

from service.api.cache import (
    CachedBody,
    ResponseCache,
    cache_control_header,
    cached_body,
    matches_weakly,
    parse_etags,
)
from service.api.errors import problem_responses
from service.domain import codec
from service.domain.errors import NotFoundError
from service.domain.limits import MAX_ID_LENGTH, MAX_REVISION
from service.domain.markdown import brief_markdown
from service.domain.models import Brief, BriefRef, Story
from service.domain.ninjs import brief_ninjs
from service.store.base import Store

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
HEADER_MAX = 1000
"""Longest ``If-None-Match`` (and diff ``Accept``) header a read accepts; longer is a 400."""
_DATE_REF = re.compile(r"\d{4}-\d{2}-\d{2}")

JSON = "application/json"
MARKDOWN = "text/markdown"  # Litestar appends "; charset=utf-8" to text/* types
NINJS = "application/json"  # ninjs defines no media type of its own

StoryId = Annotated[
    str,
    Parameter(
        description="The story's id (kebab-case slug).",
        pattern=SLUG_PATTERN,
        min_length=1,
        max_length=MAX_ID_LENGTH,
    ),
]
BriefRefParam = Annotated[
    str,
    Parameter(
        description="A brief id (kebab-case slug) or the brief's as-of date `YYYY-MM-DD`.",
        pattern=SLUG_PATTERN,
        min_length=1,
        max_length=MAX_ID_LENGTH,
    ),
]
RevisionQuery = Annotated[
    int | None,
    QueryParameter(
        name="revision",
        description="A revision number (default: the latest revision).",
        ge=1,
        le=MAX_REVISION,
        required=False,
    ),
]
IfNoneMatch = Annotated[
    str | None,
    HeaderParameter(
        name="If-None-Match",
        description="ETag(s) the client holds; a match answers 304 Not Modified.",
        max_length=HEADER_MAX,
        required=False,
    ),
]


NOT_MODIFIED = {
    304: ResponseSpec(
        data_container=None,
        description="Not Modified: `If-None-Match` names the current `ETag`; no body.",
        generate_examples=False,
    )
}
"""The extra OpenAPI response of every GET that serves an `ETag`."""


def ok_response(
    description: str, container: Any, media_type: str = JSON
) -> dict[int, ResponseSpec]:
    """The OpenAPI 200 response of a route that answers raw bytes of ``container``'s schema."""
    return {
        200: ResponseSpec(
            data_container=container,
            description=description,
            generate_examples=False,
            media_type=media_type,
        )
    }


def read_responses(
    description: str, container: Any, media_type: str = JSON
) -> dict[int, ResponseSpec]:
    """The OpenAPI responses of a GET that serves bytes with an `ETag`: 200, 304 and the
    problems of a read (401, 403, 404)."""
    return {
        **ok_response(description, container, media_type),
        **NOT_MODIFIED,
        **problem_responses(401, 403, 404),
    }


def parse_ref(ref: str) -> dt.date | None:
    """The as-of date a reference names, or ``None`` when it is a brief id.

    Raises ``NotFoundError`` for a date-shaped reference that is not a calendar date.
    """
    if not _DATE_REF.fullmatch(ref):
        return None
    try:
        return dt.date.fromisoformat(ref)
    except ValueError:
        raise NotFoundError(f"No brief is dated {ref!r}: not a calendar date.") from None


async def load_brief(store: Store, story_id: str, ref: str, revision: int | None = None) -> Brief:
    """The latest (or the given) revision of the brief ``ref`` names."""
    as_of = parse_ref(ref)
    if as_of is None:
        return await store.get_brief(story_id, ref, revision)
    brief = await store.get_brief_on(story_id, as_of)
    if revision is None or revision == brief.revision:
        return brief
    return await store.get_brief(story_id, brief.id, revision)


def _key(story_id: str, ref: str, revision: int) -> Hashable:
    return ("brief", story_id, ref, revision)


def _identity(story_id: str, brief_id: str, revision: int) -> str:
    return f"{story_id}/{brief_id}/r{revision}"


# A brief revision's strong ETag (``strong_etag`` of ``_identity``); weak tags never match.
_REVISION_ETAG = re.compile(
    r'"(?P<story>[^/"]+)/(?P<brief>[^/"]+)/r(?P<revision>[1-9][0-9]{0,8}):[0-9a-f]{24}"'
)


def expected_revision(if_match: str, story_id: str, brief_id: str) -> int | None:
    """The revision an ``If-Match`` names of this brief, read from its ETags alone.

    ``None`` for ``*`` (any current revision); 0, which is never current, when no strong tag of
    a revision of this brief is listed (a weak, malformed or foreign tag). Revisions are
    immutable, so the tag's revision number decides; the store's compare-and-set checks it.
    """
    named = [0]
    for tag in parse_etags(if_match):
        if tag == "*":
            return None
        match = _REVISION_ETAG.fullmatch(tag)
        if match and match["story"] == story_id and match["brief"] == brief_id:
            named.append(int(match["revision"]))
    return max(named)


def brief_body(cache: ResponseCache, brief: Brief) -> CachedBody:
    """The JSON of a revision, from the cache or freshly encoded and cached."""
    key = _key(brief.story_id, brief.id, brief.revision)
    entry = cache.get(key)
    if entry is None:
        identity = _identity(brief.story_id, brief.id, brief.revision)
        entry = cache.put(key, cached_body(identity, codec.encode(brief), JSON))
    return entry


async def resolve_ref(store: Store, story_id: str, ref: str | None) -> BriefRef:
    """The current revision of the brief ``ref`` names (``None``: the latest brief).

    One indexed row; no body is read, so a cache hit afterwards costs no decode.
    """
    if ref is None:
        return await store.latest_ref(story_id)
    as_of = parse_ref(ref)
    return await store.current_ref(story_id, ref if as_of is None else as_of)


async def revision_key(
    store: Store, story_id: str, ref: str, revision: int | None
) -> tuple[str, int]:
    """``(brief id, revision)`` of what ``ref`` and ``revision`` name, without reading a body.

    A brief id with an explicit revision needs no query at all; whether that revision exists is
    checked when its body is read (on a cache miss): a cached body means it does.
    """
    if revision is not None and parse_ref(ref) is None:
        return ref, revision
    current = await resolve_ref(store, story_id, ref)
    return current.brief_id, current.revision if revision is None else revision


async def stored_body(
    store: Store, cache: ResponseCache, story_id: str, brief_id: str, revision: int
) -> CachedBody:
    """The JSON of one revision: cached bytes, else the store's canonical bytes (then cached)."""
    key = _key(story_id, brief_id, revision)
    entry = cache.get(key)
    if entry is None:
        body = await store.revision_json(story_id, brief_id, revision)
        entry = cache.put(key, cached_body(_identity(story_id, brief_id, revision), body, JSON))
    return entry


async def revision_body(
    store: Store, cache: ResponseCache, story_id: str, ref: str | None, revision: int | None
) -> CachedBody:
    """The JSON of a brief revision (``ref`` ``None``: the latest brief).

    With an explicit revision, a cache hit answers without touching the database (revisions are
    immutable). Otherwise one index-only lookup finds the current revision (always from the
    database, so every replica sees every update at once) and its bytes come from the cache;
    only a miss reads the body.
    """
    if revision is None:
        current = await resolve_ref(store, story_id, ref)
        return await stored_body(store, cache, story_id, current.brief_id, current.revision)
    assert ref is not None  # an explicit revision always comes with a brief reference
    alias = _key(story_id, ref, revision)
    hit = cache.get(alias)
    if hit is not None:
        return hit
    brief_id, _ = await revision_key(store, story_id, ref, revision)
    return cache.put(alias, await stored_body(store, cache, story_id, brief_id, revision))


def export_body(
    brief: Brief, story: Story, kind: Literal["markdown", "ninjs"], *, base_url: str | None = None
) -> CachedBody:
    """A Markdown or ninjs export (ninjs URIs under ``base_url``). Not cached: it also depends
    on the story's (editable) parties."""
    identity = f"{brief.story_id}/{brief.id}/r{brief.revision}/{kind}"
    if kind == "markdown":
        return cached_body(identity, brief_markdown(brief, story).encode(), MARKDOWN)
    assert base_url is not None, "a ninjs export needs the public base URL"
    return cached_body(identity, codec.encode(brief_ninjs(brief, story, base_url=base_url)), NINJS)


class Answer:
    """A finished response of cached bytes: what `serve` returns and the handler hands back.

    A route handler may return any ASGI app; Litestar then sends it as it is. The headers of a
    cached body are encoded once (``CachedBody.start_headers``), so building a Litestar
    ``Response`` (a header mapping, a media type check, an encoding of every header) for each
    hit would be work done again for the same bytes. The messages are those the ``Response``
    sent: same status, headers in the same order, one body message.
    """

    __slots__ = ("body", "headers", "status")

    def __init__(self, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.body = body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Send the response."""
        await send({"type": "http.response.start", "status": self.status, "headers": self.headers})
        await send({"type": "http.response.body", "body": self.body, "more_body": False})


def serve(
    entry: CachedBody,
    if_none_match: str | None,
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
    pinned: bool = False,
    vary: str | None = None,
) -> Answer:
    """The cached bytes with their ETag, or 304 when ``If-None-Match`` already has them.

    ``pinned``: the URL names the revision(s) served (``cache.cache_control`` decides what that
    means for ``Cache-Control``); ``vary``: the request headers the answer depends on.
    """
    etag, content_type, content_length = entry.start_headers
    start = [etag, cache_control_header(pinned=pinned)]
    if vary is not None:
        start.append((b"vary", vary.encode("latin-1")))
    for name, value in (headers or {}).items():
        start.append((name.lower().encode("latin-1"), value.encode("latin-1")))
    if (
        if_none_match is not None
        and status_code == 200
        and matches_weakly(if_none_match, entry.etag)
    ):
        return Answer(304, start, b"")
    start += (content_type, content_length)
    return Answer(status_code, start, entry.body)
