"""Deliveries to a real receiver on 127.0.0.1, on both backends: signed, retried with backoff,
at least once under one ``webhook-id``, logged, given up on, and disabled after sustained
failure."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import msgspec
import pytest
from standardwebhooks import Webhook

from service.domain.webhooks import WebhookEvent, webhook_message_id
from service.store.base import Store, WebhookRecord
from service.webhooks.policy import RetryPolicy
from service.webhooks.targets import TargetGuard
from tests.store.factories import make_story

from .conftest import FAST, STORY, ChangeFeed, config, eventually, register, running
from .receiver import Answer, Receiver

_event = msgspec.json.Decoder(WebhookEvent)


async def test_a_change_arrives_signed_and_is_logged(
    store: Store, feed: ChangeFeed, receiver: Receiver
) -> None:
    hook = await register(store, receiver.url)
    async with running(feed, store):
        change = feed.add()
        (request,) = await receiver.wait_for(1)
        await eventually(lambda: _delivered(store, hook.id, 1))

    assert request.method == "POST"
    assert request.path == "/hooks/briefs"
    assert request.headers["content-type"] == "application/json"
    assert request.headers["webhook-id"] == webhook_message_id(hook.id, change.id)
    assert request.headers["webhook-signature"].startswith("v1,")
    payload = Webhook(hook.secret).verify(request.body, request.headers)
    assert payload["type"] == "brief.created"
    assert _event.decode(request.body).data == change
    with pytest.raises(Exception, match="signature"):
        Webhook(hook.secret).verify(request.body + b" ", request.headers)

    (delivery,) = await store.webhook_deliveries(hook.id)
    assert (delivery.change_id, delivery.attempt, delivery.outcome) == (change.id, 1, "delivered")
    assert delivery.status_code == 204
    assert delivery.error is None
    assert delivery.next_retry_at is None
    assert delivery.duration_ms > 0
    assert delivery.webhook_message_id == request.headers["webhook-id"]
    assert (await store.get_webhook(hook.id)).progress.last_change_id == change.id


async def test_a_500_is_retried_with_backoff_under_the_same_webhook_id(
    store: Store, feed: ChangeFeed, receiver: Receiver
) -> None:
    receiver.script = [Answer(status=500), Answer(status=503)]
    hook = await register(store, receiver.url)
    async with running(feed, store):
        change = feed.add()
        first, second, third = await receiver.wait_for(3)
        await eventually(lambda: _delivered(store, hook.id, 3))

    ids = {request.headers["webhook-id"] for request in (first, second, third)}
    assert ids == {webhook_message_id(hook.id, change.id)}
    for request in (first, second, third):
        Webhook(hook.secret).verify(request.body, request.headers)  # each attempt re-signed
    # Backoff with jitter in the upper half: >= 0.1 s after the first, >= 0.2 s after the second.
    assert second.at - first.at >= 0.1
    assert third.at - second.at >= 0.2
    log = list(reversed(await store.webhook_deliveries(hook.id)))
    assert [(d.attempt, d.outcome, d.status_code) for d in log] == [
        (1, "retrying", 500),
        (2, "retrying", 503),
        (3, "delivered", 204),
    ]
    assert log[0].error == "the receiver answered 500"
    for failed in log[:2]:
        assert failed.next_retry_at is not None
        assert failed.next_retry_at > failed.at
    progress = (await store.get_webhook(hook.id)).progress
    assert (progress.last_change_id, progress.attempt, progress.failing_since) == (1, 0, None)


async def test_a_timeout_is_retried(store: Store, feed: ChangeFeed, receiver: Receiver) -> None:
    receiver.script = [Answer(delay=1.5)]  # longer than the 0.5 s timeout
    hook = await register(store, receiver.url)
    async with running(feed, store):
        change = feed.add()
        first, second = await receiver.wait_for(2)
        await eventually(lambda: _delivered(store, hook.id, 2))

    assert first.headers["webhook-id"] == second.headers["webhook-id"]
    assert second.at - first.at >= 0.55  # the timeout (0.5 s from before it was sent), a backoff
    timed_out, delivered = reversed(await store.webhook_deliveries(hook.id))
    assert (timed_out.outcome, timed_out.status_code) == ("retrying", None)
    assert timed_out.error == "no response within 0.5 s"
    assert 450 <= timed_out.duration_ms < 1500
    assert (delivered.change_id, delivered.attempt) == (change.id, 2)


async def test_the_last_attempt_gives_up_and_the_queue_moves_on(
    store: Store, feed: ChangeFeed, receiver: Receiver
) -> None:
    receiver.script = [Answer(status=500)] * FAST.max_attempts
    hook = await register(store, receiver.url)
    async with running(feed, store):
        given_up = feed.add()
        after = feed.add("brief.revised")
        requests = await receiver.wait_for(FAST.max_attempts + 1)
        await eventually(lambda: _delivered(store, hook.id, FAST.max_attempts + 1))

    assert [r.headers["webhook-id"] for r in requests] == [
        *[webhook_message_id(hook.id, given_up.id)] * FAST.max_attempts,
        webhook_message_id(hook.id, after.id),
    ]
    log = list(reversed(await store.webhook_deliveries(hook.id)))
    assert [(d.change_id, d.attempt, d.outcome) for d in log] == [
        (1, 1, "retrying"),
        (1, 2, "retrying"),
        (1, 3, "failed"),
        (2, 1, "delivered"),
    ]
    assert log[2].next_retry_at is None
    progress = (await store.get_webhook(hook.id)).progress
    assert (progress.last_change_id, progress.failed_changes, progress.disabled_at) == (2, 0, None)


async def test_a_4xx_is_not_retried(store: Store, feed: ChangeFeed, receiver: Receiver) -> None:
    receiver.script = [Answer(status=400)]
    hook = await register(store, receiver.url)
    async with running(feed, store):
        feed.add()
        feed.add()
        await receiver.wait_for(2)
        await eventually(lambda: _delivered(store, hook.id, 2))
    log = list(reversed(await store.webhook_deliveries(hook.id)))
    assert [(d.change_id, d.attempt, d.outcome, d.status_code) for d in log] == [
        (1, 1, "failed", 400),
        (2, 1, "delivered", 204),
    ]


async def test_sustained_failure_disables_the_endpoint(
    store: Store, feed: ChangeFeed, receiver: Receiver
) -> None:
    policy = RetryPolicy(max_attempts=1, base_delay_seconds=0.1, disable_after_failures=2)
    async with _always_failing(feed, store, receiver, policy) as hook:
        for _ in range(4):
            feed.add()
        await eventually(lambda: _disabled(store, hook.id))
        await receiver.wait_for(2)
        feed.add()  # nothing more is sent to a disabled endpoint
        await _a_few_polls()

    assert len(receiver.received) == 2
    progress = (await store.get_webhook(hook.id)).progress
    assert progress.disabled_reason == "2 changes in a row could not be delivered"
    assert progress.failed_changes == 2
    assert progress.last_change_id == 2
    assert progress.failing_since is not None


async def test_failing_for_too_long_disables_the_endpoint(
    store: Store, feed: ChangeFeed, receiver: Receiver
) -> None:
    policy = RetryPolicy(max_attempts=30, base_delay_seconds=0.05, disable_after_seconds=0.3)
    async with _always_failing(feed, store, receiver, policy) as hook:
        feed.add()
        await eventually(lambda: _disabled(store, hook.id))
    progress = (await store.get_webhook(hook.id)).progress
    assert progress.disabled_reason is not None
    assert progress.disabled_reason.startswith("every delivery has failed since ")
    assert progress.failed_changes == 0  # it was still retrying the first change
    assert 2 <= len(receiver.received) < 30


async def test_a_replica_that_dies_mid_attempt_leaves_the_change_to_another(
    store: Store, feed: ChangeFeed, receiver: Receiver
) -> None:
    receiver.script = [Answer(delay=30)]  # the first attempt never gets its answer
    hook = await register(store, receiver.url)
    dying = config(timeout_seconds=60, lease_override_seconds=0.5)
    async with running(feed, _Immortal(store), dying):  # dies below without releasing
        change = feed.add()
        await receiver.wait_for(1)
    async with running(feed, store):
        first, second = await receiver.wait_for(2)
        await eventually(lambda: _delivered(store, hook.id, 1))

    assert first.headers["webhook-id"] == second.headers["webhook-id"]
    assert second.headers["webhook-id"] == webhook_message_id(hook.id, change.id)
    assert second.at - first.at >= 0.4  # the dead replica's lease ran out first
    (delivery,) = await store.webhook_deliveries(hook.id)
    assert (delivery.attempt, delivery.outcome) == (1, "delivered")


async def test_two_deliverers_never_send_to_one_endpoint_at_once(
    store: Store, feed: ChangeFeed, receiver: Receiver
) -> None:
    hooks = [await register(store, receiver.url, webhook_id=f"{index:016x}") for index in range(3)]
    async with running(feed, store), running(feed, store):
        for _ in range(10):
            feed.add()
        await receiver.wait_for(30)
        await _a_few_polls()
    for hook in hooks:
        sent = [
            r.headers["webhook-id"]
            for r in receiver.received
            if r.headers["webhook-id"].startswith(f"msg_{hook.id}_")
        ]
        assert sent == [webhook_message_id(hook.id, n) for n in range(1, 11)]  # once, in order


async def test_events_and_story_filter_what_is_sent(
    store: Store, feed: ChangeFeed, receiver: Receiver
) -> None:
    await store.create_story(make_story(STORY))
    hook = await register(store, receiver.url, ["brief.revised"], story_id=STORY)
    async with running(feed, store):
        feed.add("brief.created")
        feed.add("brief.revised", story_id="other-story")
        wanted = feed.add("brief.revised")
        feed.add("story.updated")
        (request,) = await receiver.wait_for(1)
        await eventually(lambda: _cursor_at(store, hook.id, 4))
    assert request.headers["webhook-id"] == webhook_message_id(hook.id, wanted.id)
    assert len(await store.webhook_deliveries(hook.id)) == 1


async def test_a_target_that_now_resolves_inward_is_refused_at_delivery(
    store: Store, feed: ChangeFeed, receiver: Receiver
) -> None:
    async def rebinding(host: str, port: int) -> list[str]:
        return ["127.0.0.1"]  # public at registration, loopback now

    guard = TargetGuard([], resolver=rebinding)
    port = receiver.url.split(":")[2].split("/")[0]
    hook = await register(store, f"http://hooks.example.test:{port}/hooks/briefs")
    async with running(feed, store, config(RetryPolicy(max_attempts=1)), guard):
        feed.add()
        await eventually(lambda: _delivered(store, hook.id, 1))
    assert receiver.received == []
    (delivery,) = await store.webhook_deliveries(hook.id)
    assert delivery.outcome == "failed"
    assert delivery.status_code is None
    assert delivery.error == (
        "refused: hooks.example.test resolves to 127.0.0.1, a loopback address; webhooks go to"
        " public addresses only, unless BRIEFS_WEBHOOK_ALLOW_HOSTS lists the host"
    )


async def test_a_deleted_endpoint_gets_nothing_more(
    store: Store, feed: ChangeFeed, receiver: Receiver
) -> None:
    hook = await register(store, receiver.url)
    async with running(feed, store):
        feed.add()
        await receiver.wait_for(1)
        await store.delete_webhook(hook.id, hook.created_at)
        feed.add()
        await _a_few_polls()
    assert len(receiver.received) == 1
    assert await store.list_webhooks() == []


@contextlib.asynccontextmanager
async def _always_failing(
    feed: ChangeFeed, store: Store, receiver: Receiver, policy: RetryPolicy
) -> AsyncIterator[WebhookRecord]:
    """An endpoint whose receiver answers 500 to everything, delivered to under ``policy`` for
    the block."""
    receiver.default = Answer(status=500)
    hook = await register(store, receiver.url)
    async with running(feed, store, config(policy)):
        yield hook


class _Immortal:
    """A store whose leases are never released: a replica killed mid-delivery."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def __getattr__(self, name: str) -> object:
        return getattr(self._store, name)

    async def release_webhooks(self, owner: str, webhook_ids: list[str] | None = None) -> None:
        return None


async def _delivered(store: Store, webhook_id: str, attempts: int) -> bool:
    """Whether the log holds ``attempts`` attempts, the newest of them final."""
    log = await store.webhook_deliveries(webhook_id)
    return len(log) >= attempts and log[0].outcome != "retrying"


async def _disabled(store: Store, webhook_id: str) -> bool:
    return (await store.get_webhook(webhook_id)).progress.disabled_at is not None


async def _cursor_at(store: Store, webhook_id: str, change_id: int) -> bool:
    return (await store.get_webhook(webhook_id)).progress.last_change_id >= change_id


async def _a_few_polls() -> None:
    """Give the deliverers a few polls (0.1 s each) to act."""
    await asyncio.sleep(0.4)
