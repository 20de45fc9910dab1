"""The importable ASGI target of ``briefs serve``: ``service.api.asgi:app_from_environment``.

Granian imports this in every worker process and calls the factory there, so each worker builds its
own settings, store connections and cache. Settings come from ``BRIEFS_*`` environment variables
only; ``briefs serve`` passes its command-line overrides (``--host``, ``--port``,
``--database-url``) to the workers by setting those variables in its own environment before the
workers start. The same target works with any ASGI server that supports factories, e.g.
``granian --interface asgi --factory service.api.asgi:app_from_environment``.
"""

from __future__ import annotations

import os

from litestar import Litestar

from service.api.app import create_app
from service.settings import load_settings


def app_from_environment() -> Litestar:
    """Build the app from the process environment (raises ``ConfigError`` if it is invalid)."""
    return create_app(load_settings(os.environ))
