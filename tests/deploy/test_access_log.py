"""The access log's hot path: direct JSON lines that match what logging would write."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator

import msgspec
import pytest

from service.observability.logs import (
    configure_logging,
    direct_json_handler,
    level_name,
    now_iso,
    reset_logging,
    write_direct,
)
from service.observability.requests import AccessLine, access_logger
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
    line = AccessLine(
        ts=now_iso(),
        level=level_name(logging.INFO),
        logger=access_logger.name,
        msg="GET /v1/stories/x 200",
        request_id="r-1",
        method="GET",
        route="/v1/stories/{story_id:str}",
        path="/v1/stories/x",
        status=200,
        duration_ms=0.125,
        token_name=None,
    )
    fields = msgspec.structs.asdict(line)
    for key in ("ts", "level", "logger", "msg"):
        del fields[key]
    try:
        root.handlers = ours  # without pytest's capture handlers, as in a served process
        handler = direct_json_handler(access_logger, logging.INFO)
        assert handler is not None
        write_direct(handler, access_logger, logging.INFO, msgspec.json.encode(line))
        access_logger.info("%s %s %d", "GET", "/v1/stories/x", 200, extra=fields)
        root.addHandler(logging.NullHandler())
        assert direct_json_handler(access_logger, logging.INFO) is None
        root.handlers = ours
        access_logger.addFilter(lambda record: True)
        assert direct_json_handler(access_logger, logging.INFO) is None
    finally:
        access_logger.filters.clear()
        root.handlers = kept
    direct, via_logging = (json.loads(text) for text in stream.getvalue().splitlines())
    assert list(direct) == list(via_logging)  # same fields in the same order
    iso_millis = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"
    assert re.fullmatch(iso_millis, direct.pop("ts"))
    assert re.fullmatch(iso_millis, via_logging.pop("ts"))
    assert direct == via_logging


def test_a_broken_stream_does_not_fail_the_request(capsys: pytest.CaptureFixture[str]) -> None:
    """As ``StreamHandler.emit``: an error writing the line goes to ``handleError``, not up."""

    class Broken(io.StringIO):
        def write(self, text: str) -> int:
            raise OSError("pipe closed")

    stream = Broken()
    configure_logging(Settings(log_format="json"), stream)
    root = logging.getLogger()
    kept = root.handlers[:]
    try:
        root.handlers = [h for h in kept if getattr(h, "stream", None) is stream]
        handler = direct_json_handler(access_logger, logging.INFO)
        assert handler is not None
        write_direct(handler, access_logger, logging.INFO, b'{"msg":"x"}')
    finally:
        root.handlers = kept
    assert "pipe closed" in capsys.readouterr().err
