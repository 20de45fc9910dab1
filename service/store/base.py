"""The storage interface the API depends on, split by concern; one SQL core implements it all.

Revisions are immutable: ``update_brief`` appends revision ``n + 1`` only when the caller's
``expected_revision`` is still current (compare-and-set), so concurrent editors cannot lose work.
Nothing is ever deleted; withdrawal is ``status = canceled`` in a new revision, and a withdrawn
brief is never the "latest" one (nor the "previous" of another), though listings still show it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Protocol

import msgspec

from service.domain.changelog import Change, ChangeKind
from service.domain.files import StoryFolder
from service.domain.models import Brief, BriefContent, BriefDraft, BriefRef, Story, StoryUpdate
from service.domain.views import StorySummary
from service.domain.webhooks import DeliveryAttempt, WebhookDelivery
from service.domain.wire import BriefPage, BriefQuery, Scope

Now = dt.datetime
"""The time a write is stamped with (aware, UTC)."""


class TokenRecord(msgspec.Struct, kw_only=True, frozen=True):
    """A stored API token: only a hash of the secret is kept."""

    id: str
    name: str
    scopes: list[Scope]
    secret_hash: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None = None


class Health(msgspec.Struct, kw_only=True, frozen=True):
    """Readiness of the database: reachable, schema current, integrity sound."""

    ok: bool
    backend: str
    detail: str = ""


class ImportReport(msgspec.Struct, kw_only=True, frozen=True):
    """What an idempotent import stored and what it found already present."""

    stories_created: int = 0
    revisions_created: int = 0
    revisions_unchanged: int = 0


class EncodedBriefPage(msgspec.Struct, kw_only=True, frozen=True):
    """A `BriefPage` whose items are already encoded: ``codec.encode`` of it is byte for byte
    ``codec.encode`` of the `BriefPage` (same fields, same order)."""

    items: list[msgspec.Raw]
    next_cursor: str | None = None


def story_version_of(briefs: Iterable[Brief]) -> int:
    """The story version of these current briefs: the sum of their revision numbers.

    Creating a brief adds its revision and every update or withdrawal adds one, and nothing is
    ever deleted, so the sum strictly grows with each change of the set and never repeats.
    """
    return sum(brief.revision for brief in briefs)


Observer = Callable[[str, float, bool], None]
"""Told of every store operation once it ends: ``(operation, seconds, ok)``, where ``operation``
is the method's name and ``ok`` is false when it raised."""


class StoreLifecycle(Protocol):
    """Opening, closing, readiness and timing of a store."""

    async def open(self) -> None:
        """Connect and run pending schema migrations."""

    async def close(self) -> None:
        """Release connections."""

    async def health(self) -> Health:
        """Check the database is reachable and sound, and that writes do not fail for want of
        space (SQLite: ``PRAGMA quick_check`` too)."""

    def observe(self, observer: Observer) -> None:
        """From now on, report every operation's duration and outcome to ``observer``."""


class StoryStore(Protocol):
    """Stories: the metadata every brief belongs to."""

    async def is_empty(self) -> bool:
        """Whether no story is stored yet."""

    async def list_stories(self) -> list[StorySummary]:
        """Every story with counts, ordered by id."""

    async def get_story(self, story_id: str) -> Story:
        """One story; raises ``NotFoundError``."""

    async def create_story(self, story: Story) -> Story:
        """Store a new story; raises ``ConflictError`` if the id exists."""

    async def update_story(self, story_id: str, update: StoryUpdate) -> Story:
        """Change a story's metadata; raises ``NotFoundError``."""


class BriefStore(Protocol):
    """Briefs and their immutable revisions."""

    async def create_brief(
        self, story_id: str, draft: BriefDraft, now: dt.datetime, *, revised_by: str | None = None
    ) -> Brief:
        """Store revision 1 of a new brief; ``ConflictError`` if its id or as-of date exists.

        ``revised_by`` (the writer's token name, ``None`` when unknown) is recorded with it.
        """

    async def update_brief(
        self,
        story_id: str,
        brief_id: str,
        content: BriefContent,
        expected: int | None,
        now: Now,
        *,
        revised_by: str | None = None,
    ) -> Brief:
        """Append a revision if ``expected`` is the current revision number (``None``: whatever
        is current); else ``PreconditionFailedError`` with the current one. A `BriefUpdate`'s
        read-only fields must equal the current revision's (``InvalidContentError``), and its
        ``change_note`` is stored with the new revision, as is ``revised_by``.

        The check and the insert are atomic across processes and replicas, and the current
        revision is read once, inside that transaction.
        """

    async def get_brief(self, story_id: str, brief_id: str, revision: int | None = None) -> Brief:
        """The latest (or the given) revision of a brief; raises ``NotFoundError``."""

    async def get_brief_on(self, story_id: str, as_of: dt.date) -> Brief:
        """The latest revision of the brief dated ``as_of``; raises ``NotFoundError``."""

    async def latest_brief(self, story_id: str) -> Brief:
        """The latest revision of the most recent brief that is not withdrawn (``canceled``);
        raises ``NotFoundError``."""

    async def previous_brief(self, story_id: str, as_of: dt.date) -> Brief | None:
        """The latest revision of the brief dated just before ``as_of`` that is not withdrawn."""

    async def current_ref(self, story_id: str, brief_ref: str | dt.date) -> BriefRef:
        """The current revision of the brief with this id (``str``) or as-of date (``date``).

        One indexed row, no body read: what a cache of immutable revisions needs to key on.
        Raises ``NotFoundError`` as ``get_brief`` (an id) or ``get_brief_on`` (a date) do.
        """

    async def latest_ref(self, story_id: str) -> BriefRef:
        """The current revision of the brief ``latest_brief`` reads (as ``current_ref``); raises
        ``NotFoundError`` as ``latest_brief`` does."""

    async def revision_json(self, story_id: str, brief_id: str, revision: int) -> bytes:
        """One revision encoded as ``codec.encode`` would (compact canonical JSON), without a
        decode where the backend stores those bytes; raises ``NotFoundError`` as ``get_brief``."""

    async def list_revisions(self, story_id: str, brief_id: str) -> list[Brief]:
        """Every revision of a brief, oldest first; raises ``NotFoundError``."""

    async def revision_refs(self, story_id: str, brief_id: str) -> list[BriefRef]:
        """Every revision of a brief as a `BriefRef` with its provenance (``revised_at``,
        ``revised_by``, ``change_note``), oldest first, without reading bodies; raises
        ``NotFoundError``."""

    async def list_briefs(self, story_id: str, query: BriefQuery) -> BriefPage:
        """Latest revisions matching the filters (withdrawn ones too), by as-of date,
        keyset-paginated."""

    async def list_briefs_encoded(self, story_id: str, query: BriefQuery) -> EncodedBriefPage:
        """``list_briefs`` with each item as its canonical JSON (see ``revision_json``)."""

    async def story_briefs(self, story_id: str) -> list[Brief]:
        """The latest revision of every brief of a story, withdrawn ones too, by as-of date."""

    async def story_version(self, story_id: str) -> int:
        """A number that grows whenever the story's set of current briefs changes.

        It is ``story_version_of(story_briefs(story_id))``, read without a body: one index-only
        scan of the story's rows in ``briefs``, always from the database, so replicas sharing it
        agree at once. Views derived from the current briefs may be cached under it. 0 for a story
        without briefs; raises ``NotFoundError`` for an unknown story, as ``story_briefs`` does.
        """


class ImportStore(Protocol):
    """Bulk, idempotent loading of story folders."""

    async def import_folder(self, folder: StoryFolder) -> ImportReport:
        """Idempotently store a story folder: existing identical revisions are skipped."""


class TokenStore(Protocol):
    """API tokens (hashes of their secrets)."""

    async def create_token(self, record: TokenRecord) -> None:
        """Store a token record; raises ``ConflictError`` if the name is taken."""

    async def find_token(self, secret_hash: str) -> TokenRecord | None:
        """The token with this secret hash (revoked ones included), if any."""

    async def list_tokens(self) -> list[TokenRecord]:
        """Every token, revoked ones included, by creation time."""

    async def revoke_token(self, name_or_id: str, now: dt.datetime) -> TokenRecord:
        """Mark a token revoked; raises ``NotFoundError``."""


ChangeListener = Callable[[int], None]
"""Told the newest change id the store knows of, after a commit on this process or (PostgreSQL)
on any replica. A wake-up only: read the log (``changes_after``) for the changes themselves."""


class ChangeStore(Protocol):
    """The durable change log written with every revision and story change (an outbox)."""

    async def changes_after(
        self, after: int, *, story_id: str | None = None, limit: int = 100
    ) -> list[Change]:
        """Up to ``limit`` changes with an id above ``after``, oldest first, of one story or all;
        raises ``NotFoundError`` for an unknown ``story_id``."""

    async def last_change_id(self, story_id: str | None = None) -> int:
        """The newest change id (of one story, or of all), 0 when the log is empty."""

    def on_change(self, listener: ChangeListener) -> Callable[[], None]:
        """Call ``listener`` after every committed change from now on (PostgreSQL: on every
        replica, through ``LISTEN/NOTIFY``); returns the function that stops it. Listeners
        run on the event loop and must not block."""


class WebhookProgress(msgspec.Struct, kw_only=True, frozen=True):
    """Where an endpoint's queue stands: every change up to ``last_change_id`` is delivered or
    given up on; ``attempt`` attempts were made at the next one it wants."""

    last_change_id: int = 0
    attempt: int = 0
    next_attempt_at: dt.datetime | None = None
    """When the next attempt is due; ``None``: as soon as there is a change to send."""
    failing_since: dt.datetime | None = None
    failed_changes: int = 0
    """Changes given up on in a row (reset by a delivery)."""
    disabled_at: dt.datetime | None = None
    disabled_reason: str | None = None


class WebhookRecord(msgspec.Struct, kw_only=True, frozen=True):
    """A stored webhook endpoint with its secret and the state of its delivery queue."""

    id: str
    url: str
    events: list[ChangeKind]
    story_id: str | None
    secret: str
    created_at: dt.datetime
    progress: WebhookProgress


class WebhookStore(Protocol):
    """Webhook endpoints, their delivery queues (a cursor into the change log each) and their
    delivery logs. A deliverer leases an endpoint (``claim_webhooks``) before sending to it, so
    one process at a time delivers to an endpoint, on any number of replicas."""

    async def create_webhook(self, record: WebhookRecord) -> None:
        """Store a new endpoint; ``NotFoundError`` if its ``story_id`` names no story."""

    async def list_webhooks(self) -> list[WebhookRecord]:
        """Every endpoint not deleted, by creation time."""

    async def get_webhook(self, webhook_id: str) -> WebhookRecord:
        """One endpoint; raises ``NotFoundError`` (a deleted one too)."""

    async def delete_webhook(self, webhook_id: str, now: Now) -> None:
        """Stop deliveries to an endpoint and hide it; its log is kept. ``NotFoundError``."""

    async def webhook_deliveries(
        self, webhook_id: str, *, limit: int = 100
    ) -> list[WebhookDelivery]:
        """The newest ``limit`` attempts of an endpoint's delivery log, newest first;
        raises ``NotFoundError``."""

    async def claim_webhooks(
        self, owner: str, now: Now, *, lease_until: Now, behind: int, limit: int
    ) -> list[WebhookRecord]:
        """Lease up to ``limit`` enabled endpoints that are due (no retry pending later than
        ``now``), behind the change log (``last_change_id < behind``) and not leased by another
        deliverer: ``owner`` holds them until ``lease_until``. Claims on several replicas never
        return the same endpoint while its lease lasts."""

    async def save_webhook_progress(
        self,
        webhook_id: str,
        owner: str,
        progress: WebhookProgress,
        *,
        attempt: DeliveryAttempt | None,
        lease_until: Now,
    ) -> bool:
        """Store an endpoint's new progress and log ``attempt`` (if any), extending the lease,
        all in one transaction; false (and nothing stored) if ``owner`` no longer holds the
        lease or the endpoint is deleted or disabled."""

    async def release_webhooks(self, owner: str, webhook_ids: list[str] | None = None) -> None:
        """End ``owner``'s leases (of these endpoints, or of all it holds)."""


class Store(
    StoreLifecycle,
    StoryStore,
    BriefStore,
    ImportStore,
    TokenStore,
    ChangeStore,
    WebhookStore,
    Protocol,
):
    """Durable, versioned storage of stories, brief revisions, API tokens, the change log and
    webhooks: every concern."""
