"""The webhook endpoints on both backends: registration (and its SSRF refusals), listing,
deletion, the delivery log, and a write through the API reaching a real receiver, signed."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from standardwebhooks import Webhook

from service.domain.files import StoryFolder
from service.settings import Settings
from tests.api.conftest import Api, replica, start
from tests.api.test_errors import assert_problem
from tests.webhooks.conftest import eventually
from tests.webhooks.receiver import Answer, Receiver, receiving

STORY = "ceasefire-2025"
EVENTS = ["brief.created", "brief.revised"]
MORE = " (decoding stops at the first type error: more may follow)"
URL_PATTERN = r"^[hH][tT][tT][pP][sS]?://\S+$"
_BRIEF = {
    "id": "brief-2025-03-20",
    "as_of": "2025-03-20",
    "headline": "Talks resume in Riyadh",
    "summary": "Delegations meet again to discuss a maritime truce.",
}


@pytest.fixture
async def hooks_api(database_url: str, ceasefire: StoryFolder) -> AsyncIterator[Api]:
    """The API on each backend, allowing the local receiver, with quick retries."""
    settings = Settings(
        database_url=database_url,
        load_fixtures=False,
        db_pool_size=10,
        webhook_allow_hosts=("127.0.0.1",),
        webhook_timeout_seconds=0.5,
        webhook_retry_base_seconds=0.2,
        webhook_max_attempts=3,
        webhook_poll_seconds=0.2,
    )
    async for running in start(settings, ceasefire):
        yield running


async def create(api: Api, body: dict[str, Any], role: str = "admin") -> Any:
    """``POST /v1/webhooks`` as ``role``."""
    return await api.request("POST", "/v1/webhooks", role, json=body)


async def test_register_list_get_and_delete(hooks_api: Api) -> None:
    body = {"url": "http://127.0.0.1:9/hook", "events": EVENTS, "story_id": STORY}
    response = await create(hooks_api, body)
    assert response.status_code == 201, response.text
    created = response.json()
    secret = created["secret"]
    assert secret.startswith("whsec_")
    Webhook(secret)  # a secret the reference library reads
    hook = created["webhook"]
    assert set(hook) == {
        "id", "url", "events", "story_id", "created_at", "enabled", "disabled_at",
        "disabled_reason", "last_change_id", "failing_since",
    }  # fmt: skip
    assert (hook["url"], hook["events"], hook["story_id"]) == (body["url"], EVENTS, STORY)
    assert hook["enabled"] is True
    assert hook["last_change_id"] == await hooks_api.app.state.store.last_change_id()

    listed = (await hooks_api.request("GET", "/v1/webhooks", "admin")).json()
    assert listed == [hook]
    assert "whsec_" not in (await hooks_api.request("GET", "/v1/webhooks", "admin")).text
    one = await hooks_api.request("GET", f"/v1/webhooks/{hook['id']}", "admin")
    assert one.json() == hook

    deleted = await hooks_api.request("DELETE", f"/v1/webhooks/{hook['id']}", "admin")
    assert (deleted.status_code, deleted.content) == (204, b"")
    assert (await hooks_api.request("GET", "/v1/webhooks", "admin")).json() == []
    for method, path in [
        ("GET", f"/v1/webhooks/{hook['id']}"),
        ("DELETE", f"/v1/webhooks/{hook['id']}"),
        ("GET", f"/v1/webhooks/{hook['id']}/deliveries"),
    ]:
        gone = assert_problem(await hooks_api.request(method, path, "admin"), 404, "Not Found")
        assert gone["detail"] == f"webhook {hook['id']!r} does not exist"


async def test_a_brief_written_through_the_api_reaches_the_receiver(hooks_api: Api) -> None:
    async with receiving(Receiver([Answer(status=500)])) as receiver:
        created = (await create(hooks_api, {"url": receiver.url, "events": EVENTS})).json()
        hook_id, secret = created["webhook"]["id"], created["secret"]
        written = await hooks_api.request(
            "POST", f"/v1/stories/{STORY}/briefs", "write", json=_BRIEF
        )
        assert written.status_code == 201, written.text
        first, second = await receiver.wait_for(2)

        async def logged() -> bool:
            log = await hooks_api.request("GET", f"/v1/webhooks/{hook_id}/deliveries", "admin")
            return len(log.json()) == 2

        await eventually(logged)

    assert first.headers["webhook-id"] == second.headers["webhook-id"]
    event = Webhook(secret).verify(second.body, second.headers)
    assert event["type"] == "brief.created"
    change = event["data"]
    assert (change["story_id"], change["brief_id"], change["revision"]) == (STORY, _BRIEF["id"], 1)
    assert change["revised_by"] == "test-write"
    assert first.headers["webhook-id"] == f"msg_{hook_id}_{change['id']}"

    log = (await hooks_api.request("GET", f"/v1/webhooks/{hook_id}/deliveries", "admin")).json()
    assert [(d["attempt"], d["outcome"], d["status_code"]) for d in log] == [
        (2, "delivered", 204),
        (1, "retrying", 500),
    ]
    assert set(log[1]) == {
        "id", "change_id", "webhook_message_id", "attempt", "at", "outcome", "status_code",
        "error", "duration_ms", "next_retry_at",
    }  # fmt: skip
    assert log[1]["next_retry_at"] is not None
    limited = await hooks_api.request("GET", f"/v1/webhooks/{hook_id}/deliveries?limit=1", "admin")
    assert limited.json() == log[:1]
    hook = (await hooks_api.request("GET", f"/v1/webhooks/{hook_id}", "admin")).json()
    assert hook["last_change_id"] == change["id"]


async def test_two_replicas_deliver_each_change_once(hooks_api: Api) -> None:
    settings: Settings = hooks_api.app.state.settings
    async with receiving(Receiver()) as receiver, replica(settings) as other:
        created = (await create(hooks_api, {"url": receiver.url, "events": EVENTS})).json()
        hook_id = created["webhook"]["id"]
        headers = hooks_api.tokens.headers("write")
        for day in range(20, 25):  # written on the other replica; both deliver
            brief = {**_BRIEF, "id": f"brief-2025-03-{day}", "as_of": f"2025-03-{day}"}
            written = await other.post(f"/v1/stories/{STORY}/briefs", json=brief, headers=headers)
            assert written.status_code == 201, written.text
        await receiver.wait_for(5)

        async def logged() -> bool:
            log = await hooks_api.request("GET", f"/v1/webhooks/{hook_id}/deliveries", "admin")
            return len(log.json()) >= 5

        await eventually(logged)
        await asyncio.sleep(0.5)  # a few polls more: a second delivery would arrive by now

    sent = [request.headers["webhook-id"] for request in receiver.received]
    assert len(sent) == len(set(sent)) == 5
    assert sent == sorted(sent, key=lambda message_id: int(message_id.rsplit("_", 1)[1]))


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1:8000/hook", "127.0.0.1 resolves to 127.0.0.1, a loopback address"),
        ("http://10.0.0.7/hook", "10.0.0.7 resolves to 10.0.0.7, a private address"),
        (
            "http://169.254.169.254/latest",
            "169.254.169.254 resolves to 169.254.169.254, a link-local",
        ),
        ("http://[::1]:8000/hook", "::1 resolves to ::1, a loopback address"),
        ("http://localhost:8000/hook", "localhost resolves to "),
        ("http://user:secret@93.184.216.34/", "the URL may not carry credentials"),
    ],
)
async def test_422_an_internal_target_is_refused(api: Api, url: str, reason: str) -> None:
    response = await create(api, {"url": url, "events": EVENTS})
    body = assert_problem(response, 422, "Unprocessable Entity", extra={"errors"})
    assert body["detail"] == "The content is invalid."  # a rule no schema states
    (error,) = body["errors"]
    assert error["path"] == "$.url"
    assert error["message"].startswith(reason)
    if "resolves" in reason:
        assert error["message"].endswith(
            "; webhooks go to public addresses only, unless BRIEFS_WEBHOOK_ALLOW_HOSTS lists"
            " the host"
        )
    assert (await api.request("GET", "/v1/webhooks", "admin")).json() == []


async def test_a_public_target_is_accepted_without_the_allow_list(api: Api) -> None:
    response = await create(api, {"url": "https://93.184.216.34/hook", "events": EVENTS})
    assert response.status_code == 201, response.text


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        (
            {"url": "https://93.184.216.34/h", "events": EVENTS, "secret": "whsec_x"},
            [{"path": "$.secret", "message": "unknown field"}],
        ),
        (
            {"url": "https://93.184.216.34/h", "events": ["brief.deleted"]},
            [{"path": "$.events[0]", "message": f"Invalid enum value 'brief.deleted'{MORE}"}],
        ),
        (
            {"url": "https://93.184.216.34/h", "events": []},
            [{"path": "$.events", "message": f"Expected `array` of length >= 1{MORE}"}],
        ),
        (
            {"url": "https://93.184.216.34/h", "events": ["brief.created", "brief.created"]},
            [{"path": "$.events[1]", "message": "'brief.created' is listed twice"}],
        ),
        (
            {"url": "ftp://93.184.216.34/h", "events": EVENTS},
            [
                {
                    "path": "$.url",
                    "message": f"Expected `str` matching regex {URL_PATTERN!r}{MORE}",
                }
            ],
        ),
        (
            {"events": EVENTS},
            [{"path": "$", "message": f"Object missing required field `url`{MORE}"}],
        ),
    ],
)
async def test_422_a_bad_body_names_the_field(
    api: Api, body: dict[str, Any], errors: list[dict[str, str]]
) -> None:
    response = await create(api, body)
    problem = assert_problem(response, 422, "Unprocessable Entity", extra={"errors"})
    assert problem["errors"] == errors


async def test_404_an_unknown_story(api: Api) -> None:
    body = {"url": "https://93.184.216.34/h", "events": EVENTS, "story_id": "no-such-story"}
    problem = assert_problem(await create(api, body), 404, "Not Found")
    assert problem["detail"] == "story 'no-such-story' does not exist"


async def test_401_and_403_without_the_admin_scope(api: Api) -> None:
    body = {"url": "https://93.184.216.34/h", "events": EVENTS}
    assert_problem(await create(api, body, "none"), 401, "Unauthorized")
    problem = assert_problem(await create(api, body, "write"), 403, "Forbidden")
    assert "admin" in problem["detail"]
    assert_problem(await api.request("GET", "/v1/webhooks", "read"), 403, "Forbidden")


async def test_400_a_bad_webhook_id_or_limit(api: Api) -> None:
    bad_id = await api.request("GET", "/v1/webhooks/NOT-HEX", "admin")
    assert_problem(bad_id, 400, "Bad Request", extra={"errors"})
    bad_limit = await api.request("GET", "/v1/webhooks/00ff/deliveries?limit=0", "admin")
    problem = assert_problem(bad_limit, 400, "Bad Request", extra={"errors"})
    assert problem["errors"] == [{"path": "query.limit", "message": "Expected `int` >= 1"}]
