"""Store contract: the change log (an outbox) on both backends: one row per change, written in
the change's transaction, read back in pages, and wake-ups after commit."""

from __future__ import annotations

import asyncio
import datetime as dt

import msgspec
import pytest

from service.domain.changelog import Change, ChangeCounts
from service.domain.errors import ConflictError, InvalidContentError, NotFoundError
from service.domain.models import (
    BriefContent,
    BriefUpdate,
    Event,
    IssueStatus,
    PubStatus,
    Stance,
    Story,
    StoryUpdate,
)
from service.settings import Settings
from service.store import outbox, writes
from service.store.base import Store
from service.store.core import SQLStore
from service.store.factory import open_store

from .factories import NOW, STORY_ID, day, make_content, make_draft, make_story
from .test_import_and_tokens import folder


def summary(change: Change) -> tuple[object, ...]:
    """What a change says, without its id and commit time."""
    return (change.kind, change.story_id, change.brief_id, change.revision, change.headline)


async def test_every_write_appends_its_change(store: Store) -> None:
    before = dt.datetime.now(dt.UTC)
    await store.create_story(make_story())
    await store.update_story(STORY_ID, StoryUpdate(title="Talks over the toll"))
    draft = make_draft(
        "opening", day(1), parties=["north-port"], issues=[("toll", IssueStatus.OPEN)]
    )
    await store.create_brief(STORY_ID, draft, NOW, revised_by="desk")
    update = BriefUpdate(headline="Opening, corrected", change_note="Fixed a name")
    await store.update_brief(STORY_ID, "opening", update, 1, NOW, revised_by="editor")
    withdrawal = make_content(headline="Withdrawn", status=PubStatus.CANCELED)
    await store.update_brief(STORY_ID, "opening", withdrawal, 2, NOW)
    await store.update_brief(STORY_ID, "opening", withdrawal, 3, NOW)  # still withdrawn

    changes = await store.changes_after(0)
    assert [summary(change) for change in changes] == [
        ("story.created", STORY_ID, None, None, "Talks over the harbour toll"),
        ("story.updated", STORY_ID, None, None, "Talks over the toll"),
        ("brief.created", STORY_ID, "opening", 1, "Brief opening"),
        ("brief.revised", STORY_ID, "opening", 2, "Opening, corrected"),
        ("brief.withdrawn", STORY_ID, "opening", 3, "Withdrawn"),
        ("brief.revised", STORY_ID, "opening", 4, "Withdrawn"),
    ]
    ids = [change.id for change in changes]
    assert ids == sorted(set(ids))
    assert ids[0] >= 1
    assert all(before <= change.at <= dt.datetime.now(dt.UTC) for change in changes)
    story_created, _, created, revised, withdrawn, _ = changes
    assert story_created.counts is None
    assert story_created.as_of is None
    assert (created.as_of, created.revised_by, created.change_note) == (day(1), "desk", None)
    assert created.counts == ChangeCounts()  # no previous brief
    assert (revised.revised_by, revised.change_note) == ("editor", "Fixed a name")
    assert revised.counts is not None
    assert revised.counts.significance > 0
    assert withdrawn.counts is not None
    assert withdrawn.counts.issues_opened == 0
    assert await store.last_change_id() == ids[-1]


async def test_counts_are_the_diff_against_the_previous_revision_or_brief(
    store: Store, story: Story
) -> None:
    first = make_draft("first", day(1), parties=["north-port"], issues=[("toll", IssueStatus.OPEN)])
    await store.create_brief(STORY_ID, first, NOW)
    later = make_draft(
        "later",
        day(5),
        parties=["north-port"],
        issues=[("toll", IssueStatus.RESOLVED), ("ferry", IssueStatus.OPEN)],
    )
    await store.create_brief(STORY_ID, later, NOW)
    stored = await store.get_brief(STORY_ID, "later")
    (position,) = stored.positions
    shifted = BriefUpdate(
        **{field: getattr(stored, field) for field in BriefContent.__struct_fields__}
        | {
            "positions": [msgspec.structs.replace(position, stance=Stance.SUPPORTS)],
            "events": [Event(id="vote", when="2025-01-05", title="The board votes")],
        },
        change_note="North Port agrees",
    )
    await store.update_brief(STORY_ID, "later", shifted, 1, NOW)

    _, _, new_brief, revision = (change.counts for change in await store.changes_after(0))
    assert new_brief is not None
    assert revision is not None
    # Against the story's previous brief: the toll question closed, the ferry one opened.
    assert (new_brief.issues_opened, new_brief.issues_closed) == (1, 1)
    assert (new_brief.stance_shifts, new_brief.events_added) == (0, 0)
    # Against the brief's previous revision.
    assert (revision.issues_opened, revision.issues_closed) == (0, 0)
    assert (revision.stance_shifts, revision.events_added) == (1, 1)
    assert 0 < revision.significance <= 1


async def test_a_new_briefs_counts_computed_before_its_transaction_are_checked_in_it(
    store: Store, story: Story
) -> None:
    """``create_brief`` diffs outside its transaction; the transaction keeps those counts only
    if the story's previous brief is still the revision they were computed against."""
    await store.create_brief(STORY_ID, make_draft("first", day(1)), NOW)
    assert isinstance(store, SQLStore)
    marked = ChangeCounts(issues_opened=99)

    async def create(brief_id: str, as_of: dt.date, against: tuple[str, int]) -> Change:
        counted = outbox.Counted(against=against, counts=marked)
        draft = make_draft(brief_id, as_of, issues=[("toll", IssueStatus.OPEN)])
        await store.driver.transaction(
            lambda tx: writes.create_brief(tx, store._d, STORY_ID, draft, NOW, counted=counted)
        )
        (change,) = await store.changes_after(await store.last_change_id() - 1)
        return change

    assert (await create("second", day(2), ("first", 1))).counts == marked  # still current
    stale = await create("third", day(3), ("first", 1))  # "second" came in between
    assert stale.counts is not None
    assert stale.counts.issues_opened == 0  # recounted: "second" has the toll question too


async def test_a_write_that_fails_leaves_no_change(store: Store, story: Story) -> None:
    await store.create_brief(STORY_ID, make_draft("opening", day(1)), NOW)
    last = await store.last_change_id()
    with pytest.raises(ConflictError):
        await store.create_story(make_story())
    with pytest.raises(ConflictError):
        await store.create_brief(STORY_ID, make_draft("opening", day(2)), NOW)
    with pytest.raises(NotFoundError):
        await store.update_story("no-such-story", StoryUpdate(title="Nothing"))
    with pytest.raises(InvalidContentError):  # a read-only field changed
        await store.update_brief(STORY_ID, "opening", BriefUpdate(headline="x", id="other"), 1, NOW)
    await store.update_story(STORY_ID, StoryUpdate(title=story.title))  # changes nothing
    assert await store.changes_after(last) == []
    assert await store.last_change_id() == last


async def test_a_transaction_that_fails_after_its_change_row_keeps_neither(
    store: Store, story: Story, monkeypatch: pytest.MonkeyPatch
) -> None:
    last = await store.last_change_id()
    woken: list[int] = []
    store.on_change(woken.append)
    append = writes.append_changes

    async def append_then_fail(*args: object) -> None:
        await append(*args)  # type: ignore[arg-type]
        raise RuntimeError("the disk went away after the change row")

    monkeypatch.setattr(writes, "append_changes", append_then_fail)
    with pytest.raises(RuntimeError, match="disk went away"):
        await store.create_brief(STORY_ID, make_draft("opening", day(1)), NOW)
    monkeypatch.undo()
    assert await store.changes_after(last) == []
    assert await store.story_briefs(STORY_ID) == []
    # (On PostgreSQL the listening connection may tell of the story's change, ``last``.)
    assert [change_id for change_id in woken if change_id > last] == []
    await store.create_brief(STORY_ID, make_draft("opening", day(1)), NOW)
    (change,) = await store.changes_after(last)
    assert change.kind == "brief.created"
    assert woken[-1] == change.id


async def test_changes_after_pages_and_filters_by_story(store: Store) -> None:
    assert await store.last_change_id() == 0
    assert await store.changes_after(0) == []
    await store.create_story(make_story())
    await store.create_story(make_story("other-story"))
    for n in range(1, 4):
        await store.create_brief(STORY_ID, make_draft(f"brief-{n}", day(n)), NOW)
        await store.create_brief("other-story", make_draft(f"brief-{n}", day(n)), NOW)
    everything = await store.changes_after(0)
    assert len(everything) == 8

    pages: list[list[Change]] = []
    after = 0
    while page := await store.changes_after(after, limit=3):
        pages.append(page)
        after = page[-1].id
    assert [len(page) for page in pages] == [3, 3, 2]
    assert [change for page in pages for change in page] == everything

    ours = await store.changes_after(0, story_id=STORY_ID)
    assert [change.story_id for change in ours] == [STORY_ID] * 4
    assert ours == [change for change in everything if change.story_id == STORY_ID]
    assert await store.changes_after(ours[1].id, story_id=STORY_ID, limit=1) == [ours[2]]
    assert await store.changes_after(ours[-1].id, story_id=STORY_ID) == []
    assert await store.last_change_id(STORY_ID) == ours[-1].id
    assert await store.last_change_id() == everything[-1].id
    assert await store.last_change_id("no-such-story") == 0

    with pytest.raises(NotFoundError, match="no-such-story"):
        await store.changes_after(0, story_id="no-such-story")
    with pytest.raises(InvalidContentError) as raised:
        await store.changes_after(-1, limit=0)
    assert [path for path, _ in raised.value.problems] == ["$.after", "$.limit"]


async def test_import_appends_one_change_per_stored_revision(store: Store) -> None:
    await store.import_folder(folder())
    changes = await store.changes_after(0)
    assert [(change.kind, change.brief_id, change.revision) for change in changes] == [
        ("story.created", None, None),
        ("brief.created", "one", 1),
        ("brief.created", "two", 1),
        ("brief.revised", "two", 2),
    ]
    one, two = changes[1].counts, changes[2].counts
    assert one == ChangeCounts()  # the story's first brief
    assert two is not None
    assert two.issues_opened == 0
    await store.import_folder(folder())  # idempotent: nothing stored, no change
    assert await store.changes_after(0) == changes


async def test_import_into_a_story_logs_only_what_it_adds(store: Store, story: Story) -> None:
    last = await store.last_change_id()
    await store.import_folder(folder())
    assert [(change.kind, change.revision) for change in await store.changes_after(last)] == [
        ("brief.created", 1),
        ("brief.created", 1),
        ("brief.revised", 2),
    ]


async def test_listeners_are_told_after_the_commit(store: Store) -> None:
    seen: list[tuple[int, list[int]]] = []
    readers: list[asyncio.Task[None]] = []

    def listener(change_id: int) -> None:
        async def read() -> None:
            changes = await store.changes_after(change_id - 1, limit=1)  # later ones may be in
            seen.append((change_id, [change.id for change in changes]))

        readers.append(asyncio.get_running_loop().create_task(read()))

    def failing(change_id: int) -> None:
        raise RuntimeError("a broken listener")

    store.on_change(failing)
    stop = store.on_change(listener)
    story = await store.create_story(make_story())
    first = await store.last_change_id()
    await store.update_story(story.id, StoryUpdate(title="Renamed"))
    second = await store.last_change_id()
    stop()
    await store.update_story(story.id, StoryUpdate(title="Renamed again"))
    await asyncio.gather(*readers)
    # Told of each commit by the time the write returned, and the change readable by then.
    assert seen == [(first, [first]), (second, [second])]


async def test_another_store_instance_is_woken_by_a_write(store: Store, settings: Settings) -> None:
    """Another process on the SQLite file, another replica on PostgreSQL."""
    await store.create_story(make_story())
    other = await open_store(settings)
    try:
        woken: asyncio.Queue[int] = asyncio.Queue()
        other.on_change(woken.put_nowait)
        first = await asyncio.wait_for(woken.get(), 5)  # listening: told of the newest id
        assert first == await store.last_change_id()
        await store.create_brief(STORY_ID, make_draft("opening", day(1)), NOW)
        started = asyncio.get_running_loop().time()
        change_id = await asyncio.wait_for(woken.get(), 5)
        assert asyncio.get_running_loop().time() - started < 1.0
        (change,) = await other.changes_after(first)
        assert (change.id, change.kind) == (change_id, "brief.created")
    finally:
        await other.close()
