"""What a `BriefDiff` says to a reader, as ordered sections of styled spans: one presentation that
the CLI (``service/cli/_render.py``, rich) and the TUI (``tui/widgets/diff_view.py``, Textual
theme variables) both draw, so they say the same thing in the same order.

Spans carry a `Role` (inserted, deleted, muted, status ...), never a colour or a markup string:
each renderer maps roles to its own styles. The text alone reads without colour: added and
removed items start with ``+``/``-``, and word-level changes are bracketed ``{+like this+}`` and
``[-like this-]`` (as ``git diff --word-diff`` does) by `Role.MARKER` spans, which colour
renderers leave out (one marking style: markers without colour, colour and strike with it).

Order: a header (story, revisions, significance, then one line counting the changes), then
publication status, issues (closures first) and stances: what moved leads. Then edits of the
issues' notes, the headline, the rest of the parties' positions, quotes (new, no longer cited,
corrected), takeaways, events and sources, and the summary's word diff last.
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from service.domain import changes
from service.domain.changes import BriefDiff, PartyChange, SummaryDiff, WordRun
from service.domain.models import (
    BriefRef,
    DatePrecision,
    FuzzyDate,
    Issue,
    IssueStatus,
    Quote,
    Source,
    Story,
)
from service.domain.worddiff import word_diff


class Role(enum.StrEnum):
    """What a span is to the reader; renderers map each role to a style."""

    PLAIN = "plain"
    STRONG = "strong"  # names and ids a reader scans for
    EMPHASIS = "emphasis"  # quoted words
    MUTED = "muted"  # detail that explains rather than reports
    ADDED = "added"  # a whole item only the new brief has
    REMOVED = "removed"  # a whole item only the old brief had
    INSERTED = "inserted"  # words inserted within a text
    DELETED = "deleted"  # words deleted within a text
    MARKER = "marker"  # the {+ +} and [- -] brackets around inserted and deleted words
    STATUS = "status"  # a status something moved to
    GOOD = "good"  # a move toward agreement, an issue closed
    BAD = "bad"  # a move away from agreement, an issue dropped while open, a major change
    NOTICE = "notice"  # a sideways move, a notable change: worth a look


class Span(NamedTuple):
    """A piece of text and its role."""

    text: str
    role: Role = Role.PLAIN


Line = tuple[Span, ...]
"""One line (an entry may continue on indented lines after a ``\\n``)."""


@dataclass(frozen=True)
class Section:
    """A titled group of lines. ``key`` is stable (``issues``, ``events`` ...) for ids and jumps.

    The summary's section also carries its `SummaryDiff` in ``words``, after its counting line,
    for the renderer to lay out (whole and inline, in hunks, or side by side).
    """

    key: str
    title: str
    lines: tuple[Line, ...]
    words: SummaryDiff | None = None


@dataclass(frozen=True)
class DiffContext:
    """What the presentation knows beyond the diff: names of parties and the cited sources."""

    parties: Mapping[str, str] = field(default_factory=dict)
    """Party id -> display name; unknown ids are shown as they are."""
    sources: Mapping[str, Source] = field(default_factory=dict)
    issues: Mapping[str, Issue] = field(default_factory=dict)
    """The new brief's issues by id: their notes explain status changes and edits."""
    old_issues: Mapping[str, Issue] = field(default_factory=dict)
    """The old brief's issues by id: an edited note or resolution is shown old -> new."""
    story: Story | None = None
    """The story, for its title in the header."""
    trivial_hidden: bool = False
    """Trivial edits were removed from the diff; the significance line says so."""

    def party(self, party_id: str) -> str:
        """The party's display name, or its id when the story does not know it."""
        return self.parties.get(party_id, party_id)


def fuzzy_date(value: FuzzyDate) -> str:
    """A date with its precision: ``2025-03-14``, ``2025-03`` or ``~2025-03-14``."""
    match value.precision:
        case DatePrecision.MONTH:
            return value.date.strftime("%Y-%m")
        case DatePrecision.APPROXIMATE:
            return f"~{value.date.isoformat()}"
        case _:
            return value.date.isoformat()


def word_spans(runs: Iterable[WordRun]) -> list[Span]:
    """A word diff as one text: equal words plain, changes bracketed by `Role.MARKER` spans."""
    spans: list[Span] = []
    for run in runs:
        match run.op:
            case "equal":
                spans.append(Span(run.text))
            case "insert":
                spans += [Span("{+", Role.MARKER), Span(run.text, Role.INSERTED)]
                spans.append(Span("+}", Role.MARKER))
            case "delete":
                spans += [Span("[-", Role.MARKER), Span(run.text, Role.DELETED)]
                spans.append(Span("-]", Role.MARKER))
    return spans


# --- header ------------------------------------------------------------------------------------


def header(diff: BriefDiff, context: DiffContext) -> list[Line]:
    """Story, old -> new revisions, significance, and (unless nothing changed) the counts."""
    story = [Span(diff.story_id, Role.STRONG)]
    if context.story is not None and context.story.id == diff.story_id:
        story.append(Span(f"  {context.story.title}"))
    lines = [tuple(story), (*_ref(diff.old), Span("  ->  "), *_ref(diff.new))]
    lines.append(significance(diff, context))
    counted = counts(diff)
    if counted:
        lines.append(counted)
    return lines


def significance(diff: BriefDiff, context: DiffContext) -> Line:
    """``significance 0.81 (major)``, with what was hidden."""
    label, role = _significance_label(diff, context)
    return (
        Span("significance "),
        Span(f"{diff.significance:.2f}", role),
        Span(f" ({label})", role),
    )


CLOSED_SYMBOLS = {IssueStatus.RESOLVED: "✓", IssueStatus.LAPSED: "✗", IssueStatus.OVERTAKEN: "↷"}
"""The symbol of each way an issue closes (the TUI's status badges use the same)."""


def counts(diff: BriefDiff) -> Line:
    """One line counting what changed, most telling first (``✓1 resolved · +5 opened · 1 stance
    shift · +5 events``); empty when nothing did."""
    closed = Counter(c.new_status for c in diff.issues if isinstance(c, changes.IssueClosed))
    kinds = Counter(type(change) for change in diff.issues)
    parts = [
        *(f"{CLOSED_SYMBOLS.get(status, '✓')}{n} {status.value}" for status, n in closed.items()),
        _signed("↺", kinds[changes.IssueReopened], "reopened"),
        _signed("", kinds[changes.IssueDropped], "dropped"),
        _signed("+", kinds[changes.IssueOpened], "opened"),
        _count(kinds[changes.IssueStatusChanged], "status change"),
        _count(sum(change.stance is not None for change in diff.parties), "stance shift"),
        _signed("+", len(diff.events_added), "event", plural=True),
        _signed("-", len(diff.events_removed), "event", plural=True),
        _signed("~", len(diff.events_changed), "event", plural=True),
        _count(kinds[changes.IssueEdited], "issue", edited=True),
        _signed("+", len(diff.sources_added), "source", plural=True),
        _signed("-", len(diff.sources_removed), "source", plural=True),
    ]
    if diff.summary.changed:
        parts.append(f"summary +{diff.summary.words_added} -{diff.summary.words_removed} words")
    said = " · ".join(part for part in parts if part)
    return (Span(said, Role.STRONG),) if said else ()


def _signed(sign: str, number: int, noun: str, *, plural: bool = False) -> str:
    if not number:
        return ""
    return f"{sign}{number} {noun}{'s' if plural and number != 1 else ''}"


def _count(number: int, noun: str, *, edited: bool = False) -> str:
    if not number:
        return ""
    return f"{number} {noun}{'s' if number != 1 else ''}{' edited' if edited else ''}"


def _ref(ref: BriefRef) -> Line:
    return (
        Span(ref.as_of.isoformat(), Role.STRONG),
        Span(f" r{ref.revision}"),
        Span(f" ({ref.brief_id})", Role.MUTED),
    )


def _significance_label(diff: BriefDiff, context: DiffContext) -> tuple[str, Role]:
    if diff.is_empty:
        if context.trivial_hidden:
            return "only trivial changes, hidden", Role.MUTED
        return "no changes", Role.MUTED
    if diff.trivial:
        return "trivial edits only: case, punctuation, spacing", Role.MUTED
    label, role = "minor", Role.STRONG
    if diff.significance >= 0.75:
        label, role = "major", Role.BAD
    elif diff.significance >= 0.4:
        label, role = "notable", Role.NOTICE
    if context.trivial_hidden:
        label += "; trivial edits hidden"
    return label, role


# --- sections ----------------------------------------------------------------------------------


def sections(diff: BriefDiff, context: DiffContext) -> list[Section]:
    """Every non-empty section, in reading order: what moved (issues, stances) first."""
    parties = diff.parties
    candidates = [
        Section("status", "Publication status", _status(diff)),
        Section("issues", "Issues", _issues(diff, context, edits=False)),
        Section("stances", "Stances", tuple(_stance(c, context) for c in parties if c.stance)),
        Section("issue-edits", "Issue notes and edits", _issues(diff, context, edits=True)),
        Section("headline", "Headline", _replaced(diff.headline)),
        Section("positions", "Positions", _each(parties, lambda c: _presence(c, context))),
        Section("statements", "Statements", _each(parties, lambda c: _statement(c, context))),
        Section("conditions", "Conditions", _each(parties, lambda c: _conditions(c, context))),
        Section("quotes", "New quotes", _quotes(parties, context, new=True)),
        Section("quotes-removed", "Quotes no longer cited", _quotes(parties, context, new=False)),
        Section("quotes-corrected", "Corrected quotes", _corrected_quotes(parties, context)),
        Section(
            "takeaways", "Takeaways", _added_removed(diff.takeaways_added, diff.takeaways_removed)
        ),
        Section("events", "Events", _events(diff)),
        Section("sources", "Sources", _sources(diff)),
    ]
    if diff.summary.changed:
        words = f"+{diff.summary.words_added} / -{diff.summary.words_removed} words"
        candidates.append(
            Section("summary", "Summary", ((Span(words, Role.MUTED),),), diff.summary)
        )
    return [section for section in candidates if section.lines]


def _each(
    parties: Sequence[PartyChange], lines: Callable[[PartyChange], list[Line]]
) -> tuple[Line, ...]:
    return tuple(line for change in parties for line in lines(change))


# Whole items added or removed: the ``+``/``-`` prefix marks them even without colour.
def _added(body: str, prefix: str = "+ ") -> Line:
    return (Span(prefix, Role.ADDED), Span(body, Role.ADDED))


def _removed(body: str, prefix: str = "- ") -> Line:
    return (Span(prefix, Role.REMOVED), Span(body, Role.REMOVED))


def _status(diff: BriefDiff) -> tuple[Line, ...]:
    if diff.status is None:
        return ()
    old, new = diff.status
    return ((Span(f"{old.value} -> "), Span(new.value, Role.STATUS)),)


def _replaced(change: changes.TextChange | None) -> tuple[Line, ...]:
    if change is None:
        return ()
    return (_removed(change.old), _added(change.new))


_DIRECTION_ROLES = {
    changes.ShiftDirection.TOWARD_AGREEMENT: Role.GOOD,
    changes.ShiftDirection.AWAY_FROM_AGREEMENT: Role.BAD,
    changes.ShiftDirection.LATERAL: Role.NOTICE,
}


def _stance(change: PartyChange, context: DiffContext) -> Line:
    assert change.stance is not None  # filtered by the caller
    shift = change.stance
    role = _DIRECTION_ROLES[shift.direction]
    return (
        Span(context.party(change.party_id), Role.STRONG),
        Span(f": {shift.old.value} -> "),
        Span(shift.new.value, role),
        Span(f" ({shift.direction.value.replace('-', ' ')})", role),
    )


def _presence(change: PartyChange, context: DiffContext) -> list[Line]:
    name = context.party(change.party_id)
    if change.appeared:
        return [_added(f"{name}: position added")]
    if change.disappeared:
        return [_removed(f"{name}: position no longer stated")]
    return []


def _statement(change: PartyChange, context: DiffContext) -> list[Line]:
    if change.statement is None:
        return []
    name = context.party(change.party_id)
    words = word_diff(change.statement.old, change.statement.new)
    if mostly_rewritten(words):
        # A rewritten statement reads better as before and after than as interleaved fragments.
        return [
            _removed(change.statement.old, f"- {name}: "),
            _added(change.statement.new, f"+ {name}: "),
        ]
    return [(Span(name, Role.STRONG), Span(": "), *word_spans(words.runs))]


def mostly_rewritten(diff: SummaryDiff) -> bool:
    """Whether fewer words were kept than added or removed: a new text, not an edit."""
    kept = sum(len(run.text.split()) for run in diff.runs if run.op == "equal")
    return kept < max(diff.words_added, diff.words_removed)


def _conditions(change: PartyChange, context: DiffContext) -> list[Line]:
    name = context.party(change.party_id)
    return [
        *(_added(item, f"+ {name}: ") for item in change.conditions_added),
        *(_removed(item, f"- {name}: ") for item in change.conditions_removed),
    ]


def _quotes(parties: Sequence[PartyChange], context: DiffContext, *, new: bool) -> tuple[Line, ...]:
    return tuple(
        _quote(change, quote, context, new=new)
        for change in parties
        for quote in (change.quotes_added if new else change.quotes_removed)
    )


def _quote(change: PartyChange, quote: Quote, context: DiffContext, *, new: bool) -> Line:
    details = [_source_label(quote.source_id, context)]
    if quote.translated_by:
        details.append(f"translation: {quote.translated_by}")
    if quote.said_on is not None:
        details.append(quote.said_on.isoformat())
    return (
        Span("+ ", Role.ADDED) if new else Span("- ", Role.REMOVED),
        Span(f"{context.party(change.party_id)} · ", Role.MUTED),
        Span(quote.speaker, Role.STRONG),
        Span(f" {quote.cue}: "),
        Span(f"“{quote.text}”", Role.EMPHASIS if new else Role.MUTED),
        Span(f"  [{'; '.join(details)}]", Role.MUTED),
    )


def _corrected_quotes(parties: Sequence[PartyChange], context: DiffContext) -> tuple[Line, ...]:
    """Each corrected quote as it now reads, then one ``field: old -> new`` line per field."""
    return tuple(
        (
            Span("~ ", Role.NOTICE),
            Span(f"{context.party(change.party_id)} · ", Role.MUTED),
            Span(edit.new.speaker, Role.STRONG),
            Span(f" {edit.new.cue}: “{edit.new.text}”"),
            *(span for fields in edit.field_changes() for span in _field_change(*fields)),
        )
        for change in parties
        for edit in change.quotes_edited
    )


def _field_change(name: str, old: str, new: str) -> Line:
    return (
        Span(f"\n    {name}: "),
        Span(old, Role.DELETED),
        Span(" -> "),
        Span(new, Role.INSERTED),
    )


def _source_label(source_id: str, context: DiffContext) -> str:
    source = context.sources.get(source_id)
    return source_id if source is None else f"{source_id} {source.outlet}"


def _added_removed(added: Iterable[str], removed: Iterable[str]) -> tuple[Line, ...]:
    return (*(_added(item) for item in added), *(_removed(item) for item in removed))


_ISSUE_ORDER: dict[type, int] = {
    changes.IssueClosed: 0,
    changes.IssueReopened: 1,
    changes.IssueDropped: 2,
    changes.IssueStatusChanged: 3,
    changes.IssueOpened: 4,
}
"""Closures and reversals lead (a stable sort keeps the brief's order within a kind)."""
_EDITED_TEXTS = ("title", "note", "resolution")
"""Issue fields whose old and new text an edit shows."""


def _issues(diff: BriefDiff, context: DiffContext, *, edits: bool) -> tuple[Line, ...]:
    """The lifecycle changes (``edits=False``: closed, opened, status ...), or the edits of an
    issue's wording (notes, titles), which come after the stances: they explain, not report."""
    lines: list[Line] = []
    noted = {c.issue_id for c in diff.issues if isinstance(c, changes.IssueStatusChanged)}
    lifecycle = [c for c in diff.issues if not isinstance(c, changes.IssueEdited)]
    chosen = [c for c in diff.issues if isinstance(c, changes.IssueEdited)] if edits else lifecycle
    for change in sorted(chosen, key=lambda change: _ISSUE_ORDER.get(type(change), 9)):
        match change:
            case changes.IssueOpened(issue=issue):
                label = f"opened {issue.opened_on}"
                lines.append(_issue(label, issue.id, issue.title, Role.ADDED, _opened(issue)))
            case changes.IssueClosed():
                symbol = CLOSED_SYMBOLS.get(change.new_status, "✓")
                closed_on = change.closed_on.isoformat() if change.closed_on else "date unknown"
                label = f"{symbol} {change.new_status.value} {closed_on}"
                detail = f"opened {change.opened_on}"
                line = _issue(label, change.issue_id, change.title, Role.GOOD, detail)
                lines.append(_with_detail(line, change.resolution))
            case changes.IssueReopened():
                detail = f"{change.old_status.value} -> {change.new_status.value}"
                lines.append(_issue("reopened", change.issue_id, change.title, Role.NOTICE, detail))
            case changes.IssueStatusChanged():
                detail = f"{change.old_status.value} -> {change.new_status.value}"
                line = _issue("status", change.issue_id, change.title, Role.STATUS, detail)
                lines.append(_with_detail(line, _note(context, change.issue_id)))
            case changes.IssueEdited():
                label = f"edited {', '.join(change.fields)}"
                line = _issue(label, change.issue_id, change.title, Role.MUTED, "")
                lines.append(_edited(line, change, context, noted))
            case changes.IssueDropped(issue=issue, was_closed=True):
                detail = f"was {issue.status.value}"
                lines.append(_issue("retired", issue.id, issue.title, Role.MUTED, detail))
            case changes.IssueDropped(issue=issue):
                detail = f"still {issue.status.value}: dropped without being closed"
                lines.append(_issue("dropped", issue.id, issue.title, Role.BAD, detail))
    # The unchanged count gives the changes context (not news on its own): once, after the first
    # non-empty of the two sections.
    if lines and diff.issues_unchanged and (not edits or not lifecycle):
        count = len(diff.issues_unchanged)
        lines.append((Span(f"{count} issue{'s' if count != 1 else ''} unchanged", Role.MUTED),))
    return tuple(lines)


def _edited(line: Line, change: changes.IssueEdited, context: DiffContext, noted: set[str]) -> Line:
    """The edited texts old -> new, when both briefs' issues are known; else the current note."""
    old, new = context.old_issues.get(change.issue_id), context.issues.get(change.issue_id)
    if old is None or new is None:
        if "note" in change.fields and change.issue_id not in noted:
            return _with_detail(line, _note(context, change.issue_id))
        return line
    for name in _EDITED_TEXTS:
        if name in change.fields:
            before, after = getattr(old, name) or "none", getattr(new, name) or "none"
            line = (
                *line,
                Span(f"\n    - {name}: ", Role.REMOVED),
                Span(before, Role.REMOVED),
                Span(f"\n    + {name}: ", Role.ADDED),
                Span(after, Role.ADDED),
            )
    return line


def _note(context: DiffContext, issue_id: str) -> str | None:
    issue = context.issues.get(issue_id)
    return issue.note if issue is not None else None


def _with_detail(line: Line, detail: str | None) -> Line:
    return (*line, Span(f"\n    {detail}", Role.MUTED)) if detail else line


def _opened(issue: Issue) -> str:
    detail = issue.status.value
    if issue.closed_on is not None:
        detail += f", closed {issue.closed_on}"
    if issue.expected is not None:
        detail += f", expected {fuzzy_date(issue.expected)}"
    return detail


def _issue(label: str, issue_id: str, title: str, role: Role, detail: str) -> Line:
    """``✓ resolved 2025-03-18: putin-trump-call  A Putin-Trump phone call …  (opened …)``: what
    happened and when lead, so the date never reads as part of the title."""
    line = (Span(f"{label}: ", role), Span(issue_id, Role.STRONG), Span(f"  {title}"))
    return (*line, Span(f"  ({detail})", Role.MUTED)) if detail else line


def _events(diff: BriefDiff) -> tuple[Line, ...]:
    lines = [_added(f"{fuzzy_date(e.when)}  {e.title}") for e in diff.events_added]
    lines += [_removed(f"{fuzzy_date(e.when)}  {e.title}") for e in diff.events_removed]
    for change in diff.events_changed:
        line: Line = (
            Span("~ ", Role.NOTICE),
            Span(f"{fuzzy_date(change.new.when)}  {change.new.title}"),
            Span(f"  ({', '.join(change.fields)} changed)", Role.MUTED),
        )
        if "detail" in change.fields:
            detail = word_diff(change.old.detail, change.new.detail)
            line = (*line, Span("\n    "), *word_spans(detail.runs))
        lines.append(line)
    return tuple(lines)


def _sources(diff: BriefDiff) -> tuple[Line, ...]:
    def label(source: Source) -> str:
        title = f" — {source.title}" if source.title else ""
        return f"{source.id} {source.outlet} ({source.reliability.value}){title}"

    return _added_removed(map(label, diff.sources_added), map(label, diff.sources_removed))
