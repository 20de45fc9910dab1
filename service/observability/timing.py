"""A transparent proxy that times every coroutine method of a store.

A proxy (rather than timing inside each backend) keeps the SQLite and PostgreSQL stores free of
metrics code and times them identically. It forwards every attribute, so a method the ``Store``
protocol gains later is timed without touching this module.
"""

from __future__ import annotations

import functools
import inspect
import time
from collections.abc import Awaitable, Callable
from typing import Any, cast

from service.observability.instruments import HistogramFamily
from service.store.base import Store


class TimedStore:
    """Wraps a store; each awaited method call is observed in ``histogram`` as
    ``(operation=<method name>, outcome=ok|error)``."""

    def __init__(self, store: Store, histogram: HistogramFamily) -> None:
        self._store = store
        self._histogram = histogram
        self._wrapped: dict[str, Callable[..., Awaitable[Any]]] = {}

    @property
    def wrapped_store(self) -> Store:
        """The store being timed."""
        return self._store

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._store, name)
        if name.startswith("_") or not inspect.iscoroutinefunction(attribute):
            return attribute
        timed = self._wrapped.get(name)
        if timed is None:
            timed = self._wrapped[name] = self._timed(name, attribute)
            # Later lookups find it on the instance and skip __getattr__ (a hot path per request).
            setattr(self, name, timed)
        return timed

    def _timed(
        self, operation: str, method: Callable[..., Awaitable[Any]]
    ) -> Callable[..., Awaitable[Any]]:
        ok = self._histogram.child(operation, "ok")
        failed = self._histogram.child(operation, "error")

        @functools.wraps(method)
        async def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                result = await method(*args, **kwargs)
            except BaseException:
                failed.observe(time.perf_counter() - started)
                raise
            ok.observe(time.perf_counter() - started)
            return result

        return timed

    def __repr__(self) -> str:
        return f"TimedStore({self._store!r})"


def timed_store(store: Store, histogram: HistogramFamily) -> Store:
    """``store`` with every call timed (a store already wrapped is returned as it is)."""
    if isinstance(store, TimedStore):
        return cast(Store, store)
    # The proxy forwards every attribute through __getattr__, which a Protocol cannot express.
    return cast(Store, TimedStore(store, histogram))
