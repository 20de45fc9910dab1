"""Webhooks' wire models: an endpoint that receives the change log as signed HTTP pushes.

Deliveries follow the Standard Webhooks specification: each change is POSTed as a
`WebhookEvent` with the headers ``webhook-id`` (the same on every retry of that change to that
endpoint), ``webhook-timestamp`` and ``webhook-signature`` (``v1,<base64 HMAC-SHA256>`` of
``id.timestamp.body`` with the endpoint's ``whsec_…`` secret, shown once, when it is created).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec

from service.domain.changelog import Change, ChangeKind
from service.domain.models import Slug

WebhookUrl = Annotated[
    str, msgspec.Meta(min_length=8, max_length=2000, pattern=r"^[hH][tT][tT][pP][sS]?://\S+$")
]
"""An ``http://`` or ``https://`` URL whose host is public (or listed as allowed): what the
pattern cannot check, the server does at registration (a 422 naming ``$.url``)."""

DeliveryOutcome = Literal["delivered", "retrying", "failed"]
"""What one attempt came to: the receiver took it (2xx); it failed and will be retried; it
failed for good (not retryable, or the last attempt), and the endpoint moved past the change."""


class WebhookCreate(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    """Request body that registers a webhook endpoint."""

    url: WebhookUrl
    events: Annotated[list[ChangeKind], msgspec.Meta(min_length=1, max_length=5)]
    """The kinds of change to deliver (each at most once in the list)."""
    story_id: Slug | None = None
    """Deliver only the changes of this story (it must exist); all stories when absent."""


class Webhook(msgspec.Struct, kw_only=True, frozen=True):
    """A registered endpoint as listed: never its secret."""

    id: str
    url: str
    events: list[ChangeKind]
    story_id: str | None = None
    created_at: dt.datetime
    enabled: bool
    """False once disabled after sustained failure (see ``disabled_reason``)."""
    disabled_at: dt.datetime | None = None
    disabled_reason: str | None = None
    last_change_id: int
    """The change log position delivered (or given up on) so far; 0 before the first."""
    failing_since: dt.datetime | None = None
    """When the current run of failed attempts began; ``None`` while deliveries succeed."""


class WebhookCreated(msgspec.Struct, kw_only=True, frozen=True):
    """A new endpoint; ``secret`` (``whsec_`` + base64) is shown this once."""

    webhook: Webhook
    secret: str


class DeliveryAttempt(msgspec.Struct, kw_only=True, frozen=True):
    """One delivery attempt of one change to an endpoint."""

    change_id: int
    webhook_message_id: str
    """The ``webhook-id`` header sent: the same for every attempt at this change."""
    attempt: int
    """1 for the first attempt at this change, 2 for its first retry, ..."""
    at: dt.datetime
    outcome: DeliveryOutcome
    status_code: int | None = None
    """The receiver's HTTP status, ``None`` when no response came (timeout, refused, ...)."""
    error: str | None = None
    """Why the attempt failed, in a line; ``None`` when delivered."""
    duration_ms: float
    next_retry_at: dt.datetime | None = None
    """When the next attempt is due (outcome ``retrying`` only)."""


class WebhookDelivery(DeliveryAttempt, kw_only=True, frozen=True):
    """An attempt as the endpoint's delivery log lists it (the store numbers them)."""

    id: int


class WebhookEvent(msgspec.Struct, kw_only=True, frozen=True):
    """The body of a delivery, the envelope Standard Webhooks recommends: the change's kind,
    when it was committed, and the change log entry itself."""

    type: ChangeKind
    timestamp: dt.datetime
    data: Change


def webhook_message_id(webhook_id: str, change_id: int) -> str:
    """The ``webhook-id`` of a change's delivery to an endpoint: derived, so every retry (from
    any replica) sends the same one and receivers can drop duplicates."""
    return f"msg_{webhook_id}_{change_id}"


def event_of(change: Change) -> WebhookEvent:
    """The delivery body of a change."""
    return WebhookEvent(type=change.kind, timestamp=change.at, data=change)
