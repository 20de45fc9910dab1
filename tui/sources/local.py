"""A data source over story folders on disk: ``briefs tui --dir PATH`` needs no server.

Every call re-reads the folders (in a thread, so the UI never blocks), which is what makes ``r``
pick up edited files; the fixture-sized stories this is for load in milliseconds.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from service.client import Tagged
from service.domain.changes import BriefDiff
from service.domain.derive import issue_lifecycles, stance_history, standing_briefs, timeline
from service.domain.diff import diff_briefs
from service.domain.files import StoryFileError, StoryFolder, find_story_dirs, load_story_dir
from service.domain.models import Brief, BriefDraft, BriefRef, Story
from service.domain.views import IssueLifecycles, StanceHistory, StorySummary, Timeline
from tui.source import SourceError, WriteRefusedError

READ_ONLY = "offline folder: read-only. Edit the files, or run briefs tui --url with a token."


class DirSource:
    """Stories read from a story folder, or from a root holding several story folders."""

    def __init__(self, root: Path, *, timeout: float = 10.0) -> None:
        self._root = root
        self._timeout = timeout

    @property
    def label(self) -> str:
        """The folder's name (not its full path, which differs from machine to machine)."""
        return f"{self._root.name}/"

    @property
    def timeout(self) -> float:
        """Seconds a screen waits for one load."""
        return self._timeout

    async def list_stories(self) -> list[StorySummary]:
        """Every story folder below the root, summarised."""
        folders = await asyncio.to_thread(self._load_all)
        return sorted((_summarise(folder) for folder in folders), key=lambda s: s.id)

    async def get_story(self, story_id: str) -> Story:
        """The story of one folder."""
        return (await self._folder(story_id)).story

    async def list_briefs(self, story_id: str) -> list[Brief]:
        """The latest revision of each brief, in as-of order."""
        return (await self._folder(story_id)).latest()

    async def list_revisions(self, story_id: str, brief_id: str) -> list[BriefRef]:
        """Every stored revision of one brief, oldest first."""
        revisions = _revisions(await self._folder(story_id), brief_id)
        return [brief.ref for brief in revisions]

    async def get_revision(self, story_id: str, brief_id: str, revision: int) -> Brief:
        """One revision of one brief."""
        for brief in _revisions(await self._folder(story_id), brief_id):
            if brief.revision == revision:
                return brief
        raise SourceError(f"Brief {brief_id} has no revision {revision}.", retryable=False)

    async def diff(self, story_id: str, old: BriefRef, new: BriefRef) -> BriefDiff:
        """Diff two revisions in-process."""
        old_brief = await self.get_revision(story_id, old.brief_id, old.revision)
        new_brief = await self.get_revision(story_id, new.brief_id, new.revision)
        return await asyncio.to_thread(diff_briefs, old_brief, new_brief)

    async def timeline(self, story_id: str) -> Timeline:
        """The merged events timeline."""
        folder = await self._folder(story_id)
        return timeline(folder.story.id, folder.latest())

    async def issue_lifecycles(self, story_id: str) -> IssueLifecycles:
        """Every issue with its status history."""
        folder = await self._folder(story_id)
        return issue_lifecycles(folder.story.id, folder.latest())

    async def stance_history(self, story_id: str, party_id: str) -> StanceHistory:
        """One party's stance over time."""
        folder = await self._folder(story_id)
        if party_id not in {party.id for party in folder.story.parties}:
            raise SourceError(f"Story {story_id} has no party {party_id}.", retryable=False)
        return stance_history(folder.story.id, party_id, folder.latest())

    @property
    def read_only_reason(self) -> str:
        """Always read-only: the TUI writes through a server, never into story folders."""
        return READ_ONLY

    async def current_brief(self, story_id: str, brief_id: str) -> Tagged[Brief]:
        """The latest revision; folders have no ETags, and nothing here is ever written."""
        revisions = _revisions(await self._folder(story_id), brief_id)
        return Tagged(value=revisions[-1], etag="")

    async def create_brief(
        self, story_id: str, draft: BriefDraft, *, change_note: str | None
    ) -> Brief:
        """Refused: an offline folder is read-only."""
        raise WriteRefusedError(READ_ONLY)

    async def update_brief(
        self, story_id: str, draft: BriefDraft, *, etag: str, change_note: str | None
    ) -> Brief:
        """Refused: an offline folder is read-only."""
        raise WriteRefusedError(READ_ONLY)

    async def aclose(self) -> None:
        """Nothing to release."""

    async def _folder(self, story_id: str) -> StoryFolder:
        folders = await asyncio.to_thread(self._load_all)
        for folder in folders:
            if folder.story.id == story_id:
                return folder
        raise SourceError(f"No story {story_id} under {self._root}.", retryable=False)

    def _load_all(self) -> list[StoryFolder]:
        if not self._root.is_dir():
            raise SourceError(f"{self._root} is not a folder.")
        try:
            return [load_story_dir(path) for path in find_story_dirs(self._root)]
        except StoryFileError as error:
            raise SourceError(f"Cannot read {error}") from None


def _revisions(folder: StoryFolder, brief_id: str) -> list[Brief]:
    revisions = [brief for brief in folder.briefs if brief.id == brief_id]
    if not revisions:
        raise SourceError(f"Story {folder.story.id} has no brief {brief_id}.", retryable=False)
    return sorted(revisions, key=lambda brief: brief.revision)


def _summarise(folder: StoryFolder) -> StorySummary:
    """Every brief counts; the latest date and the open issues come from the newest standing
    brief, as in the story views (a withdrawn brief is listed, never relied on)."""
    latest = folder.latest()
    standing = standing_briefs(latest)
    newest = standing[-1] if standing else None
    return StorySummary(
        id=folder.story.id,
        title=folder.story.title,
        brief_count=len(latest),
        latest_as_of=newest.as_of if newest else None,
        open_issue_count=sum(not issue.is_closed for issue in newest.issues) if newest else 0,
    )
