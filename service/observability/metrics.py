"""Prometheus metrics: HTTP requests by route template, database call timings, response cache.

Each app gets its own ``CollectorRegistry`` (no process-global state), so tests can build many
apps side by side. Labels are bounded: the route *template* (``/v1/stories/{story_id}``), never the
raw path, a fixed set of methods, and store operation names from the ``Store`` protocol.

With several server workers in one container every worker has its own registry and a scrape sees
the worker that answered it; docs/deploy.md recommends one worker per container and replicas to
scale out, which keeps every scrape complete.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from litestar import Request, Response, get
from litestar.handlers import HTTPRouteHandler
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.exposition import choose_encoder
from prometheus_client.gc_collector import GCCollector
from prometheus_client.platform_collector import PlatformCollector
from prometheus_client.process_collector import ProcessCollector

METRICS_PATH = "/metrics"
UNMATCHED_ROUTE = "<unmatched>"
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

# Seconds; the API answers most reads from memory in well under a millisecond.
REQUEST_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
DB_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)
# What the API's cache reports in ``stats()``.
_STAT_NAMES = ("hits", "misses", "bytes", "entries", "max_bytes")


class CacheCollector:
    """Reads the response cache's ``stats()`` at scrape time (hits, misses, bytes, entries).

    Unbound until the app has started (``bind``); then it exports nothing rather than failing.
    """

    def __init__(self) -> None:
        self._source: Callable[[], object | None] = lambda: None

    def bind(self, source: Callable[[], object | None]) -> None:
        """Read the cache through ``source`` from now on (it may return None: no cache)."""
        self._source = source

    def describe(self) -> Iterable[Metric]:
        """The metric families, for the registry's duplicate-name check."""
        return self._families(dict.fromkeys(_STAT_NAMES, 0))

    def collect(self) -> Iterable[Metric]:
        """Current figures of the bound cache (nothing when there is none)."""
        cache = self._source()
        if cache is None:
            return []
        stats = cache.stats()  # type: ignore[attr-defined]  # the API's cache, duck-typed
        return self._families(stats if isinstance(stats, Mapping) else _as_mapping(stats))

    @staticmethod
    def _families(stats: Mapping[str, Any]) -> list[Metric]:
        return [
            CounterMetricFamily(
                "briefs_cache_hits", "Responses served from the cache.", value=stats["hits"]
            ),
            CounterMetricFamily(
                "briefs_cache_misses",
                "Cacheable responses not found in the cache.",
                value=stats["misses"],
            ),
            GaugeMetricFamily(
                "briefs_cache_bytes",
                "Bytes the cache holds: encoded bodies and each entry's overhead.",
                value=stats["bytes"],
            ),
            GaugeMetricFamily(
                "briefs_cache_entries", "Responses held in the cache.", value=stats["entries"]
            ),
            GaugeMetricFamily(
                "briefs_cache_max_bytes",
                "Upper bound of the cache (BRIEFS_CACHE_BYTES).",
                value=stats.get("max_bytes", 0),
            ),
        ]


def _as_mapping(stats: object) -> dict[str, Any]:
    return {name: getattr(stats, name, 0) for name in _STAT_NAMES}


class Metrics:
    """The registry of one app and the instruments the request observer and the store use:
    prometheus_client's own ``Counter``, ``Gauge`` and ``Histogram``."""

    def __init__(self) -> None:
        # ``*_created`` series double the series count and no dashboard of ours reads them.
        disable_created_metrics()  # type: ignore[no-untyped-call]  # untyped in prometheus_client
        self.registry = CollectorRegistry(auto_describe=True)
        ProcessCollector(registry=self.registry)
        PlatformCollector(registry=self.registry)
        GCCollector(registry=self.registry)
        self.requests = Counter(
            "briefs_http_requests",
            "HTTP requests answered, by method, route template and status code.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.request_duration = Histogram(
            "briefs_http_request_duration_seconds",
            "Time from receiving a request to sending the last byte, by route template.",
            ["method", "route"],
            buckets=REQUEST_BUCKETS,
            registry=self.registry,
        )
        self.in_progress = Gauge(
            "briefs_http_requests_in_progress",
            "HTTP requests being handled right now.",
            registry=self.registry,
        )
        self.db_duration = Histogram(
            "briefs_db_call_duration_seconds",
            "Time spent in each store operation, by operation and outcome (ok or error).",
            ["operation", "outcome"],
            buckets=DB_BUCKETS,
            registry=self.registry,
        )
        self.cache = CacheCollector()
        self.registry.register(self.cache)
        # Children by label values: ``labels()`` validates and locks on every call.
        self._counts: dict[tuple[str, str, int], Counter] = {}
        self._durations: dict[tuple[str, str], Histogram] = {}

    def observe_request(self, method: str, route: str, status: int, seconds: float) -> None:
        """Record one answered request."""
        method = method if method in KNOWN_METHODS else "OTHER"  # clients may send anything
        count = self._counts.get((method, route, status))
        if count is None:
            count = self._counts[method, route, status] = self.requests.labels(
                method, route, str(status)
            )
        count.inc()
        duration = self._durations.get((method, route))
        if duration is None:
            duration = self._durations[method, route] = self.request_duration.labels(method, route)
        duration.observe(seconds)

    def render(self, accept: str = "") -> tuple[bytes, str]:
        """Everything in the registry, in the format ``accept`` prefers (Prometheus text or
        OpenMetrics), and its content type."""
        encode, content_type = choose_encoder(accept)
        return encode(self.registry), content_type


def metrics_route(metrics: Metrics) -> HTTPRouteHandler:
    """The ``GET /metrics`` handler serving ``metrics`` (public; the auth excludes this path)."""

    @get(
        METRICS_PATH,
        operation_id="getMetrics",
        summary="Prometheus metrics",
        tags=["operations"],
        media_type=CONTENT_TYPE_LATEST.replace("; charset=utf-8", ""),
        sync_to_thread=False,
    )
    def get_metrics(request: Request[Any, Any, Any]) -> Response[bytes]:
        """Request counts and latencies by route template, database call timings, response
        cache figures and process statistics of the worker that answers, in the Prometheus
        text format (OpenMetrics when the scraper asks for it)."""
        body, content_type = metrics.render(request.headers.get("accept", ""))
        if content_type.startswith("text/"):  # Litestar appends the charset to text/* itself
            content_type = content_type.replace("; charset=utf-8", "")
        return Response(body, media_type=content_type, headers={"Cache-Control": "no-store"})

    return get_metrics
