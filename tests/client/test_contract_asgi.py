"""Contract: the client drives every endpoint of the in-process app on SQLite (ASGITransport)."""

from __future__ import annotations

import msgspec

from service.client import BriefsClient
from service.domain.files import StoryFolder
from service.domain.wire import Scope

from .conftest import InProcessAPI
from .scenario import drive_every_endpoint


async def test_every_endpoint_over_asgi_on_sqlite(
    sqlite_api: InProcessAPI, ceasefire: StoryFolder
) -> None:
    admin_token = await sqlite_api.mint_token(Scope.ADMIN, "contract-admin")

    def connect(token: str | None) -> BriefsClient:
        return sqlite_api.client(token)

    await drive_every_endpoint(connect, admin_token, ceasefire)


# Every operation of the API and the client method that calls it (``getMetrics`` is for
# Prometheus, not for the client).
OPERATIONS = {
    "getLiveness": "health",
    "getReadiness": "ready",
    "listStories": "list_stories",
    "createStory": "create_story",
    "getStory": "get_story",
    "updateStory": "update_story",
    "listBriefs": "list_briefs",
    "createBrief": "create_brief",
    "getLatestBrief": "latest_brief",
    "getBrief": "get_brief",
    "updateBrief": "update_brief",
    "listRevisions": "list_revisions",
    "getRevision": "get_revision",
    "getBriefDiff": "diff_brief",
    "getDiff": "diff",
    "exportBriefMarkdown": "export_markdown",
    "exportBriefNinjs": "export_ninjs",
    "getTimeline": "timeline",
    "getBriefTimeMap": "timemap",
    "getStoryFeed": "feed",
    "getFeed": "feed",
    "listIssueLifecycles": "issue_lifecycles",
    "getStanceHistory": "stance_history",
    "listTokens": "list_tokens",
    "createToken": "create_token",
    "revokeToken": "revoke_token",
    "draftFromArticle": "draft_from_article",
    "createWebhook": "create_webhook",
    "listWebhooks": "list_webhooks",
    "getWebhook": "get_webhook",
    "deleteWebhook": "delete_webhook",
    "listWebhookDeliveries": "webhook_deliveries",
    # One operation, two representations: a cursor page, and the live stream (`changes`).
    "listChanges": "change_page",
    "listStoryChanges": "change_page",
}
NOT_FOR_THE_CLIENT = {"getMetrics"}


async def test_the_client_has_a_method_for_every_operation(sqlite_api: InProcessAPI) -> None:
    async with sqlite_api.client() as client:
        response = await client.send("GET", "/schema/openapi.json")
    document = msgspec.json.decode(response.content)
    served = {
        operation["operationId"]
        for path_item in document["paths"].values()
        for operation in path_item.values()
        if isinstance(operation, dict) and "operationId" in operation
    }
    assert served - NOT_FOR_THE_CLIENT == set(OPERATIONS)
    for method in OPERATIONS.values():
        assert callable(getattr(BriefsClient, method))
