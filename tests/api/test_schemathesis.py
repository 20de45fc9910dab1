"""Property-based conformance of the app to its own OpenAPI document (schemathesis v4).

Every operation, with a write+admin token: no server error, responses match their schemas, status
codes and content types are all documented. Without a token: no write operation succeeds. Bounded:
a fixed number of examples per operation and derandomized (a fixed seed) generation.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.python.asgi import shutdown_lifespans
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from service.api.app import create_app
from service.api.auth import new_token_record
from service.domain.files import StoryFolder
from service.domain.wire import Scope
from service.settings import Settings
from service.store.factory import open_store

CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
]
BOUNDED = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


async def _seed(settings_: Settings, ceasefire: StoryFolder) -> str:
    store = await open_store(settings_)
    try:
        await store.import_folder(ceasefire)
        record, secret = new_token_record(
            "schemathesis", [Scope.WRITE, Scope.ADMIN], dt.datetime.now(dt.UTC)
        )
        await store.create_token(record)
    finally:
        await store.close()
    return secret


@pytest.fixture(scope="module")
def seeded(
    tmp_path_factory: pytest.TempPathFactory, ceasefire: StoryFolder
) -> tuple[Settings, str]:
    """A SQLite database with the fixture story and a write+admin token."""
    path = tmp_path_factory.mktemp("schemathesis") / "briefs.db"
    settings_ = Settings(database_url=f"sqlite:///{path}", load_fixtures=False)
    return settings_, asyncio.run(_seed(settings_, ceasefire))


@pytest.fixture(scope="module")
def api_schema(seeded: tuple[Settings, str]) -> Iterator[Any]:
    """The app's own OpenAPI document, bound to the app (schemathesis runs its lifespan)."""
    app = create_app(seeded[0])
    yield schemathesis.openapi.from_asgi("/schema/openapi.json", app)
    shutdown_lifespans()  # closes the app's store before the temporary directory goes


@pytest.fixture(scope="module")
def auth_headers(seeded: tuple[Settings, str]) -> dict[str, str]:
    return {"Authorization": f"Bearer {seeded[1]}"}


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.mark.timeout(600)
@schema.parametrize()
@BOUNDED
def test_every_operation_conforms(case: Any, auth_headers: dict[str, str]) -> None:
    case.call_and_validate(headers=auth_headers, checks=CHECKS)


@pytest.mark.timeout(600)
@schema.include(method=["POST", "PUT", "PATCH", "DELETE"]).parametrize()
@BOUNDED
def test_no_write_succeeds_without_a_token(case: Any) -> None:
    response = case.call()
    if case.method.upper() == "OPTIONS":  # generated as an "unsupported method": it writes nothing
        assert response.status_code == 204
        return
    # 401 when the route matched; 404/405 for paths or methods (TRACE, ...) the generator made up.
    assert response.status_code in {401, 404, 405}, (response.status_code, response.text[:200])
