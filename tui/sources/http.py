"""A data source over the Briefs REST API, through `service.client.BriefsClient`.

Every client exception becomes a `SourceError` whose message says what happened and what to do;
the client already guarantees no httpx exception escapes.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TypeVar

import httpx
import msgspec

from service.client import (
    APIError,
    BriefsClient,
    BriefsClientError,
    ConnectError,
    Forbidden,
    NotFound,
    PreconditionFailed,
    RequestTimeoutError,
    ResponseDecodeError,
    ServerError,
    Tagged,
    TransportError,
    Unauthorized,
    Unprocessable,
)
from service.domain.changelog import Change
from service.domain.changes import BriefDiff
from service.domain.models import Brief, BriefDraft, BriefRef, Story
from service.domain.views import IssueLifecycles, StanceHistory, StorySummary, Timeline
from tui.source import (
    EditConflictError,
    InvalidDocumentError,
    SourceError,
    StreamStatus,
    WriteRefusedError,
)

T = TypeVar("T")

DEFAULT_TIMEOUT = 10.0


class HttpSource:
    """Stories served by a Briefs server."""

    def __init__(
        self,
        client: BriefsClient,
        *,
        label: str,
        timeout: float = DEFAULT_TIMEOUT,
        read_only_reason: str | None = None,
        live: bool = False,
    ):
        self._client = client
        #: Whether screens follow the story's change stream (see `tui.live`).
        self._live = live
        self._label = label
        self._timeout = timeout
        # With a token, the server says (401/403) on the first write whether it may write; the
        # answer is kept, so the keys say why at once from then on.
        self._read_only_reason = read_only_reason

    @classmethod
    def connect(
        cls, url: str, token: str | None = None, *, timeout: float = DEFAULT_TIMEOUT
    ) -> HttpSource:
        """A source with its own HTTP connection pool; each request is bounded by ``timeout``."""
        client = BriefsClient.connect(
            url, token, timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0))
        )
        return cls(
            client,
            label=url,
            timeout=timeout,
            read_only_reason=None if token else NOT_SIGNED_IN,
            live=True,
        )

    @property
    def read_only_reason(self) -> str | None:
        """None while writing may work; else why not (no token, or the server refused it)."""
        return self._read_only_reason

    @property
    def live(self) -> bool:
        """Whether screens follow the change stream: on for ``briefs tui --url`` (`connect`),
        off for a source built around a client of one's own unless asked for."""
        return self._live

    @property
    def label(self) -> str:
        """The server URL."""
        return self._label

    @property
    def timeout(self) -> float:
        """Seconds a screen waits for one load (a load may make several requests)."""
        return self._timeout * 2

    async def list_stories(self) -> list[StorySummary]:
        """``listStories``."""
        return await self._call(self._client.list_stories())

    async def get_story(self, story_id: str) -> Story:
        """``getStory``."""
        return await self._call(self._client.get_story(story_id))

    async def list_briefs(self, story_id: str) -> list[Brief]:
        """Every page of ``listBriefs``."""
        return await self._call(self._all_briefs(story_id))

    async def list_revisions(self, story_id: str, brief_id: str) -> list[BriefRef]:
        """``listRevisions``."""
        return await self._call(self._client.list_revisions(story_id, brief_id))

    async def get_revision(self, story_id: str, brief_id: str, revision: int) -> Brief:
        """``getRevision``."""
        return await self._call(self._client.get_revision(story_id, brief_id, revision))

    async def diff(self, story_id: str, old: BriefRef, new: BriefRef) -> BriefDiff:
        """``getDiff`` between two exact revisions."""
        return await self._call(
            self._client.diff(
                story_id,
                old.brief_id,
                new.brief_id,
                old_revision=old.revision,
                new_revision=new.revision,
            )
        )

    async def timeline(self, story_id: str) -> Timeline:
        """``getTimeline``."""
        return await self._call(self._client.timeline(story_id))

    async def issue_lifecycles(self, story_id: str) -> IssueLifecycles:
        """``listIssueLifecycles``."""
        return await self._call(self._client.issue_lifecycles(story_id))

    async def stance_history(self, story_id: str, party_id: str) -> StanceHistory:
        """``getStanceHistory``."""
        return await self._call(self._client.stance_history(story_id, party_id))

    async def current_brief(self, story_id: str, brief_id: str) -> Tagged[Brief]:
        """``getBrief`` with its ETag."""
        return await self._call(self._client.get_tagged_brief(story_id, brief_id))

    async def create_brief(
        self, story_id: str, draft: BriefDraft, *, change_note: str | None
    ) -> Brief:
        """``createBrief``, with ``change_note`` as the first revision's edit summary."""
        body = msgspec.structs.replace(draft, change_note=change_note)
        return (await self._write(lambda: self._client.create_brief(story_id, body))).value

    async def update_brief(
        self, story_id: str, draft: BriefDraft, *, etag: str, change_note: str | None
    ) -> Brief:
        """``updateBrief`` with ``If-Match``; a 412 becomes `EditConflictError`."""

        def call() -> Awaitable[Tagged[Brief]]:
            return self._client.update_brief(
                story_id, draft.id, draft, if_match=etag, change_note=change_note
            )

        return (await self._write(call)).value

    async def changes(
        self,
        story_id: str,
        *,
        after: int | None = None,
        on_status: Callable[[StreamStatus], None] | None = None,
    ) -> AsyncIterator[Change]:
        """``listStoryChanges`` as a live stream (server-sent events): the client resumes a
        drop with ``Last-Event-ID`` after a backoff and tells ``on_status``; an error it will
        not retry (a 4xx) ends the stream as a `SourceError`."""
        try:
            async for change in self._client.changes(story_id, after=after, on_status=on_status):
                yield change
        except BriefsClientError as error:
            raise self._source_error(error) from None

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._client.aclose()

    async def _write(self, call: Callable[[], Awaitable[T]]) -> T:
        if self._read_only_reason is not None:
            raise WriteRefusedError(self._read_only_reason)
        try:
            return await call()
        except (Unauthorized, Forbidden) as error:
            self._read_only_reason = _refusal(error)
            raise WriteRefusedError(self._read_only_reason) from None
        except PreconditionFailed as error:
            raise EditConflictError(
                "Someone else stored a new revision of this brief while you were editing.",
                current_revision=error.current_revision,
            ) from None
        except Unprocessable as error:
            problems = [f"{field.path}: {field.message}" for field in error.field_errors]
            detail = _detail(error, "") or "the server rejected the brief"
            raise InvalidDocumentError(f"Not stored: {detail}.", problems) from None
        except BriefsClientError as error:
            raise self._source_error(error) from None

    async def _all_briefs(self, story_id: str) -> list[Brief]:
        return [brief async for brief in self._client.iter_briefs(story_id, page_size=200)]

    async def _call(self, call: Awaitable[T]) -> T:
        try:
            return await call
        except BriefsClientError as error:
            raise self._source_error(error) from None

    def _source_error(self, error: BriefsClientError) -> SourceError:
        """The client's error as the TUI's: explained, and whether retrying may help."""
        return SourceError(
            explain(error, self._label),
            retryable=_retryable(error),
            unreachable=isinstance(error, TransportError),
        )


NOT_SIGNED_IN = (
    "read-only: no token. Set BRIEFS_TOKEN, or put a token with the write scope in the token "
    "file (see docs/tui.md), to edit."
)


def _refusal(error: Unauthorized | Forbidden) -> str:
    """Why the server would not let this token write, for the notification."""
    if isinstance(error, Forbidden):
        return "read-only: the token lacks the write scope (403). Use a token with write scope."
    return "read-only: the server did not accept the token (401). Check BRIEFS_TOKEN."


# What failed (the sentence's head), and what the person can do about it (its tail). The detail
# between them comes from the error, once: never the client's whole message, which already names
# the status or the server and would say it twice ("Not found (404): Not found (HTTP 404)").
_EXPLANATIONS: tuple[tuple[type[BriefsClientError], str, str], ...] = (
    (ConnectError, "Cannot reach the Briefs server at {url}", "Is it running?"),
    (RequestTimeoutError, "The Briefs server at {url} is too slow", "It did not answer in time."),
    (Unauthorized, "Not signed in (401)", "Pass --token or set BRIEFS_TOKEN."),
    (Forbidden, "Not allowed (403)", "The token needs the read scope."),
    (NotFound, "Not found (404)", ""),
    (ServerError, "The server failed ({status})", ""),
    (ResponseDecodeError, "The server sent a response Briefs cannot read", ""),
)


def explain(error: BriefsClientError, url: str) -> str:
    """One sentence for the notification: what failed, and what the person can do."""
    for kind, template, tail in _EXPLANATIONS:
        if isinstance(error, kind):
            head = template.format(url=url, status=getattr(error, "status", "?"))
            detail = _detail(error, head)
            sentence = f"{head}: {detail}." if detail else f"{head}."
            return f"{sentence} {tail}".strip()
    return error.message


def _detail(error: BriefsClientError, head: str) -> str | None:
    """The part of the error the head does not already say, without its final full stop."""
    if isinstance(error, RequestTimeoutError):
        return None  # the head says it all; the client's sentence only repeats the server
    if isinstance(error, TransportError):
        text = error.reason if isinstance(error, ConnectError) else error.message
    elif isinstance(error, APIError):
        problem = error.problem
        text = (problem.detail or problem.title) if problem is not None else None
    else:
        text = error.message
    if not text:
        return None
    text = text.strip().rstrip(".")
    # A bare title ("Not Found") repeats the head ("Not found (404)"): leave it out.
    if head.casefold().startswith(text.casefold()):
        return None
    return text


def _retryable(error: BriefsClientError) -> bool:
    return not isinstance(error, NotFound | Unauthorized | Forbidden)
