"""``a`` on the timeline: import an article into a draft, review it, then edit and publish.

`ArticleImportMixin` adds to `tui.editing.EditingMixin` one action: it asks for the article's
file, its publication date and its outlet (modals), reads the file, drafts the next brief
carried forward from the latest standing one before that date with the article drafted in
(`service.domain.extract.article.draft_article`, the path ``briefs draft`` and the API take),
shows the drafted items for review (`tui.screens.article.ArticleReviewScreen`), and hands the
reviewed draft to the edit flow every new brief takes (editor, problems, preview, note, publish).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

from textual import work
from textual.binding import Binding

from service.domain.derive import standing_briefs
from service.domain.drafting import carry_forward, document_of
from service.domain.extract.article import (
    ArticleDraftRequest,
    ArticleSource,
    ArticleTextError,
    article_text,
)
from service.domain.extract.article import draft_article as draft_from
from service.domain.extract.draft import without_items
from tui.editing import EditingMixin, document_text, today
from tui.screens.article import ArticleReviewScreen
from tui.screens.prompts import AskScreen, check_date, parse_date


def import_binding(prefix: str) -> Binding:
    """``a``: import an article, with its id under ``prefix``."""
    return Binding(
        "a", "import_article", "Article", tooltip="Draft from an article", id=f"{prefix}.article"
    )


def _path_of(text: str) -> Path:
    return Path(text.strip()).expanduser()


def _check_file(text: str) -> str | None:
    path = _path_of(text)
    if not text.strip():
        return "Type the path of the article's text file."
    if not path.is_file():
        return f"{path} is not a file."
    return None


def _check_outlet(text: str) -> str | None:
    return "Name the outlet (it becomes the brief's source)." if not text.strip() else None


class ArticleImportMixin(EditingMixin):
    """`EditingMixin` and the article import (see the module docstring)."""

    def action_import_article(self) -> None:
        """Draft the next brief from an article file, review the items, then edit."""
        if self.can_write():
            self.import_article()

    @work(exclusive=True, exit_on_error=False, group="edit")
    async def import_article(self) -> None:
        """Ask, read, draft, review, then edit (the worker behind ``a``)."""
        answers = await self._ask_article()
        if answers is None:
            return
        path, published, outlet = answers
        try:
            text = article_text(await asyncio.to_thread(path.read_bytes))
        except (OSError, ArticleTextError) as error:
            reason = getattr(error, "strerror", None) or str(error)
            self.notify(f"{path}: {reason}", title="Article", severity="error", timeout=8)
            return
        loaded = await self.story_and_briefs("Article")
        if loaded is None:
            return
        story, briefs = loaded
        if any(brief.as_of == published for brief in briefs):
            self.notify(
                f"A brief dated {published} exists already: press e on it to edit it.",
                severity="warning",
                timeout=8,
            )
            return
        standing = [brief for brief in standing_briefs(briefs) if brief.as_of < published]
        if not standing:
            self.notify(f"No standing brief before {published} to carry forward.", timeout=8)
            return
        latest = standing[-1]
        base = carry_forward(document_of(latest), as_of=published)
        request = ArticleDraftRequest(
            text=text, published=published, source=ArticleSource(outlet=outlet)
        )
        drafted = draft_from(base, request, story)
        rejected = await self.app.push_screen_wait(
            ArticleReviewScreen(drafted, text, title=f"Drafted from {path.name}")
        )
        if rejected is None:
            self.notify("Article import dropped: nothing stored.")
            return
        reviewed = without_items(drafted, rejected)
        # The draft's change note (what was drafted from what) is the publish prompt's default.
        await self._edit(story, latest, document_text(reviewed.brief), etag=None)

    async def _ask_article(self) -> tuple[Path, dt.date, str] | None:
        answer = await self.app.push_screen_wait(
            AskScreen(
                "Draft from an article",
                "The article's plain-text file:",
                placeholder="~/articles/story.txt",
                check=_check_file,
                ok="Next",
            )
        )
        if answer is None:
            return None
        path = _path_of(answer)
        day = await self.app.push_screen_wait(
            AskScreen(
                "Draft from an article",
                "Published on (relative dates resolve against it; the brief is dated so):",
                value=today().isoformat(),
                check=check_date,
                ok="Next",
            )
        )
        published = parse_date(day) if day is not None else None
        if published is None:
            return None
        outlet = await self.app.push_screen_wait(
            AskScreen(
                "Draft from an article",
                "The outlet (the brief's new source):",
                check=_check_outlet,
                ok="Draft",
            )
        )
        if outlet is None:
            return None
        return path, published, outlet.strip()
