"""Store timings: the observer a store reports each operation to (``store.observe(...)``).

The store times its own operations (see ``SQLStore.observe``) and calls this observer, so the
timing needs no proxy in front of the store and this module knows nothing of the store: it turns
``(operation, seconds, ok)`` into a histogram sample labelled ``(operation, outcome)``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol


class Sample(Protocol):
    """One labelled child of a histogram."""

    def observe(self, amount: float) -> None:
        """Record one value."""


def store_observer(child: Callable[[str, str], Sample]) -> Callable[[str, float, bool], None]:
    """An observer recording into ``child(operation, outcome)``, ``outcome`` being ``ok`` or
    ``error`` (a histogram's ``child`` or ``labels``); each child is looked up once."""
    children: dict[tuple[str, bool], Sample] = {}

    def observe(operation: str, seconds: float, ok: bool) -> None:
        sample = children.get((operation, ok))
        if sample is None:
            sample = children[operation, ok] = child(operation, "ok" if ok else "error")
        sample.observe(seconds)

    return observe
