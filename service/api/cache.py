"""A byte-bounded LRU of encoded responses, and strong ETags.

Brief revisions never change once stored, so a representation of one (JSON, Markdown, ninjs) or a
diff between two of them can be encoded once and served as bytes until evicted. Keys name the
immutable inputs (story, brief, revision(s), representation and flags); values keep the body, its
media type and its ETag. The cache is per process (one per worker); it needs no invalidation.
"""

from __future__ import annotations

import dataclasses
import hashlib
import sys
from collections import OrderedDict
from collections.abc import Hashable

import msgspec


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class CachedBody:
    """An encoded response body with its media type and strong ETag.

    ``start_headers`` are its response headers (``ETag``, ``Content-Type``, ``Content-Length``),
    encoded once here rather than on every hit. A ``text/*`` type is sent with
    ``; charset=utf-8``, as Litestar sends it.
    """

    body: bytes
    media_type: str
    etag: str
    start_headers: tuple[tuple[bytes, bytes], ...] = dataclasses.field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        content_type = self.media_type
        if content_type.startswith("text/") and "charset" not in content_type:
            content_type += "; charset=utf-8"
        headers = (
            (b"etag", self.etag.encode("latin-1")),
            (b"content-type", content_type.encode("latin-1")),
            (b"content-length", str(len(self.body)).encode("latin-1")),
        )
        object.__setattr__(self, "start_headers", headers)  # frozen: set once, here


class CacheStats(msgspec.Struct, frozen=True):
    """Counters of a `ResponseCache`, as reported on ``/metrics``."""

    hits: int
    misses: int
    bytes: int
    entries: int
    max_bytes: int


# What an OrderedDict spends per key beyond the objects: its hash table slot and index, and the
# linked-list node that keeps the order (CPython 3.11-3.13, 64-bit).
_SLOT_BYTES = 104


def _size_of_key(key: Hashable) -> int:
    size = sys.getsizeof(key)
    if isinstance(key, tuple):
        size += sum(sys.getsizeof(part) for part in key)
    return size


def entry_size(key: Hashable, entry: CachedBody) -> int:
    """The bytes one cache entry keeps alive: the body and every object around it (the
    `CachedBody`, its ETag, its encoded headers, the key and its parts, the dict slot).

    Counting bodies alone reported 40 MB while the process grew by ~103 MB (issue 9): small
    entries (diffs, 304-sized views) carry more overhead than body. The media type is one shared
    constant and not counted; a body shared by two keys (a brief by id and by date) is counted
    under each, so the bound errs on the safe side.
    """
    headers = entry.start_headers
    return (
        sys.getsizeof(entry.body)
        + sys.getsizeof(entry)
        + sys.getsizeof(entry.etag)
        + sys.getsizeof(headers)
        + sum(sys.getsizeof(pair) + sys.getsizeof(pair[1]) for pair in headers)
        + _size_of_key(key)
        + _SLOT_BYTES
    )


class ResponseCache:
    """LRU cache of `CachedBody` values bounded by their whole footprint (`entry_size`)."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[Hashable, tuple[CachedBody, int]] = OrderedDict()
        self._bytes = 0
        self._hits = 0
        self._misses = 0

    def get(self, key: Hashable, *, count_miss: bool = True) -> CachedBody | None:
        """The cached body for ``key`` (now most recently used), or ``None``.

        ``count_miss=False`` leaves a miss uncounted, for a caller that hands the request on to
        one that looks the key up again.
        """
        found = self._entries.get(key)
        if found is None:
            self._misses += count_miss
            return None
        self._entries.move_to_end(key)
        self._hits += 1
        return found[0]

    def put(self, key: Hashable, entry: CachedBody) -> CachedBody:
        """Store ``entry`` (unless it alone exceeds the bound), evicting the least recently used."""
        if len(entry.body) > self.max_bytes:
            return entry  # too big whatever its overhead (a cache of 0 bytes: every entry)
        size = entry_size(key, entry)
        if size > self.max_bytes:
            return entry
        previous = self._entries.pop(key, None)
        if previous is not None:
            self._bytes -= previous[1]
        self._entries[key] = (entry, size)
        self._bytes += size
        while self._bytes > self.max_bytes:
            _, (_, evicted) = self._entries.popitem(last=False)
            self._bytes -= evicted
        return entry

    def stats(self) -> CacheStats:
        """Hits, misses, bytes held (entry overhead included) and entry count."""
        return CacheStats(
            hits=self._hits,
            misses=self._misses,
            bytes=self._bytes,
            entries=len(self._entries),
            max_bytes=self.max_bytes,
        )


IMMUTABLE = "public, max-age=31536000, immutable"
"""``Cache-Control`` of a URL that names revisions: its answer never changes."""
REVALIDATE = "no-cache"
"""``Cache-Control`` of everything else served with an ETag: keep it, but ask each time."""


_CACHE_CONTROL = {
    True: (b"cache-control", IMMUTABLE.encode()),
    False: (b"cache-control", REVALIDATE.encode()),
}


def cache_control(*, pinned: bool) -> str:
    """The ``Cache-Control`` of a read: the one place that decides it.

    ``pinned``: the URL names every revision it depends on (a revision, a diff between two
    revisions), so shared caches may keep the answer for a year. A URL whose answer may move on
    ("latest", a brief's current revision, views, exports that show the editable party registry)
    is ``no-cache``: caches store it and revalidate with its ETag (a 304 costs no body).
    """
    return IMMUTABLE if pinned else REVALIDATE


def cache_control_header(*, pinned: bool) -> tuple[bytes, bytes]:
    """`cache_control` as an encoded header pair."""
    return _CACHE_CONTROL[pinned]


def strong_etag(identity: str, body: bytes) -> str:
    """A quoted strong ETag: the resource identity (story, brief, revisions) + a content hash.

    ``identity`` uses only ETag-safe characters (slugs, dates, ``/``, ``.``, ``:``). The hash is
    SHA-256 cut to 96 bits: with the CPU's SHA instructions it costs two thirds of BLAKE2b's
    time, which on an uncached read of a ~30 KB brief was a third of the request.
    """
    digest = hashlib.sha256(body).hexdigest()[:24]
    return f'"{identity}:{digest}"'


def cached_body(identity: str, body: bytes, media_type: str) -> CachedBody:
    """A `CachedBody` with its ETag computed from ``identity`` and ``body``."""
    return CachedBody(body=body, media_type=media_type, etag=strong_etag(identity, body))


def parse_etags(header: str) -> list[str]:
    """The entity tags of an ``If-Match``/``If-None-Match`` header (``*`` stays ``*``)."""
    tags: list[str] = []
    for raw in header.split(","):
        tag = raw.strip()
        if tag:
            tags.append(tag)
    return tags


def matches_weakly(header: str, etag: str) -> bool:
    """``If-None-Match`` semantics: weak comparison, ``*`` matches anything."""
    bare = etag.removeprefix("W/")
    return any(tag == "*" or tag.removeprefix("W/") == bare for tag in parse_etags(header))


def matches_strongly(header: str, etag: str) -> bool:
    """``If-Match`` semantics: strong comparison (weak tags never match), ``*`` matches."""
    return any(
        tag == "*" or (tag == etag and not tag.startswith("W/")) for tag in parse_etags(header)
    )
