"""What an endpoint's queue does after each attempt: retry later, move on, or disable it.

Pure functions of the endpoint's `WebhookProgress`, the attempt's result and the time, so the
rules are tested without a network and every replica applies the same ones.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import msgspec

from service.domain.webhooks import DeliveryOutcome
from service.settings import Settings
from service.store.base import WebhookProgress

MAX_RETRY_DELAY_SECONDS = 6 * 3600.0
"""No retry waits longer than this, whatever the attempt."""


class RetryPolicy(msgspec.Struct, kw_only=True, frozen=True):
    """How often and how long to retry, and when to give up on an endpoint."""

    max_attempts: int = 8
    base_delay_seconds: float = 5.0
    disable_after_failures: int = 10
    disable_after_seconds: float = 5 * 86400.0

    @classmethod
    def from_settings(cls, settings: Settings) -> RetryPolicy:
        """The policy the ``BRIEFS_WEBHOOK_*`` settings describe."""
        return cls(
            max_attempts=settings.webhook_max_attempts,
            base_delay_seconds=settings.webhook_retry_base_seconds,
            disable_after_failures=settings.webhook_disable_after_failures,
            disable_after_seconds=settings.webhook_disable_after_seconds,
        )

    def delay(self, attempt: int, random: Callable[[], float]) -> float:
        """Seconds to wait after failed attempt ``attempt`` (1-based): exponential, capped, and
        jittered into its upper half so that endpoints failing together spread out."""
        full = min(MAX_RETRY_DELAY_SECONDS, self.base_delay_seconds * 2.0 ** (attempt - 1))
        return full / 2 + random() * full / 2


class AttemptResult(msgspec.Struct, kw_only=True, frozen=True):
    """How one HTTP attempt went."""

    status_code: int | None = None
    error: str | None = None
    """``None`` when the receiver took the delivery (2xx)."""
    retryable: bool = False
    """Whether trying again may succeed (5xx, 408, 429, a timeout, no connection)."""
    duration_ms: float = 0.0

    @property
    def delivered(self) -> bool:
        """Whether the receiver took the delivery."""
        return self.error is None


class Step(msgspec.Struct, kw_only=True, frozen=True):
    """The queue's new state after an attempt, and what to log of it."""

    progress: WebhookProgress
    outcome: DeliveryOutcome
    next_retry_at: dt.datetime | None = None


def after_attempt(
    policy: RetryPolicy,
    progress: WebhookProgress,
    *,
    change_id: int,
    result: AttemptResult,
    now: dt.datetime,
    random: Callable[[], float],
) -> Step:
    """The step after attempt ``progress.attempt + 1`` at change ``change_id``."""
    if result.delivered:
        delivered = WebhookProgress(last_change_id=change_id)
        return Step(progress=delivered, outcome="delivered")
    attempt = progress.attempt + 1
    failing_since = progress.failing_since or now
    if result.retryable and attempt < policy.max_attempts:
        retry_at = now + dt.timedelta(seconds=policy.delay(attempt, random))
        waiting = msgspec.structs.replace(
            progress, attempt=attempt, next_attempt_at=retry_at, failing_since=failing_since
        )
        return Step(
            progress=_disabled_if_sustained(policy, waiting, now),
            outcome="retrying",
            next_retry_at=retry_at,
        )
    given_up = msgspec.structs.replace(
        progress,
        last_change_id=change_id,
        attempt=0,
        next_attempt_at=None,
        failing_since=failing_since,
        failed_changes=progress.failed_changes + 1,
    )
    return Step(progress=_disabled_if_sustained(policy, given_up, now), outcome="failed")


def _disabled_if_sustained(
    policy: RetryPolicy, progress: WebhookProgress, now: dt.datetime
) -> WebhookProgress:
    reason = None
    if progress.failed_changes >= policy.disable_after_failures:
        reason = f"{progress.failed_changes} changes in a row could not be delivered"
    elif progress.failing_since is not None:
        failing = (now - progress.failing_since).total_seconds()
        if failing >= policy.disable_after_seconds:
            reason = f"every delivery has failed since {progress.failing_since.isoformat()}"
    if reason is None:
        return progress
    return msgspec.structs.replace(progress, disabled_at=now, disabled_reason=reason)
