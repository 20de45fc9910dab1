"""Liveness and readiness probes (public, outside ``/v1``)."""

from __future__ import annotations

from litestar import get

from service.api.deps import StoreDep
from service.api.errors import ServiceUnavailableError, problem_responses
from service.api.resources import resource
from service.domain.wire import Liveness, Readiness


@get("/healthz", operation_id="getLiveness", responses=problem_responses())
async def get_liveness() -> Liveness:
    """Liveness: answers while the process can serve HTTP. Never touches the database."""
    return Liveness()


@get("/readyz", operation_id="getReadiness", responses=problem_responses(503))
async def get_readiness(store: StoreDep) -> Readiness:
    """Readiness: the database is reachable and sound; 503 problem+json when it is not."""
    try:
        health = await store.health()
    except Exception as error:  # a down database may raise anything from its driver
        raise ServiceUnavailableError("The database is unreachable.") from error
    if not health.ok:
        detail = f"The {health.backend} database is not ready: {health.detail}".rstrip(": ")
        raise ServiceUnavailableError(detail)
    return Readiness(backend=health.backend)


ROUTER = resource("/", get_liveness, get_readiness, tag="health")
