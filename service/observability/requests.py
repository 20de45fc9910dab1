"""A request id, one access-log line and one metrics observation per HTTP request.

The observer is the outermost layer of the app (``service.api.app.create_app``) rather than a
Litestar middleware: Litestar builds middleware only around matched routes, and requests for
unknown paths or methods (404/405, what scanners send) must be identified, logged and counted too.
One layer does all three because it runs on every request.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from typing import Any

import msgspec
from litestar.enums import ScopeType
from litestar.types import ASGIApp, HTTPScope, Message, Receive, Scope, Send

from service.observability.metrics import UNMATCHED_ROUTE, Metrics
from service.observability.requestid import request_id_header, request_id_of, with_request_id

access_logger = logging.getLogger("briefs.access")


class AccessLine(msgspec.Struct, kw_only=True):
    """One line of the access log as JSON: what `JsonFormatter` writes for an access record,
    field for field and in the same order (the first four fields are every JSON line's, the
    others the record's ``extra`` fields).

    The schema log pipelines read: documented in docs/deploy.md.
    """

    ts: str
    """When the request ended, ``YYYY-MM-DDTHH:MM:SS.mmmZ`` (UTC)."""
    level: str
    """``info``; ``error`` for a 5xx answer; ``debug`` for a successful probe."""
    logger: str
    """``briefs.access``."""
    msg: str
    """``METHOD path status``, for people."""
    request_id: str | None
    """The ``X-Request-ID`` the response carried."""
    method: str
    route: str
    """The route template (``/v1/stories/{story_id}``), ``<unmatched>`` when no route matched."""
    path: str
    status: int
    duration_ms: float
    """From receiving the request to sending the last byte, in milliseconds."""
    token_name: str | None
    """The name of the API token that authenticated the request, if any (never the token)."""


ACCESS_FIELDS = tuple(AccessLine.__struct_fields__[4:])
"""The ``extra`` fields of an access record, in the order of `AccessLine`."""


class _AccessRecords:
    """Access-log records, built as ``Logger.makeRecord`` builds them, but from a template.

    Every access record shares its logger, source file, line, format string, process and
    thread; ``LogRecord.__init__`` works all of them out again for each record (a path split,
    the process and thread lookups), which made a record cost ~4.7 µs of the ~18 µs an access
    line took (docs/perf/api-hotpath.md). The template is the ``__dict__`` of one record made by
    logging itself, remade when the process or thread is not the one it was made in (a forked
    worker, a thread's event loop); each record copies it and sets what differs: the level, the
    time and the ``extra`` fields. The record then goes through the logger's filters and
    handlers like any other (``Logger.handle``).
    """

    __slots__ = ("_made_in", "_template", "logger")

    def __init__(self, logger: logging.Logger) -> None:
        self.logger = logger
        self._made_in = (-1, -1)
        self._template: dict[str, Any] = {}

    def _remake(self, made_in: tuple[int, int]) -> None:
        logger = self.logger
        made = logger.makeRecord(logger.name, logging.INFO, __file__, 0, "%s %s %d", (), None)
        self._template = dict(vars(made))
        self._made_in = made_in

    def make(self, level: int, args: tuple[Any, ...], fields: dict[str, Any]) -> logging.LogRecord:
        """A record of the access logger at ``level``, message args ``args``, ``extra`` fields."""
        made_in = (os.getpid(), threading.get_ident())
        if made_in != self._made_in:
            self._remake(made_in)
        template = self._template
        record = logging.LogRecord.__new__(logging.LogRecord)
        values = record.__dict__
        values.update(template)
        created = time.time()
        values["args"] = args
        values["levelno"] = level
        values["levelname"] = logging.getLevelName(level)
        values["created"] = created
        values["msecs"] = int((created - int(created)) * 1000) + 0.0
        values["relativeCreated"] = (
            template["relativeCreated"] + (created - template["created"]) * 1000
        )
        values.update(fields)
        return record


_ACCESS_RECORDS = _AccessRecords(access_logger)

# Probes arrive every few seconds; at info level they would drown the requests that matter.
PROBE_ROUTES = frozenset({"/healthz", "/readyz", "/metrics"})


class RequestObserver:
    """ASGI wrapper that gives each HTTP request its id (echoed as ``X-Request-ID`` on the
    response), times it, counts it by route template and logs it."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; record it once the app is done with it, even if it raised."""
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        id_header = request_id_header(request_id_of(scope))
        status = 500  # what the client sees if the app fails before starting a response

        async def observed_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = with_request_id(message.get("headers", ()), id_header)
            await send(message)

        in_progress = self.metrics.in_progress
        in_progress.inc()
        try:
            await self.app(scope, receive, observed_send)
        finally:
            in_progress.dec()
            self._record(scope, status, time.perf_counter() - started)

    def _record(self, scope: HTTPScope, status: int, seconds: float) -> None:
        # Routing writes the template into the scope; unmatched requests never get one.
        route = str(scope.get("path_template") or UNMATCHED_ROUTE)
        method: str = scope["method"]
        self.metrics.observe_request(method, route, status, seconds)
        state = scope.get("state", {})
        level = logging.INFO
        if status >= 500:
            level = logging.ERROR
        elif route in PROBE_ROUTES and status < 400:
            level = logging.DEBUG
        if access_logger.isEnabledFor(level):
            path = scope["path"]
            fields = {  # the order of `AccessLine`
                "request_id": state.get("request_id"),
                "method": method,
                "route": route,
                "path": path,
                "status": status,
                "duration_ms": round(seconds * 1000, 3),
                "token_name": state.get("token_name"),
            }
            # make + handle is what Logger.log does, minus the stack walk that finds the
            # caller's file and line (the same for every access line) and the rest of
            # ``LogRecord.__init__`` (`_AccessRecords`).
            access_logger.handle(_ACCESS_RECORDS.make(level, (method, path, status), fields))
