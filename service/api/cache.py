"""A byte-bounded LRU of encoded responses, and strong ETags.

Brief revisions never change once stored, so a representation of one (JSON, Markdown, ninjs) or a
diff between two of them can be encoded once and served as bytes until evicted. Keys name the
immutable inputs (story, brief, revision(s), representation and flags); values keep the body, its
media type and its ETag. The cache is per process (one per worker); it needs no invalidation.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections import OrderedDict
from collections.abc import Hashable

import msgspec


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class CachedBody:
    """An encoded response body with its media type and strong ETag.

    ``start_headers`` are the response headers the fast path sends with it, encoded once here
    rather than on every hit.
    """

    body: bytes
    media_type: str
    etag: str
    start_headers: tuple[tuple[bytes, bytes], ...] = dataclasses.field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        headers = (
            (b"etag", self.etag.encode("latin-1")),
            (b"content-type", self.media_type.encode("latin-1")),
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


class ResponseCache:
    """LRU cache of `CachedBody` values bounded by the total size of their bodies."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[Hashable, CachedBody] = OrderedDict()
        self._bytes = 0
        self._hits = 0
        self._misses = 0

    def get(self, key: Hashable, *, count_miss: bool = True) -> CachedBody | None:
        """The cached body for ``key`` (now most recently used), or ``None``.

        ``count_miss=False`` leaves a miss uncounted, for a caller that hands the request on to
        one that looks the key up again.
        """
        entry = self._entries.get(key)
        if entry is None:
            self._misses += count_miss
            return None
        self._entries.move_to_end(key)
        self._hits += 1
        return entry

    def put(self, key: Hashable, entry: CachedBody) -> CachedBody:
        """Store ``entry`` (unless it alone exceeds the bound), evicting the least recently used."""
        size = len(entry.body)
        if size > self.max_bytes:
            return entry
        previous = self._entries.pop(key, None)
        if previous is not None:
            self._bytes -= len(previous.body)
        self._entries[key] = entry
        self._bytes += size
        while self._bytes > self.max_bytes:
            _, evicted = self._entries.popitem(last=False)
            self._bytes -= len(evicted.body)
        return entry

    def stats(self) -> CacheStats:
        """Hits, misses, bytes held and entry count."""
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


def cache_control(*, pinned: bool) -> str:
    """The ``Cache-Control`` of a read: the one place that decides it.

    ``pinned``: the URL names every revision it depends on (a revision, a diff between two
    revisions), so shared caches may keep the answer for a year. A URL whose answer may move on
    ("latest", a brief's current revision, views, exports that show the editable party registry)
    is ``no-cache``: caches store it and revalidate with its ETag (a 304 costs no body).
    """
    return IMMUTABLE if pinned else REVALIDATE


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
