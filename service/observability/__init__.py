"""Logging, metrics and request ids of the service.

``create_app`` makes the app's `Metrics`, puts the `RequestObserver` (a request id echoed as
``X-Request-ID``, one access-log line and one metrics sample per request, by route template)
outermost in its request path, and passes ``app_init_hook(settings, metrics)`` to Litestar's
``on_app_init``. The hook

* replaces Litestar's logging config with `BriefsLoggingConfig`: JSON lines (or a console format on
  a terminal) on stdout for every logger, unhandled exceptions logged with their request id;
* adds the public ``GET /metrics`` route (Prometheus text format);
* adds a startup hook, run after the app's own, that has ``app.state.store`` report the time of
  each of its operations (``store.observe``) and points the cache collector at ``app.state.cache``.

The observer keeps the request id in ``scope["state"]["request_id"]`` (error bodies read it
there) and reads the authenticated token's name from ``scope["state"]["token_name"]``, set by the
API's authentication; the token itself is never seen here.
"""

from __future__ import annotations

from collections.abc import Callable

from litestar import Litestar
from litestar.config.app import AppConfig

from service.observability.logs import BriefsLoggingConfig, flush_logs
from service.observability.metrics import Metrics, metrics_route
from service.observability.timing import store_observer
from service.settings import Settings

__all__ = ["app_init_hook"]


def app_init_hook(settings: Settings, metrics: Metrics) -> Callable[[AppConfig], AppConfig]:
    """An ``on_app_init`` hook that installs logging and ``metrics`` for these settings."""

    def install(app_config: AppConfig) -> AppConfig:
        def instrument(app: Litestar) -> None:
            store = getattr(app.state, "store", None)
            if store is not None:
                store.observe(store_observer(metrics.db_duration.labels))
            metrics.cache.bind(lambda: getattr(app.state, "cache", None))

        app_config.logging_config = BriefsLoggingConfig(settings)
        app_config.route_handlers.append(metrics_route(metrics))
        app_config.on_startup.append(instrument)
        app_config.on_shutdown.append(flush_logs)
        return app_config

    return install
