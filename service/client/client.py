"""`BriefsClient`: one typed async method per endpoint of ``docs/api.md``."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Iterable, Sequence
from typing import Any, Literal, Unpack

import httpx
import msgspec

from service.client.changes import ChangeReads
from service.client.history import HistoryReads
from service.client.models import BriefFilters, ServiceStatus, Tagged
from service.client.params import (
    BriefRefLike,
    brief_diff_params,
    brief_path,
    briefs_path,
    content_only,
    diff_params,
    filter_params,
    service_status,
    story_path,
)
from service.client.transport import DEFAULT_TIMEOUT, path_segment
from service.client.webhooks import WebhookCalls
from service.domain.changes import BriefDiff, PatchOp
from service.domain.extract.article import ArticleDraftRequest
from service.domain.extract.draft import ArticleDraft
from service.domain.models import (
    Brief,
    BriefContent,
    BriefDraft,
    BriefRef,
    Story,
    StoryUpdate,
)
from service.domain.views import IssueLifecycles, StanceHistory, StorySummary, Timeline
from service.domain.wire import (
    JSON_PATCH,
    BriefPage,
    BriefProjectionPage,
    Scope,
    TokenCreate,
    TokenCreated,
    TokenInfo,
)

IssueState = Literal["all", "open", "closed"]

# Tolerant readers, built once: unknown fields in responses are ignored.
_story = msgspec.json.Decoder(Story)
_stories = msgspec.json.Decoder(list[StorySummary])
_brief = msgspec.json.Decoder(Brief)
_article_draft = msgspec.json.Decoder(ArticleDraft)
_page = msgspec.json.Decoder(BriefPage)
_projected = msgspec.json.Decoder(BriefProjectionPage)
_refs = msgspec.json.Decoder(list[BriefRef])
_diff = msgspec.json.Decoder(BriefDiff)
_patch = msgspec.json.Decoder(list[PatchOp])
_timeline = msgspec.json.Decoder(Timeline)
_lifecycles = msgspec.json.Decoder(IssueLifecycles)
_stances = msgspec.json.Decoder(StanceHistory)
_tokens = msgspec.json.Decoder(list[TokenInfo])
_token_info = msgspec.json.Decoder(TokenInfo)
_token_created = msgspec.json.Decoder(TokenCreated)
_object = msgspec.json.Decoder(dict[str, Any])


class BriefsClient(HistoryReads, ChangeReads, WebhookCalls):
    """Async client of the Briefs API over an injected `httpx.AsyncClient`.

    Use `connect` for a ready client, or inject your own (``httpx.MockTransport`` or
    ``httpx.ASGITransport`` in tests). Every method raises only `BriefsClientError` subclasses.
    """

    @classmethod
    def connect(
        cls,
        base_url: str,
        token: str | None = None,
        *,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> BriefsClient:
        """A client with its own `httpx.AsyncClient` (closed with the client)."""
        http = httpx.AsyncClient(base_url=base_url, timeout=timeout, transport=transport)
        return cls(http, token=token, owns_http=True)

    def _tagged_brief(self, response: httpx.Response) -> Tagged[Brief]:
        """The brief a response carries, with the ETag that guards its next edit."""
        return Tagged(value=self._decode(response, _brief), etag=self._etag(response))

    # --- service ------------------------------------------------------------------------------

    async def health(self) -> ServiceStatus:
        """Liveness (``GET /healthz``)."""
        response = await self.send("GET", "/healthz")
        return service_status(True, self._decode(response, _object))

    async def ready(self) -> ServiceStatus:
        """Readiness (``GET /readyz``); a 503 is returned with ``ok=False``, not raised."""
        response = await self.send("GET", "/readyz", accept_statuses=(503,))
        return service_status(response.status_code == 200, self._decode(response, _object))

    # --- stories ------------------------------------------------------------------------------

    async def list_stories(self) -> list[StorySummary]:
        """Every story with counts (``listStories``)."""
        return self._decode(await self.send("GET", "/v1/stories"), _stories)

    async def create_story(self, story: Story) -> Story:
        """Create a story (``createStory``); `Conflict` if the id exists."""
        return self._decode(await self.send("POST", "/v1/stories", body=story), _story)

    async def get_story(self, story_id: str) -> Story:
        """One story (``getStory``)."""
        return self._decode(await self.send("GET", story_path(story_id)), _story)

    async def update_story(self, story_id: str, update: StoryUpdate) -> Story:
        """Change a story's title, description or parties (``updateStory``)."""
        response = await self.send("PATCH", story_path(story_id), body=update)
        return self._decode(response, _story)

    # --- listing briefs -----------------------------------------------------------------------

    async def list_briefs(
        self,
        story_id: str,
        *,
        cursor: str | None = None,
        limit: int | None = None,
        **filters: Unpack[BriefFilters],
    ) -> BriefPage:
        """One page of latest revisions by as-of date (``listBriefs``); see `BriefFilters`."""
        params = filter_params(filters)
        params.update(cursor=cursor, limit=limit)
        response = await self.send("GET", briefs_path(story_id), params=params)
        return self._decode(response, _page)

    async def iter_briefs(
        self, story_id: str, *, page_size: int = 50, **filters: Unpack[BriefFilters]
    ) -> AsyncIterator[Brief]:
        """Every matching brief, following ``next_cursor`` page after page."""
        cursor: str | None = None
        while True:
            page = await self.list_briefs(story_id, cursor=cursor, limit=page_size, **filters)
            for brief in page.items:
                yield brief
            if not page.next_cursor:
                return
            cursor = page.next_cursor

    async def project_briefs(
        self,
        story_id: str,
        fields: Iterable[str],
        *,
        cursor: str | None = None,
        limit: int | None = None,
        **filters: Unpack[BriefFilters],
    ) -> BriefProjectionPage:
        """One page of partial briefs holding only ``fields`` (plus ``id``) as plain dicts."""
        params = filter_params(filters)
        params.update(cursor=cursor, limit=limit, fields=",".join(fields))
        response = await self.send("GET", briefs_path(story_id), params=params)
        return self._decode(response, _projected)

    # --- one brief ----------------------------------------------------------------------------

    async def create_brief(self, story_id: str, draft: BriefDraft) -> Tagged[Brief]:
        """Store revision 1 of a new brief (``createBrief``), with its ETag."""
        response = await self.send("POST", briefs_path(story_id), body=draft)
        return self._tagged_brief(response)

    async def draft_from_article(self, story_id: str, request: ArticleDraftRequest) -> ArticleDraft:
        """The next brief drafted from an article (``draftFromArticle``); stores nothing."""
        response = await self.send("POST", f"{story_path(story_id)}/drafts", body=request)
        return self._decode(response, _article_draft)

    async def get_brief(
        self,
        story_id: str,
        brief_ref: BriefRefLike,
        *,
        revision: int | None = None,
        at: dt.datetime | None = None,
    ) -> Brief:
        """The latest (or a given) revision of a brief, by id or as-of date; with ``at`` (an
        aware instant), the revision current then (`NotFound` if the brief did not exist)."""
        tagged = await self.get_tagged_brief(story_id, brief_ref, revision=revision, at=at)
        return tagged.value

    async def get_tagged_brief(
        self,
        story_id: str,
        brief_ref: BriefRefLike,
        *,
        revision: int | None = None,
        at: dt.datetime | None = None,
    ) -> Tagged[Brief]:
        """Like `get_brief`, with the ETag to pass as ``if_match`` to `update_brief`."""
        path = brief_path(story_id, brief_ref)
        if revision is not None:
            path += f"/revisions/{revision}"
        response = await self.send("GET", path, params={"at": at})
        return self._tagged_brief(response)

    async def refresh_brief(self, story_id: str, tagged: Tagged[Brief]) -> Tagged[Brief]:
        """The brief's current revision, revalidated with ``If-None-Match``: ``tagged`` itself
        (and no body on the wire) while it is still current, else the new revision."""
        response = await self.send(
            "GET",
            brief_path(story_id, tagged.value.id),
            headers={"If-None-Match": tagged.etag},
            accept_statuses=(304,),
        )
        if response.status_code == 304:
            return tagged
        return self._tagged_brief(response)

    async def brief_on(self, story_id: str, as_of: dt.date) -> Brief:
        """The latest revision of the brief dated ``as_of``."""
        return await self.get_brief(story_id, as_of)

    async def latest_brief(
        self, story_id: str, *, on: dt.date | None = None, at: dt.datetime | None = None
    ) -> Brief:
        """The latest revision of the story's most recent brief (``getLatestBrief``); with
        ``on``, the brief in effect that day; with ``at``, the latest brief as it stood then."""
        return (await self.get_tagged_latest_brief(story_id, on=on, at=at)).value

    async def get_tagged_latest_brief(
        self, story_id: str, *, on: dt.date | None = None, at: dt.datetime | None = None
    ) -> Tagged[Brief]:
        """Like `latest_brief`, with its ETag."""
        response = await self.send(
            "GET", f"{briefs_path(story_id)}/latest", params={"on": on, "at": at}
        )
        return self._tagged_brief(response)

    async def get_revision(self, story_id: str, brief_ref: BriefRefLike, revision: int) -> Brief:
        """One stored revision of a brief (``getRevision``)."""
        return await self.get_brief(story_id, brief_ref, revision=revision)

    async def list_revisions(self, story_id: str, brief_ref: BriefRefLike) -> list[BriefRef]:
        """Every revision of a brief, oldest first (``listRevisions``)."""
        response = await self.send("GET", f"{brief_path(story_id, brief_ref)}/revisions")
        return self._decode(response, _refs)

    async def update_brief(
        self,
        story_id: str,
        brief_ref: BriefRefLike,
        content: BriefContent,
        *,
        if_match: str | Tagged[Any],
        change_note: str | None = None,
    ) -> Tagged[Brief]:
        """Store a new revision (``updateBrief``) if ``if_match`` is still current, with
        ``change_note`` (or that of a `BriefUpdate` passed as ``content``) as its edit summary.

        Raises `PreconditionFailed` (with ``current_revision``) when someone else edited first.
        """
        etag = if_match.etag if isinstance(if_match, Tagged) else if_match
        response = await self.send(
            "PUT",
            brief_path(story_id, brief_ref),
            body=content_only(content, change_note),
            headers={"If-Match": etag},
        )
        return self._tagged_brief(response)

    # --- diffs --------------------------------------------------------------------------------

    async def diff_brief(
        self,
        story_id: str,
        brief_ref: BriefRefLike,
        *,
        against: BriefRefLike | None = None,
        revision: int | None = None,
        against_revision: int | None = None,
        hide_trivial: bool | None = None,
    ) -> BriefDiff:
        """What changed from ``against`` (default: the previous brief) to this brief."""
        params = brief_diff_params(against, revision, against_revision, hide_trivial)
        response = await self.send("GET", f"{brief_path(story_id, brief_ref)}/diff", params=params)
        return self._decode(response, _diff)

    async def patch_brief(
        self,
        story_id: str,
        brief_ref: BriefRefLike,
        *,
        against: BriefRefLike | None = None,
        revision: int | None = None,
        against_revision: int | None = None,
    ) -> list[PatchOp]:
        """The RFC 6902 JSON Patch that turns ``against`` into this brief."""
        params = brief_diff_params(against, revision, against_revision, None)
        response = await self.send(
            "GET",
            f"{brief_path(story_id, brief_ref)}/diff",
            params=params,
            headers={"Accept": JSON_PATCH},
        )
        return self._decode(response, _patch)

    async def diff(
        self,
        story_id: str,
        old: BriefRefLike,
        new: BriefRefLike,
        *,
        old_revision: int | None = None,
        new_revision: int | None = None,
        hide_trivial: bool | None = None,
    ) -> BriefDiff:
        """What changed between two briefs (or revisions) of a story (``getDiff``)."""
        params = diff_params(old, new, old_revision, new_revision, hide_trivial)
        response = await self.send("GET", f"{story_path(story_id)}/diff", params=params)
        return self._decode(response, _diff)

    async def patch(
        self,
        story_id: str,
        old: BriefRefLike,
        new: BriefRefLike,
        *,
        old_revision: int | None = None,
        new_revision: int | None = None,
    ) -> list[PatchOp]:
        """The RFC 6902 JSON Patch from ``old`` to ``new``."""
        params = diff_params(old, new, old_revision, new_revision, None)
        response = await self.send(
            "GET", f"{story_path(story_id)}/diff", params=params, headers={"Accept": JSON_PATCH}
        )
        return self._decode(response, _patch)

    # --- exports and story views --------------------------------------------------------------

    async def export_markdown(
        self, story_id: str, brief_ref: BriefRefLike, *, revision: int | None = None
    ) -> str:
        """The brief as Markdown (``exportBriefMarkdown``)."""
        response = await self.send(
            "GET", f"{brief_path(story_id, brief_ref)}/markdown", params={"revision": revision}
        )
        return self._text(response, "text/markdown")

    async def export_ninjs(
        self, story_id: str, brief_ref: BriefRefLike, *, revision: int | None = None
    ) -> dict[str, Any]:
        """The brief as an IPTC ninjs 2.x document (``exportBriefNinjs``)."""
        response = await self.send(
            "GET", f"{brief_path(story_id, brief_ref)}/ninjs", params={"revision": revision}
        )
        return self._decode(response, _object)

    async def timeline(self, story_id: str, *, at: dt.datetime | None = None) -> Timeline:
        """Every event of the story in chronological order (``getTimeline``); with ``at``, as
        the briefs stood at that instant."""
        path = f"{story_path(story_id)}/timeline"
        return self._decode(await self.send("GET", path, params={"at": at}), _timeline)

    async def issue_lifecycles(
        self, story_id: str, *, state: IssueState = "all", at: dt.datetime | None = None
    ) -> IssueLifecycles:
        """The life of each issue across the story (``listIssueLifecycles``); with ``at``, as
        the briefs stood at that instant."""
        response = await self.send(
            "GET", f"{story_path(story_id)}/issues", params={"state": state, "at": at}
        )
        return self._decode(response, _lifecycles)

    async def stance_history(self, story_id: str, party_id: str) -> StanceHistory:
        """One party's stance over time (``getStanceHistory``)."""
        path = f"{story_path(story_id)}/parties/{path_segment(party_id)}/stances"
        return self._decode(await self.send("GET", path), _stances)

    # --- tokens (admin) -----------------------------------------------------------------------

    async def list_tokens(self) -> list[TokenInfo]:
        """Every API token, revoked ones included; never the secrets."""
        return self._decode(await self.send("GET", "/v1/tokens"), _tokens)

    async def create_token(self, name: str, scopes: Sequence[Scope | str]) -> TokenCreated:
        """A new token; ``TokenCreated.token`` is the secret, shown this once."""
        body = TokenCreate(name=name, scopes=[Scope(scope) for scope in scopes])
        return self._decode(await self.send("POST", "/v1/tokens", body=body), _token_created)

    async def revoke_token(self, token_ref: str) -> TokenInfo:
        """Revoke a token by id or name."""
        path = f"/v1/tokens/{path_segment(token_ref)}/revoke"
        return self._decode(await self.send("POST", path), _token_info)
