"""The webhook deliverer: a background task that drains each endpoint's queue from the change log.

Each endpoint keeps a cursor into the change log (the last change delivered or given up on), so
the queue is the log itself and survives restarts. A round leases the endpoints that are behind
the log and due (`WebhookStore.claim_webhooks`: one deliverer per endpoint at a time, on any
number of replicas), then drains each in a task of its own, in log order: one change at a time,
the attempt and the new cursor stored together before the next change. A failed attempt that
may pass (5xx, 408, 429, a timeout, no connection) is retried later with exponential backoff and
jitter, under the same ``webhook-id``; the last one gives up on the change and moves on, and an
endpoint failing for long enough is disabled. Delivery is at least once: a replica that dies
mid-attempt leaves its lease to expire, and the next holder sends the change again.

Rounds run when the store tells of a change (`ChangeStore.on_change`), when a retry falls due on
this process, and every ``poll_seconds`` whatever happens (changes committed by another SQLite
process, retries scheduled on another replica).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import functools
import logging
import random
import secrets
from collections.abc import AsyncIterator, Callable

import httpx
import msgspec

from service.domain import codec
from service.domain.changelog import Change
from service.domain.webhooks import DeliveryAttempt, event_of, webhook_message_id
from service.settings import Settings
from service.store.base import (
    ChangeStore,
    WebhookProgress,
    WebhookRecord,
    WebhookStore,
)
from service.webhooks import sender
from service.webhooks.policy import AttemptResult, RetryPolicy, after_attempt
from service.webhooks.targets import TargetGuard, TargetRefusedError

logger = logging.getLogger("service.webhooks")

Clock = Callable[[], dt.datetime]


@contextlib.asynccontextmanager
async def delivering(deliverer: Deliverer, *, enabled: bool = True) -> AsyncIterator[Deliverer]:
    """Run ``deliverer`` in a background task for the block (the app's lifespan), if
    ``enabled``."""
    if not enabled:
        yield deliverer
        return
    task = asyncio.create_task(deliverer.run(), name="webhook-deliverer")
    try:
        yield deliverer
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def utc_now() -> dt.datetime:
    """The current time, aware, in UTC."""
    return dt.datetime.now(dt.UTC)


class DelivererConfig(msgspec.Struct, kw_only=True, frozen=True):
    """The deliverer's knobs, from the settings."""

    policy: RetryPolicy = RetryPolicy()
    timeout_seconds: float = 10.0
    poll_seconds: float = 5.0
    batch: int = 50
    """Changes read from the log at once, per endpoint."""
    concurrency: int = 16
    """Endpoints drained at once by one process."""
    lease_override_seconds: float | None = None
    """A lease length other than the default (tests of a replica's death)."""

    @classmethod
    def from_settings(cls, settings: Settings) -> DelivererConfig:
        """The configuration the ``BRIEFS_WEBHOOK_*`` settings describe."""
        return cls(
            policy=RetryPolicy.from_settings(settings),
            timeout_seconds=settings.webhook_timeout_seconds,
            poll_seconds=settings.webhook_poll_seconds,
        )

    @property
    def lease_seconds(self) -> float:
        """How long a claim lasts: an attempt ends (or times out) well within it, and every
        stored attempt extends it."""
        if self.lease_override_seconds is not None:
            return self.lease_override_seconds
        return 2 * self.timeout_seconds + 30.0


class Deliverer:
    """Delivers the change log to the webhook endpoints; ``run()`` until cancelled."""

    def __init__(
        self,
        changes: ChangeStore,
        hooks: WebhookStore,
        guard: TargetGuard,
        config: DelivererConfig,
        *,
        client: httpx.AsyncClient | None = None,
        clock: Clock = utc_now,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self.changes = changes
        self.hooks = hooks
        self.guard = guard
        self.config = config
        self.owner = f"deliverer-{secrets.token_hex(6)}"
        self._client = client
        self._clock = clock
        self._jitter = jitter
        self._wake = asyncio.Event()
        self._draining: dict[str, asyncio.Task[None]] = {}

    def wake(self, _change_id: int | None = None) -> None:
        """Run a round soon (a `ChangeListener`: it ignores the id and never blocks)."""
        self._wake.set()

    async def run(self) -> None:
        """Deliver until cancelled; then stop the drains and release this process's leases."""
        client = self._client or sender.new_client(self.config.timeout_seconds)
        unsubscribe = self.changes.on_change(self.wake)
        try:
            while True:
                self._wake.clear()
                try:
                    await self._round(client)
                except Exception:  # a database hiccup must not end deliveries for good
                    logger.exception("webhook delivery round failed; retrying after the poll")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self.config.poll_seconds)
        finally:
            unsubscribe()
            await self._stop(client)

    async def _stop(self, client: httpx.AsyncClient) -> None:
        for task in self._draining.values():
            task.cancel()
        await asyncio.gather(*self._draining.values(), return_exceptions=True)
        try:
            await self.hooks.release_webhooks(self.owner)
        except Exception:  # leases expire by themselves; stopping must not fail on this
            logger.warning("could not release webhook leases at shutdown", exc_info=True)
        if self._client is None:
            await client.aclose()

    async def _round(self, client: httpx.AsyncClient) -> None:
        free = self.config.concurrency - len(self._draining)
        if free <= 0:
            return
        behind = await self.changes.last_change_id()
        now = self._clock()
        claimed = await self.hooks.claim_webhooks(
            self.owner, now, lease_until=self._lease_end(now), behind=behind, limit=free
        )
        for record in claimed:
            task = asyncio.create_task(self._drain(client, record, behind))
            self._draining[record.id] = task
            task.add_done_callback(functools.partial(self._drained, record.id))

    def _drained(self, webhook_id: str, task: asyncio.Task[None]) -> None:
        self._draining.pop(webhook_id, None)
        if not task.cancelled() and task.exception() is not None:
            logger.error("delivering to webhook %s failed", webhook_id, exc_info=task.exception())
        self._wake.set()  # its lease is free: more may be due

    def _lease_end(self, now: dt.datetime) -> dt.datetime:
        return now + dt.timedelta(seconds=self.config.lease_seconds)

    async def _drain(self, client: httpx.AsyncClient, record: WebhookRecord, behind: int) -> None:
        """Deliver the endpoint's changes in order until it is caught up, waits for a retry,
        is disabled, or its lease is lost; then release the lease."""
        try:
            await self._deliver_pending(client, record, behind)
        finally:
            with contextlib.suppress(Exception):  # the lease expires anyway
                await asyncio.shield(self.hooks.release_webhooks(self.owner, [record.id]))

    async def _deliver_pending(
        self, client: httpx.AsyncClient, record: WebhookRecord, behind: int
    ) -> None:
        progress = record.progress
        cursor = progress.last_change_id
        while True:
            batch = await self.changes.changes_after(
                cursor, story_id=record.story_id, limit=self.config.batch
            )
            for change in batch:
                if change.kind not in record.events:
                    continue
                step_progress, retry_at = await self._attempt(client, record, progress, change)
                if step_progress is None:
                    return  # the lease is lost, or the endpoint deleted or disabled meanwhile
                progress = step_progress
                if retry_at is not None or progress.disabled_at is not None:
                    if retry_at is not None:
                        self._wake_at(retry_at)
                    return
            if batch:
                cursor = batch[-1].id
            if len(batch) < self.config.batch:
                # Every change up to ``behind`` was committed before this read began (ids grow
                # with commit order), so none of them is left to deliver.
                cursor = max(cursor, behind)
            if cursor > progress.last_change_id:  # skip the changes this endpoint does not want
                progress = msgspec.structs.replace(progress, last_change_id=cursor)
                now = self._clock()
                saved = await self.hooks.save_webhook_progress(
                    record.id, self.owner, progress, attempt=None, lease_until=self._lease_end(now)
                )
                if not saved:
                    return
            if len(batch) < self.config.batch:
                return

    async def _attempt(
        self,
        client: httpx.AsyncClient,
        record: WebhookRecord,
        progress: WebhookProgress,
        change: Change,
    ) -> tuple[WebhookProgress | None, dt.datetime | None]:
        """Send one change once and store how it went; the new progress (``None``: not
        stored, the lease is gone) and when to retry, if a retry is due."""
        message_id = webhook_message_id(record.id, change.id)
        body = codec.encode(event_of(change))
        at = self._clock()
        try:
            target = await self.guard.check(record.url)  # again: DNS may have changed
        except TargetRefusedError as refused:
            result = AttemptResult(error=f"refused: {refused}", retryable=refused.retryable)
        else:
            headers = sender.signed_headers(record.secret, message_id, at, body)
            result = await sender.post(
                client, target, headers, body, timeout_seconds=self.config.timeout_seconds
            )
        now = self._clock()
        step = after_attempt(
            self.config.policy,
            progress,
            change_id=change.id,
            result=result,
            now=now,
            random=self._jitter,
        )
        attempt = DeliveryAttempt(
            change_id=change.id,
            webhook_message_id=message_id,
            attempt=progress.attempt + 1,
            at=at,
            outcome=step.outcome,
            status_code=result.status_code,
            error=result.error,
            duration_ms=result.duration_ms,
            next_retry_at=step.next_retry_at,
        )
        saved = await self.hooks.save_webhook_progress(
            record.id, self.owner, step.progress, attempt=attempt, lease_until=self._lease_end(now)
        )
        if not saved:
            return None, None
        if step.progress.disabled_at is not None:
            logger.warning("webhook %s disabled: %s", record.id, step.progress.disabled_reason)
        return step.progress, step.next_retry_at

    def _wake_at(self, when: dt.datetime) -> None:
        delay = max(0.0, (when - self._clock()).total_seconds())
        asyncio.get_running_loop().call_later(delay, self._wake.set)
