"""The Litestar application factory.

``create_app`` only assembles: routes (``service.api.routes``), dependencies, the error mapping
(``service.api.errors``), the ``before_request`` checks (auth, unknown query parameters, media
type), request ids, CORS and the store's lifespan. The app owns the store's lifecycle: it opens the
store on startup and closes it on shutdown, so pass a store that is not yet opened (by default one
is made from the settings).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar
from litestar.config.cors import CORSConfig
from litestar.datastructures import State
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import ScalarRenderPlugin
from litestar.openapi.spec import Components, Schema, SecurityScheme

from service.api import bodies, checks, contract, deps, errors, fastpath
from service.api.cache import ResponseCache
from service.api.head import install_head
from service.api.routes import briefs, diffs, exports, health, stories, tokens, views
from service.observability import app_init_hook
from service.settings import Settings
from service.store.base import Store
from service.store.factory import create_store

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
        allow_methods=["GET", "POST", "PUT", "PATCH", "OPTIONS"],
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


def create_app(settings: Settings, store: Store | None = None) -> Litestar:
    """The Briefs API for these settings, on ``store`` (default: the one the settings name)."""
    the_store = store if store is not None else create_store(settings)
    cache = ResponseCache(settings.cache_bytes)

    @asynccontextmanager
    async def store_lifespan(app: Litestar) -> AsyncIterator[None]:
        await the_store.open()
        try:
            yield
        finally:
            await the_store.close()

    return Litestar(
        route_handlers=[
            *health.ROUTES,
            *stories.ROUTES,
            *briefs.ROUTES,
            *diffs.ROUTES,
            *views.ROUTES,
            *exports.ROUTES,
            *tokens.ROUTES,
        ],
        state=State({"settings": settings, "store": the_store, "cache": cache}),
        dependencies=deps.DEPENDENCIES,
        before_request=checks.check_request,
        request_class=bodies.BodyRequest,  # bodies decode by the one strict rule (h5)
        guards=[bodies.reject_nul_parameters],
        middleware=[fastpath.fast_path_middleware],
        exception_handlers=errors.EXCEPTION_HANDLERS,
        request_max_body_size=settings.max_body_bytes,
        cors_config=_cors(settings),
        openapi_config=_openapi(),
        lifespan=[store_lifespan],
        on_startup=[
            checks.index_query_parameters,
            _union_responses_as_any_of,
            contract.make_truthful,  # after Litestar built the document (h5)
            install_head,  # before the pre-router: its hot GETs skip this layer
            fastpath.install_pre_router,
        ],
        on_app_init=[app_init_hook(settings)],
        debug=False,
    )
