"""What logging and metrics cost per request: the same Litestar app with and without the
observability hook, driven in-process through ASGI (no sockets, so the overhead is not drowned in
network noise).

Run: ``.venv/bin/python -m bench.observability [--requests 20000] [--repeats 5]``

Variants, interleaved round by round so that machine noise hits each alike:

* ``bare``: a route that awaits one store call, no hook (the baseline);
* ``metrics``: with the request observer outermost (as ``create_app`` composes it) and
  ``app_init_hook`` at ``BRIEFS_LOG_LEVEL=warning``: request id, request metrics, store timing
  proxy, no access-log line;
* ``metrics+log``: the same at ``info``: plus one JSON access-log line per request (to /dev/null,
  written as it is logged).

Prints the median CPU microseconds per request of each and the overhead against ``bare``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import time
from collections.abc import Callable
from typing import Annotated, Any

from litestar import Litestar, Request, get
from litestar.datastructures import State
from litestar.params import Parameter

from service.api.app import BriefsApp
from service.observability import app_init_hook
from service.observability.logs import configure_logging, flush_logs, reset_logging
from service.observability.metrics import Metrics
from service.observability.requests import RequestObserver
from service.settings import LogLevel, Settings


class Store:
    """A store whose one call does no I/O, so that only the instrumentation is measured; it
    times that call for an observer as the SQL store times its operations (``observe``)."""

    def __init__(self) -> None:
        self._observer: Callable[[str, float, bool], None] | None = None

    def observe(self, observer: Callable[[str, float, bool], None]) -> None:
        self._observer = observer

    async def get_item(self, item_id: int) -> dict[str, int]:
        started = time.perf_counter()
        item = {"id": item_id}
        if self._observer is not None:
            self._observer("get_item", time.perf_counter() - started, True)
        return item


@get("/items/{item_id:int}")
async def get_item(
    item_id: Annotated[int, Parameter(description="Item id.")], request: Request[Any, Any, Any]
) -> dict[str, int]:
    """One item."""
    item: dict[str, int] = await request.app.state.store.get_item(item_id)
    return item


# Logging is process-wide: each round sets the level of the variant it measures.
LOG_LEVELS: dict[str, LogLevel] = {"bare": "warning", "metrics": "warning", "metrics+log": "info"}


def build(variant: str) -> Litestar:
    if variant == "bare":
        return Litestar(
            route_handlers=[get_item],
            state=State({"store": Store()}),
            logging_config=None,  # the baseline logs nothing per request
        )
    settings = Settings(log_level=LOG_LEVELS[variant], log_format="json")
    metrics = Metrics()
    return BriefsApp(
        outer=lambda app: RequestObserver(app, metrics),
        route_handlers=[get_item],
        state=State({"store": Store()}),
        on_app_init=[app_init_hook(settings, metrics)],
    )


async def drive(app: Litestar, requests: int) -> float:
    """CPU seconds per request over ``requests`` sequential requests.

    CPU time of the whole process, not wall time: on a
    shared machine wall time mostly measures the neighbours, CPU time is what the hook costs.
    """
    body_sent = {"type": "http.request", "body": b"", "more_body": False}

    async def receive() -> dict[str, Any]:
        return body_sent

    async def send(message: Any) -> None:
        return None

    started = time.process_time()
    for index in range(requests):
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": f"/items/{index % 100}",
            "raw_path": f"/items/{index % 100}".encode(),
            "root_path": "",
            "query_string": b"",
            "headers": [(b"host", b"bench")],
            "client": ("127.0.0.1", 50000),
            "server": ("127.0.0.1", 8000),
            "state": {},
        }
        await app(scope, receive, send)
    flush_logs()  # the lines queued by this round are written (and paid for) in this round
    return (time.process_time() - started) / requests


async def main(requests: int, repeats: int) -> None:
    variants = ("bare", "metrics", "metrics+log")
    apps = {variant: build(variant) for variant in variants}
    # The hook logs to stdout; the benchmark prints there, so send the log lines to /dev/null.
    async with contextlib.AsyncExitStack() as running:
        devnull = running.enter_context(open(os.devnull, "w"))  # noqa: ASYNC230, SIM115 - once

        def log_as(variant: str) -> None:
            settings = Settings(log_level=LOG_LEVELS[variant], log_format="json")
            configure_logging(settings, stream=devnull)

        results: dict[str, list[float]] = {variant: [] for variant in variants}
        for variant in variants:
            await running.enter_async_context(apps[variant].lifespan())
            log_as(variant)
            await drive(apps[variant], requests // 10)  # warm-up
        for _ in range(repeats):
            for variant in variants:
                log_as(variant)
                results[variant].append(await drive(apps[variant], requests))
        flush_logs()
        reset_logging()
    baseline = statistics.median(results["bare"])
    print(f"{requests} requests x {repeats} rounds, median CPU time per request:")
    for variant in variants:
        median = statistics.median(results[variant])
        overhead = (median - baseline) * 1e6
        print(
            f"  {variant:<12} {median * 1e6:8.1f} us   "
            f"overhead {overhead:+6.1f} us   ratio {median / baseline:5.2f}"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20000)
    parser.add_argument("--repeats", type=int, default=5)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.requests, arguments.repeats))
