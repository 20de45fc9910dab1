"""The text rendering of a diff covers every kind of change, with and without colour."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from rich.console import Console

from service.cli._render import print_diff
from service.domain.changes import (
    BriefDiff,
    EventChanged,
    IssueDropped,
    IssueEdited,
    IssueReopened,
    IssueStatusChanged,
    PartyChange,
    QuoteEdited,
    ShiftDirection,
    StanceShift,
    TextChange,
)
from service.domain.models import (
    BriefRef,
    DatePrecision,
    Event,
    FuzzyDate,
    Issue,
    IssueStatus,
    Party,
    PartyKind,
    PubStatus,
    Quote,
    Source,
    Stance,
    Story,
)
from service.domain.presentation import DiffContext
from service.domain.worddiff import word_diff

STORY = Story(
    id="s",
    title="A story",
    parties=[Party(id="ru", name="Russia", kind=PartyKind.STATE)],
)
SCHEDULED_SWAP = IssueStatusChanged(
    issue_id="swap", title="Swap", old_status=IssueStatus.OPEN, new_status=IssueStatus.SCHEDULED
)
CONTEXT = DiffContext(parties={"ru": "Russia"}, story=STORY)
REF = BriefRef(brief_id="b", as_of=dt.date(2025, 3, 1), revision=1)


def _event(event_id: str, precision: DatePrecision, detail: str = "") -> Event:
    when = FuzzyDate(date=dt.date(2025, 3, 1), precision=precision)
    return Event(id=event_id, when=when, title=f"Event {event_id}", detail=detail)


def _changed(**changes: Any) -> BriefDiff:
    """A non-trivial diff of ``REF`` with itself holding ``changes``."""
    return BriefDiff(story_id="s", old=REF, new=REF, significance=0.2, trivial=False, **changes)


def _render(
    diff: BriefDiff, *, plain: bool = True, color: bool = False, context: DiffContext = CONTEXT
) -> str:
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=200,
        force_terminal=color,
        color_system="standard" if color else None,
        highlight=False,
        markup=False,
        emoji=False,
    )
    print_diff(console, diff, context, plain=plain)
    return buffer.getvalue()


def test_every_kind_of_change_is_rendered() -> None:
    open_issue = Issue(id="gone", title="Gone quietly", opened_on=dt.date(2025, 1, 1))
    diff = BriefDiff(
        story_id="s",
        old=REF,
        new=BriefRef(brief_id="b", as_of=dt.date(2025, 3, 1), revision=2),
        status=(PubStatus.USABLE, PubStatus.CANCELED),
        parties=[
            PartyChange(
                party_id="ru",
                stance=StanceShift(
                    old=Stance.CONDITIONAL,
                    new=Stance.OPPOSES,
                    direction=ShiftDirection.AWAY_FROM_AGREEMENT,
                ),
                statement=TextChange(old="Open to a truce now.", new="Open to a truce later."),
            ),
            PartyChange(party_id="newcomer", appeared=True),
            PartyChange(party_id="leaver", disappeared=True),
        ],
        issues=[
            IssueReopened(
                issue_id="talks",
                title="Talks",
                old_status=IssueStatus.LAPSED,
                new_status=IssueStatus.OPEN,
            ),
            SCHEDULED_SWAP,
            IssueDropped(issue=open_issue, was_closed=False),
        ],
        events_removed=[_event("m", DatePrecision.MONTH)],
        events_added=[_event("a", DatePrecision.APPROXIMATE)],
        events_changed=[
            EventChanged(
                old=_event("c", DatePrecision.DAY, "Two hours."),
                new=_event("c", DatePrecision.DAY, "Three hours."),
                fields=["detail"],
            )
        ],
        sources_removed=[Source(id="S1", outlet="Wire", title="Old piece")],
        summary=word_diff("It was calm.", "It was tense."),
        significance=0.9,
        trivial=False,
    )
    out = _render(diff)

    assert "2025-03-01 r1 (b)  ->  2025-03-01 r2 (b)" in out
    assert "significance 0.90 (major)" in out
    assert "usable -> canceled" in out
    assert "Russia: conditional -> opposes (away from agreement)" in out
    assert "Russia: Open to a truce [-now-]{+later+}." in out
    assert "+ newcomer: position added" in out
    assert "- leaver: position no longer stated" in out
    assert "reopened: talks  Talks  (lapsed -> open)" in out
    assert "status: swap  Swap  (open -> scheduled)" in out
    assert "dropped: gone  Gone quietly  (still open: dropped without being closed)" in out
    assert "+ ~2025-03-01  Event a" in out
    assert "- 2025-03  Event m" in out
    assert "~ 2025-03-01  Event c  (detail changed)" in out
    assert "[-Two-]{+Three+} hours." in out
    assert "- S1 Wire (B) — Old piece" in out
    assert "It was [-calm-]{+tense+}." in out


def test_text_from_briefs_is_not_read_as_markup() -> None:
    diff = _changed(headline=TextChange(old="[bold]Old[/bold] :smile:", new="New [link]"))
    out = _render(diff)
    assert "- [bold]Old[/bold] :smile:" in out
    assert "+ New [link]" in out


def test_colour_replaces_the_markers() -> None:
    diff = _changed(summary=word_diff("It was calm.", "It was tense."))
    out = _render(diff, plain=False, color=True)
    assert "{+" not in out
    assert "[-" not in out
    assert "\x1b[9;31mcalm\x1b[0m" in out
    assert "\x1b[32mtense\x1b[0m" in out


def test_an_empty_diff_has_only_a_header() -> None:
    out = _render(BriefDiff(story_id="s", old=REF, new=REF))
    assert out.splitlines() == [
        "s  A story",
        "2025-03-01 r1 (b)  ->  2025-03-01 r1 (b)",
        "significance 0.00 (no changes)",
    ]


def test_issue_notes_explain_status_changes_and_edits_once() -> None:
    issue = Issue(
        id="swap",
        title="Swap",
        status=IssueStatus.SCHEDULED,
        opened_on=dt.date(2025, 3, 1),
        note="Set for Friday.",
    )
    diff = _changed(
        issues=[
            SCHEDULED_SWAP,
            IssueEdited(issue_id="swap", title="Swap", fields=["note"]),
        ],
    )
    context = DiffContext(parties=CONTEXT.parties, story=STORY, issues={"swap": issue})
    out = _render(diff, context=context)
    assert "status: swap  Swap  (open -> scheduled)\n    Set for Friday.\n" in out
    assert "edited note: swap  Swap\n" in out
    assert out.count("Set for Friday.") == 1


def test_edited_note_and_resolution_show_old_and_new_text() -> None:
    old = Issue(id="swap", title="Swap", opened_on=dt.date(2025, 3, 1), note="Talks continue.")
    new = Issue(
        id="swap",
        title="Swap",
        status=IssueStatus.RESOLVED,
        opened_on=dt.date(2025, 3, 1),
        closed_on=dt.date(2025, 3, 2),
        note="Held on Friday.",
        resolution="175 for 175.",
    )
    diff = _changed(
        issues=[IssueEdited(issue_id="swap", title="Swap", fields=["note", "resolution"])],
    )
    context = DiffContext(issues={"swap": new}, old_issues={"swap": old}, story=STORY)
    out = _render(diff, context=context)
    assert "edited note, resolution: swap  Swap\n" in out
    assert "    - note: Talks continue.\n    + note: Held on Friday.\n" in out
    assert "    - resolution: none\n    + resolution: 175 for 175.\n" in out


def test_a_corrected_quote_is_rendered_old_to_new() -> None:
    old = Quote(text="Not yet.", speaker="Envoy", source_id="S1", translated_by="AP")
    new = Quote(text="Not yet.", speaker="Envoy", source_id="S1", translated_by="Reuters")
    diff = BriefDiff(
        story_id="s",
        old=REF,
        new=REF,
        parties=[
            PartyChange(
                party_id="ru",
                quotes_edited=[QuoteEdited(old=old, new=new, fields=["translated_by"])],
            )
        ],
        significance=0.02,
        trivial=False,
    )

    out = _render(diff)

    assert "Corrected quotes" in out
    assert "~ Russia · Envoy said: “Not yet.”" in out
    assert "translated_by: AP -> Reuters" in out
