"""Editing from the TUI (issue 11): ``n`` new brief, ``e`` edit, ``w`` withdraw, the issue-status
and stance modals, the read-only cases and a 412 during an edit, against the real API app
in-process with a write token. The editor is a function that edits the file (Pilot has no
terminal to hand over), injected into the app as the real one is.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input, Select
from tui_support import BASE_URL, AsgiServer, FolderServer, settle, steady, text_of

from service.client import BriefsClient
from service.domain.models import IssueStatus, PubStatus, Stance
from tests.conftest import CEASEFIRE_DIR
from tui import editing
from tui.app import BriefsApp
from tui.editor import EditorError
from tui.screens.brief import BriefScreen
from tui.screens.issues import IssuesScreen
from tui.screens.party import PartyScreen
from tui.screens.prompts import AskScreen, IssueStatusScreen, StanceScreen
from tui.screens.review import ConflictScreen, PreviewScreen, ProblemsScreen
from tui.screens.timeline import TimelineScreen
from tui.source import DataSource
from tui.sources.http import NOT_SIGNED_IN, HttpSource
from tui.sources.local import READ_ONLY, DirSource

STORY = "ceasefire-2025"
LATEST = "brief-2025-03-19"
Edit = Callable[[dict[str, Any]], dict[str, Any] | str]


class ScriptedEditor:
    """Stands in for ``$EDITOR``: each run applies the next edit to the file's JSON (or writes
    the text an edit returns), and remembers what the file held when it was opened."""

    def __init__(self, *edits: Edit) -> None:
        self.edits = list(edits)
        self.opened: list[str] = []
        self.paths: list[Path] = []

    def __call__(self, app: App[Any], path: Path) -> None:
        text = path.read_text(encoding="utf-8")
        self.opened.append(text)
        self.paths.append(path)
        if not self.edits:
            raise EditorError("The scripted editor has no edit left.")
        # The annotations (problems listed at the top) are not JSON: the edit sees the rest.
        body = text[text.index("{") :]
        result = self.edits.pop(0)(json.loads(body))
        path.write_text(result if isinstance(result, str) else json.dumps(result, indent=2))


def headline(text: str) -> Edit:
    def edit(document: dict[str, Any]) -> dict[str, Any]:
        return {**document, "headline": text}

    return edit


def write_source(server: AsgiServer, scope: str | None = "write") -> HttpSource:
    token = server.tokens[scope] if scope else None
    return HttpSource(
        BriefsClient(server.http, token=token),
        label=BASE_URL,
        read_only_reason=None if token else NOT_SIGNED_IN,
    )


def messages(app: App[Any]) -> list[str]:
    return [notification.message for notification in app._notifications]


async def open_timeline(pilot: Pilot[Any]) -> TimelineScreen:
    await steady(pilot)
    await pilot.press("enter")
    await steady(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, TimelineScreen)
    return screen


@asynccontextmanager
async def on_the_timeline(
    source: DataSource, editor: ScriptedEditor | None = None
) -> AsyncIterator[tuple[BriefsApp, Pilot[Any], TimelineScreen]]:
    """The app over ``source`` with ``editor`` (one with no edits by default), 120x40, open on
    the story's timeline."""
    app = BriefsApp(source, editor=ScriptedEditor() if editor is None else editor)
    async with app.run_test(size=(120, 40)) as pilot:
        yield app, pilot, await open_timeline(pilot)


async def until(pilot: Pilot[Any], kind: type[Any]) -> Any:
    """Wait until the active screen is a ``kind`` (a modal pushed from a worker)."""
    for _ in range(200):
        if isinstance(pilot.app.screen, kind):
            await pilot.pause()
            return pilot.app.screen
        await pilot.pause(0.01)
    pytest.fail(f"never reached {kind.__name__}; at {type(pilot.app.screen).__name__}")


async def answer(pilot: Pilot[Any], text: str | None = None) -> None:
    """Type ``text`` (replacing the default) into the open prompt and confirm it."""
    await until(pilot, AskScreen)
    if text is not None:
        pilot.app.screen.query_one(Input).value = text
    await pilot.press("enter")
    await pilot.pause()


@pytest.fixture(autouse=True)
def _fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(editing, "today", lambda: dt.date(2025, 3, 19))


async def test_n_drafts_from_the_latest_brief_previews_and_publishes(asgi_app: AsgiServer) -> None:
    editor = ScriptedEditor(headline("Day 20: talks continue in Riyadh"))
    async with on_the_timeline(write_source(asgi_app), editor) as (app, pilot, timeline):
        await pilot.press("n")
        prompt = await until(pilot, AskScreen)
        # The latest brief is dated today: the default is the day after it.
        assert prompt.query_one(Input).value == "2025-03-20"
        await answer(pilot)
        preview = await until(pilot, PreviewScreen)
        assert "2025-03-19 → new brief 2025-03-20" in text_of(app, "#review-head")
        draft = json.loads(editor.opened[0])
        assert draft["as_of"] == "2025-03-20"
        assert draft["summary"] == ""
        await pilot.press("p")
        await answer(pilot, "Riyadh talks, day one")
        await settle(app)
        assert app.screen is timeline
        assert timeline.briefs[-1].as_of == dt.date(2025, 3, 20)
        assert timeline.briefs[-1].headline == "Day 20: talks continue in Riyadh"
        assert timeline.briefs[-1].change_note == "Riyadh talks, day one"
        assert timeline.briefs[-1].revised_by == "tui-write"
        assert timeline.selected is not None
        assert timeline.selected.id == "brief-2025-03-20"
        assert not editor.paths[0].exists(), "the temporary file goes once the brief is stored"
        assert preview not in app.screen_stack


async def test_n_refuses_a_date_that_has_a_brief_and_keeps_what_was_typed(
    asgi_app: AsgiServer,
) -> None:
    async with on_the_timeline(write_source(asgi_app)) as (app, pilot, _):
        await pilot.press("n")
        for typed, wrong in (("2025-03-18", "exists already"), ("20 March", "not a date")):
            await answer(pilot, typed)
            prompt = app.screen
            assert isinstance(prompt, AskScreen)
            assert wrong in text_of(app, ".prompt-error")
            assert prompt.query_one(Input).value == typed
        await pilot.press("escape")
        await settle(app)
        assert isinstance(app.screen, TimelineScreen)


async def test_e_on_the_timeline_edits_the_selected_brief_with_if_match(
    asgi_app: AsgiServer,
) -> None:
    editor = ScriptedEditor(headline("Putin agrees to an energy pause only"))
    async with on_the_timeline(write_source(asgi_app), editor) as (app, pilot, timeline):
        await pilot.press("G", "e")
        await until(pilot, PreviewScreen)
        assert "2025-03-19 → edited" in text_of(app, "#review-head")
        assert "Putin agrees to an energy pause only" in text_of(app, "#headline")
        await pilot.press("p")
        await answer(pilot, "sharper headline")
        await settle(app)
        latest = timeline.briefs[-1]
        assert (latest.id, latest.revision) == (LATEST, 2)
        assert latest.headline == "Putin agrees to an energy pause only"
        assert latest.change_note == "sharper headline"


async def test_e_on_the_brief_screen_shows_problems_then_edits_again(
    asgi_app: AsgiServer,
) -> None:
    def break_it(document: dict[str, Any]) -> dict[str, Any]:
        document["positions"][0]["stance"] = "maybe"
        return document

    def fix_it(document: dict[str, Any]) -> dict[str, Any]:
        document["positions"][0]["stance"] = "supports"
        return document

    editor = ScriptedEditor(break_it, fix_it)
    async with on_the_timeline(write_source(asgi_app), editor) as (app, pilot, _):
        await pilot.press("G", "enter")
        await steady(pilot)
        brief_screen = app.screen
        assert isinstance(brief_screen, BriefScreen)
        await pilot.press("e")
        problems = await until(pilot, ProblemsScreen)
        listed = " ".join(problems.problems)
        assert "$.positions[0].stance" in listed
        assert str(editor.paths[0]) in text_of(app, ".review-path")
        await pilot.press("e")
        await until(pilot, PreviewScreen)
        # Reopened with the problems at the top and the person's text below them.
        assert "$.positions[0].stance" in editor.opened[1]
        assert '"maybe"' in editor.opened[1]
        await pilot.press("p")
        await answer(pilot, "")
        await settle(app)
        assert app.screen is brief_screen
        assert brief_screen.brief is not None
        assert brief_screen.brief.revision == 2
        assert "revision 2 of 2" in text_of(app, "#meta")
        assert "stored by tui-write" in text_of(app, "#meta")


async def test_discarding_an_invalid_edit_keeps_the_text_and_says_where(
    asgi_app: AsgiServer,
) -> None:
    editor = ScriptedEditor(lambda document: "{ not json")
    async with on_the_timeline(write_source(asgi_app), editor) as (app, pilot, timeline):
        await pilot.press("G", "e")
        await until(pilot, ProblemsScreen)
        await pilot.press("d")
        await settle(app)
        path = editor.paths[0]
        assert path.read_text() == "{ not json"
        assert any(str(path) in message for message in messages(app))
        assert timeline.briefs[-1].revision == 1
        path.unlink()


async def test_w_withdraws_with_a_reason_after_confirming(asgi_app: AsgiServer) -> None:
    async with on_the_timeline(write_source(asgi_app)) as (app, pilot, timeline):
        await pilot.press("G", "w")
        await answer(pilot, "")  # a reason is required: the prompt stays, saying so
        assert isinstance(app.screen, AskScreen)
        assert "Say why" in text_of(app, ".prompt-error")
        await answer(pilot, "Duplicate of the 18 March brief")
        await settle(app)
        latest = timeline.briefs[-1]
        assert latest.status is PubStatus.CANCELED
        assert latest.change_note == "Duplicate of the 18 March brief"
        assert timeline.marks[LATEST] == "✗ withdrawn"


async def test_escape_on_the_withdraw_prompt_changes_nothing(asgi_app: AsgiServer) -> None:
    async with on_the_timeline(write_source(asgi_app)) as (app, pilot, timeline):
        await pilot.press("G", "w")
        await until(pilot, AskScreen)
        await pilot.press("escape")
        await settle(app)
        assert timeline.briefs[-1].status is PubStatus.USABLE


async def test_a_412_during_an_edit_shows_what_changed_and_re_edits_on_it(
    asgi_app: AsgiServer,
) -> None:
    """Someone else stores r2 while the editor is open: publishing says so with the diff,
    keeps the edited text, and re-editing opens it again to publish on top of r2."""
    other = BriefsClient(asgi_app.http, token=asgi_app.tokens["write"])

    async def meanwhile() -> None:
        tagged = await other.get_tagged_brief(STORY, LATEST)
        edited = tagged.value
        await other.update_brief(
            STORY,
            LATEST,
            type(edited)(**{**_fields(edited), "headline": "Someone else's headline"}),
            if_match=tagged,
            change_note="the desk's fix",
        )

    editor = ScriptedEditor(headline("My headline"), lambda document: document)
    async with on_the_timeline(write_source(asgi_app), editor) as (app, pilot, timeline):
        await pilot.press("G", "e")
        await until(pilot, PreviewScreen)
        await meanwhile()
        await pilot.press("p")
        await answer(pilot, "my edit")
        conflict = await until(pilot, ConflictScreen)
        head = text_of(app, "#review-head")
        assert "2025-03-19 → 2025-03-19 r2" in head
        assert "the desk's fix" in head
        assert "Someone else's headline" in text_of(app, "#headline")
        path = editor.paths[0]
        assert '"headline": "My headline"' in path.read_text()
        assert str(path) in text_of(app, ".review-path")
        await pilot.press("e")
        # The edited text is what the editor opens again, now to go on top of r2.
        await until(pilot, PreviewScreen)
        assert '"headline": "My headline"' in editor.opened[1]
        assert "r2 → edited" in text_of(app, "#review-head")
        await pilot.press("p")
        await answer(pilot, "my edit, on top of the desk's")
        await settle(app)
        latest = timeline.briefs[-1]
        assert (latest.revision, latest.headline) == (3, "My headline")
        assert conflict not in app.screen_stack


async def test_cancelling_after_a_412_keeps_the_edited_text(asgi_app: AsgiServer) -> None:
    other = BriefsClient(asgi_app.http, token=asgi_app.tokens["write"])
    editor = ScriptedEditor(headline("Mine"))
    async with on_the_timeline(write_source(asgi_app), editor) as (app, pilot, _):
        await pilot.press("G", "e")
        await until(pilot, PreviewScreen)
        tagged = await other.get_tagged_brief(STORY, LATEST)
        await other.update_brief(STORY, LATEST, tagged.value, if_match=tagged)
        await pilot.press("p")
        await answer(pilot, "")
        await until(pilot, ConflictScreen)
        await pilot.press("escape")
        await settle(app)
        path = editor.paths[0]
        assert '"headline": "Mine"' in path.read_text()
        assert any(str(path) in message for message in messages(app))
        path.unlink()


async def test_issue_status_modal_stores_a_new_revision_of_the_latest_brief(
    asgi_app: AsgiServer,
) -> None:
    async with on_the_timeline(write_source(asgi_app)) as (app, pilot, _):
        await pilot.press("i")
        await steady(pilot)
        issues = app.screen
        assert isinstance(issues, IssuesScreen)
        await pilot.press("o")  # open issues first: the first is one the latest brief holds
        issue = issues.selected
        assert issue is not None
        await pilot.press("s")
        modal = await until(pilot, IssueStatusScreen)
        assert modal.query_one("#issue-on", Input).value == "2025-03-19"
        modal.query_one(Select).value = IssueStatus.RESOLVED
        modal.query_one("#issue-on", Input).value = "2025-03-20"
        modal.query_one("#issue-resolution", Input).value = "Settled in Riyadh"
        await pilot.click("#prompt-ok")
        await settle(app)
        await steady(pilot)
        assert any("Stored 2025-03-19 r2" in message for message in messages(app))
        brief = await write_source(asgi_app).current_brief(STORY, LATEST)
        changed = next(i for i in brief.value.issues if i.id == issue.issue_id)
        assert changed.status is IssueStatus.RESOLVED
        assert changed.closed_on == dt.date(2025, 3, 20)
        assert changed.resolution == "Settled in Riyadh"
        assert brief.value.change_note == f"{issue.issue_id}: resolved on 2025-03-20"


async def test_issue_status_modal_says_what_is_wrong_with_the_date(asgi_app: AsgiServer) -> None:
    async with on_the_timeline(write_source(asgi_app)) as (app, pilot, _):
        await pilot.press("i")
        await steady(pilot)
        await pilot.press("s")
        modal = await until(pilot, IssueStatusScreen)
        modal.query_one("#issue-on", Input).value = "tomorrow"
        await pilot.click("#prompt-ok")
        await pilot.pause()
        assert app.screen is modal
        assert "not a date" in text_of(app, ".prompt-error")
        assert modal.query_one("#issue-on", Input).value == "tomorrow"


async def test_stance_modal_changes_the_partys_stance(asgi_app: AsgiServer) -> None:
    async with on_the_timeline(write_source(asgi_app)) as (app, pilot, timeline):
        timeline.open_party("russia")
        await steady(pilot)
        assert isinstance(app.screen, PartyScreen)
        await pilot.press("s")
        modal = await until(pilot, StanceScreen)
        assert modal.query_one(Select).value is Stance.CONDITIONAL
        modal.query_one(Select).value = Stance.OPPOSES
        modal.query_one(Input).value = "Rejects the truce outright."
        await pilot.click("#prompt-ok")
        await settle(app)
        await steady(pilot)
        brief = await write_source(asgi_app).current_brief(STORY, LATEST)
        russia = next(p for p in brief.value.positions if p.party_id == "russia")
        assert (russia.stance, russia.statement) == (Stance.OPPOSES, "Rejects the truce outright.")
        assert brief.value.change_note == "Russia: stance opposes"
        assert "opposes" in text_of(app, "#stance-path")


async def test_saving_unchanged_or_emptying_the_file_stores_nothing(
    asgi_app: AsgiServer,
) -> None:
    editor = ScriptedEditor(lambda document: document, lambda document: "")
    async with on_the_timeline(write_source(asgi_app), editor) as (app, pilot, timeline):
        for _ in range(2):
            await pilot.press("G", "e")
            await settle(app)
            assert isinstance(app.screen, TimelineScreen)
        said = messages(app)
        assert any("nothing to publish" in message for message in said)
        assert any("edit cancelled" in message for message in said)
        assert timeline.briefs[-1].revision == 1
        assert not any(path.exists() for path in editor.paths)


async def test_after_a_412_the_file_says_why_it_is_open_again(asgi_app: AsgiServer) -> None:
    other = BriefsClient(asgi_app.http, token=asgi_app.tokens["write"])
    editor = ScriptedEditor(headline("Mine"), lambda document: document)
    async with on_the_timeline(write_source(asgi_app), editor) as (app, pilot, _):
        await pilot.press("G", "e")
        await until(pilot, PreviewScreen)
        tagged = await other.get_tagged_brief(STORY, LATEST)
        await other.update_brief(STORY, LATEST, tagged.value, if_match=tagged, change_note="desk")
        await pilot.press("p")
        await answer(pilot, "")
        await until(pilot, ConflictScreen)
        await pilot.press("e")
        await until(pilot, PreviewScreen)
        reopened = editor.opened[1]
        assert reopened.startswith("// 2025-03-19 r2 was stored while you edited")
        assert '"revision": 2' in reopened
        assert '"headline": "Mine"' in reopened
        await pilot.press("escape")
        await settle(app)
        editor.paths[0].unlink()


async def test_n_on_the_brief_screen_is_the_next_match_while_searching(
    asgi_app: AsgiServer,
) -> None:
    async with on_the_timeline(write_source(asgi_app)) as (app, pilot, _):
        await pilot.press("G", "enter")
        await steady(pilot)
        brief_screen = app.screen
        assert isinstance(brief_screen, BriefScreen)
        await pilot.press("slash", *"russia", "enter")
        await pilot.pause()
        at = brief_screen.search_at
        brief_screen.query_one("#positions").focus()
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is brief_screen
        assert brief_screen.search_at != at
        await pilot.press("slash", "escape")  # close the search: n is a new brief again
        await pilot.pause()
        await pilot.press("n")
        await until(pilot, AskScreen)
        await pilot.press("escape")


# --- read-only -----------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["n", "e", "w"])
async def test_an_offline_folder_says_it_is_read_only(key: str) -> None:
    editor = ScriptedEditor()
    async with on_the_timeline(DirSource(CEASEFIRE_DIR), editor) as (app, pilot, _):
        await pilot.press(key)
        await settle(app)
        assert READ_ONLY in messages(app)
        assert "offline folder: read-only" in READ_ONLY
        assert not editor.opened
        assert isinstance(app.screen, TimelineScreen)


async def test_the_quick_change_keys_are_off_on_an_offline_folder() -> None:
    async with on_the_timeline(DirSource(CEASEFIRE_DIR)) as (app, pilot, timeline):
        await pilot.press("i")
        await steady(pilot)
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, IssuesScreen)
        await pilot.press("escape")
        timeline.open_party("russia")
        await steady(pilot)
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, PartyScreen)
        assert messages(app).count(READ_ONLY) == 2


async def test_without_a_token_the_keys_say_how_to_get_one(folder_server: FolderServer) -> None:
    http = httpx.AsyncClient(base_url=BASE_URL, transport=httpx.MockTransport(folder_server))
    source = HttpSource(BriefsClient(http, owns_http=True), label=BASE_URL)
    assert source.read_only_reason is None  # a client's token is not the source's to guess
    connected = HttpSource.connect(BASE_URL, None)
    assert connected.read_only_reason == NOT_SIGNED_IN
    assert HttpSource.connect(BASE_URL, "a-token").read_only_reason is None
    await connected.aclose()
    source = HttpSource(
        BriefsClient(http, owns_http=True), label=BASE_URL, read_only_reason=NOT_SIGNED_IN
    )
    editor = ScriptedEditor()
    async with on_the_timeline(source, editor) as (app, pilot, _):
        for key in ("n", "e", "w"):
            await pilot.press(key)
            await settle(app)
        assert messages(app).count(NOT_SIGNED_IN) == 3
        assert "BRIEFS_TOKEN" in NOT_SIGNED_IN
        assert not editor.opened
        assert not [path for path in folder_server.requests if "revisions" in path]


async def test_a_read_token_is_refused_on_publish_and_the_text_is_kept(
    asgi_app: AsgiServer,
) -> None:
    editor = ScriptedEditor(headline("Not mine to change"))
    async with on_the_timeline(write_source(asgi_app, "read"), editor) as (app, pilot, timeline):
        await pilot.press("G", "e")
        await until(pilot, PreviewScreen)
        await pilot.press("p")
        await answer(pilot, "")
        await settle(app)
        refused = [message for message in messages(app) if "write scope (403)" in message]
        assert refused
        assert str(editor.paths[0]) in refused[0]
        assert "Not mine to change" in editor.paths[0].read_text()
        editor.paths[0].unlink()
        # From now on the keys say why at once, without opening the editor.
        await pilot.press("e")
        await settle(app)
        assert len(editor.opened) == 1
        assert "write scope (403)" in messages(app)[-1]
        assert timeline.briefs[-1].revision == 1


async def test_a_failing_editor_is_reported_and_the_file_kept(asgi_app: AsgiServer) -> None:
    editor = ScriptedEditor()  # no edits: it raises EditorError
    async with on_the_timeline(write_source(asgi_app), editor) as (app, pilot, _):
        await pilot.press("G", "e")
        await settle(app)
        assert any("no edit left" in message for message in messages(app))
        assert editor.paths[0].exists()
        editor.paths[0].unlink()


def _fields(brief: Any) -> dict[str, Any]:
    import msgspec

    return msgspec.structs.asdict(brief)


# --- snapshots of the modals and panels -----------------------------------------------------

SnapCompare = Callable[..., bool]
#: A fixed path, so the snapshots do not depend on where temporary files go.
EDITED = Path("/tmp/briefs-ceasefire-2025-brief-2025-03-19-example.json")


def _modals() -> dict[str, Callable[[], Screen[Any]]]:
    from service.domain.diff import diff_briefs
    from service.domain.files import load_story_dir

    folder = load_story_dir(CEASEFIRE_DIR)
    story, briefs = folder.story, folder.latest()
    old, new = briefs[-2], briefs[-1]
    context = editing.diff_context(story, old, new)
    problems = [
        "$.positions[0].stance: Invalid enum value 'maybe'",
        "$.issues[3].closed_on: a resolved issue needs closed_on",
    ]
    return {
        "ask-date": lambda: AskScreen(
            "New brief",
            "As of which date? It starts from 2025-03-19, the latest brief.",
            value="2025-03-20",
            ok="Edit",
        ),
        "issue-status": lambda: IssueStatusScreen(
            "A Putin-Trump phone call on the truce", IssueStatus.OPEN, dt.date(2025, 3, 19)
        ),
        "stance": lambda: StanceScreen("Russia", Stance.CONDITIONAL, list(Stance)),
        "problems": lambda: ProblemsScreen(problems, EDITED),
        "preview": lambda: PreviewScreen(
            "2025-03-18 r2 → edited", diff_briefs(old, new), context, EDITED, note="Current: r2"
        ),
        "conflict": lambda: ConflictScreen(
            "2025-03-18 r2 → 2025-03-19, stored while you edited",
            diff_briefs(old, new),
            context,
            EDITED,
            note="New: r1 by desk-editor: the desk's fix. e opens your text again.",
        ),
    }


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@pytest.mark.parametrize("modal", list(_modals()))
def test_modal_snapshot(modal: str, size: tuple[int, int], snap_compare: SnapCompare) -> None:
    make = _modals()[modal]

    async def run_before(pilot: Pilot[Any]) -> None:
        await open_timeline(pilot)
        pilot.app.push_screen(make())
        await steady(pilot)

    app = BriefsApp(DirSource(CEASEFIRE_DIR))
    assert snap_compare(app, terminal_size=size, run_before=run_before)
