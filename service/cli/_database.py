"""What the commands on the database share: their settings, and a store opened for one action.

The store is imported inside `with_store`, so that registering these commands (``briefs --help``)
does not load the store and its drivers.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar

from service.settings import ConfigError, Settings, load_settings

if TYPE_CHECKING:
    from service.store.base import Store

T = TypeVar("T")


def settings_or_report(command: str, **overrides: object) -> Settings | None:
    """The settings ``BRIEFS_*`` and ``overrides`` give, or ``None`` after one line on stderr
    saying why they are invalid (the caller exits 2: bad configuration is bad usage)."""
    try:
        return load_settings(os.environ, **overrides)
    except ConfigError as error:
        print(f"{command}: {error}", file=sys.stderr)
        return None


async def with_store(settings: Settings, action: Callable[[Store], Awaitable[T]]) -> T:
    """Run ``action`` on a store opened (and migrated) for it, closed afterwards in any case."""
    from service.store.factory import open_store

    store = await open_store(settings)
    try:
        return await action(store)
    finally:
        await store.close()
