"""The byte-bounded LRU response cache and the ETag helpers, and the handlers that serve from it:
a warm cache answers exactly what a cold one does."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator

import pytest
from litestar.serialization import encode_json

from service.api.cache import (
    CachedBody,
    ResponseCache,
    cached_body,
    entry_size,
    matches_strongly,
    matches_weakly,
    strong_etag,
)
from service.domain import codec
from service.domain.files import StoryFolder
from service.domain.wire import BriefQuery
from service.settings import Settings

from .conftest import Api, replica, start
from .read_paths import DIFF, LATEST, READ_PATHS, STORY


def body(size: int, tag: str = "x") -> CachedBody:
    return CachedBody(body=b"a" * size, media_type="application/json", etag=f'"{tag}"')


def size(key: str, length: int) -> int:
    return entry_size(key, body(length))


def test_hits_misses_and_stats() -> None:
    cache = ResponseCache(max_bytes=10_000)
    assert cache.get("k") is None
    cache.put("k", body(10))
    assert cache.get("k") == body(10)
    stats = cache.stats()
    assert (stats.hits, stats.misses, stats.bytes, stats.entries) == (1, 1, size("k", 10), 1)


def test_evicts_least_recently_used_by_bytes() -> None:
    budget = 2 * size("a", 1000) + 10  # room for two entries, not three
    cache = ResponseCache(max_bytes=budget)
    cache.put("a", body(1000))
    cache.put("b", body(1000))
    assert cache.get("a") is not None  # "a" is now the most recently used
    cache.put("c", body(1000))  # over the budget: evict the least recently used, "b"
    assert cache.get("b") is None
    assert cache.get("a") is not None
    assert cache.get("c") is not None
    assert cache.stats().bytes == size("a", 1000) + size("c", 1000)


def test_oversized_entries_and_zero_budget_are_not_kept() -> None:
    cache = ResponseCache(max_bytes=size("big", 100) - 1)
    cache.put("big", body(100))
    assert cache.get("big") is None
    assert cache.stats().bytes == 0
    disabled = ResponseCache(max_bytes=0)
    disabled.put("k", body(1))
    assert disabled.stats().entries == 0


def test_replacing_a_key_keeps_the_byte_count_right() -> None:
    cache = ResponseCache(max_bytes=10_000)
    cache.put("k", body(30))
    cache.put("k", body(50))
    assert cache.stats().bytes == size("k", 50)
    assert cache.stats().entries == 1


def _estimate(key: tuple[object, ...], entry: CachedBody) -> int:
    """What the entry keeps alive, object by object, as ``sys.getsizeof`` sees it."""
    objects: list[object] = [entry, entry.body, entry.etag, entry.start_headers, key, *key]
    for pair in entry.start_headers:
        objects += [pair, pair[1]]
    return sum(sys.getsizeof(item) for item in objects)


def test_an_entry_is_accounted_at_least_at_its_real_footprint() -> None:
    """Issue 9: the cache counted body bytes only (40 MB reported while RSS grew ~103 MB)."""
    cache = ResponseCache(max_bytes=1 << 20)
    for length in (0, 10, 300, 30_000):
        key = ("diff", "ceasefire-2025", "brief-2025-03-14", 1, "brief-2025-03-18", 2, "patch")
        entry = cached_body("ceasefire-2025/brief-2025-03-14/r1", b"x" * length, "application/json")
        before = cache.stats().bytes
        cache.put(key, entry)
        accounted = cache.stats().bytes - before
        assert accounted >= _estimate(key, entry) > length
        cache = ResponseCache(max_bytes=1 << 20)


def test_strong_etags_change_with_the_bytes() -> None:
    first = strong_etag("story/brief/r1", b"one")
    assert first.startswith('"story/brief/r1:')
    assert first.endswith('"')
    assert first != strong_etag("story/brief/r1", b"two")
    assert first != strong_etag("story/brief/r2", b"one")
    assert cached_body("s/b/r1", b"one", "application/json").etag == strong_etag("s/b/r1", b"one")


def test_conditional_header_matching() -> None:
    etag = '"s/b/r1:abc"'
    assert matches_weakly(f'"other", {etag}', etag)
    assert matches_weakly(f"W/{etag}", etag)
    assert matches_weakly("*", etag)
    assert not matches_weakly('"other"', etag)
    assert matches_strongly(etag, etag)
    assert matches_strongly("*", etag)
    assert not matches_strongly(f"W/{etag}", etag)  # If-Match uses the strong comparison
    assert not matches_strongly('"s/b/r0:abc"', etag)


async def _exchange(api: Api, path: str, headers: dict[str, str]) -> tuple[object, ...]:
    response = await api.client.get(path, headers={"X-Request-ID": "fixed-id", **headers})
    return response.status_code, response.headers.multi_items(), response.content


@pytest.fixture(params=[False, True], ids=["public-reads", "auth-for-reads"])
async def matrix(
    request: pytest.FixtureRequest, sqlite_url: str, ceasefire: StoryFolder
) -> AsyncIterator[Api]:
    settings = Settings(
        database_url=sqlite_url, load_fixtures=False, require_auth_for_reads=request.param
    )
    async for running in start(settings, ceasefire):
        yield running


@pytest.mark.parametrize("role", ["none", "read", "revoked"])
async def test_a_warm_cache_answers_as_a_cold_one(matrix: Api, role: str) -> None:
    auth = matrix.tokens.headers(role)
    patch = {"Accept": "application/json-patch+json"}
    for path, headers in [*((path, auth) for path in READ_PATHS), (DIFF, {**auth, **patch})]:
        matrix.app.state.cache = ResponseCache(matrix.app.state.cache.max_bytes)
        cold = await _exchange(matrix, path, headers)
        warm = await _exchange(matrix, path, headers)
        assert cold == warm, (path, headers)


async def test_a_replica_never_serves_a_stale_revision(
    sqlite_url: str, ceasefire: StoryFolder
) -> None:
    """Two replicas on one database: an update through one is served by the other's next read
    (its cache holds revision bytes, never "which revision is current")."""
    settings = Settings(database_url=sqlite_url, load_fixtures=False)
    async for first in start(settings, ceasefire):
        async with replica(settings) as second:
            before = await second.get(LATEST)  # now cached by the second replica
            assert (await second.get(LATEST)).headers["ETag"] == before.headers["ETag"]
            content = {k: v for k, v in before.json().items() if k not in _IDENTITY}
            updated = await first.client.put(
                f"{STORY}/briefs/{before.json()['id']}",
                json=content,
                headers={"If-Match": before.headers["ETag"], **first.tokens.headers("write")},
            )
            assert updated.status_code == 200, updated.text
            after = await second.get(LATEST)
            assert after.json()["revision"] == before.json()["revision"] + 1
            assert after.headers["ETag"] == updated.headers["ETag"] != before.headers["ETag"]
            assert after.content == updated.content


_IDENTITY = {"id", "as_of", "story_id", "revision", "created_at", "revised_at"}


async def test_listing_bytes_are_unchanged(api: Api) -> None:
    """The listing splices stored JSON; the bytes equal the decoded page encoded as before."""
    store = api.app.state.store
    cases: list[dict[str, str]] = [{}, {"limit": "2"}, {"party": "russia"}, {"fields": "id,as_of"}]
    for params in cases:
        response = await api.client.get(f"{STORY}/briefs", params=params)
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/json"
        query = BriefQuery(limit=int(params.get("limit", 50)), party=params.get("party"))
        page = await store.list_briefs("ceasefire-2025", query)
        if "fields" in params:
            wanted = {"id", "as_of"}
            items = [
                {k: v for k, v in codec.to_builtins(b).items() if k in wanted} for b in page.items
            ]
            assert response.json() == {"items": items, "next_cursor": page.next_cursor}
        else:
            assert response.content == encode_json(page)


IMMUTABLE = "public, max-age=31536000, immutable"
PINNED_DIFF = f"{DIFF}&from_revision=1&to_revision=1"


@pytest.mark.parametrize(
    ("path", "cache_control"),
    [
        (LATEST, "no-cache"),
        (f"{STORY}/briefs/brief-2025-03-14", "no-cache"),
        (f"{STORY}/briefs/brief-2025-03-14/revisions/1", IMMUTABLE),
        (f"{STORY}/briefs/2025-03-18/revisions/1", IMMUTABLE),
        (DIFF, "no-cache"),
        (PINNED_DIFF, IMMUTABLE),
        (f"{STORY}/briefs/2025-03-18/diff", "no-cache"),
        (
            f"{STORY}/briefs/2025-03-18/diff?revision=1&against=2025-03-14&against_revision=1",
            IMMUTABLE,
        ),
        (f"{STORY}/timeline", "no-cache"),
        (f"{STORY}/issues", "no-cache"),
        (f"{STORY}/briefs/brief-2025-03-14/markdown?revision=1", "no-cache"),
    ],
)
async def test_cache_control_pins_revision_urls_and_revalidates_the_rest(
    api: Api, path: str, cache_control: str
) -> None:
    """Issue 9: revision URLs never change (immutable for a year); "latest" and views are
    ``no-cache`` with their ETag. The 304 carries the same caching headers."""
    response = await api.client.get(path)
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == cache_control
    assert response.headers["etag"]
    again = await api.client.get(path, headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304
    assert again.headers["cache-control"] == cache_control


@pytest.mark.parametrize("path", [DIFF, PINNED_DIFF, f"{STORY}/briefs/2025-03-18/diff"])
async def test_diffs_vary_by_accept(api: Api, path: str) -> None:
    """Issue 9: a diff is JSON or JSON Patch by ``Accept``, so it must say ``Vary: Accept``."""
    semantic = await api.client.get(path)
    patch = await api.client.get(path, headers={"Accept": "application/json-patch+json"})
    assert semantic.headers["content-type"] != patch.headers["content-type"]
    for response in (semantic, patch):
        assert response.headers["vary"] == "Accept"
    not_modified = await api.client.get(path, headers={"If-None-Match": semantic.headers["etag"]})
    assert (not_modified.status_code, not_modified.headers["vary"]) == (304, "Accept")
    assert "vary" not in (await api.client.get(LATEST)).headers
