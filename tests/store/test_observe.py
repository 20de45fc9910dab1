"""Store contract: an observer hears of every operation, by name, with its outcome."""

from __future__ import annotations

import pytest

from service.domain.errors import NotFoundError
from service.store.base import Store
from service.store.core import OPERATIONS

from .factories import make_story


async def test_every_operation_is_reported_with_its_outcome(store: Store) -> None:
    heard: list[tuple[str, bool]] = []
    store.observe(
        lambda operation, seconds, ok: heard.append((operation, ok)) if seconds >= 0 else None
    )
    await store.create_story(make_story())
    with pytest.raises(NotFoundError):
        await store.get_story("missing")
    await store.health()
    assert heard == [("create_story", True), ("get_story", False), ("health", True)]


def test_the_operations_are_the_store_protocols_coroutines() -> None:
    assert {"open", "close", "health", "latest_ref", "update_brief", "find_token"} <= set(
        OPERATIONS
    )
    assert "observe" not in OPERATIONS
    assert len(OPERATIONS) == len(set(OPERATIONS)) == 38
