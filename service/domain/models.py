"""The wire and storage models of a story and its briefs.

Every model here is a msgspec Struct, defined once and used by the server, the client, the TUI and
the fixtures. Response-side models are tolerant readers (unknown fields are ignored); request bodies
are the ``*Draft``/``*Create``/``*Update`` variants, which switch on ``forbid_unknown_fields`` at
their top level. Nested objects (a quote in a position) are shared with responses, so request
bodies reject unknown fields at every depth through ``service.domain.strict``, the one rule the
API and ``briefs validate`` apply; nothing is declared twice.

Mapping to IPTC ninjs 2.2 (https://iptc.org/std/ninjs/), where ninjs has the same idea:

==================  =========================  =========================================
Briefs              ninjs                      Note
==================  =========================  =========================================
Brief.id            uri (absolute)             ``{public base URL}/v1/stories/{story}/briefs/{id}``
Brief.revision      version                    1-based, +1 per edit, never rewritten
Brief.created_at    firstcreated               when revision 1 was stored
Brief.revised_at    versioncreated             when this revision was stored
Brief.status        pubstatus                  usable / withheld / canceled
Brief.headline      headlines[0].value         role ``main``
Brief.summary       descriptions[0].value      role ``summary``
Brief.author        by
Position.party_id   people / organisations     by Party.kind
Brief.sources       infosources                name = outlet, uri = url
Brief.as_of         contentcreated             the data cut-off: start of that day, UTC
Story.language      language                   BCP 47 tag, default ``en``
==================  =========================  =========================================

Size limits are part of the contract (see ``service.domain.limits``); msgspec enforces them while
decoding, so oversized input is rejected with a field path before any logic runs.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Annotated

import msgspec

from service.domain import limits

# --- constrained scalar types ---------------------------------------------------------------


def _identifier(pattern: str, description: str, example: str) -> msgspec.Meta:
    """The constraints of an identifier: ``pattern``, 1 to `limits.MAX_ID_LENGTH` characters."""
    return msgspec.Meta(
        pattern=pattern,
        min_length=1,
        max_length=limits.MAX_ID_LENGTH,
        description=description,
        examples=[example],
    )


Slug = Annotated[
    str,
    _identifier(
        r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
        "Stable kebab-case identifier, e.g. `putin-trump-call`.",
        "putin-trump-call",
    ),
]
SourceId = Annotated[
    str,
    _identifier(
        r"^[A-Za-z0-9][A-Za-z0-9._-]*$", "Identifier of a source within a brief, e.g. `S25`.", "S25"
    ),
]
ShortText = Annotated[str, msgspec.Meta(max_length=limits.MAX_SHORT_TEXT)]
Headline = Annotated[
    str,
    msgspec.Meta(
        min_length=1,
        max_length=limits.MAX_SHORT_TEXT,
        pattern=r"\S",
        description="Main headline; must contain a non-space character.",
    ),
]
LongText = Annotated[str, msgspec.Meta(max_length=limits.MAX_LONG_TEXT)]
QuoteText = Annotated[str, msgspec.Meta(min_length=1, max_length=limits.MAX_QUOTE_TEXT)]
Url = Annotated[str, msgspec.Meta(pattern=r"^https?://\S+$", max_length=limits.MAX_URL_LENGTH)]
Revision = Annotated[int, msgspec.Meta(ge=1, le=limits.MAX_REVISION)]
Language = Annotated[
    str,
    msgspec.Meta(
        # An ISO 639 language, then subtags; RFC 5646 asks for tags of up to 35 characters.
        pattern=r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$",
        max_length=35,
        description="IETF BCP 47 language tag of the story's text, e.g. `en`, `uk`, `pt-BR`.",
        examples=["en"],
    ),
]


# --- enumerations -----------------------------------------------------------------------------


class PartyKind(enum.StrEnum):
    """What kind of actor a party is."""

    STATE = "state"
    ORGANISATION = "organisation"
    PERSON = "person"
    BLOC = "bloc"


class Stance(enum.StrEnum):
    """A party's stance towards the story's central proposal, from agreement to rejection."""

    SUPPORTS = "supports"
    CONDITIONAL = "conditional"
    UNDECIDED = "undecided"
    OPPOSES = "opposes"
    UNCLEAR = "unclear"


class IssueStatus(enum.StrEnum):
    """Lifecycle status of an unresolved question. See ``OPEN_STATUSES``/``CLOSED_STATUSES``."""

    OPEN = "open"
    SCHEDULED = "scheduled"
    AGREED_IN_PRINCIPLE = "agreed-in-principle"
    IN_EFFECT = "in-effect"
    DISPUTED = "disputed"
    RESOLVED = "resolved"
    LAPSED = "lapsed"
    OVERTAKEN = "overtaken"


CLOSED_STATUSES: frozenset[IssueStatus] = frozenset(
    {IssueStatus.RESOLVED, IssueStatus.LAPSED, IssueStatus.OVERTAKEN}
)
OPEN_STATUSES: frozenset[IssueStatus] = frozenset(IssueStatus) - CLOSED_STATUSES


class PubStatus(enum.StrEnum):
    """Publication status, with ninjs ``pubstatus`` semantics. Withdrawal is ``canceled``."""

    USABLE = "usable"
    WITHHELD = "withheld"
    CANCELED = "canceled"


class DatePrecision(enum.StrEnum):
    """How precisely a date is known."""

    DAY = "day"
    MONTH = "month"
    APPROXIMATE = "approximate"


class Reliability(enum.StrEnum):
    """Source reliability grade: A original outlet or wire copy; B reputable reprint or regional
    outlet quoting a wire; C mirror, aggregator or partisan outlet (use only with corroboration)."""

    A = "A"
    B = "B"
    C = "C"


# --- value objects ----------------------------------------------------------------------------


class FuzzyDate(msgspec.Struct, kw_only=True, frozen=True):
    """A calendar date and how precisely it is known (``month`` keeps the first of the month)."""

    date: dt.date
    precision: DatePrecision = DatePrecision.DAY


class Party(msgspec.Struct, kw_only=True, frozen=True):
    """An actor in a story: a state, organisation, person or bloc."""

    id: Slug
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=limits.MAX_SHORT_TEXT)]
    kind: PartyKind
    aliases: Annotated[list[ShortText], msgspec.Meta(max_length=limits.MAX_ALIASES)] = []


class Story(msgspec.Struct, kw_only=True, frozen=True):
    """A news story: a sequence of dated briefs and the registry of its parties. ``language``
    is the language its briefs are written in (the ninjs export's ``language``)."""

    id: Slug
    title: Headline
    description: LongText = ""
    parties: Annotated[list[Party], msgspec.Meta(max_length=limits.MAX_PARTIES)] = []
    language: Language = "en"


class StoryCreate(Story, kw_only=True, frozen=True, forbid_unknown_fields=True):
    """Request body that creates a story (a `Story` that rejects unknown fields)."""


class StoryUpdate(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    """Request body that updates a story's metadata; omitted fields stay as they are."""

    title: Headline | None = None
    description: LongText | None = None
    parties: Annotated[list[Party], msgspec.Meta(max_length=limits.MAX_PARTIES)] | None = None
    language: Language | None = None


class Quote(msgspec.Struct, kw_only=True, frozen=True):
    """A verbatim, attributed quote; ``translated_by`` names the outlet whose translation it is."""

    text: QuoteText
    speaker: Annotated[str, msgspec.Meta(min_length=1, max_length=limits.MAX_SHORT_TEXT)]
    cue: ShortText = "said"
    source_id: SourceId
    said_on: dt.date | None = None
    translated_by: ShortText | None = None


class Position(msgspec.Struct, kw_only=True, frozen=True):
    """One party's position in a brief."""

    party_id: Slug
    stance: Stance
    statement: LongText = ""
    conditions: Annotated[list[ShortText], msgspec.Meta(max_length=limits.MAX_LIST_ITEMS)] = []
    quotes: Annotated[list[Quote], msgspec.Meta(max_length=limits.MAX_LIST_ITEMS)] = []


class Issue(msgspec.Struct, kw_only=True, frozen=True):
    """An unresolved question with a lifecycle, tracked across briefs by its stable ``id``.

    A brief lists every issue open at its as-of date, plus those it reports as closed. An issue is
    closed when its ``status`` is in ``CLOSED_STATUSES``; it then carries ``closed_on``.
    """

    id: Slug
    title: Headline
    status: IssueStatus = IssueStatus.OPEN
    opened_on: dt.date
    closed_on: dt.date | None = None
    resolution: LongText | None = None
    parties: Annotated[list[Slug], msgspec.Meta(max_length=limits.MAX_PARTIES)] = []
    expected: FuzzyDate | None = None
    note: LongText | None = None

    @property
    def is_closed(self) -> bool:
        """Whether the issue's status ends its lifecycle."""
        return self.status in CLOSED_STATUSES


class Event(msgspec.Struct, kw_only=True, frozen=True):
    """A dated event reported by a brief; ``id`` is stable across briefs of the story."""

    id: Slug
    when: FuzzyDate
    title: Headline
    detail: LongText = ""
    parties: Annotated[list[Slug], msgspec.Meta(max_length=limits.MAX_PARTIES)] = []
    source_ids: Annotated[list[SourceId], msgspec.Meta(max_length=limits.MAX_LIST_ITEMS)] = []


class Source(msgspec.Struct, kw_only=True, frozen=True):
    """A cited source (ninjs ``infosources``)."""

    id: SourceId
    outlet: Annotated[str, msgspec.Meta(min_length=1, max_length=limits.MAX_SHORT_TEXT)]
    title: ShortText = ""
    url: Url | None = None
    published: FuzzyDate | None = None
    reliability: Reliability = Reliability.B


# --- briefs -----------------------------------------------------------------------------------


class BriefContent(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    """The editable content of a brief; also the request body of an update (a new revision)."""

    headline: Headline
    summary: LongText = ""
    takeaways: Annotated[list[ShortText], msgspec.Meta(max_length=limits.MAX_LIST_ITEMS)] = []
    positions: Annotated[list[Position], msgspec.Meta(max_length=limits.MAX_PARTIES)] = []
    issues: Annotated[list[Issue], msgspec.Meta(max_length=limits.MAX_ISSUES)] = []
    events: Annotated[list[Event], msgspec.Meta(max_length=limits.MAX_EVENTS)] = []
    sources: Annotated[list[Source], msgspec.Meta(max_length=limits.MAX_SOURCES)] = []
    status: PubStatus = PubStatus.USABLE
    author: ShortText | None = None


ChangeNote = Annotated[
    str,
    msgspec.Meta(
        max_length=limits.MAX_CHANGE_NOTE,
        description="Why this revision was made: the edit summary, written by its editor.",
        examples=["Russia's conditions from the 13 March press conference"],
    ),
]
Editor = Annotated[
    str,
    msgspec.Meta(
        min_length=1,
        max_length=limits.MAX_EDITOR_NAME,
        description="The name of the API token that stored the revision; null when unknown "
        "(stored with authentication off, or imported from a file without it).",
        examples=["desk-editor"],
    ),
]


class BriefUpdate(
    BriefContent, kw_only=True, frozen=True, forbid_unknown_fields=True, omit_defaults=True
):
    """Request body of an update (a new revision): the content, an optional ``change_note``,
    and optionally the read-only fields of the brief as a GET returned them.

    A GET body, edited, is a valid update: each read-only field present (``id``, ``story_id``,
    ``as_of``, ``revision``, ``created_at``, ``revised_at``, ``revised_by``) must equal the
    current revision's value, else the update is a 422 naming it (``READ_ONLY_FIELDS``); absent
    or null, it is not checked. ``change_note`` describes the revision being written.
    Encoded, it leaves out what is unset (a client's body is its content and note alone).
    """

    id: Slug | None = None
    as_of: dt.date | None = None
    story_id: Slug | None = None
    revision: Revision | None = None
    created_at: dt.datetime | None = None
    revised_at: dt.datetime | None = None
    revised_by: Editor | None = None
    change_note: ChangeNote | None = None


READ_ONLY_FIELDS = ("id", "as_of", "story_id", "revision", "created_at", "revised_at", "revised_by")
"""Fields of a brief the server sets; a request body may echo them, never change them."""


class BriefDraft(
    BriefUpdate, kw_only=True, frozen=True, forbid_unknown_fields=True, omit_defaults=False
):
    """The brief document: what ``briefs validate`` checks, a story folder's files hold, and a
    POST creates: its content plus its identity within the story (``id``, ``as_of``).

    The fields the server sets may be present (a stored revision's file, or a GET body): on
    POST, ``story_id`` must be the story of the URL and ``revision`` 1; ``created_at``,
    ``revised_at`` and ``revised_by`` are replaced by the server's.
    """

    id: Slug
    as_of: dt.date


class Brief(BriefDraft, kw_only=True, frozen=True, forbid_unknown_fields=False):
    """One stored revision of a brief: a dated snapshot of the story as of ``as_of``.

    Revisions are immutable; an edit stores revision ``n + 1`` and keeps every earlier one, with
    who stored it (``revised_by``) and why (``change_note``).
    """

    story_id: Slug
    revision: Revision = 1
    created_at: dt.datetime
    revised_at: dt.datetime

    @property
    def ref(self) -> BriefRef:
        """A short reference to this revision, with its provenance."""
        return BriefRef(
            brief_id=self.id,
            as_of=self.as_of,
            revision=self.revision,
            revised_at=self.revised_at,
            revised_by=self.revised_by,
            change_note=self.change_note,
        )


class BriefRef(msgspec.Struct, kw_only=True, frozen=True):
    """Identifies one revision of one brief of a story; where the revision itself was read (a
    revision list, a diff's headers), also when, by whom and why it was stored."""

    brief_id: Slug
    as_of: dt.date
    revision: Revision
    revised_at: dt.datetime | None = None
    revised_by: Editor | None = None
    change_note: ChangeNote | None = None


def content_of(brief: BriefContent) -> BriefContent:
    """The editable content of a brief or draft, as a plain ``BriefContent``."""
    return BriefContent(
        **{field: getattr(brief, field) for field in BriefContent.__struct_fields__}
    )
