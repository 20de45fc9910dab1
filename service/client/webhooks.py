"""The client's calls of the webhook endpoints (the `admin` scope)."""

from __future__ import annotations

from collections.abc import Sequence

import msgspec

from service.client.transport import HttpSession, path_segment
from service.domain.changelog import ChangeKind
from service.domain.webhooks import Webhook, WebhookCreate, WebhookCreated, WebhookDelivery

_webhook = msgspec.json.Decoder(Webhook)
_webhooks = msgspec.json.Decoder(list[Webhook])
_webhook_created = msgspec.json.Decoder(WebhookCreated)
_deliveries = msgspec.json.Decoder(list[WebhookDelivery])


class WebhookCalls(HttpSession):
    """Registering, listing and deleting webhook endpoints, and their delivery logs, for
    `BriefsClient`."""

    async def create_webhook(
        self, url: str, events: Sequence[ChangeKind], *, story_id: str | None = None
    ) -> WebhookCreated:
        """Register an endpoint (``createWebhook``); ``WebhookCreated.secret`` is shown this
        once. A refused target (an internal address) is `Unprocessable`."""
        body = WebhookCreate(url=url, events=list(events), story_id=story_id)
        response = await self.send("POST", "/v1/webhooks", body=body)
        return self._decode(response, _webhook_created)

    async def list_webhooks(self) -> list[Webhook]:
        """Every registered endpoint (``listWebhooks``); never the secrets."""
        return self._decode(await self.send("GET", "/v1/webhooks"), _webhooks)

    async def get_webhook(self, webhook_id: str) -> Webhook:
        """One endpoint (``getWebhook``): enabled or why not, and how far it has got."""
        response = await self.send("GET", f"/v1/webhooks/{path_segment(webhook_id)}")
        return self._decode(response, _webhook)

    async def delete_webhook(self, webhook_id: str) -> None:
        """Stop deliveries to an endpoint and remove it (``deleteWebhook``)."""
        await self.send("DELETE", f"/v1/webhooks/{path_segment(webhook_id)}")

    async def webhook_deliveries(
        self, webhook_id: str, *, limit: int = 100
    ) -> list[WebhookDelivery]:
        """The endpoint's delivery log, newest first (``listWebhookDeliveries``)."""
        path = f"/v1/webhooks/{path_segment(webhook_id)}/deliveries"
        response = await self.send("GET", path, params={"limit": limit if limit != 100 else None})
        return self._decode(response, _deliveries)
