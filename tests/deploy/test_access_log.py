"""The access log's hot path: direct JSON lines that match what logging would write."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator

import pytest

from service.observability.logs import configure_logging, reset_logging, write_json_line
from service.observability.requests import access_logger
from service.settings import Settings


@pytest.fixture(autouse=True)
def _clean_logging() -> Iterator[None]:
    yield
    reset_logging()


def test_direct_access_lines_are_what_the_json_formatter_writes() -> None:
    """The access log's hot path writes the same line as the logging machinery, and steps aside
    as soon as anything else (a filter, another handler) would see the record."""
    stream = io.StringIO()
    configure_logging(Settings(log_format="json"), stream)
    root = logging.getLogger()
    ours = [handler for handler in root.handlers if getattr(handler, "stream", None) is stream]
    kept = root.handlers[:]
    fields = {
        "request_id": "r-1",
        "method": "GET",
        "route": "/v1/stories/{story_id:str}",
        "path": "/v1/stories/x",
        "status": 200,
        "duration_ms": 0.125,
        "token_name": None,
    }
    try:
        root.handlers = ours  # without pytest's capture handlers, as in a served process
        assert write_json_line(access_logger, logging.INFO, "GET /v1/stories/x 200", fields)
        access_logger.info("%s %s %d", "GET", "/v1/stories/x", 200, extra=fields)
        root.addHandler(logging.NullHandler())
        assert not write_json_line(access_logger, logging.INFO, "GET /x 200", fields)
        root.handlers = ours
        access_logger.addFilter(lambda record: True)
        assert not write_json_line(access_logger, logging.INFO, "GET /x 200", fields)
    finally:
        access_logger.filters.clear()
        root.handlers = kept
    direct, via_logging = (json.loads(line) for line in stream.getvalue().splitlines())
    assert list(direct) == list(via_logging)  # same fields in the same order
    iso_millis = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"
    assert re.fullmatch(iso_millis, direct.pop("ts"))
    assert re.fullmatch(iso_millis, via_logging.pop("ts"))
    assert direct == via_logging
