"""Dependencies injected into route handlers: the store and the response cache from app state."""

from __future__ import annotations

from litestar.datastructures import State
from litestar.di import Provide
from litestar.params import SkipValidation

from service.api.cache import ResponseCache
from service.store.base import Store

# The store is a Protocol (not runtime-checkable); Litestar must not isinstance-check it.
StoreDep = SkipValidation[Store]
CacheDep = SkipValidation[ResponseCache]


def _provide_store(state: State) -> Store:
    store: Store = state.store
    return store


def _provide_cache(state: State, store: StoreDep) -> ResponseCache:
    # ``store`` is unused: depending on it puts the two dependencies in separate batches, which
    # Litestar resolves inline; one batch of two would cost an anyio task group per request.
    del store
    cache: ResponseCache = state.cache
    return cache


DEPENDENCIES = {
    "store": Provide(_provide_store, sync_to_thread=False),
    "cache": Provide(_provide_cache, sync_to_thread=False),
}
