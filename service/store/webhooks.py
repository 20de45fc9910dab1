"""The SQL of `WebhookStore`, written once over a `Driver` like the rest of the core.

An endpoint's row is its durable queue over the change log (``last_change_id`` and the retry
state of the next change); its deliveries are rows of ``webhook_deliveries``. A deliverer sends
to an endpoint only while it holds the endpoint's lease: ``claim_webhooks`` takes leases in one
transaction (PostgreSQL: ``FOR UPDATE SKIP LOCKED``, so replicas claiming together take
different rows without waiting; SQLite: ``BEGIN IMMEDIATE`` serialises the claims), and every
progress write checks the lease inside its transaction, so a deliverer that lost its lease (it
stalled past ``lease_until`` and another took over) stores nothing.
"""

from __future__ import annotations

import datetime as dt

import msgspec

from service.domain.changelog import ChangeKind
from service.domain.errors import NotFoundError
from service.domain.webhooks import DeliveryAttempt, WebhookDelivery
from service.store.base import Now, WebhookProgress, WebhookRecord
from service.store.driver import Dialect, Driver, ForeignKeyViolationError, Row, Tx

_events_decoder = msgspec.json.Decoder(list[ChangeKind])
_COLUMNS = (
    "id, url, events, story_id, secret, created_at, last_change_id, attempt, next_attempt_at,"
    " failing_since, failed_changes, disabled_at, disabled_reason"
)
_SELECT = f"SELECT {_COLUMNS} FROM webhooks"  # noqa: S608 - constant column names
_LIVE = "deleted_at IS NULL"
_ACTIVE = f"{_LIVE} AND disabled_at IS NULL"
_CLAIMABLE = (
    f"FROM webhooks WHERE {_ACTIVE} AND last_change_id < ?"
    " AND (next_attempt_at IS NULL OR next_attempt_at <= ?)"
    " AND (lease_until IS NULL OR lease_until < ?)"
)
"""Endpoints behind the log (the first ``?``), due and not leased at the instant (the others)."""
_DELIVERIES = (
    "SELECT id, change_id, message_id, attempt, at, outcome, status_code, error, duration_ms,"
    " next_retry_at FROM webhook_deliveries WHERE webhook_id = ? ORDER BY id DESC LIMIT ?"
)
_INSERT_WEBHOOK = (
    "INSERT INTO webhooks (id, url, events, story_id, secret, created_at, last_change_id)"
    " VALUES (?, ?, ?, ?, ?, ?, ?)"
)
_INSERT_DELIVERY = (
    "INSERT INTO webhook_deliveries (webhook_id, change_id, message_id, attempt, at, outcome,"
    " status_code, error, duration_ms, next_retry_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_SAVE_PROGRESS = (
    "UPDATE webhooks SET last_change_id = ?, attempt = ?, next_attempt_at = ?, failing_since = ?,"
    " failed_changes = ?, disabled_at = ?, disabled_reason = ?, lease_until = ?,"
    " lease_owner = ? WHERE id = ?"
)


class WebhookSQL:
    """`WebhookStore` over the store's driver (a base of ``SQLStore``)."""

    driver: Driver
    _d: Dialect

    async def create_webhook(self, record: WebhookRecord) -> None:
        """Store a new endpoint; ``NotFoundError`` if its ``story_id`` names no story."""
        await self.driver.transaction(lambda tx: _create(tx, record))

    async def list_webhooks(self) -> list[WebhookRecord]:
        """Every endpoint not deleted, by creation time."""
        rows = await self.driver.all(f"{_SELECT} WHERE {_LIVE} ORDER BY created_at, id")
        return [_record(row) for row in rows]

    async def get_webhook(self, webhook_id: str) -> WebhookRecord:
        """One endpoint; raises ``NotFoundError`` (a deleted one too)."""
        row = await self.driver.one(f"{_SELECT} WHERE id = ? AND {_LIVE}", webhook_id)
        if row is None:
            raise _no_webhook(webhook_id)
        return _record(row)

    async def delete_webhook(self, webhook_id: str, now: Now) -> None:
        """Stop deliveries to an endpoint and hide it; its log is kept. ``NotFoundError``."""
        await self.driver.transaction(lambda tx: _delete(tx, self._d, webhook_id, now))

    async def webhook_deliveries(
        self, webhook_id: str, *, limit: int = 100
    ) -> list[WebhookDelivery]:
        """The newest ``limit`` attempts of an endpoint, newest first; ``NotFoundError``."""
        await self.get_webhook(webhook_id)
        rows = await self.driver.all(_DELIVERIES, webhook_id, limit)
        return [_delivery(row) for row in rows]

    async def claim_webhooks(
        self, owner: str, now: Now, *, lease_until: Now, behind: int, limit: int
    ) -> list[WebhookRecord]:
        """Lease up to ``limit`` due endpoints behind the log that no other deliverer holds.

        A read looks first, so that a wake-up with nothing to deliver (most writes, when no
        endpoint wants them) costs no write transaction."""
        at = _text(now)
        if await self.driver.one(f"SELECT 1 {_CLAIMABLE} LIMIT 1", behind, at, at) is None:
            return []
        return await self.driver.transaction(
            lambda tx: _claim(
                tx, self._d, owner, now=now, lease_until=lease_until, behind=behind, limit=limit
            )
        )

    async def save_webhook_progress(
        self,
        webhook_id: str,
        owner: str,
        progress: WebhookProgress,
        *,
        attempt: DeliveryAttempt | None,
        lease_until: Now,
    ) -> bool:
        """Store progress and the attempt if ``owner`` still holds the endpoint's lease."""

        async def save(tx: Tx) -> bool:
            if not await _holds_lease(tx, self._d, webhook_id, owner):
                return False
            if attempt is not None:
                await _log_attempt(tx, webhook_id, attempt)
            await _store_progress(tx, webhook_id, owner, progress, lease_until)
            return True

        return await self.driver.transaction(save)

    async def release_webhooks(self, owner: str, webhook_ids: list[str] | None = None) -> None:
        """End ``owner``'s leases (of these endpoints, or of all it holds)."""
        sql = "UPDATE webhooks SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = ?"
        if webhook_ids is None:
            await self.driver.transaction(lambda tx: tx.execute(sql, owner))
        elif webhook_ids:
            rows = [(owner, webhook_id) for webhook_id in webhook_ids]
            await self.driver.transaction(lambda tx: tx.execute_many(f"{sql} AND id = ?", rows))


async def _create(tx: Tx, record: WebhookRecord) -> None:
    story = record.story_id
    if story is not None and await tx.one("SELECT 1 FROM stories WHERE id = ?", story) is None:
        raise NotFoundError(f"story {story!r} does not exist")
    try:
        await tx.execute(
            _INSERT_WEBHOOK,
            record.id,
            record.url,
            msgspec.json.encode(record.events).decode(),
            record.story_id,
            record.secret,
            _text(record.created_at),
            record.progress.last_change_id,  # where its queue starts (the rest is fresh)
        )
    except ForeignKeyViolationError:  # the story's check above is the rule; this the backstop
        raise NotFoundError(f"story {record.story_id!r} does not exist") from None


async def _delete(tx: Tx, d: Dialect, webhook_id: str, now: Now) -> None:
    sql = f"SELECT 1 FROM webhooks WHERE id = ? AND {_LIVE}{d.for_update}"  # noqa: S608 - constants
    if await tx.one(sql, webhook_id) is None:
        raise _no_webhook(webhook_id)
    await tx.execute(
        "UPDATE webhooks SET deleted_at = ?, lease_owner = NULL, lease_until = NULL WHERE id = ?",
        _text(now),
        webhook_id,
    )


async def _claim(
    tx: Tx, d: Dialect, owner: str, *, now: Now, lease_until: Now, behind: int, limit: int
) -> list[WebhookRecord]:
    at = _text(now)
    # SQLite has no row locks (nor their words): BEGIN IMMEDIATE serialises claims there.
    skip_locked = f"{d.for_update} SKIP LOCKED" if d.for_update else ""
    rows = await tx.all(
        f"SELECT {_COLUMNS} {_CLAIMABLE} ORDER BY id LIMIT ?{skip_locked}", behind, at, at, limit
    )
    records = [_record(row) for row in rows]
    await tx.execute_many(
        "UPDATE webhooks SET lease_owner = ?, lease_until = ? WHERE id = ?",
        [(owner, _text(lease_until), record.id) for record in records],
    )
    return records


async def _holds_lease(tx: Tx, d: Dialect, webhook_id: str, owner: str) -> bool:
    """Whether ``owner`` leases the (active) endpoint, its row locked for the transaction."""
    sql = f"SELECT lease_owner FROM webhooks WHERE id = ? AND {_ACTIVE}{d.for_update}"  # noqa: S608 - constants
    row = await tx.one(sql, webhook_id)
    return row is not None and row[0] == owner


async def _log_attempt(tx: Tx, webhook_id: str, attempt: DeliveryAttempt) -> None:
    await tx.execute(
        _INSERT_DELIVERY,
        webhook_id,
        attempt.change_id,
        attempt.webhook_message_id,
        attempt.attempt,
        _text(attempt.at),
        attempt.outcome,
        attempt.status_code,
        attempt.error,
        attempt.duration_ms,
        _text(attempt.next_retry_at),
    )


async def _store_progress(
    tx: Tx, webhook_id: str, owner: str, progress: WebhookProgress, lease_until: Now
) -> None:
    disabled = progress.disabled_at is not None  # a disabled endpoint keeps no lease
    await tx.execute(
        _SAVE_PROGRESS,
        progress.last_change_id,
        progress.attempt,
        _text(progress.next_attempt_at),
        _text(progress.failing_since),
        progress.failed_changes,
        _text(progress.disabled_at),
        progress.disabled_reason,
        None if disabled else _text(lease_until),
        None if disabled else owner,
        webhook_id,
    )


def _text(value: dt.datetime | None) -> str | None:
    # One width for every stored instant: SQLite compares these as text.
    return None if value is None else value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def _instant(value: str | None) -> dt.datetime | None:
    return None if value is None else dt.datetime.fromisoformat(value)


def _record(row: Row) -> WebhookRecord:
    (webhook_id, url, events, story_id, secret, created_at, last_change_id, attempt) = row[:8]
    (next_attempt_at, failing_since, failed_changes, disabled_at, disabled_reason) = row[8:]
    return WebhookRecord(
        id=webhook_id,
        url=url,
        events=_events_decoder.decode(events),
        story_id=story_id,
        secret=secret,
        created_at=dt.datetime.fromisoformat(created_at),
        progress=WebhookProgress(
            last_change_id=int(last_change_id),
            attempt=attempt,
            next_attempt_at=_instant(next_attempt_at),
            failing_since=_instant(failing_since),
            failed_changes=failed_changes,
            disabled_at=_instant(disabled_at),
            disabled_reason=disabled_reason,
        ),
    )


def _delivery(row: Row) -> WebhookDelivery:
    delivery_id, change_id, message_id, attempt, at, outcome, status, error, duration, retry = row
    return WebhookDelivery(
        id=int(delivery_id),
        change_id=int(change_id),
        webhook_message_id=message_id,
        attempt=attempt,
        at=dt.datetime.fromisoformat(at),
        outcome=outcome,
        status_code=status,
        error=error,
        duration_ms=float(duration),
        next_retry_at=_instant(retry),
    )


def _no_webhook(webhook_id: str) -> NotFoundError:
    return NotFoundError(f"webhook {webhook_id!r} does not exist")
