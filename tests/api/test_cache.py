"""The byte-bounded LRU response cache and the ETag helpers."""

from __future__ import annotations

from service.api.cache import (
    CachedBody,
    ResponseCache,
    cached_body,
    matches_strongly,
    matches_weakly,
    strong_etag,
)


def body(size: int, tag: str = "x") -> CachedBody:
    return CachedBody(body=b"a" * size, media_type="application/json", etag=f'"{tag}"')


def test_hits_misses_and_stats() -> None:
    cache = ResponseCache(max_bytes=100)
    assert cache.get("k") is None
    cache.put("k", body(10))
    assert cache.get("k") == body(10)
    stats = cache.stats()
    assert (stats.hits, stats.misses, stats.bytes, stats.entries) == (1, 1, 10, 1)


def test_evicts_least_recently_used_by_bytes() -> None:
    cache = ResponseCache(max_bytes=100)
    cache.put("a", body(40))
    cache.put("b", body(40))
    assert cache.get("a") is not None  # "a" is now the most recently used
    cache.put("c", body(40))  # 120 bytes > 100: evict the least recently used, "b"
    assert cache.get("b") is None
    assert cache.get("a") is not None
    assert cache.get("c") is not None
    assert cache.stats().bytes == 80


def test_oversized_entries_and_zero_budget_are_not_kept() -> None:
    cache = ResponseCache(max_bytes=100)
    cache.put("big", body(101))
    assert cache.get("big") is None
    assert cache.stats().bytes == 0
    disabled = ResponseCache(max_bytes=0)
    disabled.put("k", body(1))
    assert disabled.stats().entries == 0


def test_replacing_a_key_keeps_the_byte_count_right() -> None:
    cache = ResponseCache(max_bytes=100)
    cache.put("k", body(30))
    cache.put("k", body(50))
    assert cache.stats().bytes == 50
    assert cache.stats().entries == 1


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
