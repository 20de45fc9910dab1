"""Drafting a brief from an article, as one call: the request's wire models and `draft_article`.

`ArticleDraftRequest` is the body of ``POST /v1/stories/{story_id}/drafts`` (the article's
text, its publication date, the source it is); ``briefs draft`` and the TUI's import build the
same request. `draft_article` extracts from the text against the story's registry and drafts
into the carried-forward brief (`service.domain.extract.draft`); it reads and stores nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated

import msgspec

from service.domain import limits
from service.domain.extract import extract
from service.domain.extract.draft import ArticleDraft, draft_from_article
from service.domain.extract.registry import Registry, registry_for
from service.domain.models import (
    BriefDraft,
    DatePrecision,
    FuzzyDate,
    Reliability,
    ShortText,
    Slug,
    Source,
    SourceId,
    Story,
    Url,
)

MAX_ARTICLE_CHARS = 200_000
"""An article's text, at most (a long feature is some 60,000 characters)."""

ArticleText = Annotated[
    str,
    msgspec.Meta(
        min_length=1,
        max_length=MAX_ARTICLE_CHARS,
        pattern=r"\S",
        description="The article's plain text, as published (offsets in the answer index it).",
    ),
]


class ArticleSource(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    """The article as a source of the brief; ``id`` defaults to the next free ``S<n>``."""

    outlet: Annotated[str, msgspec.Meta(min_length=1, max_length=limits.MAX_SHORT_TEXT)]
    title: ShortText = ""
    url: Url | None = None
    id: SourceId | None = None
    reliability: Reliability = Reliability.B


class ArticleDraftRequest(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    """Request body drafting the next brief from an article.

    ``as_of`` (default ``published``) dates the brief; ``brief_id`` defaults to
    ``brief-YYYY-MM-DD``. Relative dates in the text resolve against ``published``.
    """

    text: ArticleText
    published: dt.date
    source: ArticleSource
    as_of: dt.date | None = None
    brief_id: Slug | None = None


class ArticleTextError(ValueError):
    """Bytes that are not an article's plain text (too large, not UTF-8, HTML)."""


def article_text(data: bytes) -> str:
    """The article's text from a file's bytes: UTF-8 plain text, a BOM allowed."""
    if len(data) > MAX_ARTICLE_CHARS * 4:
        raise ArticleTextError(f"{len(data)} bytes is too large for an article")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ArticleTextError(
            f"not UTF-8 text (byte {error.start}); save the article as UTF-8 plain text"
        ) from None
    if text.lstrip()[:1] == "<" and "</" in text:
        raise ArticleTextError("looks like HTML; give the article's plain text")
    if len(text) > MAX_ARTICLE_CHARS:
        raise ArticleTextError(
            f"{len(text)} characters is over the {MAX_ARTICLE_CHARS} an article may have"
        )
    if not text.strip():
        raise ArticleTextError("the file is empty")
    return text


def next_source_id(brief: BriefDraft) -> str:
    """The next free ``S<n>`` id of ``brief`` (``S01`` in a brief without numbered sources)."""
    numbers = [int(m.group(1)) for s in brief.sources if (m := re.fullmatch(r"S(\d+)", s.id))]
    return f"S{max(numbers, default=0) + 1:02d}"


def source_for(base: BriefDraft, source: ArticleSource, published: dt.date) -> Source:
    """The brief's `Source` for the article."""
    return Source(
        id=source.id or next_source_id(base),
        outlet=source.outlet,
        title=source.title,
        url=source.url,
        published=FuzzyDate(date=published, precision=DatePrecision.DAY),
        reliability=source.reliability,
    )


def draft_article(
    base: BriefDraft,
    request: ArticleDraftRequest,
    story: Story,
    *,
    extra: Registry | None = None,
) -> ArticleDraft:
    """``base`` (the carried-forward draft) with what ``request``'s article says drafted in."""
    registry = registry_for(story, base.issues, extra=extra)
    return draft_from_article(
        base,
        extract(request.text, request.published, registry),
        text=request.text,
        story=story,
        registry=registry,
        source=source_for(base, request.source, request.published),
    )
