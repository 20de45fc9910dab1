"""Shared test fixtures: the fixture story and real PostgreSQL schemas.

PostgreSQL tests use ``BRIEFS_TEST_POSTGRES_URL`` (default ``postgresql://postgres@127.0.0.1:5432/test``).
When the server is unreachable they skip with the reason, except when ``CI=true``: there they
fail, because CI must exercise both backends for real.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from service.domain.changes import WordRun
from service.domain.files import StoryFolder, load_story_dir

REPO_ROOT = Path(__file__).resolve().parent.parent
FIXTURES_ROOT = REPO_ROOT / "fixtures" / "stories"
CEASEFIRE_DIR = FIXTURES_ROOT / "ceasefire-2025"
DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"


_OPS = {"=": "equal", "-": "delete", "+": "insert"}


def word_runs(*marked: str) -> list[WordRun]:
    """Word-diff runs written ``"=kept"``, ``"-deleted"``, ``"+inserted"``: the first character
    is the run's op, the rest its text."""
    return [WordRun(op=_OPS[text[0]], text=text[1:]) for text in marked]  # type: ignore[arg-type]


def in_ci() -> bool:
    """Whether this run is CI, where nothing that needs a service may be skipped."""
    return os.environ.get("CI", "").lower() == "true"


@pytest.fixture(scope="session")
def ceasefire() -> StoryFolder:
    """The fixture story, loaded once."""
    return load_story_dir(CEASEFIRE_DIR)


@pytest.fixture(scope="session")
def postgres_server_url() -> str:
    """The URL of a reachable PostgreSQL server; skips (or fails in CI) when there is none."""
    import psycopg

    url = os.environ.get("BRIEFS_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    try:
        with psycopg.connect(url, connect_timeout=3) as connection:
            connection.execute("SELECT 1")
    except psycopg.Error as error:
        reason = f"PostgreSQL is not reachable at {url}: {error}".splitlines()[0]
        if in_ci():
            pytest.fail(f"{reason} (CI=true: PostgreSQL tests may not be skipped)")
        pytest.skip(reason)
    return url


@pytest.fixture
def postgres_url(postgres_server_url: str) -> Iterator[str]:
    """A URL whose ``search_path`` is a fresh, empty schema, dropped after the test."""
    import psycopg

    schema = f"briefs_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_server_url, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
    separator = "&" if "?" in postgres_server_url else "?"
    yield f"{postgres_server_url}{separator}options={quote(f'-csearch_path={schema}')}"
    with psycopg.connect(postgres_server_url, autocommit=True) as connection:
        connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
