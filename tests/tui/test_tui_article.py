"""``a`` on the timeline: an article file into a draft, its items reviewed, then the edit flow
(against the real API app in-process, with a write token; the article is text we wrote)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from test_tui_editing import (
    ScriptedEditor,
    answer,
    headline,
    messages,
    open_timeline,
    until,
    write_source,
)
from textual.widgets import DataTable
from tui_support import AsgiServer, settle, text_of

from tests.conftest import CEASEFIRE_DIR
from tui.app import BriefsApp
from tui.screens.article import ArticleReviewScreen
from tui.screens.prompts import AskScreen
from tui.screens.review import PreviewScreen
from tui.screens.timeline import TimelineScreen
from tui.sources.local import READ_ONLY, DirSource

ARTICLE = (
    "Kremlin spokesman Dmitry Peskov said on Thursday that no new phone call between Putin and "
    "Trump has been set. \u201cWe are waiting for signals,\u201d Peskov told reporters.\n\n"
    "Kyiv and Washington met in Riyadh on March 17.\n"
)


def article_file(tmp_path: Path) -> Path:
    path = tmp_path / "article.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


async def test_a_imports_reviews_and_publishes(asgi_app: AsgiServer, tmp_path: Path) -> None:
    editor = ScriptedEditor(headline("Kremlin waits for signals"))
    app = BriefsApp(write_source(asgi_app), editor=editor)
    async with app.run_test(size=(120, 40)) as pilot:
        timeline = await open_timeline(pilot)
        await pilot.press("a")
        await answer(pilot, str(article_file(tmp_path)))
        await answer(pilot, "2025-03-21")
        await answer(pilot, "Desk test")
        review = await until(pilot, ArticleReviewScreen)
        kinds = [str(item.kind) for item in review.draft.drafted]
        assert "quote" in kinds
        assert "event" in kinds
        assert "issue-note" in kinds
        assert "drafted items accepted" in text_of(app, "#article-head")
        # The quotes come first: reject Peskov's, keep the rest.
        first = review.draft.drafted[0]
        assert (first.kind, first.target) == ("quote", "russia")
        await pilot.press("space")
        assert review.rejected == {0}
        assert str(review.query_one(DataTable).get_row_at(0)[0]) == "✗"
        await pilot.press("enter")
        await until(pilot, PreviewScreen)
        draft = json.loads(editor.opened[0])
        assert draft["as_of"] == "2025-03-21"
        assert draft["sources"][-1]["outlet"] == "Desk test"
        russia = next(p for p in draft["positions"] if p["party_id"] == "russia")
        assert russia["quotes"] == []
        kept = [item for item in review.draft.drafted if item.kind == "event"]
        assert {item.target for item in kept} <= {event["id"] for event in draft["events"]}
        await pilot.press("p")
        await answer(pilot)  # the draft's change note says what it was drafted from
        await settle(app)
        assert app.screen is timeline
        stored = timeline.briefs[-1]
        assert (stored.as_of, stored.headline) == (
            dt.date(2025, 3, 21),
            "Kremlin waits for signals",
        )
        assert "machine-drafted from" in (stored.change_note or "")


async def test_a_checks_the_file_and_escape_drops_the_import(
    asgi_app: AsgiServer, tmp_path: Path
) -> None:
    app = BriefsApp(write_source(asgi_app), editor=ScriptedEditor())
    async with app.run_test(size=(120, 40)) as pilot:
        await open_timeline(pilot)
        await pilot.press("a")
        await answer(pilot, str(tmp_path / "missing.txt"))
        assert isinstance(app.screen, AskScreen)
        assert "is not a file" in text_of(app, ".prompt-error")
        await answer(pilot, str(article_file(tmp_path)))
        await answer(pilot, "2025-03-21")
        await answer(pilot, "Desk test")
        review = await until(pilot, ArticleReviewScreen)
        await pilot.press("x")
        assert review.rejected == set(range(len(review.draft.drafted)))
        await pilot.press("escape")
        await settle(app)
        assert isinstance(app.screen, TimelineScreen)
        assert "Article import dropped: nothing stored." in messages(app)


async def test_a_day_with_a_brief_is_refused(asgi_app: AsgiServer, tmp_path: Path) -> None:
    app = BriefsApp(write_source(asgi_app), editor=ScriptedEditor())
    async with app.run_test(size=(120, 40)) as pilot:
        await open_timeline(pilot)
        await pilot.press("a")
        await answer(pilot, str(article_file(tmp_path)))
        await answer(pilot, "2025-03-19")
        await answer(pilot, "Desk test")
        await settle(app)
        assert isinstance(app.screen, TimelineScreen)
        assert any("exists already" in message for message in messages(app))


async def test_a_is_off_on_an_offline_folder() -> None:
    app = BriefsApp(DirSource(CEASEFIRE_DIR), editor=ScriptedEditor())
    async with app.run_test(size=(120, 40)) as pilot:
        await open_timeline(pilot)
        await pilot.press("a")
        await settle(app)
        assert isinstance(app.screen, TimelineScreen)
        assert READ_ONLY in messages(app)
