"""Atom feeds (RFC 4287) of brief revisions, per story and for every story, paged (RFC 5005).

One entry per stored revision, newest first. An entry's content is what the diff presentation
says of the revision against the one it follows: the brief's previous revision, or, for a new
brief, the brief not withdrawn dated just before it as it stood when the new one was stored
(nothing for the story's first brief). So an entry never changes once written; only the party
names it shows follow the story's registry.

Pages hold ``BRIEFS_FEED_PAGE_SIZE`` entries; ``?page=2`` and on are older ones, linked as
``first``/``previous``/``next``/``last`` (RFC 5005's paged feeds: a new revision moves entries
down a page). Each page has a strong `ETag` of its bytes, so ``If-None-Match`` answers 304.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Annotated, Any
from urllib.parse import urlsplit

from litestar import Request, get
from litestar.params import QueryParameter

from service.api.cache import CachedBody, cached_body
from service.api.deps import StoreDep
from service.api.representations import (
    JSON,
    Answer,
    IfNoneMatch,
    StoryId,
    read_responses,
    serve,
)
from service.api.resources import resource
from service.api.routes.history import history_of
from service.domain.atom import (
    ATOM,
    AtomEntry,
    AtomFeed,
    AtomLink,
    atom_document,
    diff_text,
    tag_uri,
)
from service.domain.diff import diff_briefs
from service.domain.errors import NotFoundError
from service.domain.models import Brief, PubStatus, Story
from service.domain.presentation import DiffContext
from service.settings import Settings
from service.store.base import Store
from service.store.history import RevisionRecord, StoreHistory, standing_before, state_at

MAX_PAGE = 100_000
_FEED_DAY = dt.date(2025, 1, 1)
"""The date in the feeds' own ``tag:`` ids: fixed, so a feed's id never changes."""
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)

PageQuery = Annotated[
    int,
    QueryParameter(
        name="page",
        description="The page: 1 holds the newest entries; `next` links name the older ones.",
        ge=1,
        le=MAX_PAGE,
    ),
]


@get(
    "/stories/{story_id:str}/feed.atom",
    operation_id="getStoryFeed",
    responses=read_responses("One page of the story's Atom feed.", str, ATOM),
)
async def get_story_feed(
    request: Request[Any, Any, Any],
    store: StoreDep,
    story_id: StoryId,
    if_none_match: IfNoneMatch,
    page: PageQuery = 1,
) -> Answer:
    """The story's Atom feed (RFC 4287): one entry per brief revision, newest first, its
    content the summary of what changed, with links to the revision, its diff and its ninjs;
    paged (RFC 5005) with `first`, `previous`, `next` and `last` links; 404 past the last page."""
    return serve(await _feed(request, store, story_id, page), if_none_match)


@get(
    "/feed.atom",
    operation_id="getFeed",
    responses=read_responses("One page of the Atom feed of every story.", str, ATOM),
)
async def get_feed(
    request: Request[Any, Any, Any],
    store: StoreDep,
    if_none_match: IfNoneMatch,
    page: PageQuery = 1,
) -> Answer:
    """The Atom feed of every story's brief revisions, newest first (as the story feeds, each
    entry's title led by its story's title); paged as the story feeds."""
    return serve(await _feed(request, store, None, page), if_none_match)


class _Site:
    """The absolute URLs and ``tag:`` authority of this request's feed."""

    def __init__(self, request: Request[Any, Any, Any]) -> None:
        settings: Settings = request.app.state.settings
        self.base = (settings.public_base_url or str(request.base_url)).rstrip("/")
        self.authority = urlsplit(self.base).hostname or "localhost"

    def url(self, path: str) -> str:
        return f"{self.base}{path}"


async def _feed(
    request: Request[Any, Any, Any], store: Store, story_id: str | None, page: int
) -> CachedBody:
    settings: Settings = request.app.state.settings
    size = settings.feed_page_size
    site = _Site(request)
    history = history_of(store)
    records, total = await history.newest(story_id, limit=size, offset=(page - 1) * size)
    last = max(1, math.ceil(total / size))
    if page > last:
        raise NotFoundError(f"the feed has {last} page(s), not {page}")
    stories = {
        sid: await store.get_story(sid) for sid in dict.fromkeys(r.story_id for r in records)
    }
    entries = await _entries(history, site, records, stories, global_feed=story_id is None)
    feed_path = "/v1/feed.atom" if story_id is None else f"/v1/stories/{story_id}/feed.atom"
    links = [AtomLink(rel="self", href=_page_url(site, feed_path, page), type=ATOM)]
    links.append(AtomLink(rel="first", href=_page_url(site, feed_path, 1), type=ATOM))
    if page > 1:
        links.append(AtomLink(rel="previous", href=_page_url(site, feed_path, page - 1), type=ATOM))
    if page < last:
        links.append(AtomLink(rel="next", href=_page_url(site, feed_path, page + 1), type=ATOM))
    links.append(AtomLink(rel="last", href=_page_url(site, feed_path, last), type=ATOM))
    if story_id is None:
        title, specific = "Briefs: every story", "feed"
        links.append(AtomLink(rel="alternate", href=site.url("/v1/stories"), type=JSON))
    else:
        story = stories.get(story_id) or await store.get_story(story_id)
        title, specific = story.title, f"{story_id}/feed"
        links.append(AtomLink(rel="alternate", href=site.url(f"/v1/stories/{story_id}"), type=JSON))
    feed = AtomFeed(
        id=tag_uri(site.authority, _FEED_DAY, specific),
        title=title,
        updated=records[0].revised_at if records else _EPOCH,
        author="Briefs",
        links=links,
        entries=entries,
    )
    identity = f"{story_id or 'all'}/feed/p{page}"
    return cached_body(identity, atom_document(feed), ATOM)


def _page_url(site: _Site, path: str, page: int) -> str:
    return site.url(path if page == 1 else f"{path}?page={page}")


async def _entries(
    history: StoreHistory,
    site: _Site,
    records: list[RevisionRecord],
    stories: dict[str, Story],
    *,
    global_feed: bool,
) -> list[AtomEntry]:
    """The page's entries, each with the diff against what it follows."""
    revisions = {sid: await history.story_revisions(sid) for sid in stories}
    followed = {
        (record.story_id, record.brief_id, record.revision): _followed(
            revisions[record.story_id], record
        )
        for record in records
    }
    wanted: dict[str, list[RevisionRecord]] = {sid: [] for sid in stories}
    for record in records:
        wanted[record.story_id].append(record)
        previous = followed[record.story_id, record.brief_id, record.revision]
        if previous is not None:
            wanted[record.story_id].append(previous)
    bodies: dict[tuple[str, str, int], Brief] = {}
    for sid, chosen in wanted.items():
        for brief in await history.bodies(sid, chosen):
            bodies[sid, brief.id, brief.revision] = brief
    entries = []
    for record in records:
        story = stories[record.story_id]
        previous = followed[record.story_id, record.brief_id, record.revision]
        brief = bodies[record.story_id, record.brief_id, record.revision]
        old = (
            None
            if previous is None
            else bodies[record.story_id, previous.brief_id, previous.revision]
        )
        entries.append(_entry(site, story, record, brief, previous, old, global_feed=global_feed))
    return entries


def _followed(revisions: list[RevisionRecord], record: RevisionRecord) -> RevisionRecord | None:
    """The revision ``record`` follows: its brief's previous one, or for a new brief the
    standing brief dated before it as it stood then (``None`` for the first brief)."""
    if record.revision > 1:
        return next(
            (
                other
                for other in revisions
                if other.brief_id == record.brief_id and other.revision == record.revision - 1
            ),
            None,
        )
    state = state_at(
        (other for other in revisions if other.brief_id != record.brief_id), record.revised_at
    )
    return standing_before(state, record.as_of)


def _entry(  # noqa: PLR0917 - one entry's inputs, from one caller
    site: _Site,
    story: Story,
    record: RevisionRecord,
    brief: Brief,
    previous: RevisionRecord | None,
    old: Brief | None,
    *,
    global_feed: bool,
) -> AtomEntry:
    story_path = f"/v1/stories/{story.id}"
    brief_path = f"{story_path}/briefs/{record.brief_id}"
    title = f"{record.headline} ({record.as_of.isoformat()}, revision {record.revision})"
    if record.status is PubStatus.CANCELED:
        title = f"Withdrawn: {title}"
    if global_feed:
        title = f"{story.title}: {title}"
    links = [
        AtomLink(
            rel="alternate", href=site.url(f"{brief_path}/revisions/{record.revision}"), type=JSON
        ),
        AtomLink(
            rel="related",
            href=site.url(f"{brief_path}/ninjs?revision={record.revision}"),
            type=JSON,
            title="ninjs",
        ),
    ]
    if previous is None or old is None:
        content = "The story's first brief." if record.revision == 1 else "No earlier revision."
    else:
        diff_path = (
            f"{story_path}/diff?from={previous.brief_id}&to={record.brief_id}"
            f"&from_revision={previous.revision}&to_revision={record.revision}"
        )
        links.append(AtomLink(rel="related", href=site.url(diff_path), type=JSON, title="diff"))
        context = DiffContext(
            parties={party.id: party.name for party in story.parties},
            sources={source.id: source for source in (*old.sources, *brief.sources)},
            issues={issue.id: issue for issue in brief.issues},
            old_issues={issue.id: issue for issue in old.issues},
            story=story,
        )
        content = diff_text(diff_briefs(old, brief), context)
    specific = f"{story.id}/{record.brief_id}/r{record.revision}"
    return AtomEntry(
        id=tag_uri(site.authority, record.revised_at.astimezone(dt.UTC).date(), specific),
        title=title,
        updated=record.revised_at,
        content=content,
        links=links,
        author=record.revised_by,
        summary=record.change_note,
    )


ROUTER = resource("/v1", get_story_feed, get_feed, tag="feeds")
