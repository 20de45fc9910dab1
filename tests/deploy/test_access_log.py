"""The access log goes through logging's handlers and writes `AccessLine`'s fields in order."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator

import pytest

from service.observability.logs import configure_logging, reset_logging
from service.observability.metrics import Metrics
from service.observability.requests import AccessLine, RequestObserver
from service.settings import Settings


@pytest.fixture(autouse=True)
def _clean_logging() -> Iterator[None]:
    yield
    reset_logging()


async def _ok(scope: object, receive: object, send: object) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})  # type: ignore[operator]
    await send({"type": "http.response.body", "body": b"ok"})  # type: ignore[operator]


async def _request(observer: RequestObserver, path: str) -> None:
    scope = {"type": "http", "method": "GET", "path": path, "headers": [], "state": {}}

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": b""}

    async def send(message: object) -> None:
        del message

    await observer(scope, receive, send)  # type: ignore[arg-type]  # a minimal scope


async def test_access_lines_pass_through_logging_handlers_and_filters() -> None:
    """Issue 10: no direct write around logging. A filter on the logger sees (and may change)
    every access record; the JSON line has `AccessLine`'s fields, in its order."""
    stream = io.StringIO()
    configure_logging(Settings(log_format="json"), stream)
    observer = RequestObserver(_ok, Metrics())  # type: ignore[arg-type]  # a bare ASGI callable
    access = logging.getLogger("briefs.access")
    seen: list[logging.LogRecord] = []

    def keep(record: logging.LogRecord) -> bool:
        seen.append(record)
        return record.__dict__["path"] != "/dropped"

    access.addFilter(keep)
    try:
        await _request(observer, "/v1/stories")
        await _request(observer, "/dropped")
    finally:
        access.removeFilter(keep)
    assert [record.__dict__["path"] for record in seen] == ["/v1/stories", "/dropped"]
    (line,) = (
        json.loads(text) for text in stream.getvalue().splitlines() if "briefs.access" in text
    )
    assert list(line) == list(AccessLine.__struct_fields__)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", line["ts"])
    assert (line["level"], line["msg"], line["status"]) == ("info", "GET /v1/stories 200", 200)
    assert line["request_id"]
