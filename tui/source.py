"""The data-source seam: everything the screens read, behind one Protocol.

Two implementations exist: `tui.sources.http.HttpSource` (a Briefs server through
``service.client.BriefsClient``) and `tui.sources.local.DirSource` (story folders on disk, derived
and diffed in-process). Screens only see `DataSource` and catch only `SourceError`, so a failure of
either backend becomes the same kind of notification.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Literal, Protocol, runtime_checkable

from service.client import Tagged
from service.domain.changelog import Change
from service.domain.changes import BriefDiff
from service.domain.models import Brief, BriefDraft, BriefRef, Story
from service.domain.views import IssueLifecycles, StanceHistory, StorySummary, Timeline


class SourceError(Exception):
    """A data-source failure, phrased for the person at the terminal.

    ``retryable`` is false when retrying cannot help (e.g. a missing story), so the screen says
    so instead of suggesting ``r``. ``unreachable`` is true when no answer came at all (the
    status bar then says so, and says "reconnecting" during the next load).
    """

    def __init__(self, message: str, *, retryable: bool = True, unreachable: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.retryable = retryable
        self.unreachable = unreachable


class WriteRefusedError(SourceError):
    """The source cannot write: an offline folder, no token, or a token without write scope.

    The source remembers the reason (`DataSource.read_only_reason`), so the editing keys can
    say why they are off before anyone starts typing.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message, retryable=False)


class EditConflictError(SourceError):
    """Someone stored a revision after the one the edit started from (HTTP 412)."""

    def __init__(self, message: str, *, current_revision: int | None) -> None:
        super().__init__(message, retryable=False)
        self.current_revision = current_revision


class InvalidDocumentError(SourceError):
    """The server rejected the document (HTTP 422); ``problems`` are ``path: message`` lines."""

    def __init__(self, message: str, problems: list[str]) -> None:
        super().__init__(message, retryable=False)
        self.problems = problems


StreamStatus = Literal["live", "reconnecting"]
"""What a change stream reports: connected, or trying again after a drop."""


@runtime_checkable
class ChangeFeed(Protocol):
    """A source that can follow a story as it changes (a server; a folder cannot)."""

    @property
    def live(self) -> bool:
        """Whether screens should follow the stream (``briefs tui --url`` sources do)."""

    def changes(
        self,
        story_id: str,
        *,
        after: int | None = None,
        on_status: Callable[[StreamStatus], None] | None = None,
    ) -> AsyncIterator[Change]:
        """Every change of the story after the change id ``after`` (from now on when None), as
        it is committed. Drops are resumed from the last change received; ``on_status`` hears
        each connect and drop. Raises `SourceError` when the stream cannot go on."""


class DataSource(Protocol):
    """Where stories and briefs come from. Every method raises `SourceError` on failure."""

    @property
    def label(self) -> str:
        """A short description for the title bar: a URL or a folder."""

    @property
    def timeout(self) -> float:
        """Seconds a screen waits for one load before reporting a timeout."""

    async def list_stories(self) -> list[StorySummary]:
        """Every story with counts, ordered by id."""

    async def get_story(self, story_id: str) -> Story:
        """One story and its party registry."""

    async def list_briefs(self, story_id: str) -> list[Brief]:
        """The latest revision of every brief of a story, oldest as-of date first."""

    async def list_revisions(self, story_id: str, brief_id: str) -> list[BriefRef]:
        """Every revision of one brief, oldest first."""

    async def get_revision(self, story_id: str, brief_id: str, revision: int) -> Brief:
        """One stored revision of a brief."""

    async def diff(self, story_id: str, old: BriefRef, new: BriefRef) -> BriefDiff:
        """The semantic diff from ``old`` to ``new`` (any two briefs or revisions)."""

    async def timeline(self, story_id: str) -> Timeline:
        """The merged events timeline of a story."""

    async def issue_lifecycles(self, story_id: str) -> IssueLifecycles:
        """Every issue of a story with its status history."""

    async def stance_history(self, story_id: str, party_id: str) -> StanceHistory:
        """One party's stance over time."""

    @property
    def read_only_reason(self) -> str | None:
        """Why this source cannot write (said when an editing key is pressed), or None."""

    async def current_brief(self, story_id: str, brief_id: str) -> Tagged[Brief]:
        """The latest revision of a brief with the ETag that guards the next edit."""

    async def create_brief(
        self, story_id: str, draft: BriefDraft, *, change_note: str | None
    ) -> Brief:
        """Store revision 1 of a new brief; `WriteRefusedError` when the source cannot write."""

    async def update_brief(
        self, story_id: str, draft: BriefDraft, *, etag: str, change_note: str | None
    ) -> Brief:
        """Store the next revision of ``draft.id`` if ``etag`` is still current, else raise
        `EditConflictError`; `WriteRefusedError` when the source cannot write."""

    async def aclose(self) -> None:
        """Release connections; safe to call twice."""
