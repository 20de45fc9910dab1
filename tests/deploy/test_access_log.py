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


def test_access_records_are_the_records_logging_would_make() -> None:
    """The access records built from a template (`_AccessRecords`) carry what
    ``Logger.makeRecord`` gives a record: the same attributes, the time of the call, the thread
    (and the process) that logs, the level and the ``extra`` fields."""
    import threading
    import time

    from service.observability.requests import _ACCESS_RECORDS, ACCESS_FIELDS, access_logger

    fields = dict.fromkeys(ACCESS_FIELDS, "x")
    expected = access_logger.makeRecord(
        access_logger.name, logging.ERROR, "f", 0, "%s %s %d", ("GET", "/", 500), None, extra=fields
    )
    before = time.time()
    made = _ACCESS_RECORDS.make(logging.ERROR, ("GET", "/", 500), fields)
    assert before <= made.created <= time.time()
    assert list(vars(made)) == list(vars(expected))
    for name in ("name", "levelno", "levelname", "args", "process", "thread", "threadName"):
        assert getattr(made, name) == getattr(expected, name), name
    assert made.getMessage() == "GET / 500"
    assert made.__dict__["route"] == "x"

    elsewhere: list[logging.LogRecord] = []
    thread = threading.Thread(
        target=lambda: elsewhere.append(_ACCESS_RECORDS.make(logging.INFO, ("GET", "/", 200), {})),
        name="another",
    )
    thread.start()
    thread.join()
    assert (elsewhere[0].thread, elsewhere[0].threadName) == (thread.ident, "another")
    assert elsewhere[0].levelname == "INFO"
