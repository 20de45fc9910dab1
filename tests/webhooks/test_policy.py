"""The retry policy: exponential backoff with jitter, giving up, and disabling."""

from __future__ import annotations

import datetime as dt

import pytest

from service.settings import Settings
from service.store.base import WebhookProgress
from service.webhooks.policy import (
    MAX_RETRY_DELAY_SECONDS,
    AttemptResult,
    RetryPolicy,
    Step,
    after_attempt,
)

T0 = dt.datetime(2025, 3, 1, 12, 0, tzinfo=dt.UTC)
POLICY = RetryPolicy(
    max_attempts=4, base_delay_seconds=10, disable_after_failures=2, disable_after_seconds=3600
)
FAILED = AttemptResult(status_code=502, error="the receiver answered 502", retryable=True)
REFUSED = AttemptResult(status_code=410, error="the receiver answered 410")


def step_after(
    progress: WebhookProgress, result: AttemptResult, *, change_id: int, now: dt.datetime = T0
) -> Step:
    """The step after one attempt under `POLICY`, its jitter at the middle of its range."""
    return after_attempt(
        POLICY, progress, change_id=change_id, result=result, now=now, random=lambda: 0.5
    )


@pytest.mark.parametrize(("attempt", "low", "high"), [(1, 5, 10), (2, 10, 20), (3, 20, 40)])
def test_each_retry_waits_twice_as_long_within_its_jitter(
    attempt: int, low: float, high: float
) -> None:
    assert POLICY.delay(attempt, lambda: 0.0) == low
    assert POLICY.delay(attempt, lambda: 1.0) == high


def test_no_retry_waits_longer_than_the_cap() -> None:
    assert POLICY.delay(30, lambda: 1.0) == MAX_RETRY_DELAY_SECONDS


def test_a_retryable_failure_schedules_the_next_attempt() -> None:
    step = step_after(WebhookProgress(last_change_id=4), FAILED, change_id=7)
    assert step.outcome == "retrying"
    assert step.next_retry_at == T0 + dt.timedelta(seconds=7.5)
    assert step.progress == WebhookProgress(
        last_change_id=4, attempt=1, next_attempt_at=step.next_retry_at, failing_since=T0
    )


def test_the_last_attempt_gives_up_on_the_change() -> None:
    progress = WebhookProgress(last_change_id=4, attempt=3, failing_since=T0)
    later = T0 + dt.timedelta(minutes=5)
    step = step_after(progress, FAILED, change_id=7, now=later)
    assert step.outcome == "failed"
    assert step.next_retry_at is None
    assert step.progress == WebhookProgress(last_change_id=7, failing_since=T0, failed_changes=1)


def test_a_refusal_is_not_retried() -> None:
    step = step_after(WebhookProgress(), REFUSED, change_id=1)
    assert (step.outcome, step.progress.last_change_id, step.progress.failed_changes) == (
        "failed",
        1,
        1,
    )


def test_a_delivery_clears_the_failures() -> None:
    progress = WebhookProgress(last_change_id=4, attempt=2, failing_since=T0, failed_changes=1)
    step = step_after(progress, AttemptResult(status_code=200), change_id=7)
    assert step.outcome == "delivered"
    assert step.progress == WebhookProgress(last_change_id=7)


def test_failed_changes_in_a_row_disable_the_endpoint() -> None:
    progress = WebhookProgress(last_change_id=4, failing_since=T0, failed_changes=1)
    step = step_after(progress, REFUSED, change_id=5)
    assert step.progress.disabled_at == T0
    assert step.progress.disabled_reason == "2 changes in a row could not be delivered"


def test_failing_for_too_long_disables_the_endpoint_even_mid_retries() -> None:
    progress = WebhookProgress(last_change_id=4, attempt=1, failing_since=T0)
    later = T0 + dt.timedelta(hours=1)
    step = step_after(progress, FAILED, change_id=5, now=later)
    assert step.outcome == "retrying"
    assert step.progress.disabled_at == later
    assert step.progress.disabled_reason == (
        "every delivery has failed since 2025-03-01T12:00:00+00:00"
    )


def test_the_policy_comes_from_the_settings() -> None:
    settings = Settings(
        webhook_max_attempts=3,
        webhook_retry_base_seconds=0.5,
        webhook_disable_after_failures=4,
        webhook_disable_after_seconds=60,
    )
    assert RetryPolicy.from_settings(settings) == RetryPolicy(
        max_attempts=3,
        base_delay_seconds=0.5,
        disable_after_failures=4,
        disable_after_seconds=60,
    )
