"""The semantic diff between two briefs, as wire models.

``service.domain.diff.diff_briefs`` produces a `BriefDiff`; the API serves it, the client decodes
it and the TUI and CLI render it. Issue changes, quote edits and JSON Patch operations are tagged
unions (or members of one): handle them with ``match``.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any, Literal

import msgspec

from service.domain.models import (
    BriefRef,
    Event,
    Issue,
    IssueStatus,
    Position,
    PubStatus,
    Quote,
    Source,
    Stance,
)


class TextChange(msgspec.Struct, kw_only=True, frozen=True):
    """A replaced piece of text."""

    old: str
    new: str


class ShiftDirection(enum.StrEnum):
    """Which way a stance moved on the scale supports > conditional > undecided > opposes.

    ``unclear`` sits off the scale, so moves into or out of it are ``lateral``.
    """

    TOWARD_AGREEMENT = "toward-agreement"
    AWAY_FROM_AGREEMENT = "away-from-agreement"
    LATERAL = "lateral"


class StanceShift(msgspec.Struct, kw_only=True, frozen=True):
    """A change of a party's stance category."""

    old: Stance
    new: Stance
    direction: ShiftDirection


class QuoteEdited(msgspec.Struct, kw_only=True, frozen=True, tag_field="change", tag="edited"):
    """A quote cited in both briefs whose attribution or wording was corrected: same speaker and
    source, and the same text up to case, punctuation and spacing. ``fields`` names what changed
    in model order (``cue``, ``said_on``, ``translated_by``, ...); ``old`` and ``new`` hold both
    versions. ``trivial`` is true when every named field differs only in whitespace,
    punctuation or case (possible for ``text``, ``speaker`` and ``cue``); a changed translator,
    date or source never is.

    Tagged (``"change": "edited"``) so that later kinds of quote change can join it in a tagged
    union without breaking readers.
    """

    old: Quote
    new: Quote
    fields: list[str]
    trivial: bool = False

    def field_changes(self) -> list[tuple[str, str, str]]:
        """``(field, old, new)`` for each changed field, the values as plain text (``none``
        for a missing value), for renderers."""
        return [
            (name, _plain(getattr(self.old, name)), _plain(getattr(self.new, name)))
            for name in self.fields
        ]


def _plain(value: object) -> str:
    if value is None:
        return "none"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


class PartyChange(msgspec.Struct, kw_only=True, frozen=True):
    """What changed in one party's position. ``appeared``/``disappeared`` mark a position that
    exists in only one of the two briefs; ``position`` then holds it (the new one when it
    appeared, the old one when it disappeared) and the other fields stay empty.

    A quote is matched across the two positions by its speaker, source and text (exactly, or
    else up to case, punctuation and spacing); a matched quote whose fields differ is in
    ``quotes_edited``, the rest are ``quotes_added`` or ``quotes_removed``."""

    party_id: str
    appeared: bool = False
    disappeared: bool = False
    position: Position | None = None
    stance: StanceShift | None = None
    statement: TextChange | None = None
    conditions_added: list[str] = []
    conditions_removed: list[str] = []
    quotes_added: list[Quote] = []
    quotes_removed: list[Quote] = []
    quotes_edited: list[QuoteEdited] = []


# --- issue changes: a tagged union on "change" -----------------------------------------------


class IssueOpened(msgspec.Struct, kw_only=True, frozen=True, tag_field="change", tag="opened"):
    """An issue that the new brief tracks and the old one did not (it may already be closed)."""

    issue: Issue


class IssueClosed(msgspec.Struct, kw_only=True, frozen=True, tag_field="change", tag="closed"):
    """An issue open in the old brief and closed (resolved, lapsed or overtaken) in the new one."""

    issue_id: str
    title: str
    old_status: IssueStatus
    new_status: IssueStatus
    opened_on: dt.date
    closed_on: dt.date | None = None
    resolution: str | None = None


class IssueReopened(msgspec.Struct, kw_only=True, frozen=True, tag_field="change", tag="reopened"):
    """An issue closed in the old brief and open again in the new one."""

    issue_id: str
    title: str
    old_status: IssueStatus
    new_status: IssueStatus


class IssueStatusChanged(
    msgspec.Struct, kw_only=True, frozen=True, tag_field="change", tag="status-changed"
):
    """An issue that stayed open (or stayed closed) but moved between statuses."""

    issue_id: str
    title: str
    old_status: IssueStatus
    new_status: IssueStatus


class IssueEdited(msgspec.Struct, kw_only=True, frozen=True, tag_field="change", tag="edited"):
    """An issue whose fields other than its status changed (title, note, expected date, parties,
    ...); ``fields`` names them in model order. When the status changed too, this follows the
    status change and leaves out what the transition implies (``closed_on``, ``resolution``).
    ``trivial`` is true when every named field differs only in whitespace, punctuation or case."""

    issue_id: str
    title: str
    fields: list[str]
    trivial: bool = False


class IssueDropped(msgspec.Struct, kw_only=True, frozen=True, tag_field="change", tag="dropped"):
    """An issue the old brief tracked that the new one no longer lists. ``was_closed`` tells a
    routine retirement of a closed issue from an open issue silently dropped."""

    issue: Issue
    was_closed: bool


IssueChange = (
    IssueOpened | IssueClosed | IssueReopened | IssueStatusChanged | IssueEdited | IssueDropped
)


# --- events and summary -----------------------------------------------------------------------


class EventChanged(msgspec.Struct, kw_only=True, frozen=True):
    """An event with the same id in both briefs whose content differs; ``fields`` names what."""

    old: Event
    new: Event
    fields: list[str]


class WordRun(msgspec.Struct, kw_only=True, frozen=True):
    """A run of words that is equal in both texts, inserted in the new one or deleted from the old.

    ``text`` keeps the original spacing, so joining the ``equal`` and ``delete`` runs gives the
    old text and the ``equal`` and ``insert`` runs the new one.
    """

    op: Literal["equal", "insert", "delete"]
    text: str


class SummaryDiff(msgspec.Struct, kw_only=True, frozen=True):
    """A word-level diff of the summaries."""

    runs: list[WordRun] = []
    words_added: int = 0
    words_removed: int = 0

    @property
    def changed(self) -> bool:
        """Whether any run is an insertion or deletion."""
        return any(run.op != "equal" for run in self.runs)


class BriefDiff(msgspec.Struct, kw_only=True, frozen=True):
    """What changed in meaning between two briefs (or two revisions of one brief).

    Lists follow the new brief's order, then what only the old brief had in its order;
    ``issues_unchanged`` is sorted by id. An issue whose status changed together with other
    fields has two entries: the transition, then an `IssueEdited`. Reordering alone is not a
    change (see the JSON Patch for that). ``significance`` is in [0, 1] (weights in
    ``service.domain.significance``); ``trivial`` is true when every change is whitespace,
    punctuation or letter case only, so readers can hide such edits
    (``service.domain.diff.without_trivial``).
    """

    story_id: str
    old: BriefRef
    new: BriefRef
    headline: TextChange | None = None
    # A factory, not a shared instance: OpenAPI generators hash plain defaults (Litestar does).
    summary: SummaryDiff = msgspec.field(default_factory=SummaryDiff)
    takeaways_added: list[str] = []
    takeaways_removed: list[str] = []
    parties: list[PartyChange] = []
    issues: list[IssueChange] = []
    issues_unchanged: list[str] = []
    events_added: list[Event] = []
    events_removed: list[Event] = []
    events_changed: list[EventChanged] = []
    sources_added: list[Source] = []
    sources_removed: list[Source] = []
    status: tuple[PubStatus, PubStatus] | None = None
    significance: float = 0.0
    trivial: bool = True

    @property
    def is_empty(self) -> bool:
        """Whether nothing at all changed, not even trivially."""
        unchanged = BriefDiff(
            story_id=self.story_id,
            old=self.old,
            new=self.new,
            issues_unchanged=self.issues_unchanged,
            summary=SummaryDiff(runs=[run for run in self.summary.runs if run.op == "equal"]),
        )
        return self == unchanged


# --- RFC 6902 JSON Patch: a tagged union on "op" ----------------------------------------------


class PatchAdd(msgspec.Struct, kw_only=True, frozen=True, tag_field="op", tag="add"):
    """RFC 6902 ``add``."""

    path: str
    value: Any


class PatchRemove(msgspec.Struct, kw_only=True, frozen=True, tag_field="op", tag="remove"):
    """RFC 6902 ``remove``."""

    path: str


class PatchReplace(msgspec.Struct, kw_only=True, frozen=True, tag_field="op", tag="replace"):
    """RFC 6902 ``replace``."""

    path: str
    value: Any


class PatchTest(msgspec.Struct, kw_only=True, frozen=True, tag_field="op", tag="test"):
    """RFC 6902 ``test``: guards a patch against being applied to the wrong document."""

    path: str
    value: Any


PatchOp = PatchAdd | PatchRemove | PatchReplace | PatchTest

__all__ = [
    "BriefDiff",
    "EventChanged",
    "IssueChange",
    "IssueClosed",
    "IssueDropped",
    "IssueEdited",
    "IssueOpened",
    "IssueReopened",
    "IssueStatusChanged",
    "PartyChange",
    "PatchAdd",
    "PatchOp",
    "PatchRemove",
    "PatchReplace",
    "PatchTest",
    "QuoteEdited",
    "ShiftDirection",
    "StanceShift",
    "SummaryDiff",
    "TextChange",
    "WordRun",
]
