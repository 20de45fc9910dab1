"""The metrics are prometheus_client's own instruments, and expose what they did."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram, generate_latest

from service.observability.metrics import Metrics


def test_the_instruments_are_prometheus_clients_own() -> None:
    metrics = Metrics()
    assert isinstance(metrics.requests, Counter)
    assert isinstance(metrics.request_duration, Histogram)
    assert isinstance(metrics.in_progress, Gauge)
    assert isinstance(metrics.db_duration, Histogram)


def test_observations_are_exposed() -> None:
    metrics = Metrics()
    for status in (200, 200, 404):
        metrics.observe_request("GET", "/v1/stories", status, 0.003)
    metrics.observe_request("BREW", "<unmatched>", 405, 0.001)
    metrics.db_duration.labels("get_story", "ok").observe(0.0007)
    metrics.in_progress.inc()
    text = generate_latest(metrics.registry).decode()
    assert 'briefs_http_requests_total{method="GET",route="/v1/stories",status="200"} 2.0' in text
    assert 'briefs_http_requests_total{method="OTHER",route="<unmatched>",status="405"} 1.0' in text
    assert (
        'briefs_http_request_duration_seconds_bucket{le="0.005",method="GET",route="/v1/stories"}'
        " 3.0"
    ) in text
    assert 'briefs_db_call_duration_seconds_count{operation="get_story",outcome="ok"} 1.0' in text
    assert "briefs_http_requests_in_progress 1.0" in text
    assert "_created" not in text
