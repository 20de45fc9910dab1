"""``BriefsClient.draft_from_article`` over ASGI: the typed draft; errors the client's own."""

from __future__ import annotations

import datetime as dt

import pytest

from service.client.errors import Conflict, Forbidden
from service.domain.extract.article import ArticleDraftRequest, ArticleSource
from service.domain.files import StoryFolder
from service.domain.wire import Scope
from tests.client.conftest import InProcessAPI

REQUEST = ArticleDraftRequest(
    text="Kyiv and Washington met in Riyadh on March 17, officials said.",
    published=dt.date(2025, 3, 21),
    source=ArticleSource(outlet="Desk test"),
)


async def test_the_client_drafts_from_an_article(
    sqlite_api: InProcessAPI, ceasefire: StoryFolder
) -> None:
    await sqlite_api.store.import_folder(ceasefire)
    token = await sqlite_api.mint_token(Scope.WRITE, "drafter")
    async with sqlite_api.client(token) as client:
        result = await client.draft_from_article("ceasefire-2025", REQUEST)
        assert result.brief.as_of == dt.date(2025, 3, 21)
        (item,) = result.drafted
        events = {event.id: event for event in result.brief.events}
        assert (item.kind, events[item.target].when.date) == ("event", dt.date(2025, 3, 17))
        stale = ArticleDraftRequest(
            text=REQUEST.text, published=dt.date(2025, 3, 14), source=REQUEST.source
        )
        with pytest.raises(Conflict):
            await client.draft_from_article("ceasefire-2025", stale)
    reader = await sqlite_api.mint_token(Scope.READ, "reader")
    async with sqlite_api.client(reader) as client:
        with pytest.raises(Forbidden):
            await client.draft_from_article("ceasefire-2025", REQUEST)
