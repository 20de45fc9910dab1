"""One access-log line and one metrics observation per HTTP request.

The observer wraps the app's whole ASGI handler (``app.asgi_handler``) rather than sitting in the
route middleware stack: Litestar builds route middleware only for matched routes, and requests for
unknown paths or methods (404/405, what scanners send) must be logged and counted too.
"""

from __future__ import annotations

import logging
import time

from litestar.enums import ScopeType
from litestar.types import ASGIApp, HTTPScope, Message, Receive, Scope, Send

from service.observability.logs import write_json_line
from service.observability.metrics import UNMATCHED_ROUTE, Metrics

access_logger = logging.getLogger("briefs.access")

# Probes arrive every few seconds; at info level they would drown the requests that matter.
PROBE_ROUTES = frozenset({"/healthz", "/readyz", "/metrics"})


class RequestObserver:
    """ASGI wrapper that times each HTTP request, counts it by route template and logs it."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; record it once the app is done with it, even if it raised."""
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # what the client sees if the app fails before starting a response

        async def observed_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        in_progress = self.metrics.in_progress
        in_progress.value += 1
        try:
            await self.app(scope, receive, observed_send)
        finally:
            in_progress.value -= 1
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
            fields = {
                "request_id": state.get("request_id"),
                "method": method,
                "route": route,
                "path": path,
                "status": status,
                "duration_ms": round(seconds * 1000, 3),
                "token_name": state.get("token_name"),
            }
            if write_json_line(access_logger, level, f"{method} {path} {status}", fields):
                return
            # makeRecord + handle is what Logger.log does, minus the stack walk that finds the
            # caller's file and line: the same for every access line, and a third of its cost.
            record = access_logger.makeRecord(
                access_logger.name,
                level,
                __file__,
                0,
                "%s %s %d",
                (method, path, status),
                None,
                extra=fields,
            )
            access_logger.handle(record)


def observe_requests(app: ASGIApp, metrics: Metrics) -> ASGIApp:
    """``app`` wrapped in a `RequestObserver` (an already wrapped app is returned as it is)."""
    if isinstance(app, RequestObserver):
        return app
    return RequestObserver(app, metrics)
