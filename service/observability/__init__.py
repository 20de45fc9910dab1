"""Logging, metrics and tracing of the service (owned by the deployment work).

``create_app`` passes ``app_init_hook(settings)`` to Litestar's ``on_app_init``; the hook adds
what observability needs (middleware, the ``/metrics`` route, startup wrappers) to the app config.
It finds the store on ``app.state.store`` and the response cache on ``app.state.cache`` (whose
``stats()`` reports hits, misses and bytes); the request id is in ``scope["state"]["request_id"]``
and the authenticated token's name in ``scope["state"]["token_name"]``.
"""

from __future__ import annotations

from collections.abc import Callable

from litestar.config.app import AppConfig

from service.settings import Settings


def app_init_hook(settings: Settings) -> Callable[[AppConfig], AppConfig]:
    """An ``on_app_init`` hook that installs logging and metrics for these settings."""
    del settings  # filled in by the observability work

    def install(app_config: AppConfig) -> AppConfig:
        return app_config

    return install
