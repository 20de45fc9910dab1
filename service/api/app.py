"""The Litestar application factory.

``create_app`` only assembles, and the whole request path is visible here, outermost first:

1. the request observer (``service.observability.requests``): request id, access log, metrics;
2. `HeadAsGet` (``service.api.head``): ``HEAD`` answered as the ``GET``, without the body;
3. `BeforeRouter` (``service.api.fastpath``): plain anonymous hot reads answered from the cache,
   matched on the routes Litestar built from the handlers, with the auth middleware's rule;
4. Litestar: CORS, routing (404/405), then the middleware list: authentication
   (``service.api.auth.AuthMiddleware``) and the hot reads answered from the cache
   (``service.api.fastpath.FastReads``); then the ``before_request`` checks (unknown query
   parameters, media type), the handler, the error mapping (``service.api.errors``).

Steps 1 to 3 must see every request, the ones no route matches included (Litestar builds its
``middleware`` only around matched routes), so `BriefsApp` enters Litestar through them instead
of replacing its ``asgi_handler`` after startup. The app owns the store's lifecycle: it opens the
store on startup and closes it on shutdown, so pass a store that is not yet opened (by default one
is made from the settings).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from litestar import Litestar
from litestar.config.cors import CORSConfig
from litestar.datastructures import State
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import ScalarRenderPlugin
from litestar.openapi.spec import Components, Schema, SecurityScheme
from litestar.types import ASGIApp

from service.api import auth, bodies, checks, contract, deps, errors, fastpath
from service.api.broadcast import ChangeBroadcaster
from service.api.cache import ResponseCache
from service.api.head import HeadAsGet
from service.api.resources import resource
from service.api.routes import (
    briefs,
    changes,
    diffs,
    drafts,
    exports,
    feeds,
    health,
    history,
    stories,
    tokens,
    views,
    webhooks,
)
from service.observability import app_init_hook
from service.observability.metrics import Metrics
from service.observability.requests import RequestObserver
from service.settings import Settings
from service.store.base import Store
from service.store.factory import create_store
from service.webhooks.deliverer import Deliverer, DelivererConfig, delivering
from service.webhooks.targets import TargetGuard

API_VERSION = "1.0.0"


def _openapi() -> OpenAPIConfig:
    return OpenAPIConfig(
        title="Briefs API",
        version=API_VERSION,
        description="Evolving news stories as timelines of dated briefs, and what changed.",
        path="/schema",
        render_plugins=[ScalarRenderPlugin(), contract.YamlJsonRenderPlugin()],
        use_handler_docstrings=True,
        create_examples=False,
        components=Components(
            security_schemes={
                "bearer": SecurityScheme(
                    type="http",
                    scheme="bearer",
                    description="`brf_...` tokens from `briefs token create` or POST /v1/tokens.",
                )
            }
        ),
        security=[{"bearer": []}, {}],
    )


def _union_responses_as_any_of(app: Litestar) -> None:
    """Startup hook: document union responses with ``anyOf`` rather than Litestar's ``oneOf``.

    A `BriefPage` is also a valid projected page (``listBriefs`` with ``fields``), so "exactly
    one of" would reject correct responses; "any of" is what the union means.
    """
    for path_item in (app.openapi_schema.paths or {}).values():
        for method in ("get", "post", "put", "patch"):
            operation = getattr(path_item, method, None)
            for response in (operation.responses or {}).values() if operation else ():
                for media in (getattr(response, "content", None) or {}).values():
                    schema = media.schema
                    if isinstance(schema, Schema) and schema.one_of and not schema.discriminator:
                        schema.any_of, schema.one_of = schema.one_of, None


def _cors(settings: Settings) -> CORSConfig | None:
    if not settings.cors_origins:
        return None  # CORS stays off unless origins are configured: never a wildcard default
    return CORSConfig(
        allow_origins=list(settings.cors_origins),
        allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
        allow_headers=[
            "Authorization",
            "Content-Type",
            "If-Match",
            "If-None-Match",
            "X-Request-ID",
        ],
        expose_headers=["ETag", "Location", "X-Request-ID"],
        max_age=600,
    )


class BriefsApp(Litestar):
    """Litestar entered through the outer layers ``create_app`` gives it (observer, ``HEAD``),
    and the layer in front of its router (`fastpath.BeforeRouter`), if any.

    The layers wrap Litestar's own ASGI entry point, built once here; nothing is swapped after
    startup, and tests that drive the app (``TestClient``, ``httpx.ASGITransport``) go through
    the same path as the server.
    """

    def __init__(
        self,
        *,
        outer: Callable[[ASGIApp], ASGIApp],
        before_router: Callable[[Litestar, ASGIApp], ASGIApp] | None = None,
        **config: Any,
    ) -> None:
        super().__init__(**config)
        entry: ASGIApp = super().__call__
        if before_router is not None:  # it reads the routes Litestar has just built
            entry = before_router(self, entry)
        self._entry = outer(entry)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        """Every ASGI call (HTTP, lifespan) enters through the outer layers."""
        await self._entry(scope, receive, send)


def _outer_layers(metrics: Metrics) -> Callable[[ASGIApp], ASGIApp]:
    def wrap(inner: ASGIApp) -> ASGIApp:
        return RequestObserver(HeadAsGet(inner), metrics)

    return wrap


def create_app(settings: Settings, store: Store | None = None) -> Litestar:
    """The Briefs API for these settings, on ``store`` (default: the one the settings name)."""
    the_store = store if store is not None else create_store(settings)
    cache = ResponseCache(settings.cache_bytes)
    metrics = Metrics()
    broadcaster = ChangeBroadcaster(
        the_store,
        queue_size=settings.stream_queue_size,
        heartbeat=settings.stream_heartbeat_seconds,
    )
    targets = TargetGuard(settings.webhook_allow_hosts)

    @asynccontextmanager
    async def store_lifespan(app: Litestar) -> AsyncIterator[None]:
        await the_store.open()
        deliverer = Deliverer(
            the_store, the_store, targets, DelivererConfig.from_settings(settings)
        )
        try:
            async with delivering(deliverer, enabled=settings.webhook_delivery):
                await broadcaster.start()
                try:
                    yield  # the deliverer stops before the store closes
                finally:  # first: it ends the open change streams, so shutdown does not wait
                    await broadcaster.close()
        finally:
            await the_store.close()

    resources = [
        health.ROUTER,
        stories.ROUTER,
        briefs.ROUTER,
        drafts.ROUTER,
        history.ROUTER,
        diffs.ROUTER,
        views.ROUTER,
        exports.ROUTER,
        feeds.ROUTER,
        resource("/", *changes.ROUTES),
        tokens.ROUTER,
        webhooks.ROUTER,
    ]
    return BriefsApp(
        outer=_outer_layers(metrics),
        before_router=fastpath.BeforeRouter,
        route_handlers=resources,
        state=State(
            {
                "settings": settings,
                "store": the_store,
                "cache": cache,
                changes.BROADCASTER_STATE: broadcaster,
                webhooks.TARGETS_STATE: targets,
                auth.LIMITER_STATE: auth.FailureLimiter.from_settings(settings),
            }
        ),
        dependencies=deps.DEPENDENCIES,
        middleware=[auth.AuthMiddleware, fastpath.FastReads],
        before_request=checks.check_request,
        request_class=bodies.BodyRequest,  # bodies decode by the one strict rule
        guards=[bodies.reject_nul_parameters],
        exception_handlers=errors.EXCEPTION_HANDLERS,
        request_max_body_size=settings.max_body_bytes,
        cors_config=_cors(settings),
        openapi_config=_openapi(),
        lifespan=[store_lifespan],
        on_startup=[
            checks.index_operations,
            _union_responses_as_any_of,
            changes.document_streams,
            contract.make_truthful,  # after Litestar built the document
        ],
        on_app_init=[app_init_hook(settings, metrics)],
        debug=False,
    )
