"""Webhook test fixtures: a store on each backend, a change log to feed the deliverer, a
receiver and a deliverer running in the test's event loop."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from collections.abc import AsyncIterator, Callable

import pytest

from service.domain.changelog import Change, ChangeKind
from service.store.base import Store, WebhookProgress, WebhookRecord
from service.webhooks.deliverer import Deliverer, DelivererConfig, delivering
from service.webhooks.policy import RetryPolicy
from service.webhooks.registry import new_secret
from service.webhooks.targets import TargetGuard
from tests.store.conftest import settings, store  # noqa: F401 - the store on each backend

from .receiver import Receiver, receiving

STORY = "harbour-talks"
FAST = RetryPolicy(max_attempts=3, base_delay_seconds=0.2, disable_after_failures=3)
"""Retries in tenths of a second: attempt 2 after 0.1-0.2 s, attempt 3 after 0.2-0.4 s."""


class ChangeFeed:
    """A change log the tests append to: the `ChangeStore` the deliverer reads."""

    def __init__(self) -> None:
        self.changes: list[Change] = []
        self._listeners: list[Callable[[int], None]] = []

    def add(self, kind: ChangeKind = "brief.created", story_id: str = STORY) -> Change:
        """Append a change and tell the listeners, as a committed write does."""
        change = Change(
            id=len(self.changes) + 1,
            kind=kind,
            story_id=story_id,
            at=dt.datetime.now(dt.UTC),
            brief_id="opening",
            as_of=dt.date(2025, 3, 1),
            revision=1,
            headline=f"Change {len(self.changes) + 1}",
        )
        self.changes.append(change)
        for listener in list(self._listeners):
            listener(change.id)
        return change

    async def changes_after(
        self, after: int, *, story_id: str | None = None, limit: int = 100
    ) -> list[Change]:
        wanted = [c for c in self.changes if c.id > after and story_id in (None, c.story_id)]
        return wanted[:limit]

    async def last_change_id(self, story_id: str | None = None) -> int:
        ids = [c.id for c in self.changes if story_id in (None, c.story_id)]
        return max(ids, default=0)

    def on_change(self, listener: Callable[[int], None]) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)


@pytest.fixture
def feed() -> ChangeFeed:
    """An empty change log."""
    return ChangeFeed()


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    """A receiver answering 204 to everything (tests may script it first)."""
    async with receiving(Receiver()) as running:
        yield running


LOCAL = TargetGuard(["127.0.0.1"])
"""The guard of a deployment that allows the local receiver."""


def config(policy: RetryPolicy = FAST, **overrides: float) -> DelivererConfig:
    """A deliverer configuration with quick retries and timeouts."""
    values: dict[str, object] = {"policy": policy, "timeout_seconds": 0.5, "poll_seconds": 0.1}
    values.update(overrides)
    return DelivererConfig(**values)  # type: ignore[arg-type]  # test knobs


async def register(
    hooks: Store,
    url: str,
    events: list[ChangeKind] | None = None,
    *,
    story_id: str | None = None,
    webhook_id: str = "00000000000000aa",
) -> WebhookRecord:
    """Store an endpoint directly (the API's checks are tested with the API)."""
    record = WebhookRecord(
        id=webhook_id,
        url=url,
        events=events or ["brief.created", "brief.revised"],
        story_id=story_id,
        secret=new_secret(),
        created_at=dt.datetime.now(dt.UTC),
        progress=WebhookProgress(),
    )
    await hooks.create_webhook(record)
    return record


@contextlib.asynccontextmanager
async def running(
    feed: ChangeFeed,
    hooks: Store,
    delivery: DelivererConfig | None = None,
    guard: TargetGuard = LOCAL,
) -> AsyncIterator[Deliverer]:
    """A deliverer running for the block."""
    deliverer = Deliverer(feed, hooks, guard, delivery or config())
    async with delivering(deliverer):
        yield deliverer


async def eventually(check: Callable[[], object], within: float = 10.0) -> None:
    """Wait until ``check()`` (which may return an awaitable) is truthy."""
    async with asyncio.timeout(within):
        while True:
            value = check()
            if asyncio.iscoroutine(value):
                value = await value
            if value:
                return
            await asyncio.sleep(0.02)
