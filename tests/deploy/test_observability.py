"""Access logs and /metrics, on a small app with the observability hook and on the real API."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import json
import logging
import os
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any

import pytest
from litestar import Litestar, Request, get
from litestar.datastructures import State
from litestar.params import Parameter
from litestar.testing import TestClient
from litestar.types import ASGIApp, Receive, Scope, Send
from prometheus_client.parser import text_string_to_metric_families

from service.api.app import BriefsApp
from service.domain.wire import Scope as TokenScope
from service.observability import app_init_hook
from service.observability.logs import (
    ConsoleFormatter,
    JsonFormatter,
    choose_formatter,
    configure_logging,
    flush_logs,
    granian_log_config,
    reset_logging,
)
from service.observability.metrics import Metrics
from service.observability.requests import RequestObserver
from service.settings import Settings

SECRET = "brf_this-secret-must-never-be-logged"
ACCESS_FIELDS = {
    "ts",
    "level",
    "logger",
    "msg",
    "request_id",
    "method",
    "route",
    "path",
    "status",
    "duration_ms",
    "token_name",
}


@pytest.fixture(autouse=True)
def _clean_logging() -> Iterator[None]:
    yield
    reset_logging()


class FakeStore:
    """Two store calls: one that answers, one that fails; each reported as a store reports it."""

    def __init__(self) -> None:
        self.observer: Callable[[str, float, bool], None] = lambda *_: None

    def observe(self, observer: Callable[[str, float, bool], None]) -> None:
        self.observer = observer

    async def get_item(self, item_id: int) -> dict[str, int]:
        await asyncio.sleep(0)
        self.observer("get_item", 0.001, item_id >= 0)
        if item_id < 0:
            raise LookupError(item_id)
        return {"id": item_id}


class FakeCache:
    def stats(self) -> dict[str, int]:
        return {"hits": 7, "misses": 2, "bytes": 4096, "entries": 3, "max_bytes": 65536}


def tag_requests(app: ASGIApp) -> ASGIApp:
    """What the API's middleware does: a request id, and the token's name once authenticated."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        headers = dict(scope.get("headers", []))
        scope["state"]["request_id"] = headers.get(b"x-request-id", b"generated").decode()
        if headers.get(b"authorization", b"").startswith(b"Bearer "):
            scope["state"]["token_name"] = "newsdesk"
        await app(scope, receive, send)

    return middleware


@get("/items/{item_id:int}")
async def get_item(
    item_id: Annotated[int, Parameter(description="Item id.")], request: Request[Any, Any, Any]
) -> dict[str, int]:
    """One item from the store."""
    try:
        item: dict[str, int] = await request.app.state.store.get_item(item_id)
    except LookupError:
        return {"id": -1}
    return item


def small_app(settings: Settings) -> Litestar:
    metrics = Metrics()
    return BriefsApp(
        outer=lambda app: RequestObserver(app, metrics),
        route_handlers=[get_item],
        state=State({"store": FakeStore(), "cache": FakeCache()}),
        middleware=[tag_requests],
        on_app_init=[app_init_hook(settings, metrics)],
    )


def json_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def access_lines(text: str) -> list[dict[str, Any]]:
    return [line for line in json_lines(text) if line["logger"] == "briefs.access"]


def samples(exposition: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    found = {}
    for family in text_string_to_metric_families(exposition):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def test_one_json_access_line_per_request_with_its_context(
    capsys: pytest.CaptureFixture[str],
) -> None:
    settings = Settings(log_format="json", log_level="info")
    with TestClient(small_app(settings)) as client:
        client.get("/items/7", headers={"X-Request-ID": "req-1"})
        client.get("/items/8", headers={"Authorization": f"Bearer {SECRET}"})
        client.get("/nowhere")
        flush_logs()
    output = capsys.readouterr().out
    lines = access_lines(output)
    assert [line["path"] for line in lines] == ["/items/7", "/items/8", "/nowhere"]
    first, second, unmatched = lines
    assert set(first) == ACCESS_FIELDS
    assert first["request_id"] == "req-1"
    assert first["method"] == "GET"
    assert first["route"] == "/items/{item_id}"
    assert first["status"] == 200
    assert first["level"] == "info"
    assert isinstance(first["duration_ms"], float)
    assert first["duration_ms"] >= 0
    assert first["token_name"] is None
    assert dt.datetime.fromisoformat(first["ts"]).tzinfo is not None
    assert second["token_name"] == "newsdesk"
    assert unmatched["route"] == "<unmatched>"
    assert unmatched["status"] == 404
    assert SECRET not in output


def test_probes_are_logged_at_debug_only(capsys: pytest.CaptureFixture[str]) -> None:
    with TestClient(small_app(Settings(log_format="json", log_level="info"))) as client:
        assert client.get("/metrics").status_code == 200
        flush_logs()
    assert access_lines(capsys.readouterr().out) == []
    with TestClient(small_app(Settings(log_format="json", log_level="debug"))) as client:
        client.get("/metrics")
        flush_logs()
    (probe,) = access_lines(capsys.readouterr().out)
    assert probe["level"] == "debug"
    assert probe["route"] == "/metrics"


def test_log_format_auto_is_console_on_a_terminal_and_json_otherwise() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert isinstance(choose_formatter("auto", Terminal()), ConsoleFormatter)
    assert isinstance(choose_formatter("auto", io.StringIO()), JsonFormatter)
    assert isinstance(choose_formatter("json", Terminal()), JsonFormatter)
    assert isinstance(choose_formatter("console", io.StringIO()), ConsoleFormatter)

    record = logging.LogRecord("briefs.access", logging.INFO, __file__, 1, "GET %s", ("/x",), None)
    record.status = 200
    record.token_name = None
    line = ConsoleFormatter(colour=False).format(record)
    assert line.endswith("INFO    briefs.access: GET /x  status=200")
    assert "\x1b[" not in line


def _failure() -> None:
    raise ValueError("boom")


def test_json_lines_carry_tracebacks_and_survive_odd_values() -> None:
    try:
        _failure()
    except ValueError:
        record = logging.LogRecord(
            "briefs", logging.ERROR, __file__, 1, "failed", None, exc_info=sys.exc_info()
        )
    record.path = Path("/data/briefs.db")  # not JSON-native: rendered with repr
    payload = json.loads(JsonFormatter().format(record))
    assert payload["level"] == "error"
    assert "ValueError: boom" in payload["exc"]
    assert payload["path"] == repr(Path("/data/briefs.db"))


def test_metrics_by_route_template_cache_and_store_timings() -> None:
    with TestClient(small_app(Settings(log_level="warning"))) as client:
        for item_id in (1, 2, 3, -1):
            client.get(f"/items/{item_id}")
        client.get("/nowhere")
        client.delete("/items/1")
        response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=")
    assert response.headers["content-type"].count("charset") == 1
    found = samples(response.text)
    route = "/items/{item_id}"
    ok = (("method", "GET"), ("route", route), ("status", "200"))
    assert found[("briefs_http_requests_total", ok)] == 4
    assert (
        found[("briefs_http_request_duration_seconds_count", (("method", "GET"), ("route", route)))]
        == 4
    )
    assert (
        "briefs_http_requests_total",
        (("method", "GET"), ("route", "<unmatched>"), ("status", "404")),
    ) in found
    assert (
        "briefs_http_requests_total",
        (("method", "DELETE"), ("route", "<unmatched>"), ("status", "405")),
    ) in found
    assert not [key for key in found if any(value.startswith("/items/1") for _, value in key[1])]
    assert (
        found[
            (
                "briefs_db_call_duration_seconds_count",
                (("operation", "get_item"), ("outcome", "ok")),
            )
        ]
        == 3
    )
    assert (
        found[
            (
                "briefs_db_call_duration_seconds_count",
                (("operation", "get_item"), ("outcome", "error")),
            )
        ]
        == 1
    )
    assert found[("briefs_cache_hits_total", ())] == 7
    assert found[("briefs_cache_misses_total", ())] == 2
    assert found[("briefs_cache_bytes", ())] == 4096
    assert found[("briefs_cache_entries", ())] == 3
    assert ("process_resident_memory_bytes", ()) in found
    assert not [name for name, _ in found if name.endswith("_created")]


def test_metrics_speaks_openmetrics_when_asked() -> None:
    with TestClient(small_app(Settings(log_level="warning"))) as client:
        response = client.get("/metrics", headers={"Accept": "application/openmetrics-text"})
    assert response.headers["content-type"].startswith("application/openmetrics-text")
    assert response.text.rstrip().endswith("# EOF")


def test_the_real_api_logs_and_counts_with_its_request_id_and_token_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from service.api.app import create_app
    from service.api.auth import new_token_record
    from service.store.factory import open_store

    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'briefs.db'}",
        log_format="json",
        log_level="info",
        load_fixtures=False,
    )

    async def make_token() -> str:
        store = await open_store(settings)
        record, token = new_token_record("newsdesk", [TokenScope.WRITE], dt.datetime.now(dt.UTC))
        await store.create_token(record)
        await store.close()
        return token

    token = asyncio.run(make_token())
    with TestClient(create_app(settings)) as client:
        created = client.post(
            "/v1/stories",
            json={"id": "observed-story", "title": "An observed story"},
            headers={"Authorization": f"Bearer {token}", "X-Request-ID": "req-42"},
        )
        assert created.status_code == 201, created.text
        assert client.get("/v1/stories/observed-story").status_code == 200
        metrics = client.get("/metrics")
        flush_logs()
    output = capsys.readouterr().out
    assert token not in output
    (post,) = [line for line in access_lines(output) if line["method"] == "POST"]
    assert post["request_id"] == "req-42"
    assert post["token_name"] == "newsdesk"
    assert post["route"] == "/v1/stories"
    assert post["status"] == 201
    found = samples(metrics.text)
    get_story = (("method", "GET"), ("route", "/v1/stories/{story_id}"), ("status", "200"))
    assert found[("briefs_http_requests_total", get_story)] == 1
    operations = {
        dict(labels)["operation"]
        for name, labels in found
        if name == "briefs_db_call_duration_seconds_count"
    }
    assert {"create_story", "get_story", "find_token"} <= operations
    assert ("briefs_cache_max_bytes", ()) in found


def test_a_worker_forked_after_configuration_still_logs() -> None:
    read_end, write_end = os.pipe()
    with os.fdopen(write_end, "w") as stream:
        configure_logging(Settings(log_format="json"), stream=stream)
        pid = os.fork()
        if pid == 0:  # the child: log, flush, leave without running pytest's cleanup
            try:
                logging.getLogger("worker").warning("from the worker")
                flush_logs()
            finally:
                os._exit(0)
        _, status = os.waitpid(pid, 0)
        reset_logging()
    assert status == 0
    with os.fdopen(read_end) as output:
        (line,) = json_lines(output.read())
    assert line["logger"] == "worker"
    assert line["msg"] == "from the worker"


def test_granian_logs_in_the_same_format(capsys: pytest.CaptureFixture[str]) -> None:
    from granian.log import LogLevels
    from granian.log import configure_logging as configure_granian

    configure_granian(LogLevels.info, granian_log_config(Settings(log_format="json")))
    try:
        logging.getLogger("_granian").info("Listening at: %s", "http://0.0.0.0:8000")
        (line,) = json_lines(capsys.readouterr().out)
    finally:
        logging.getLogger("_granian").handlers.clear()
        logging.getLogger("granian.access").handlers.clear()
    assert line["logger"] == "_granian"
    assert line["msg"] == "Listening at: http://0.0.0.0:8000"


def test_metrics_stay_public_when_reads_need_a_token(tmp_path: Path) -> None:
    from service.api.app import create_app

    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'briefs.db'}",
        require_auth_for_reads=True,
        load_fixtures=False,
        log_level="warning",
    )
    with TestClient(create_app(settings)) as client:
        assert client.get("/v1/stories").status_code == 401
        metrics = client.get("/metrics")
        assert metrics.status_code == 200
        assert "briefs_http_requests_total" in metrics.text
        assert client.get("/metrics/extra").status_code in {401, 404}


def test_generated_request_ids_are_random() -> None:
    """Issue 9: ids were a fixed per-process prefix plus a counter, so one predicted the next."""
    with TestClient(small_app(Settings(log_level="warning"))) as client:
        ids = [client.get("/items/1").headers["x-request-id"] for _ in range(50)]
        honoured = client.get("/items/1", headers={"X-Request-ID": "desk-42"})
    assert honoured.headers["x-request-id"] == "desk-42"  # a sane incoming id is kept
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"[0-9a-f]{32}", request_id) for request_id in ids)
    # No shared prefix or suffix: each id is 128 fresh random bits, not a counter.
    assert len({request_id[:8] for request_id in ids}) > 40
    assert len({request_id[-8:] for request_id in ids}) > 40
