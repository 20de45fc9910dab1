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


def _provide_cache(state: State) -> ResponseCache:
    cache: ResponseCache = state.cache
    return cache


DEPENDENCIES = {
    "store": Provide(_provide_store, sync_to_thread=False),
    "cache": Provide(_provide_cache, sync_to_thread=False),
}
