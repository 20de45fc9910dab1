"""Lock-free request and store instruments, exported through prometheus_client at scrape time.

prometheus_client's ``Counter``, ``Gauge`` and ``Histogram`` take a lock on every increment (so
that any thread may update them) and a histogram walks its bucket list in Python. A cached read
of the API costs about 20 µs; the seven locked increments it made (requests in progress up and
down, the request counter, two histograms) were an eighth of that. Every observation here is made
on the event loop's thread (the request observer and the store's timing proxy are coroutines,
and ``/metrics`` is answered on the loop too), so plain integers and floats are enough: there is
no other thread to race with. prometheus_client still owns the exposition: `SeriesCollector`
turns the figures into its metric families when a scrape asks.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence

from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.utils import floatToGoString


def _le(bound: float) -> str:
    """A bucket bound as prometheus_client writes it (``0.005``, ``+Inf``)."""
    return str(floatToGoString(bound))  # type: ignore[no-untyped-call]  # untyped upstream


class Histogram:
    """Observations counted in fixed buckets, with their sum (one label set)."""

    __slots__ = ("bounds", "counts", "total")

    def __init__(self, bounds: Sequence[float]) -> None:
        self.bounds = tuple(bounds)
        self.counts = [0] * (len(self.bounds) + 1)  # the last one is +Inf
        self.total = 0.0

    def observe(self, value: float) -> None:
        """Count one observation: in the first bucket whose upper bound is ``>= value``."""
        self.counts[bisect_left(self.bounds, value)] += 1
        self.total += value

    def cumulative(self) -> list[tuple[str, float]]:
        """``(le, count)`` pairs as Prometheus exposes them: each bucket includes those below."""
        pairs: list[tuple[str, float]] = []
        running = 0
        for bound, count in zip((*self.bounds, float("inf")), self.counts, strict=True):
            running += count
            pairs.append((_le(bound), running))
        return pairs


class HistogramFamily:
    """Histograms by label values, created on first use."""

    def __init__(
        self, name: str, documentation: str, labels: Sequence[str], bounds: Sequence[float]
    ):
        self.name = name
        self.documentation = documentation
        self.labels = tuple(labels)
        self.bounds = tuple(bounds)
        self.children: dict[tuple[str, ...], Histogram] = {}

    def child(self, *values: str) -> Histogram:
        """The histogram of these label values (the same object on every call)."""
        found = self.children.get(values)
        if found is None:
            found = self.children[values] = Histogram(self.bounds)
        return found

    def metric(self) -> Metric:
        """The family as prometheus_client renders it."""
        family = HistogramMetricFamily(self.name, self.documentation, labels=self.labels)
        for values, histogram in list(self.children.items()):
            family.add_metric(list(values), histogram.cumulative(), histogram.total)
        return family


class CounterFamily:
    """Counters by label values (any values; exported as their ``str``)."""

    def __init__(self, name: str, documentation: str, labels: Sequence[str]) -> None:
        self.name = name
        self.documentation = documentation
        self.labels = tuple(labels)
        self.counts: dict[tuple[object, ...], int] = {}

    def metric(self) -> Metric:
        """The family as prometheus_client renders it."""
        family = CounterMetricFamily(self.name, self.documentation, labels=self.labels)
        for values, count in list(self.counts.items()):
            family.add_metric([str(value) for value in values], count)
        return family


class Level:
    """A gauge that goes up and down (requests in progress)."""

    __slots__ = ("documentation", "name", "value")

    def __init__(self, name: str, documentation: str) -> None:
        self.name = name
        self.documentation = documentation
        self.value = 0

    def metric(self) -> Metric:
        """The gauge as prometheus_client renders it."""
        return GaugeMetricFamily(self.name, self.documentation, value=self.value)


class SeriesCollector:
    """A prometheus_client collector over instruments of this module."""

    def __init__(self, *instruments: HistogramFamily | CounterFamily | Level) -> None:
        self.instruments = instruments

    def describe(self) -> Iterable[Metric]:
        """The families (empty), for the registry's duplicate-name check."""
        return self.collect()

    def collect(self) -> Iterable[Metric]:
        """Every instrument's current figures."""
        return [instrument.metric() for instrument in self.instruments]
