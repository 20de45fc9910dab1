"""The TUI following a story's change stream, with a fake live source: a story folder that a
test changes on disk, plus a change stream the test feeds (what a server sends after a write)."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import shutil
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import httpx
import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.worker import WorkerCancelled
from tui_support import mock_source, screen_text, started, steady, text_of

import tui.live
from service.domain import codec
from service.domain.changelog import Change, ChangeKind
from tests.conftest import CEASEFIRE_DIR
from tui.app import BriefsApp
from tui.screens.brief import BriefScreen
from tui.screens.diff import DiffScreen
from tui.screens.timeline import TimelineScreen
from tui.source import SourceError, StreamStatus
from tui.sources.http import HttpSource
from tui.sources.local import DirSource
from tui.widgets.live import RevisionBanner

STORY = "ceasefire-2025"
HELD_BACK = ("2025-03-14.r2.json", "2025-03-19.json")
"""Files the folder lacks until a test "stores" them."""

Drop = object()
"""Fed to the stream: the connection drops (the client says reconnecting, then live)."""


class LiveFolder(DirSource):
    """A story folder with a change stream fed by the test."""

    live = True

    def __init__(self, root: Path, held: Path) -> None:
        super().__init__(root)
        self.story_dir, self.held = root / STORY, held
        self.feed: asyncio.Queue[Change | SourceError | object] = asyncio.Queue()
        #: The ``after`` of every stream opened, in order.
        self.opened_after: list[int | None] = []

    def store(self, name: str) -> None:
        """Put a held-back brief file in place (as a write on the server would)."""
        shutil.copy(self.held / name, self.story_dir / "briefs" / name)

    async def changes(
        self,
        story_id: str,
        *,
        after: int | None = None,
        on_status: Callable[[StreamStatus], None] | None = None,
    ) -> AsyncIterator[Change]:
        """What the test feeds: changes, drops, and errors to raise."""
        self.opened_after.append(after)
        if on_status is not None:
            on_status("live")
        while True:
            item = await self.feed.get()
            if isinstance(item, SourceError):
                raise item
            if item is Drop:
                if on_status is not None:
                    on_status("reconnecting")
                    await asyncio.sleep(0)
                    on_status("live")
                continue
            assert isinstance(item, Change)
            yield item


@pytest.fixture
def live(tmp_path: Path) -> LiveFolder:
    """The fixture story without 2025-03-19 and without 2025-03-14's second revision."""
    root, held = tmp_path / "stories", tmp_path / "held"
    shutil.copytree(CEASEFIRE_DIR, root / STORY)
    held.mkdir()
    for name in HELD_BACK:
        shutil.move(root / STORY / "briefs" / name, held / name)
    return LiveFolder(root, held)


def change(
    change_id: int, kind: ChangeKind, brief_id: str, as_of: str, revision: int, **extra: str
) -> Change:
    """A brief change as the server's stream carries it."""
    return Change(
        id=change_id,
        kind=kind,
        story_id=STORY,
        at=dt.datetime(2025, 3, 20, 9, 30, tzinfo=dt.UTC),
        brief_id=brief_id,
        as_of=dt.date.fromisoformat(as_of),
        revision=revision,
        **extra,  # type: ignore[arg-type]  # revised_by, change_note, headline: all str
    )


async def loaded(app: App[None]) -> None:
    """Wait for every worker but the long-lived streams (which never complete)."""
    for _ in range(3):
        await asyncio.sleep(0.05)
        running = [w for w in app.workers if w.group != "live" and not w.is_finished]
        if running:
            with contextlib.suppress(WorkerCancelled):  # a load replaced by a newer one
                await app.workers.wait_for_complete(running)


def shown_revision(screen: BriefScreen) -> int | None:
    return screen.brief.revision if screen.brief is not None else None


def offered(screen: BriefScreen) -> bool:
    """Whether the screen's revision banner is showing."""
    return bool(screen.query_one(RevisionBanner).display)


def status_line(app: App[None]) -> str:
    return text_of(app, "#status-bar")


async def test_a_new_brief_appears_in_the_timeline(live: LiveFolder) -> None:
    async with started(live) as (app, _pilot):
        timeline = TimelineScreen(live, STORY)
        await app.push_screen(timeline)
        await loaded(app)
        assert "2025-03-19" not in screen_text(app)
        assert len(timeline.briefs) == 4
        live.store("2025-03-19.json")
        await live.feed.put(
            change(7, "brief.created", "brief-2025-03-19", "2025-03-19", 1, revised_by="desk")
        )
        await loaded(app)
        assert app.screen is timeline
        assert [brief.as_of.isoformat() for brief in timeline.briefs][-1] == "2025-03-19"
        assert any("New brief 2025-03-19 by desk" in n.message for n in app._notifications)
        assert "● live" in status_line(app)


async def test_a_new_revision_is_offered_on_the_brief_and_u_loads_it(live: LiveFolder) -> None:
    async with started(live) as (app, pilot):
        await app.push_screen(BriefScreen(live, STORY, "brief-2025-03-14"))
        await loaded(app)
        screen = app.screen
        assert isinstance(screen, BriefScreen)
        assert screen.brief is not None
        assert screen.brief.revision == 1
        assert not offered(screen)
        live.store("2025-03-14.r2.json")
        await live.feed.put(
            change(
                8,
                "brief.revised",
                "brief-2025-03-14",
                "2025-03-14",
                2,
                revised_by="desk",
                change_note="Kursk appeal added",
            )
        )
        await loaded(app)
        assert offered(screen)
        assert text_of(app, "#revision-banner") == (
            "Revision 2 available (by desk: Kursk appeal added) · press u to load it"
        )
        assert shown_revision(screen) == 1  # nothing swapped under the reader
        await pilot.press("u")
        await loaded(app)
        assert shown_revision(screen) == 2
        assert not offered(screen)


async def test_a_change_of_another_brief_is_not_offered(live: LiveFolder) -> None:
    async with started(live) as (app, _pilot):
        await app.push_screen(BriefScreen(live, STORY, "brief-2025-03-14"))
        await loaded(app)
        await live.feed.put(change(9, "brief.created", "brief-2025-03-19", "2025-03-19", 1))
        await loaded(app)
        assert isinstance(app.screen, BriefScreen)
        assert not offered(app.screen)


async def test_an_open_diff_offers_the_new_sides_next_revision(live: LiveFolder) -> None:
    async with started(live) as (app, pilot):
        old, new = await live.list_revisions(STORY, "brief-2025-03-13"), None
        new = (await live.list_revisions(STORY, "brief-2025-03-14"))[-1]
        await app.push_screen(DiffScreen(live, STORY, old[-1], new))
        await loaded(app)
        live.store("2025-03-14.r2.json")
        await live.feed.put(change(10, "brief.revised", "brief-2025-03-14", "2025-03-14", 2))
        await loaded(app)
        assert text_of(app, "#revision-banner") == "Revision 2 available · press u to load it"
        await pilot.press("u")
        await loaded(app)
        screen = app.screen
        assert isinstance(screen, DiffScreen)
        assert screen.new.revision == 2
        assert screen.diff is not None
        assert screen.diff.new.revision == 2


async def test_the_status_line_says_reconnecting_and_the_stream_resumes_after_the_last_change(
    live: LiveFolder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tui.live, "RETRY_SECONDS", (0.01,))
    async with started(live) as (app, _pilot):
        screen = BriefScreen(live, STORY, "brief-2025-03-14")
        await app.push_screen(screen)
        await loaded(app)
        assert live.opened_after == [None]
        said: list[str] = []
        shown = screen.stream_status

        def heard(state: StreamStatus) -> None:
            shown(state)
            said.append(status_line(app))

        screen.stream_status = heard  # type: ignore[method-assign]  # a spy on the bar
        await live.feed.put(change(11, "brief.created", "brief-2025-03-19", "2025-03-19", 1))
        await loaded(app)
        # The source gives up on a connection: the bar says so, the stream is reopened from 11.
        await live.feed.put(SourceError("Cannot reach the server.", unreachable=True))
        await loaded(app)
        assert "↻ reconnecting" in said[0]
        assert live.opened_after == [None, 11]
        assert "● live" in status_line(app)
        # A drop the client resumes itself is said too, and live again after it.
        said.clear()
        await live.feed.put(Drop)
        await loaded(app)
        assert ["↻ reconnecting" in line for line in said] == [True, False]
        assert "● live" in status_line(app)
        assert live.opened_after == [None, 11]


async def test_an_error_retrying_cannot_help_is_notified_and_stops_following(
    live: LiveFolder,
) -> None:
    async with started(live) as (app, _pilot):
        await app.push_screen(BriefScreen(live, STORY, "brief-2025-03-14"))
        await loaded(app)
        await live.feed.put(SourceError("Not allowed (403).", retryable=False))
        await loaded(app)
        assert any(
            "Live updates stopped: Not allowed (403)." in n.message for n in app._notifications
        )
        assert live.opened_after == [None]


async def test_a_folder_has_no_stream(tmp_path: Path) -> None:
    source = DirSource(CEASEFIRE_DIR)
    async with started(source) as (app, _pilot):
        await app.push_screen(BriefScreen(source, STORY, "brief-2025-03-14"))
        await loaded(app)
        assert not [w for w in app.workers if w.group == "live"]
        assert "offline folder" in status_line(app)


def test_snapshot_of_the_revision_banner_and_the_reconnecting_status(
    snap_compare: Callable[..., bool],
) -> None:
    async def offered_while_reconnecting(pilot: Pilot[None]) -> None:
        await steady(pilot)
        screen = BriefScreen(pilot.app.source, STORY, "brief-2025-03-14")  # type: ignore[attr-defined]
        await pilot.app.push_screen(screen)
        await steady(pilot)
        screen.change_arrived(
            change(
                12,
                "brief.revised",
                "brief-2025-03-14",
                "2025-03-14",
                3,
                revised_by="desk",
                change_note="Kursk appeal added",
            )
        )
        screen.stream_status("reconnecting")
        await steady(pilot)

    app = BriefsApp(DirSource(CEASEFIRE_DIR))
    assert snap_compare(app, terminal_size=(80, 24), run_before=offered_while_reconnecting)


async def test_the_server_source_streams_and_resumes_with_last_event_id() -> None:
    new_brief = change(5, "brief.created", "brief-2025-03-19", "2025-03-19", 1)
    resumed_from: list[str | None] = []

    def server(request: httpx.Request) -> httpx.Response:
        resumed_from.append(request.headers.get("last-event-id"))
        if len(resumed_from) == 1:  # one change, then the connection ends
            body = b"id: 4\n\nid: 5\nevent: brief.created\ndata: " + codec.encode(new_brief)
            return httpx.Response(
                200, content=body + b"\n\n", headers={"content-type": "text/event-stream"}
            )
        problem = {"title": "Forbidden", "status": 403, "detail": "The token lacks read."}
        return httpx.Response(403, json=problem)

    source = mock_source(server)
    heard: list[int] = []
    said: list[StreamStatus] = []

    async def follow() -> None:
        async for item in source.changes(STORY, on_status=said.append):
            heard.append(item.id)

    with pytest.raises(SourceError) as stopped:
        await follow()
    await source.aclose()
    assert heard == [5]
    assert resumed_from == [None, "5"]
    assert said == ["live", "reconnecting"]
    assert not stopped.value.retryable
    assert "403" in stopped.value.message


def test_briefs_tui_url_follows_the_stream_a_source_of_ones_own_client_need_not() -> None:
    assert HttpSource.connect("http://127.0.0.1:9").live
    assert not mock_source(lambda request: httpx.Response(404)).live
