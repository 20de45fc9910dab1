"""The store contract fixtures: every contract test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from service.domain.models import Story
from service.settings import Settings
from service.store.base import Store
from service.store.factory import open_store

from .factories import make_story


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    """Settings naming a fresh database of each backend."""
    if request.param == "sqlite":
        return Settings(database_url=f"sqlite:///{tmp_path}/data/briefs.db")
    url: str = request.getfixturevalue("postgres_url")
    return Settings(database_url=url, db_pool_size=4)


@pytest.fixture
async def store(settings: Settings) -> AsyncIterator[Store]:
    """An opened, migrated, empty store."""
    opened = await open_store(settings)
    yield opened
    await opened.close()


@pytest.fixture
async def story(store: Store) -> Story:
    """A stored story without briefs."""
    return await store.create_story(make_story())
