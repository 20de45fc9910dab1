"""The lock-free instruments render exactly what prometheus_client's own would."""

from __future__ import annotations

import pytest
from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
)

from service.observability.instruments import CounterFamily, HistogramFamily, Level, SeriesCollector

BUCKETS = (0.001, 0.005, 0.01, 0.5)
# On a bound, just either side of one, below the first and above the last (+Inf).
VALUES = (0.0, 0.0005, 0.001, 0.0010001, 0.004, 0.005, 0.2, 0.5, 0.7, 12.0)


@pytest.fixture(autouse=True)
def _no_created_series() -> None:
    disable_created_metrics()  # type: ignore[no-untyped-call]  # as Metrics does


def test_the_same_exposition_as_prometheus_client() -> None:
    reference = CollectorRegistry()
    histogram = Histogram("h_seconds", "A histogram.", ["op"], buckets=BUCKETS, registry=reference)
    counter = Counter("c", "A counter.", ["op", "status"], registry=reference)
    gauge = Gauge("g", "A gauge.", registry=reference)
    ours = CollectorRegistry()
    our_histogram = HistogramFamily("h_seconds", "A histogram.", ["op"], BUCKETS)
    our_counter = CounterFamily("c", "A counter.", ["op", "status"])
    our_gauge = Level("g", "A gauge.")
    ours.register(SeriesCollector(our_histogram, our_counter, our_gauge))
    for op in ("read", "write"):
        for value in VALUES:
            histogram.labels(op).observe(value)
            our_histogram.child(op).observe(value)
    for key in (("read", 200), ("read", 200), ("write", 404)):
        counter.labels(key[0], str(key[1])).inc()
        our_counter.counts[key] = our_counter.counts.get(key, 0) + 1
    gauge.inc()
    gauge.inc()
    gauge.dec()
    our_gauge.value = 1
    assert generate_latest(ours).decode() == generate_latest(reference).decode()


def test_a_child_is_created_once_and_kept() -> None:
    family = HistogramFamily("h_seconds", "A histogram.", ["op"], BUCKETS)
    assert family.child("read") is family.child("read")
    assert family.child("read") is not family.child("write")
