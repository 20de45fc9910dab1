"""Pure formatting of domain values into Textual `Content`, shared by the screens.

Colours are theme variables (``$text-success`` ...), never literal colours, so every theme works.
Badges carry a symbol too, so meaning survives a monochrome terminal and ``tmux capture-pane``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence

from textual.content import Content

from service.domain.changes import (
    BriefDiff,
    IssueClosed,
    IssueOpened,
    IssueReopened,
    PartyChange,
    ShiftDirection,
    WordRun,
)
from service.domain.models import (
    CLOSED_STATUSES,
    BriefRef,
    IssueStatus,
    Quote,
    Reliability,
    Stance,
)
from service.domain.presentation import Role, Span, fuzzy_date, word_spans

__all__ = [
    "DELETED",
    "INSERTED",
    "MARKER",
    "RELIABILITY_LABELS",
    "ROLE_STYLES",
    "STATUS_SYMBOLS",
    "age_days",
    "change_marks",
    "fuzzy_date",
    "inline_word_diff",
    "is_closed",
    "pair_label",
    "quote_line",
    "ref_label",
    "side_word_diff",
    "spans",
    "stance_label",
    "status_badge",
    "status_symbol",
    "summary_hunks",
]

# One marking style in the TUI: colour, and strike for deletions (no brackets, no underline).
INSERTED = "$text-success"
DELETED = "strike $text-error"
MARKER = "$text-muted"

ROLE_STYLES: Mapping[Role, str] = {
    Role.PLAIN: "",
    Role.STRONG: "bold",
    Role.EMPHASIS: "italic",
    Role.MUTED: "$text-muted",
    Role.ADDED: "$text-success",
    Role.REMOVED: "strike $text-error",
    Role.INSERTED: INSERTED,
    Role.DELETED: DELETED,
    Role.MARKER: MARKER,
    Role.STATUS: "bold $text-accent",
    Role.GOOD: "bold $text-success",
    Role.BAD: "bold $text-error",
    Role.NOTICE: "bold $text-warning",
}
"""Theme styles of the presentation roles: the TUI's side of `service.cli._render.STYLES`."""

STATUS_SYMBOLS: Mapping[IssueStatus, str] = {
    IssueStatus.OPEN: "○",
    IssueStatus.SCHEDULED: "◷",
    IssueStatus.AGREED_IN_PRINCIPLE: "◑",
    IssueStatus.IN_EFFECT: "●",
    IssueStatus.DISPUTED: "!",
    IssueStatus.RESOLVED: "✓",
    IssueStatus.LAPSED: "✗",
    IssueStatus.OVERTAKEN: "↷",
}
_STATUS_STYLES: Mapping[IssueStatus, str] = {
    IssueStatus.OPEN: "$text-warning",
    IssueStatus.SCHEDULED: "$text-accent",
    IssueStatus.AGREED_IN_PRINCIPLE: "$text-primary",
    IssueStatus.IN_EFFECT: "$text-primary",
    IssueStatus.DISPUTED: "$text-error",
    IssueStatus.RESOLVED: "$text-success",
    IssueStatus.LAPSED: "$text-muted",
    IssueStatus.OVERTAKEN: "$text-muted",
}
_STANCE_STYLES: Mapping[Stance, str] = {
    Stance.SUPPORTS: "$text-success",
    Stance.CONDITIONAL: "$text-primary",
    Stance.UNDECIDED: "$text-warning",
    Stance.OPPOSES: "$text-error",
    Stance.UNCLEAR: "$text-muted",
}
_DIRECTION_MARKS: Mapping[ShiftDirection, str] = {
    ShiftDirection.TOWARD_AGREEMENT: "▲",
    ShiftDirection.AWAY_FROM_AGREEMENT: "▼",
    ShiftDirection.LATERAL: "◆",
}
RELIABILITY_LABELS: Mapping[Reliability, str] = {
    Reliability.A: "A original/wire",
    Reliability.B: "B reputable reprint",
    Reliability.C: "C needs corroboration",
}


def status_badge(status: IssueStatus) -> Content:
    """``✓ resolved`` in the status's theme colour."""
    return Content.styled(f"{STATUS_SYMBOLS[status]} {status.value}", _STATUS_STYLES[status])


def status_symbol(status: IssueStatus) -> Content:
    """The status's symbol alone, in its theme colour."""
    return Content.styled(STATUS_SYMBOLS[status], _STATUS_STYLES[status])


def stance_label(stance: Stance) -> Content:
    """The stance in its theme colour."""
    return Content.styled(stance.value, _STANCE_STYLES[stance])


def pair_label(old: BriefRef, new: BriefRef) -> str:
    """``2025-03-14 → 2025-03-18``, or ``2025-03-14 r1 → r2`` for two revisions of one day (both
    sides labelled, so r1 is not left implicit)."""
    if old.as_of == new.as_of:
        return f"{old.as_of.isoformat()} r{old.revision} → r{new.revision}"
    return f"{ref_label(old)} → {ref_label(new)}"


def ref_label(ref: BriefRef) -> str:
    """``2025-03-14 r2`` (the revision only when it is not the first)."""
    suffix = f" r{ref.revision}" if ref.revision > 1 else ""
    return f"{ref.as_of.isoformat()}{suffix}"


def age_days(opened_on: dt.date, until: dt.date) -> str:
    """``12d``: days from opening to ``until``."""
    return f"{max((until - opened_on).days, 0)}d"


def quote_line(quote: Quote, outlets: Mapping[str, str] | None = None) -> Content:
    """A quote with its speaker, source (the outlet, when ``outlets`` names it) and translator."""
    parts: list[str | Content | tuple[str, str]] = [
        (f"“{quote.text}”", "italic"),
        " — ",
        (quote.speaker, "bold"),
        f" {quote.cue}",
    ]
    if quote.said_on is not None:
        parts.append(f" on {quote.said_on.isoformat()}")
    outlet = (outlets or {}).get(quote.source_id)
    source = f"{quote.source_id} {outlet}" if outlet else quote.source_id
    parts.append((f"  [{source}]", "$text-muted"))
    if quote.translated_by:
        parts.append((f" tr. {quote.translated_by}", "$text-muted"))
    return Content.assemble(*parts)


def spans(line: Iterable[Span]) -> Content:
    """Spans of `service.domain.presentation` as `Content`, each role in its theme style.

    The ``{+ +}``/``[- -]`` markers are left out: colour and strike-through mark the changes,
    as in ``briefs diff`` with colour (brackets on top of colour only added noise).
    """
    return Content.assemble(
        *((span.text, ROLE_STYLES[span.role]) for span in line if span.role != Role.MARKER)
    )


def inline_word_diff(runs: Iterable[WordRun]) -> Content:
    """The summary diff as one text: deletions struck through in the error colour, insertions
    in the success colour."""
    return spans(word_spans(runs))


_TOKENS = re.compile(r"\s*\S+\s*|\s+")
ELLIPSIS = "… "


def summary_hunks(runs: Sequence[WordRun], context: int = 8) -> list[list[WordRun]]:
    """The changed places of a word diff, each with ``context`` equal words either side.

    Long equal stretches between changes are cut to ``…``, as a unified diff keeps only hunks;
    two changes closer than ``2 * context`` words share a hunk.
    """
    hunks: list[list[WordRun]] = []
    current: list[WordRun] | None = None
    lead: list[WordRun] = []
    for run in runs:
        if run.op != "equal":
            if current is None:
                current, lead = lead, []
            current.append(run)
            continue
        tokens = _TOKENS.findall(run.text)
        if current is not None:
            if len(tokens) <= 2 * context:
                current.append(run)
                continue
            current.append(WordRun(op="equal", text="".join(tokens[:context]) + ELLIPSIS))
            hunks.append(current)
            current = None
        tail = tokens[-context:]
        prefix = ELLIPSIS if len(tokens) > len(tail) else ""
        lead = [WordRun(op="equal", text=prefix + "".join(tail))]
    if current is not None:
        hunks.append(current)
    return hunks


def side_word_diff(runs: Iterable[WordRun]) -> tuple[Content, Content]:
    """The summary diff as (old, new) texts for a side-by-side view."""
    old: list[tuple[str, str]] = []
    new: list[tuple[str, str]] = []
    for run in runs:
        match run.op:
            case "equal":
                old.append((run.text, ""))
                new.append((run.text, ""))
            case "insert":
                new.append((run.text, INSERTED))
            case "delete":
                old.append((run.text, DELETED))
    return Content.assemble(*old), Content.assemble(*new)


def change_marks(diff: BriefDiff, names: Mapping[str, str]) -> str:
    """A one-line summary of a diff for the timeline: issues opened/closed, stance shifts."""
    opened = sum(isinstance(change, IssueOpened) for change in diff.issues)
    closed = sum(isinstance(change, IssueClosed) for change in diff.issues)
    reopened = sum(isinstance(change, IssueReopened) for change in diff.issues)
    marks: list[str] = []
    if opened:
        marks.append(f"+{opened} opened")
    if closed:
        marks.append(f"✓{closed} closed")
    if reopened:
        marks.append(f"↺{reopened} reopened")
    marks.extend(_shift_mark(change, names) for change in diff.parties if change.stance)
    if diff.events_added:
        marks.append(f"+{len(diff.events_added)} events")
    if not marks:
        marks.append("trivial edits" if diff.trivial and not diff.is_empty else "no change")
    return " · ".join(marks)


def _shift_mark(change: PartyChange, names: Mapping[str, str]) -> str:
    assert change.stance is not None  # callers filter on it
    mark = _DIRECTION_MARKS[change.stance.direction]
    name = names.get(change.party_id, change.party_id)
    return f"{mark}{name} {change.stance.old.value}→{change.stance.new.value}"


def is_closed(status: IssueStatus) -> bool:
    """Whether a status ends an issue's lifecycle."""
    return status in CLOSED_STATUSES
