"""The change log over HTTP: a live stream (server-sent events) or cursor pages for pollers.

``GET /v1/changes`` (every story) and ``GET /v1/stories/{story_id}/changes`` (one story) answer
by ``Accept``:

* ``text/event-stream``: a live stream in the format of ``service.domain.stream``. It starts
  after ``Last-Event-ID`` (what a reconnecting ``EventSource`` sends), else ``?after=``, else
  the newest change: first the log's changes after that point (the replay), then the live ones
  from the process's `ChangeBroadcaster`, each exactly once. The stream subscribes before it
  reads the replay and skips live changes the replay already sent, so nothing committed around
  the boundary is lost or repeated.
* anything else (``application/json``): one `ChangePage` of ``?limit=`` changes after ``?after=``.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator
from typing import Annotated, Any

from litestar import Litestar, Request, Response, get
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import OpenAPIMediaType, OpenAPIType, Parameter, Schema
from litestar.params import HeaderParameter, QueryParameter
from litestar.response import Stream

from service.api.broadcast import (
    HEARTBEAT,
    READ_LIMIT,
    ChangeBroadcaster,
    StreamClosedError,
    change_event,
    disconnect_event,
    joined,
    position_event,
)
from service.api.deps import StoreDep
from service.api.errors import problem_responses
from service.api.representations import JSON, StoryId
from service.domain.changelog import ChangePage
from service.domain.stream import EVENT_STREAM, LAST_EVENT_ID
from service.store.base import ChangeStore

logger = logging.getLogger("service.api.changes")

BROADCASTER_STATE = "change_broadcaster"
"""Key in ``app.state`` of the process's `ChangeBroadcaster`."""
MAX_CHANGE_ID = 2**63 - 1
MAX_PAGE_LIMIT = 500
"""The most changes in one page (the store reads one more to know whether more follow)."""
OPERATIONS = ("listChanges", "listStoryChanges")
LOG_UNREADABLE = "the change log could not be read; resume with Last-Event-ID"
STREAM_HEADERS = {
    "Cache-Control": "no-cache",
    "Connection": "keep-alive",
    "X-Accel-Buffering": "no",
}
"""What Litestar's ``ServerSentEvent`` sends (no caching; no buffering by nginx-like proxies).
The stream is a plain ``Stream`` of bytes encoded once per change: the per-message layers of
``ServerSentEvent`` cost each of 1,000 streams more than its own work (docs/performance.md)."""

AfterQuery = Annotated[
    int,
    QueryParameter(
        name="after",
        description="Start after this change id (0: from the first change). A stream without "
        "it (or `Last-Event-ID`) starts at the newest change; a page starts at 0.",
        ge=0,
        le=MAX_CHANGE_ID,
        required=False,
    ),
]
LimitQuery = Annotated[
    int,
    QueryParameter(
        name="limit",
        description=f"Most changes in a page (1-{MAX_PAGE_LIMIT}); ignored by streams.",
        ge=1,
        le=MAX_PAGE_LIMIT,
    ),
]
LastEventId = Annotated[
    str | None,
    HeaderParameter(
        name=LAST_EVENT_ID,
        description="The id of the last change received: resume after it (wins over `after`).",
        pattern=r"^[0-9]{1,18}$",
        required=False,
    ),
]

_RESPONSES: dict[int, ResponseSpec] = {
    200: ResponseSpec(
        data_container=ChangePage,
        description="A page of the change log, oldest first; with `Accept: text/event-stream` "
        "the live stream instead (see docs/api.md, 'Change stream').",
        generate_examples=False,
        media_type=JSON,
    ),
    **problem_responses(401, 403, 404),
}


@get(
    "/v1/changes",
    operation_id="listChanges",
    tags=["changes"],
    responses=_RESPONSES,
)
async def list_changes(
    request: Request[Any, Any, Any],
    store: StoreDep,
    last_event_id: LastEventId,
    after: AfterQuery = 0,
    limit: LimitQuery = 100,
) -> Response[Any]:
    """The change log of every story: briefs created, revised or withdrawn and stories created
    or updated, in commit order. `Accept: text/event-stream` streams it live (resuming after
    `Last-Event-ID` or `after`); otherwise one cursor page (`ChangePage`)."""
    return await _answer(request, store, None, _start(request, last_event_id, after), limit)


@get(
    "/v1/stories/{story_id:str}/changes",
    operation_id="listStoryChanges",
    tags=["changes"],
    responses=_RESPONSES,
)
async def list_story_changes(
    *,
    request: Request[Any, Any, Any],
    store: StoreDep,
    story_id: StoryId,
    last_event_id: LastEventId,
    after: AfterQuery = 0,
    limit: LimitQuery = 100,
) -> Response[Any]:
    """The change log of one story, as `listChanges` (ids are the log's, shared by every
    story); 404 for an unknown story."""
    await store.get_story(story_id)  # 404 before a stream starts
    return await _answer(request, store, story_id, _start(request, last_event_id, after), limit)


def _start(request: Request[Any, Any, Any], last_event_id: str | None, after: int) -> int | None:
    """Where to start: ``Last-Event-ID``, else ``after`` when given, else ``None`` (a page
    starts at 0 then, a stream at the newest change)."""
    if last_event_id is not None:
        return int(last_event_id)
    return after if "after" in request.query_params else None


async def _answer(
    request: Request[Any, Any, Any],
    store: ChangeStore,
    story_id: str | None,
    after: int | None,
    limit: int,
) -> Response[Any]:
    headers = {"Vary": "Accept"}
    if request.accept.best_match([JSON, EVENT_STREAM], default=JSON) != EVENT_STREAM:
        page = await change_page(store, story_id, after or 0, limit)
        return Response(page, media_type=JSON, headers=headers)
    broadcaster: ChangeBroadcaster = request.app.state[BROADCASTER_STATE]
    start = after if after is not None else await store.last_change_id()
    events = stream_events(broadcaster, store, story_id, start)
    return Stream(events, media_type=EVENT_STREAM, headers={**headers, **STREAM_HEADERS})


async def change_page(
    store: ChangeStore, story_id: str | None, after: int, limit: int
) -> ChangePage:
    """``limit`` changes after ``after`` and whether more follow (one more is read to know)."""
    changes = await store.changes_after(after, story_id=story_id, limit=limit + 1)
    items = changes[:limit]
    return ChangePage(
        items=items, last_id=items[-1].id if items else after, has_more=len(changes) > limit
    )


async def stream_events(
    broadcaster: ChangeBroadcaster,
    store: ChangeStore,
    story_id: str | None,
    after: int,
) -> AsyncGenerator[bytes]:
    """The stream's events: its position, the replay after ``after``, then live changes, with
    a heartbeat when the broadcaster says one is due; a ``disconnect`` event last when the
    broadcaster ends it."""
    subscription = broadcaster.subscribe(story_id)  # before the replay is read: no gap
    try:
        yield position_event(after)
        last = after
        try:
            while True:
                replayed = await store.changes_after(last, story_id=story_id, limit=READ_LIMIT)
                if replayed:
                    yield joined([change_event(change) for change in replayed])
                    last = replayed[-1].id
                if len(replayed) < READ_LIMIT:
                    break
        except Exception:  # the database failed: end the stream, the client resumes
            logger.exception("replaying the change log failed")
            yield disconnect_event(LOG_UNREADABLE)
            return
        while True:
            try:
                batches = await subscription.take()
            except StreamClosedError as closed:
                yield disconnect_event(closed.reason)
                return
            if not batches:
                yield HEARTBEAT
                continue
            # What the replay did not send, in one write however many batches were queued.
            fresh = b"".join(batch.after(last) for batch in batches)
            last = batches[-1].last_id
            if fresh:
                yield fresh
    finally:
        broadcaster.unsubscribe(subscription)


def document_streams(app: Litestar) -> None:
    """Startup hook: the 200 of the change operations is also a ``text/event-stream``, which
    Litestar cannot say (one media type per response); ``Last-Event-ID`` and ``after`` are a
    string and an integer of at least 0, not Litestar's ``oneOf`` with ``null`` (a header or a
    query value is never null) that drops the minimum of 0."""
    for path_item in (app.openapi_schema.paths or {}).values():
        operation = path_item.get
        if operation is None or operation.operation_id not in OPERATIONS:
            continue
        for parameter in operation.parameters or ():
            if not isinstance(parameter, Parameter) or not isinstance(parameter.schema, Schema):
                continue
            schema = parameter.schema
            if parameter.name == LAST_EVENT_ID:
                parameter.schema = Schema(
                    type=OpenAPIType.STRING, pattern=schema.pattern, description=schema.description
                )
            elif parameter.name == "after":
                parameter.schema = Schema(
                    type=OpenAPIType.INTEGER,
                    minimum=0,
                    maximum=MAX_CHANGE_ID,
                    description=schema.description,
                )
        ok = (operation.responses or {}).get("200")
        content = getattr(ok, "content", None)
        if content is not None:
            content[EVENT_STREAM] = OpenAPIMediaType(
                schema=Schema(
                    type=OpenAPIType.STRING,
                    description="Server-sent events: `id: <change id>`, `event: <kind>`, "
                    "`data: <Change JSON>`; `: keep-alive` heartbeats; a last "
                    '`event: disconnect` with `{"reason": ...}` when the server ends it.',
                )
            )


ROUTES = [list_changes, list_story_changes]
