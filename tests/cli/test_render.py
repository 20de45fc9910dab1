"""The text rendering of a diff covers every kind of change, with and without colour."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from rich.console import Console

from service.cli._render import print_diff
from service.domain import changes, models
from service.domain.presentation import DiffContext
from service.domain.worddiff import word_diff

STORY = models.Story(
    id="s",
    title="A story",
    parties=[models.Party(id="ru", name="Russia", kind=models.PartyKind.STATE)],
)
SCHEDULED_SWAP = changes.IssueStatusChanged(
    issue_id="swap",
    title="Swap",
    old_status=models.IssueStatus.OPEN,
    new_status=models.IssueStatus.SCHEDULED,
)
CONTEXT = DiffContext(parties={"ru": "Russia"}, story=STORY)
REF = models.BriefRef(brief_id="b", as_of=dt.date(2025, 3, 1), revision=1)


def _event(event_id: str, precision: models.DatePrecision, detail: str = "") -> models.Event:
    when = models.FuzzyDate(date=dt.date(2025, 3, 1), precision=precision)
    return models.Event(id=event_id, when=when, title=f"Event {event_id}", detail=detail)


def _changed(**parts: Any) -> changes.BriefDiff:
    """A non-trivial diff of ``REF`` with itself holding ``parts``."""
    return changes.BriefDiff(
        story_id="s", old=REF, new=REF, significance=0.2, trivial=False, **parts
    )


def _render(
    diff: changes.BriefDiff,
    *,
    plain: bool = True,
    color: bool = False,
    context: DiffContext = CONTEXT,
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
    open_issue = models.Issue(id="gone", title="Gone quietly", opened_on=dt.date(2025, 1, 1))
    diff = changes.BriefDiff(
        story_id="s",
        old=REF,
        new=models.BriefRef(brief_id="b", as_of=dt.date(2025, 3, 1), revision=2),
        status=(models.PubStatus.USABLE, models.PubStatus.CANCELED),
        parties=[
            changes.PartyChange(
                party_id="ru",
                stance=changes.StanceShift(
                    old=models.Stance.CONDITIONAL,
                    new=models.Stance.OPPOSES,
                    direction=changes.ShiftDirection.AWAY_FROM_AGREEMENT,
                ),
                statement=changes.TextChange(
                    old="Open to a truce now.", new="Open to a truce later."
                ),
            ),
            changes.PartyChange(party_id="newcomer", appeared=True),
            changes.PartyChange(party_id="leaver", disappeared=True),
        ],
        issues=[
            changes.IssueReopened(
                issue_id="talks",
                title="Talks",
                old_status=models.IssueStatus.LAPSED,
                new_status=models.IssueStatus.OPEN,
            ),
            SCHEDULED_SWAP,
            changes.IssueDropped(issue=open_issue, was_closed=False),
        ],
        events_removed=[_event("m", models.DatePrecision.MONTH)],
        events_added=[_event("a", models.DatePrecision.APPROXIMATE)],
        events_changed=[
            changes.EventChanged(
                old=_event("c", models.DatePrecision.DAY, "Two hours."),
                new=_event("c", models.DatePrecision.DAY, "Three hours."),
                fields=["detail"],
            )
        ],
        sources_removed=[models.Source(id="S1", outlet="Wire", title="Old piece")],
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
    diff = _changed(headline=changes.TextChange(old="[bold]Old[/bold] :smile:", new="New [link]"))
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
    out = _render(changes.BriefDiff(story_id="s", old=REF, new=REF))
    assert out.splitlines() == [
        "s  A story",
        "2025-03-01 r1 (b)  ->  2025-03-01 r1 (b)",
        "significance 0.00 (no changes)",
    ]


def test_issue_notes_explain_status_changes_and_edits_once() -> None:
    issue = models.Issue(
        id="swap",
        title="Swap",
        status=models.IssueStatus.SCHEDULED,
        opened_on=dt.date(2025, 3, 1),
        note="Set for Friday.",
    )
    diff = _changed(
        issues=[
            SCHEDULED_SWAP,
            changes.IssueEdited(issue_id="swap", title="Swap", fields=["note"]),
        ],
    )
    context = DiffContext(parties=CONTEXT.parties, story=STORY, issues={"swap": issue})
    out = _render(diff, context=context)
    assert "status: swap  Swap  (open -> scheduled)\n    Set for Friday.\n" in out
    assert "edited note: swap  Swap\n" in out
    assert out.count("Set for Friday.") == 1


def test_edited_note_and_resolution_show_old_and_new_text() -> None:
    old = models.Issue(
        id="swap", title="Swap", opened_on=dt.date(2025, 3, 1), note="Talks continue."
    )
    new = models.Issue(
        id="swap",
        title="Swap",
        status=models.IssueStatus.RESOLVED,
        opened_on=dt.date(2025, 3, 1),
        closed_on=dt.date(2025, 3, 2),
        note="Held on Friday.",
        resolution="175 for 175.",
    )
    diff = _changed(
        issues=[changes.IssueEdited(issue_id="swap", title="Swap", fields=["note", "resolution"])],
    )
    context = DiffContext(issues={"swap": new}, old_issues={"swap": old}, story=STORY)
    out = _render(diff, context=context)
    assert "edited note, resolution: swap  Swap\n" in out
    assert "    - note: Talks continue.\n    + note: Held on Friday.\n" in out
    assert "    - resolution: none\n    + resolution: 175 for 175.\n" in out


def test_a_corrected_quote_is_rendered_old_to_new() -> None:
    old = models.Quote(text="Not yet.", speaker="Envoy", source_id="S1", translated_by="AP")
    new = models.Quote(text="Not yet.", speaker="Envoy", source_id="S1", translated_by="Reuters")
    diff = _changed(
        parties=[
            changes.PartyChange(
                party_id="ru",
                quotes_edited=[changes.QuoteEdited(old=old, new=new, fields=["translated_by"])],
            )
        ],
    )

    out = _render(diff)

    assert "Corrected quotes" in out
    assert "~ Russia · Envoy said: “Not yet.”" in out
    assert "translated_by: AP -> Reuters" in out
