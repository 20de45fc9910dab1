"""The client's reads of history that are not JSON: Atom feeds and Memento TimeMaps."""

from __future__ import annotations

from service.client.params import BriefRefLike, brief_path, story_path
from service.client.transport import HttpSession

ATOM = "application/atom+xml"
LINK_FORMAT = "application/link-format"


class HistoryReads(HttpSession):
    """Feeds and TimeMaps as text, for `BriefsClient`."""

    async def feed(self, story_id: str | None = None, *, page: int = 1) -> str:
        """One page of a story's Atom feed (``getStoryFeed``), or of every story's
        (``getFeed``) without ``story_id``: the XML document, newest entries on page 1."""
        path = "/v1/feed.atom" if story_id is None else f"{story_path(story_id)}/feed.atom"
        response = await self.send("GET", path, params={"page": page if page != 1 else None})
        return self._text(response, ATOM)

    async def timemap(self, story_id: str, brief_ref: BriefRefLike) -> str:
        """A brief's Memento TimeMap (``getBriefTimeMap``, RFC 7089) in link format."""
        response = await self.send("GET", f"{brief_path(story_id, brief_ref)}/timemap")
        return self._text(response, LINK_FORMAT)
