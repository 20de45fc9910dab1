"""Story views (timeline, issue lifecycles, stance history) as cached, ETagged bytes.

A view is a pure function of the story's current briefs, so its encoding never changes for one
story version (``Store.story_version``). Every request reads the version from the database (one
index-only query: replicas sharing it see each other's writes at once) and takes the bytes from
the response cache under a key naming the story, the view with its parameters and that version;
only a miss loads and decodes the briefs and derives the view. Old versions need no invalidation:
nothing asks for them again, and the LRU evicts them.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

import msgspec

from service.api.cache import CachedBody, ResponseCache, cached_body
from service.api.representations import JSON
from service.domain import codec
from service.domain.models import Brief
from service.store.base import Store, story_version_of

Derive = Callable[[list[Brief]], msgspec.Struct]
"""Builds a view from the story's current briefs (in as-of order)."""


async def view_body(
    store: Store, cache: ResponseCache, story_id: str, view: tuple[str, ...], derive: Derive
) -> CachedBody:
    """The JSON of a story view, from the cache or derived and cached.

    ``view`` names the view and every parameter its bytes depend on, as ETag-safe words (e.g.
    ``("issues", "open")``); with the story id and the version it keys the cache and makes the
    ETag's identity. Raises ``NotFoundError`` for an unknown story.
    """
    entry = cache.get(_key(story_id, view, await store.story_version(story_id)))
    if entry is not None:
        return entry
    briefs = await store.story_briefs(story_id)
    # Key the bytes by the version of the briefs actually read, not the one read just before:
    # a write committed in between must not file newer bytes under the older version.
    version = story_version_of(briefs)
    identity = "/".join((story_id, *view, f"v{version}"))
    body = cached_body(identity, codec.encode(derive(briefs)), JSON)
    return cache.put(_key(story_id, view, version), body)


def _key(story_id: str, view: tuple[str, ...], version: int) -> Hashable:
    return ("view", story_id, *view, version)
