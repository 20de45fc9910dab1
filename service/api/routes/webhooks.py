"""Webhook endpoints (the `admin` scope): register, list, inspect, delete, read the delivery log.

Registration checks the target against SSRF (``service.webhooks.targets``): an URL whose host
resolves to an internal address is a 422 unless ``BRIEFS_WEBHOOK_ALLOW_HOSTS`` lists the host.
The endpoint receives the changes committed after it is registered.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from litestar import Response, delete, get, post
from litestar.datastructures import State
from litestar.di import Provide
from litestar.params import JSONBody, Parameter, QueryParameter, SkipValidation

from service.api.deps import StoreDep
from service.api.errors import problem_responses
from service.api.resources import resource
from service.api.routes.tokens import ADMIN
from service.domain.webhooks import Webhook, WebhookCreate, WebhookCreated, WebhookDelivery
from service.webhooks.registry import new_webhook_record, webhook_view
from service.webhooks.targets import TargetGuard

TARGETS_STATE = "webhook_targets"
"""Key in ``app.state`` of the app's `TargetGuard`."""

WebhookId = Annotated[
    str,
    Parameter(description="The webhook's id.", min_length=1, max_length=64, pattern=r"^[0-9a-f]+$"),
]
DeliveryLimit = Annotated[
    int,
    QueryParameter(description="How many attempts to list, newest first.", ge=1, le=500),
]


TargetsDep = SkipValidation[TargetGuard]
"""The app's SSRF guard, injected (a plain class: nothing to validate)."""


def _provide_targets(state: State) -> TargetGuard:
    guard: TargetGuard = state[TARGETS_STATE]
    return guard


_TARGETS = {"targets": Provide(_provide_targets, sync_to_thread=False)}


@post(
    "/",
    operation_id="createWebhook",
    dependencies=_TARGETS,
    responses=problem_responses(401, 403, 404, 413, 415, 422),
)
async def create_webhook(
    store: StoreDep, targets: TargetsDep, data: JSONBody[WebhookCreate]
) -> Response[WebhookCreated]:
    """Register an endpoint for these kinds of change (of one story, or of all) from now on.

    The signing secret is in this response only. 422 when the URL is not `http(s)` or its host
    resolves to a loopback, private, link-local or other internal address (unless allowed by
    `BRIEFS_WEBHOOK_ALLOW_HOSTS`), or when an event kind is listed twice; 404 for an unknown
    `story_id`.
    """
    start_after = await store.last_change_id()
    record = await new_webhook_record(
        data, targets, dt.datetime.now(dt.UTC), start_after=start_after
    )
    await store.create_webhook(record)
    created = WebhookCreated(webhook=webhook_view(record), secret=record.secret)
    return Response(created, status_code=201)


@get("/", operation_id="listWebhooks", responses=problem_responses(401, 403))
async def list_webhooks(store: StoreDep) -> list[Webhook]:
    """Every registered endpoint, disabled ones too, by creation time. Never shows secrets."""
    return [webhook_view(record) for record in await store.list_webhooks()]


@get("/{webhook_id:str}", operation_id="getWebhook", responses=problem_responses(401, 403, 404))
async def get_webhook(store: StoreDep, webhook_id: WebhookId) -> Webhook:
    """One endpoint: its events, whether it is enabled (or why not) and how far it has got."""
    return webhook_view(await store.get_webhook(webhook_id))


@delete(
    "/{webhook_id:str}",
    operation_id="deleteWebhook",
    responses=problem_responses(401, 403, 404),
)
async def delete_webhook(store: StoreDep, webhook_id: WebhookId) -> None:
    """Stop deliveries to an endpoint and remove it from the list (204); 404 once deleted."""
    await store.delete_webhook(webhook_id, dt.datetime.now(dt.UTC))


@get(
    "/{webhook_id:str}/deliveries",
    operation_id="listWebhookDeliveries",
    responses=problem_responses(401, 403, 404),
)
async def list_deliveries(
    store: StoreDep, webhook_id: WebhookId, limit: DeliveryLimit = 100
) -> list[WebhookDelivery]:
    """The endpoint's delivery log, newest first: each attempt's change, number, outcome,
    status code or error, duration, and when the next retry is due."""
    return await store.webhook_deliveries(webhook_id, limit=limit)


ROUTER = resource(
    "/v1/webhooks",
    create_webhook,
    list_webhooks,
    get_webhook,
    delete_webhook,
    list_deliveries,
    tag="webhooks",
    opt=ADMIN,
)
