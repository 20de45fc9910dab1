"""New webhook endpoints and their listed view: what the API's handlers need, no HTTP client."""

from __future__ import annotations

import base64
import datetime as dt
import secrets

from service.domain.errors import InvalidContentError
from service.domain.webhooks import Webhook, WebhookCreate
from service.store.base import WebhookProgress, WebhookRecord
from service.webhooks.targets import TargetGuard, TargetRefusedError

SECRET_PREFIX = "whsec_"  # noqa: S105 - the Standard Webhooks prefix of a secret, not a secret
_SECRET_BYTES = 32


def new_secret() -> str:
    """A fresh signing secret: ``whsec_`` + base64 of 32 random bytes (Standard Webhooks)."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(_SECRET_BYTES)).decode()


async def new_webhook_record(
    create: WebhookCreate, guard: TargetGuard, now: dt.datetime, *, start_after: int
) -> WebhookRecord:
    """The record of a new endpoint, its URL checked, that delivers the changes after
    ``start_after`` (the newest change when it is registered); ``InvalidContentError`` naming
    the field that breaks a rule no schema states (a refused target, an event listed twice)."""
    problems: list[tuple[str, str]] = []
    seen: set[str] = set()
    for index, kind in enumerate(create.events):
        if kind in seen:
            problems.append((f"$.events[{index}]", f"{kind!r} is listed twice"))
        seen.add(kind)
    try:
        await guard.check(create.url)
    except TargetRefusedError as refused:
        problems.insert(0, ("$.url", str(refused)))
    if problems:
        raise InvalidContentError(problems)
    return WebhookRecord(
        id=secrets.token_hex(8),
        url=create.url,
        events=list(create.events),
        story_id=create.story_id,
        secret=new_secret(),
        created_at=now,
        progress=WebhookProgress(last_change_id=start_after),
    )


def webhook_view(record: WebhookRecord) -> Webhook:
    """The listable view of an endpoint (no secret)."""
    progress = record.progress
    return Webhook(
        id=record.id,
        url=record.url,
        events=record.events,
        story_id=record.story_id,
        created_at=record.created_at,
        enabled=progress.disabled_at is None,
        disabled_at=progress.disabled_at,
        disabled_reason=progress.disabled_reason,
        last_change_id=progress.last_change_id,
        failing_since=progress.failing_since,
    )
