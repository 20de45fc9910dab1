"""PostgreSQL specifics: the schema's guarantees, checked with a raw connection."""

from __future__ import annotations

from collections.abc import AsyncIterator

import psycopg
import pytest

from service.domain.errors import PreconditionFailedError
from service.settings import Settings
from service.store.base import Store
from service.store.factory import open_store
from service.store.postgres import PostgresStore

from .factories import NOW, STORY_ID, day, make_content, make_draft, make_story

pytestmark = pytest.mark.postgres


@pytest.fixture
async def pg_store(postgres_url: str) -> AsyncIterator[Store]:
    store = await open_store(Settings(database_url=postgres_url, db_pool_size=2))
    await store.create_story(make_story())
    await store.create_brief(STORY_ID, make_draft("opening", day(1)), NOW)
    await store.update_brief(STORY_ID, "opening", make_content(headline="Second"), 1, NOW)
    yield store
    await store.close()


async def test_revisions_cannot_be_rewritten_or_deleted(pg_store: Store, postgres_url: str) -> None:
    with psycopg.connect(postgres_url, autocommit=True) as connection:
        with pytest.raises(psycopg.errors.RaiseException, match="immutable"):
            connection.execute("UPDATE brief_revisions SET headline = 'x'")
        with pytest.raises(psycopg.errors.RaiseException, match="never deleted"):
            connection.execute("DELETE FROM brief_revisions")


async def test_duplicate_revision_is_rejected_by_the_schema(
    pg_store: Store, postgres_url: str
) -> None:
    with (
        psycopg.connect(postgres_url, autocommit=True) as connection,
        pytest.raises(psycopg.errors.UniqueViolation),
    ):
        connection.execute(
            "INSERT INTO brief_revisions SELECT * FROM brief_revisions WHERE revision = 2"
        )


async def test_health_reports_a_schema_from_the_future(pg_store: Store, postgres_url: str) -> None:
    assert (await pg_store.health()).ok
    with psycopg.connect(postgres_url, autocommit=True) as connection:
        connection.execute("INSERT INTO schema_migrations (version, name) VALUES (999, 'future')")
    health = await pg_store.health()
    assert not health.ok
    assert "999" in health.detail


async def test_health_of_an_unreachable_database_is_not_ok() -> None:
    store = PostgresStore("postgresql://briefs@127.0.0.1:9/none", pool_size=1)
    health = await store.health()  # never opened: the pool refuses at once
    assert not health.ok
    assert health.backend == "postgres"


async def test_unique_backstop_maps_to_precondition_failed(
    pg_store: Store, postgres_url: str
) -> None:
    # A revision 3 that bypassed the pointer (as a writer without the lock would store it).
    with psycopg.connect(postgres_url, autocommit=True) as connection:
        connection.execute(
            "INSERT INTO brief_revisions (story_id, brief_id, revision, as_of, status, headline,"
            " created_at, revised_at, body) SELECT story_id, brief_id, 3, as_of, status, headline,"
            " created_at, revised_at, body FROM brief_revisions WHERE revision = 2"
        )
    with pytest.raises(PreconditionFailedError) as caught:
        await pg_store.update_brief(STORY_ID, "opening", make_content(headline="X"), 2, NOW)
    assert caught.value.current_revision == 3
