"""Terminal rendering of a `BriefDiff` with rich: the face of ``briefs diff``.

A header names the story, the two revisions and how much changed; sections follow in the order a
reader of an evolving story needs them: headline, stances, statements, conditions, quotes,
takeaways, issues, events, sources, then the summary as an inline word diff. Empty sections are
left out. Without colour, insertions and deletions are marked ``{+like this+}`` and
``[-like this-]`` (as ``git diff --word-diff`` does), so the output stays readable in a log.

All text from briefs goes into `rich.text.Text` objects, never through rich markup, so brackets
and colons in news text are printed as they are.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from rich.console import Console
from rich.text import Text

from service.domain.changes import (
    BriefDiff,
    IssueClosed,
    IssueDropped,
    IssueEdited,
    IssueOpened,
    IssueReopened,
    IssueStatusChanged,
    PartyChange,
    ShiftDirection,
    SummaryDiff,
    TextChange,
)
from service.domain.models import (
    BriefRef,
    DatePrecision,
    FuzzyDate,
    Issue,
    Quote,
    Source,
    Story,
)
from service.domain.worddiff import word_diff

INSERT = "green"
DELETE = "red strike"
HEADING = "bold underline"
DIM = "dim"
_DIRECTION_STYLE = {
    ShiftDirection.TOWARD_AGREEMENT: "bold green",
    ShiftDirection.AWAY_FROM_AGREEMENT: "bold red",
    ShiftDirection.LATERAL: "bold yellow",
}


@dataclass(frozen=True)
class DiffContext:
    """What the renderer knows beyond the diff: names of parties and the cited sources."""

    story: Story | None = None
    sources: Mapping[str, Source] = field(default_factory=dict)
    issues: Mapping[str, Issue] = field(default_factory=dict)
    """The new brief's issues by id: their notes explain status changes and edits."""
    plain: bool = False
    """No colour: mark insertions and deletions with ``{+ +}`` and ``[- -]``."""
    trivial_hidden: bool = False
    """Trivial edits were removed from the diff (``--hide-trivial``); the header says so."""

    def party(self, party_id: str) -> str:
        """The party's display name, or its id when the story does not know it."""
        if self.story is not None:
            for party in self.story.parties:
                if party.id == party_id:
                    return party.name
        return party_id


def print_diff(console: Console, diff: BriefDiff, context: DiffContext) -> None:
    """Render ``diff`` on ``console``: a header, then one block per non-empty section.

    Lines are wrapped to a terminal's width, but not when writing to a pipe or a file, so that
    ``grep`` and friends see one line per change.
    """
    soft_wrap = not console.is_terminal
    console.print(header(diff, context), soft_wrap=soft_wrap)
    for title, lines in sections(diff, context):
        console.print()
        console.print(Text(title, style=HEADING), soft_wrap=soft_wrap)
        for line in lines:
            console.print(line, soft_wrap=soft_wrap)


def header(diff: BriefDiff, context: DiffContext) -> Text:
    """Story, old -> new revisions with their as-of dates, and significance."""
    text = Text()
    text.append(diff.story_id, style="bold")
    if context.story is not None and context.story.id == diff.story_id:
        text.append(f"  {context.story.title}")
    text.append("\n")
    text.append_text(_ref(diff.old))
    text.append("  ->  ")
    text.append_text(_ref(diff.new))
    text.append("\n")
    label, style = _significance_label(diff, context)
    text.append("significance ")
    text.append(f"{diff.significance:.2f}", style=style)
    text.append(f" ({label})", style=style)
    return text


def sections(diff: BriefDiff, context: DiffContext) -> Iterator[tuple[str, list[Text]]]:
    """Each non-empty section as (title, lines), in reading order."""
    candidates = [
        ("Publication status", _status(diff)),
        ("Headline", _text_change(diff.headline)),
        ("Stances", [_stance(c, context) for c in diff.parties if c.stance is not None]),
        ("Positions", [line for c in diff.parties for line in _presence(c, context)]),
        ("Statements", [line for c in diff.parties for line in _statement(c, context)]),
        ("Conditions", [line for c in diff.parties for line in _conditions(c, context)]),
        (
            "New quotes",
            [_quote(c, q, context, new=True) for c in diff.parties for q in c.quotes_added],
        ),
        (
            "Quotes no longer cited",
            [_quote(c, q, context, new=False) for c in diff.parties for q in c.quotes_removed],
        ),
        ("Takeaways", _added_removed(diff.takeaways_added, diff.takeaways_removed)),
        ("Issues", _issues(diff, context)),
        ("Events", _events(diff, context)),
        ("Sources", _sources(diff, context)),
        ("Summary", _summary(diff.summary, context)),
    ]
    for title, lines in candidates:
        if lines:
            yield title, lines


# --- header ------------------------------------------------------------------------------------


def _ref(ref: BriefRef) -> Text:
    return Text.assemble(
        (ref.as_of.isoformat(), "bold"), f" r{ref.revision}", (f" ({ref.brief_id})", DIM)
    )


def _significance_label(diff: BriefDiff, context: DiffContext) -> tuple[str, str]:
    if diff.is_empty:
        if context.trivial_hidden:
            return "trivial edits only, hidden", DIM
        return "no changes", DIM
    if diff.trivial:
        return "trivial edits only: case, punctuation, spacing", DIM
    label = "minor"
    style = "bold"
    if diff.significance >= 0.75:
        label, style = "major", "bold red"
    elif diff.significance >= 0.4:
        label, style = "notable", "bold yellow"
    if context.trivial_hidden:
        label += "; trivial edits hidden"
    return label, style


# --- sections ----------------------------------------------------------------------------------


def _status(diff: BriefDiff) -> list[Text]:
    if diff.status is None:
        return []
    old, new = diff.status
    return [Text.assemble(f"{old.value} -> ", (new.value, "bold"))]


def _text_change(change: TextChange | None) -> list[Text]:
    if change is None:
        return []
    return [_marked("- ", change.old, DELETE), _marked("+ ", change.new, INSERT)]


def _stance(change: PartyChange, context: DiffContext) -> Text:
    assert change.stance is not None  # filtered by the caller
    shift = change.stance
    direction = shift.direction.value.replace("-", " ")
    return Text.assemble(
        (context.party(change.party_id), "bold"),
        f": {shift.old.value} -> ",
        (shift.new.value, _DIRECTION_STYLE[shift.direction]),
        (f" ({direction})", _DIRECTION_STYLE[shift.direction]),
    )


def _presence(change: PartyChange, context: DiffContext) -> list[Text]:
    name = context.party(change.party_id)
    if change.appeared:
        return [_marked("+ ", f"{name}: position added", INSERT)]
    if change.disappeared:
        return [_marked("- ", f"{name}: position no longer stated", DELETE)]
    return []


def _statement(change: PartyChange, context: DiffContext) -> list[Text]:
    if change.statement is None:
        return []
    name = context.party(change.party_id)
    words = word_diff(change.statement.old, change.statement.new)
    if _mostly_rewritten(words):
        # A rewritten statement reads better as before and after than as interleaved fragments.
        return [
            _marked(f"- {name}: ", change.statement.old, DELETE),
            _marked(f"+ {name}: ", change.statement.new, INSERT),
        ]
    line = Text.assemble((name, "bold"), ": ")
    line.append_text(_word_diff(words, context))
    return [line]


def _mostly_rewritten(diff: SummaryDiff) -> bool:
    kept = sum(len(run.text.split()) for run in diff.runs if run.op == "equal")
    return kept < max(diff.words_added, diff.words_removed)


def _conditions(change: PartyChange, context: DiffContext) -> list[Text]:
    name = context.party(change.party_id)
    return [
        *(_marked(f"+ {name}: ", item, INSERT) for item in change.conditions_added),
        *(_marked(f"- {name}: ", item, DELETE) for item in change.conditions_removed),
    ]


def _quote(change: PartyChange, quote: Quote, context: DiffContext, *, new: bool) -> Text:
    line = Text("+ " if new else "- ", style=INSERT if new else DELETE)
    line.append(f"{context.party(change.party_id)} · ", style=DIM)
    line.append(quote.speaker, style="bold")
    line.append(f" {quote.cue}: ")
    line.append(f"“{quote.text}”", style="italic" if new else DIM)
    details = [_source_label(quote.source_id, context)]
    if quote.translated_by:
        details.append(f"translation: {quote.translated_by}")
    if quote.said_on is not None:
        details.append(quote.said_on.isoformat())
    line.append(f"  [{'; '.join(details)}]", style=DIM)
    return line


def _added_removed(added: Iterable[str], removed: Iterable[str]) -> list[Text]:
    return [
        *(_marked("+ ", item, INSERT) for item in added),
        *(_marked("- ", item, DELETE) for item in removed),
    ]


def _issues(diff: BriefDiff, context: DiffContext) -> list[Text]:
    lines: list[Text] = []
    noted: set[str] = set()  # issues whose current note is already shown
    for change in diff.issues:
        match change:
            case IssueOpened(issue=issue):
                lines.append(_issue_line("opened", issue.id, issue.title, INSERT, _opened(issue)))
            case IssueClosed():
                closed_on = change.closed_on.isoformat() if change.closed_on else "date unknown"
                detail = f"{change.new_status.value} on {closed_on}, opened {change.opened_on}"
                line = _issue_line("closed", change.issue_id, change.title, "bold cyan", detail)
                if change.resolution:
                    line.append(f"\n    {change.resolution}", style=DIM)
                lines.append(line)
            case IssueReopened():
                detail = f"{change.old_status.value} -> {change.new_status.value}"
                lines.append(
                    _issue_line("reopened", change.issue_id, change.title, "bold yellow", detail)
                )
            case IssueStatusChanged():
                detail = f"{change.old_status.value} -> {change.new_status.value}"
                line = _issue_line("status", change.issue_id, change.title, "yellow", detail)
                lines.append(_with_note(line, context.issues.get(change.issue_id)))
                noted.add(change.issue_id)
            case IssueEdited():
                fields = ", ".join(change.fields)
                line = _issue_line("edited", change.issue_id, change.title, DIM, fields)
                if "note" in change.fields and change.issue_id not in noted:
                    line = _with_note(line, context.issues.get(change.issue_id))
                lines.append(line)
            case IssueDropped(issue=issue, was_closed=True):
                lines.append(
                    _issue_line("retired", issue.id, issue.title, DIM, f"was {issue.status.value}")
                )
            case IssueDropped(issue=issue):
                detail = f"still {issue.status.value}: dropped without being closed"
                lines.append(_issue_line("dropped", issue.id, issue.title, "bold red", detail))
    if diff.issues_unchanged:
        count = len(diff.issues_unchanged)
        lines.append(Text(f"{count} issue{'s' if count != 1 else ''} unchanged", style=DIM))
    return lines


def _with_note(line: Text, issue: Issue | None) -> Text:
    if issue is not None and issue.note:
        line.append(f"\n    {issue.note}", style=DIM)
    return line


def _opened(issue: Issue) -> str:
    detail = f"{issue.status.value}, opened {issue.opened_on}"
    if issue.closed_on is not None:
        detail += f", closed {issue.closed_on}"
    if issue.expected is not None:
        detail += f", expected {_fuzzy(issue.expected)}"
    return detail


def _issue_line(kind: str, issue_id: str, title: str, style: str, detail: str) -> Text:
    return Text.assemble(
        (f"{kind:<9}", style), (issue_id, "bold"), f"  {title}", (f"  ({detail})", DIM)
    )


def _events(diff: BriefDiff, context: DiffContext) -> list[Text]:
    lines = [_marked("+ ", f"{_fuzzy(e.when)}  {e.title}", INSERT) for e in diff.events_added]
    lines += [_marked("- ", f"{_fuzzy(e.when)}  {e.title}", DELETE) for e in diff.events_removed]
    for change in diff.events_changed:
        line = Text.assemble(("~ ", "yellow"), f"{_fuzzy(change.new.when)}  {change.new.title}")
        line.append(f"  ({', '.join(change.fields)} changed)", style=DIM)
        if "detail" in change.fields:
            line.append("\n    ")
            line.append_text(_word_diff(word_diff(change.old.detail, change.new.detail), context))
        lines.append(line)
    return lines


def _sources(diff: BriefDiff, context: DiffContext) -> list[Text]:
    def label(source: Source) -> str:
        title = f" — {source.title}" if source.title else ""
        return f"{source.id} {source.outlet} ({source.reliability.value}){title}"

    return _added_removed(
        [label(s) for s in diff.sources_added], [label(s) for s in diff.sources_removed]
    )


def _summary(summary: SummaryDiff, context: DiffContext) -> list[Text]:
    if not summary.changed:
        return []
    counts = Text(f"+{summary.words_added} / -{summary.words_removed} words", style=DIM)
    return [counts, _word_diff(summary, context)]


# --- text helpers ------------------------------------------------------------------------------


def _word_diff(diff: SummaryDiff, context: DiffContext) -> Text:
    text = Text()
    for run in diff.runs:
        if run.op == "equal":
            text.append(run.text)
        elif context.plain:
            text.append("{+" + run.text + "+}" if run.op == "insert" else "[-" + run.text + "-]")
        else:
            text.append(run.text, style=INSERT if run.op == "insert" else DELETE)
    return text


def _marked(prefix: str, body: str, style: str) -> Text:
    """A line whose ``+``/``-`` prefix marks it even without colour."""
    return Text.assemble((prefix, style), (body, style))


def _source_label(source_id: str, context: DiffContext) -> str:
    source = context.sources.get(source_id)
    return source_id if source is None else f"{source_id} {source.outlet}"


def _fuzzy(when: FuzzyDate) -> str:
    match when.precision:
        case DatePrecision.MONTH:
            return when.date.strftime("%Y-%m")
        case DatePrecision.APPROXIMATE:
            return f"~{when.date.isoformat()}"
        case _:
            return when.date.isoformat()
