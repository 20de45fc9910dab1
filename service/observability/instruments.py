"""The store-timing histogram as ``service.observability.timing`` uses it: ``child(*labels)``.

Every instrument is prometheus_client's own (``service.observability.metrics``); this adapter only
gives the timing proxy the ``child`` name it calls, so that module stays as it is until the store
reports its timings through an observer hook of its own.
"""

from __future__ import annotations

from prometheus_client import Histogram


class HistogramFamily:
    """A labelled prometheus_client ``Histogram``; ``child`` is its ``labels``."""

    __slots__ = ("histogram",)

    def __init__(self, histogram: Histogram) -> None:
        self.histogram = histogram

    def child(self, *values: str) -> Histogram:
        """The histogram of these label values."""
        return self.histogram.labels(*values)
