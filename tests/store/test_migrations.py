"""The migrations: what they render to on each backend, the schema they leave, and upgrading a
database that holds data (later migrations backfill what they add)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from service.domain import codec
from service.domain.models import BriefUpdate, IssueStatus, PubStatus
from service.settings import Settings
from service.store import postgres, sqlite_schema
from service.store.base import Store
from service.store.driver import Tx
from service.store.factory import open_store, upgrade
from service.store.migrations import Backend, Migration, load_migrations, render
from service.store.records import first_revision

from .factories import NOW, STORY_ID, day, make_content, make_draft, make_story

PROVENANCE = 5
"""The migration adding the revision provenance columns, which today's writes fill (so an older
release's database in these tests has them) and which the migrations before it do not touch."""
CHANGE_LOG = 6
"""The migration adding the change log, which today's writes append to (likewise)."""
WRITTEN_TODAY = (PROVENANCE, CHANGE_LOG)
LATER = [
    migration.version
    for migration in load_migrations("sqlite")
    if migration.version > PROVENANCE and migration.version not in WRITTEN_TODAY
]
"""Migrations after the provenance one that today's writes do not need (indexes)."""


SHIPPED = [
    (1, "initial"),
    (2, "covering_indexes"),
    (3, "story_summaries"),
    (4, "standing_briefs"),
    (5, "revision_provenance"),
    (6, "change_log"),
    (7, "revision_history"),
    (8, "webhooks"),
]
"""The versions and names released databases record in ``schema_migrations``: never changed."""

REPORTED_TYPES: dict[Backend, dict[str, str]] = {
    "postgres": {
        "text": "text",
        "integer": "integer",
        "bigint": "bigint",
        "float": "double precision",
        "date": "date",
        "timestamp": "timestamp with time zone",
        "json": "jsonb",
        "text_array": "ARRAY",
    },
    # What a table declares, as it declares it; dates and timestamps are ISO 8601 text.
    "sqlite": {
        "text": "TEXT",
        "integer": "INTEGER",
        "bigint": "INTEGER",
        "float": "REAL",
        "date": "TEXT",
        "timestamp": "TEXT",
        "json": "BLOB",
        "text_array": "TEXT",
    },
}
"""Each backend's report of a column's type (``information_schema``, ``PRAGMA table_info``)."""

SCHEMA = {
    "stories": "id text, title text, body json, brief_count integer, latest_as_of date,"
    " open_issue_count integer",
    "brief_revisions": "story_id text, brief_id text, revision integer, as_of date, status text,"
    " headline text, created_at timestamp, revised_at timestamp, body json, revised_by text,"
    " change_note text",
    "briefs": "story_id text, brief_id text, as_of date, revision integer, status text,"
    " headline text, open_issues integer, search_text text",
    "brief_parties": "story_id text, brief_id text, party_id text",
    "brief_issues": "story_id text, brief_id text, issue_id text, status text",
    "api_tokens": "id text, name text, scopes text_array, secret_hash text,"
    " created_at timestamp, revoked_at timestamp",
    "changes": "id bigint, kind text, story_id text, brief_id text, as_of date, revision integer,"
    " revised_by text, change_note text, headline text, issues_opened integer,"
    " issues_closed integer, stance_shifts integer, events_added integer, significance float,"
    " at timestamp",
    "webhooks": "id text, url text, events text, story_id text, secret text,"
    " created_at timestamp, deleted_at timestamp, disabled_at timestamp, disabled_reason text,"
    " last_change_id bigint, attempt integer, next_attempt_at timestamp,"
    " failing_since timestamp, failed_changes integer, lease_owner text, lease_until timestamp",
    "webhook_deliveries": "id bigint, webhook_id text, change_id bigint, message_id text,"
    " attempt integer, at timestamp, outcome text, status_code integer, error text,"
    " duration_ms float, next_retry_at timestamp",
    "schema_migrations": "version integer, name text, applied_at timestamp",
}
"""Every table a migrated database has, its columns in order with their types."""

_COLUMNS_SQL: dict[Backend, str] = {
    "sqlite": "SELECT m.name, c.name, c.type"
    " FROM sqlite_master AS m, pragma_table_info(m.name) AS c"
    " WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY m.name, c.cid",
    "postgres": "SELECT table_name, column_name, data_type FROM information_schema.columns"
    " WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position",
}


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_migrations_keep_their_released_versions_and_names(backend: Backend) -> None:
    assert [(migration.version, migration.name) for migration in load_migrations(backend)] == (
        SHIPPED
    )


async def test_a_migrated_database_has_the_expected_tables_and_column_types(
    settings: Settings, store: Store
) -> None:
    backend: Backend = "postgres" if settings.database_url.startswith("postgres") else "sqlite"
    rows = await store.driver.all(_COLUMNS_SQL[backend])
    tables: dict[str, list[tuple[str, str]]] = {}
    for table, column, reported in rows:
        tables.setdefault(table, []).append((column, reported))
    expected = {
        table: [
            (name, REPORTED_TYPES[backend][kind])
            for name, kind in (column.split() for column in columns.split(", "))
        ]
        for table, columns in SCHEMA.items()
    }
    assert tables == expected


RENDERED = {
    "postgres": "CREATE TABLE t (\n    at TIMESTAMPTZ NOT NULL,\n    k PRIMARY KEY\n);\n",
    "sqlite": "CREATE TABLE t (\n    at TEXT NOT NULL,\n    k UNIQUE\n) WITHOUT ROWID;\n",
}


@pytest.mark.parametrize(("backend", "sql"), RENDERED.items())
def test_render_keeps_the_backends_sections_and_replaces_its_tokens(
    backend: Backend, sql: str
) -> None:
    source = (
        "CREATE TABLE t (\n    at {timestamp} NOT NULL,\n"
        "-- @postgres\n    k PRIMARY KEY\n-- @sqlite\n    k UNIQUE\n-- @both\n"
        "){without_rowid};\n"
    )
    assert render(source, backend) == sql


@pytest.mark.parametrize(
    ("source", "message"),
    [("at {datetime}", "unknown token {datetime}"), ("-- @mysql\n", "unknown section")],
)
def test_render_refuses_an_unknown_token_or_section(source: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        render(source, "sqlite")


@asynccontextmanager
async def opened(settings: Settings) -> AsyncIterator[Store]:
    """The store of ``settings``, open (and migrated) for the block."""
    store = await open_store(settings)
    try:
        yield store
    finally:
        await store.close()


def ship_migrations_up_to(
    last: int, monkeypatch: pytest.MonkeyPatch, *, also: tuple[int, ...] = WRITTEN_TODAY
) -> None:
    """Let ``upgrade`` see only migrations up to ``last`` (and ``also``), as an older release
    shipped them; ``monkeypatch.undo()`` brings back the current release."""

    def shipped(backend: Backend) -> list[Migration]:
        return [
            migration
            for migration in load_migrations(backend)
            if migration.version <= last or migration.version in also
        ]

    monkeypatch.setattr(sqlite_schema, "load_migrations", shipped)
    monkeypatch.setattr(postgres, "load_migrations", shipped)


async def test_upgrade_backfills_story_summaries(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    ship_migrations_up_to(2, monkeypatch)
    assert await upgrade(settings) == [1, 2, *WRITTEN_TODAY]
    async with opened(settings) as old:
        await old.create_story(make_story())
        await old.create_story(make_story("empty-story"))
        await old.create_brief(STORY_ID, make_draft("later", day(9)), NOW)
        await old.create_brief(STORY_ID, make_draft("earlier", day(2)), NOW)
        open_two = make_content(
            headline="Later, edited",
            issues=[("toll", IssueStatus.OPEN), ("ferry", IssueStatus.DISPUTED)],
        )
        await old.update_brief(STORY_ID, "later", open_two, 1, NOW)
    monkeypatch.undo()

    assert await upgrade(settings) == [3, 4, *LATER]
    async with opened(settings) as store:
        summaries = {summary.id: summary for summary in await store.list_stories()}
        assert summaries[STORY_ID].brief_count == 2
        assert summaries[STORY_ID].latest_as_of == day(9)
        assert summaries[STORY_ID].open_issue_count == 2
        assert summaries["empty-story"].brief_count == 0
        assert summaries["empty-story"].latest_as_of is None
        assert (await store.health()).ok


async def test_upgrade_moves_a_withdrawn_latest_brief_out_of_the_summary(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    ship_migrations_up_to(3, monkeypatch)
    assert await upgrade(settings) == [1, 2, 3, *WRITTEN_TODAY]
    async with opened(settings) as old:
        await old.create_story(make_story())
        one_open = make_draft("earlier", day(2), issues=[("toll", IssueStatus.OPEN)])
        await old.create_brief(STORY_ID, one_open, NOW)
        await old.create_brief(STORY_ID, make_draft("later", day(9)), NOW)
        withdrawn = make_content(headline="Withdrawn", status=PubStatus.CANCELED)
        await old.update_brief(STORY_ID, "later", withdrawn, 1, NOW)
    monkeypatch.undo()

    assert await upgrade(settings) == [4, *LATER]
    async with opened(settings) as store:
        (summary,) = await store.list_stories()
        assert (summary.brief_count, summary.latest_as_of, summary.open_issue_count) == (
            2,
            day(2),
            1,
        )


_OLD_INSERT_REVISION = (
    "INSERT INTO brief_revisions (story_id, brief_id, revision, as_of, status, headline,"
    " created_at, revised_at, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


async def test_upgrade_adds_revision_provenance(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    ship_migrations_up_to(4, monkeypatch, also=(CHANGE_LOG,))
    assert await upgrade(settings) == [1, 2, 3, 4, CHANGE_LOG]
    async with opened(settings) as old:
        await old.create_story(make_story())
        # A revision as release 4 stored it: no provenance columns, a body without the fields.
        brief = first_revision(STORY_ID, make_draft("opening", day(2)), NOW)
        body = codec.encode(brief).replace(b',"revised_by":null,"change_note":null', b"")
        assert b"revised_by" not in body

        async def insert(tx: Tx) -> None:
            d = old._d
            await tx.execute(
                _OLD_INSERT_REVISION,
                STORY_ID,
                brief.id,
                1,
                brief.as_of.isoformat(),
                brief.status.value,
                brief.headline,
                NOW.isoformat(),
                NOW.isoformat(),
                d.json_param(body),
            )
            await tx.execute(
                "INSERT INTO briefs (story_id, brief_id, as_of, revision, status, headline,"
                " open_issues, search_text) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                STORY_ID,
                brief.id,
                brief.as_of.isoformat(),
                1,
                brief.status.value,
                brief.headline,
                0,
                "",
            )

        await old.driver.transaction(insert)
    monkeypatch.undo()

    assert await upgrade(settings) == [5, *LATER]
    async with opened(settings) as store:
        stored = await store.get_brief(STORY_ID, "opening")
        assert (stored.revised_by, stored.change_note) == (None, None)
        update = BriefUpdate(headline="Edited", change_note="Corrected the headline")
        await store.update_brief(STORY_ID, "opening", update, 1, NOW, revised_by="desk")
        first, second = (
            revision.ref for revision in await store.list_revisions(STORY_ID, "opening")
        )
        assert (first.revised_by, first.change_note) == (None, None)
        assert (second.revised_by, second.change_note) == ("desk", "Corrected the headline")
        columns = await store.driver.all(
            "SELECT revised_by, change_note FROM brief_revisions ORDER BY revision"
        )
        assert [tuple(row) for row in columns] == [(None, None), ("desk", "Corrected the headline")]
        assert (await store.health()).ok


async def test_upgrade_applies_the_change_log_after_a_later_migration(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """0006 landed after 0007 was released: a database at 0007 must still get 0006."""
    everything = [migration.version for migration in load_migrations("sqlite")]
    others = tuple(version for version in everything if version != CHANGE_LOG)
    ship_migrations_up_to(0, monkeypatch, also=others)
    assert await upgrade(settings) == list(others)
    monkeypatch.undo()

    assert await upgrade(settings) == [CHANGE_LOG]
    assert await upgrade(settings) == []
    async with opened(settings) as store:
        assert (await store.health()).ok
        await store.create_story(make_story())
        (change,) = await store.changes_after(0)
        assert (change.kind, change.story_id) == ("story.created", STORY_ID)
