"""Diffs between two briefs or two revisions: a semantic `BriefDiff`, or RFC 6902 JSON Patch.

Both sides are immutable revisions, so the encoded diff is cached by (story, both revisions,
flags, format) and served with a strong ETag, ``Vary: Accept`` (JSON or JSON Patch) and, when the
URL names both revisions, an immutable ``Cache-Control``.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Annotated

from litestar import get
from litestar.params import HeaderParameter, Parameter, QueryParameter

from service.api.cache import CachedBody, cached_body
from service.api.deps import CacheDep, StoreDep
from service.api.representations import (
    HEADER_MAX,
    JSON,
    SLUG_PATTERN,
    Answer,
    BriefRefParam,
    IfNoneMatch,
    RevisionQuery,
    StoryId,
    load_brief,
    read_responses,
    revision_key,
    serve,
)
from service.api.resources import resource
from service.domain import codec
from service.domain.changes import BriefDiff
from service.domain.diff import diff_briefs, without_trivial
from service.domain.errors import NotFoundError
from service.domain.limits import MAX_ID_LENGTH, MAX_REVISION
from service.domain.models import Brief
from service.domain.patch import json_patch
from service.domain.wire import JSON_PATCH

Accept = Annotated[
    str | None,
    HeaderParameter(
        name="Accept",
        description=f"`{JSON_PATCH}` for an RFC 6902 patch instead of the semantic diff.",
        max_length=HEADER_MAX,
        required=False,
    ),
]
HideTrivial = Annotated[
    bool,
    Parameter(
        description="Drop whitespace/punctuation/case-only changes from the semantic diff.",
    ),
]


def _ref(description: str, *, query: str) -> object:
    return QueryParameter(
        name=query,
        description=description,
        pattern=SLUG_PATTERN,
        min_length=1,
        max_length=MAX_ID_LENGTH,
    )


def _revision(description: str, *, query: str) -> object:
    return QueryParameter(
        name=query, description=description, ge=1, le=MAX_REVISION, required=False
    )


_DIFF_RESPONSES = read_responses(
    f"The semantic diff (old = the other brief, new = this one); with "
    f"`Accept: {JSON_PATCH}`, a `list[PatchOp]` (RFC 6902) from old to new.",
    BriefDiff,
)


def _diff_format(hide_trivial: bool, accept: str | None) -> str:
    if accept is not None and JSON_PATCH in accept:
        return "patch"
    return "semantic-nontrivial" if hide_trivial else "semantic"


def diff_key(story_id: str, old: tuple[str, int], new: tuple[str, int], fmt: str) -> Hashable:
    return ("diff", story_id, *old, *new, fmt)


def _encoded_diff(old: Brief, new: Brief, fmt: str) -> CachedBody:
    identity = f"{old.story_id}/{old.id}/r{old.revision}..{new.id}/r{new.revision}/{fmt}"
    if fmt == "patch":
        return cached_body(identity, codec.encode(json_patch(old, new)), JSON_PATCH)
    diff = diff_briefs(old, new)
    body = codec.encode(without_trivial(diff) if fmt == "semantic-nontrivial" else diff)
    return cached_body(identity, body, JSON)


def _diff_body(cache: CacheDep, old: Brief, new: Brief, fmt: str) -> CachedBody:
    key = diff_key(old.story_id, (old.id, old.revision), (new.id, new.revision), fmt)
    entry = cache.get(key)
    return entry if entry is not None else cache.put(key, _encoded_diff(old, new, fmt))


@get("/briefs/{brief_ref:str}/diff", operation_id="getBriefDiff", responses=_DIFF_RESPONSES)
async def get_brief_diff(
    *,
    store: StoreDep,
    cache: CacheDep,
    story_id: StoryId,
    brief_ref: BriefRefParam,
    if_none_match: IfNoneMatch,
    accept: Accept,
    revision: RevisionQuery = None,
    against: Annotated[
        str | None,
        _ref(
            "The brief to compare with (default: the previous brief by as-of date).",
            query="against",
        ),
    ] = None,
    against_revision: Annotated[
        int | None, _revision("Revision of `against` (default: latest).", query="against_revision")
    ] = None,
    hide_trivial: HideTrivial = False,
) -> Answer:
    """What changed from `against` (default: the predecessor brief) to this brief.

    404 when the brief has no predecessor and no `against` is given.
    """
    new = await load_brief(store, story_id, brief_ref, revision)
    if against is not None:
        old = await load_brief(store, story_id, against, against_revision)
    else:
        previous = await store.previous_brief(story_id, new.as_of)
        if previous is None:
            raise NotFoundError(f"Brief {new.id!r} has no earlier brief to compare with.")
        old = previous
        if against_revision is not None:
            old = await store.get_brief(story_id, previous.id, against_revision)
    entry = _diff_body(cache, old, new, _diff_format(hide_trivial, accept))
    pinned = None not in (revision, against, against_revision)  # both sides named, by revision
    return serve(entry, if_none_match, pinned=pinned, vary="Accept")


@get("/diff", operation_id="getDiff", responses=_DIFF_RESPONSES)
async def get_diff(
    *,
    store: StoreDep,
    cache: CacheDep,
    story_id: StoryId,
    from_ref: Annotated[str, _ref("The old brief (id or as-of date).", query="from")],
    to_ref: Annotated[str, _ref("The new brief (id or as-of date).", query="to")],
    if_none_match: IfNoneMatch,
    accept: Accept,
    from_revision: Annotated[
        int | None, _revision("Revision of `from` (default: latest).", query="from_revision")
    ] = None,
    to_revision: Annotated[
        int | None, _revision("Revision of `to` (default: latest).", query="to_revision")
    ] = None,
    hide_trivial: HideTrivial = False,
) -> Answer:
    """What changed from one brief (or revision) to another of the same story."""
    # Both sides resolve to (brief id, revision) by index lookups; bodies are read on a miss only.
    old_key = await revision_key(store, story_id, from_ref, from_revision)
    new_key = await revision_key(store, story_id, to_ref, to_revision)
    fmt = _diff_format(hide_trivial, accept)
    key = diff_key(story_id, old_key, new_key, fmt)
    entry = cache.get(key)
    if entry is None:
        old = await store.get_brief(story_id, *old_key)
        new = await store.get_brief(story_id, *new_key)
        entry = cache.put(key, _encoded_diff(old, new, fmt))
    pinned = from_revision is not None and to_revision is not None
    return serve(entry, if_none_match, pinned=pinned, vary="Accept")


ROUTER = resource("/v1/stories/{story_id:str}", get_brief_diff, get_diff, tag="diffs")
