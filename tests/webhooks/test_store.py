"""The webhook store on both backends: leases, progress under a lease, the delivery log."""

from __future__ import annotations

import datetime as dt

import msgspec
import pytest

from service.domain.errors import NotFoundError
from service.domain.webhooks import DeliveryAttempt
from service.store.base import Store, WebhookProgress

from .conftest import register

T0 = dt.datetime(2025, 3, 1, 12, 0, tzinfo=dt.UTC)
SECOND = dt.timedelta(seconds=1)


def attempt(change_id: int, number: int = 1) -> DeliveryAttempt:
    """A failed attempt to log."""
    return DeliveryAttempt(
        change_id=change_id,
        webhook_message_id=f"msg_x_{change_id}",
        attempt=number,
        at=T0,
        outcome="retrying",
        status_code=502,
        error="the receiver answered 502",
        duration_ms=12.5,
        next_retry_at=T0 + SECOND,
    )


async def test_a_lease_is_held_by_one_owner_until_it_ends(store: Store) -> None:
    hook = await register(store, "http://127.0.0.1:9/h")
    (claimed,) = await store.claim_webhooks(
        "a", T0, lease_until=T0 + 10 * SECOND, behind=5, limit=9
    )
    assert claimed == hook
    assert await store.claim_webhooks("b", T0 + SECOND, lease_until=T0, behind=5, limit=9) == []

    later = T0 + 11 * SECOND  # the lease of "a" has run out: "b" takes over
    (taken,) = await store.claim_webhooks("b", later, lease_until=later + SECOND, behind=5, limit=9)
    assert taken.id == hook.id
    moved = WebhookProgress(last_change_id=3)
    assert not await store.save_webhook_progress(
        hook.id, "a", moved, attempt=attempt(3), lease_until=later
    )
    assert await store.webhook_deliveries(hook.id) == []  # nothing stored without the lease
    assert await store.save_webhook_progress(
        hook.id, "b", moved, attempt=attempt(3), lease_until=later
    )
    assert (await store.get_webhook(hook.id)).progress == moved


async def test_only_endpoints_behind_due_and_enabled_are_claimed(store: Store) -> None:
    waiting = await register(store, "http://127.0.0.1:9/a", webhook_id="0a")
    disabled = await register(store, "http://127.0.0.1:9/b", webhook_id="0b")
    caught_up = await register(store, "http://127.0.0.1:9/c", webhook_id="0c")
    deleted = await register(store, "http://127.0.0.1:9/d", webhook_id="0d")
    (*_,) = await store.claim_webhooks("a", T0, lease_until=T0, behind=9, limit=9)
    states = {
        waiting.id: WebhookProgress(attempt=1, next_attempt_at=T0 + 5 * SECOND),
        disabled.id: WebhookProgress(disabled_at=T0, disabled_reason="test"),
        caught_up.id: WebhookProgress(last_change_id=9),
    }
    for webhook_id, progress in states.items():
        assert await store.save_webhook_progress(
            webhook_id, "a", progress, attempt=None, lease_until=T0
        )
    await store.release_webhooks("a")
    await store.delete_webhook(deleted.id, T0)

    assert await store.claim_webhooks("b", T0 + SECOND, lease_until=T0, behind=9, limit=9) == []
    due = T0 + 5 * SECOND
    (claimed,) = await store.claim_webhooks("b", due, lease_until=due, behind=9, limit=9)
    assert claimed.id == waiting.id
    assert [record.id for record in await store.list_webhooks()] == ["0a", "0b", "0c"]
    with pytest.raises(NotFoundError):
        await store.get_webhook(deleted.id)
    with pytest.raises(NotFoundError):
        await store.delete_webhook(deleted.id, T0)


async def test_the_delivery_log_is_newest_first(store: Store) -> None:
    hook = await register(store, "http://127.0.0.1:9/h")
    await store.claim_webhooks("a", T0, lease_until=T0 + SECOND, behind=5, limit=1)
    for number in (1, 2, 3):
        await store.save_webhook_progress(
            hook.id,
            "a",
            WebhookProgress(attempt=number),
            attempt=attempt(1, number),
            lease_until=T0 + SECOND,
        )
    log = await store.webhook_deliveries(hook.id)
    assert [delivery.attempt for delivery in log] == [3, 2, 1]
    assert msgspec.structs.asdict(log[2]) == {
        **msgspec.structs.asdict(attempt(1, 1)),
        "id": log[2].id,
    }
    assert [d.attempt for d in await store.webhook_deliveries(hook.id, limit=1)] == [3]
    with pytest.raises(NotFoundError, match="webhook 'ffff' does not exist"):
        await store.webhook_deliveries("ffff")


async def test_a_filter_on_an_unknown_story_is_refused(store: Store) -> None:
    with pytest.raises(NotFoundError, match="story 'no-such-story' does not exist"):
        await register(store, "http://127.0.0.1:9/h", story_id="no-such-story")
    assert await store.list_webhooks() == []
