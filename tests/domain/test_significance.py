"""Trivial edits, significance weights and hiding trivial edits."""

from __future__ import annotations

import datetime as dt

import pytest

from service.domain.changes import IssueEdited, WordRun
from service.domain.diff import diff_briefs, without_trivial
from service.domain.models import Event, FuzzyDate, Issue, Position, Quote, Source, Stance
from service.domain.significance import fields_trivially_equal, normalise
from tests.strategies import make_brief

D1 = dt.date(2025, 3, 1)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("Talks resume.", "talks resume"),
        ("Talks  resume", "Talks resume"),
        ("cease-fire", "cease fire"),
        ("end.Start", "end. Start"),
        ("Straße", "STRASSE"),
        ("a\n\tb", "a b"),
    ],
)
def test_normalise_ignores_case_punctuation_and_spacing(old: str, new: str) -> None:
    assert normalise(old) == normalise(new)


@pytest.mark.parametrize(("old", "new"), [("talks", "walks"), ("truce", "truce holds"), ("1", "2")])
def test_normalise_keeps_words(old: str, new: str) -> None:
    assert normalise(old) != normalise(new)


def _position(statement: str, **fields: object) -> Position:
    return Position(party_id="alpha", stance=Stance.SUPPORTS, statement=statement, **fields)


def _everything(case: str) -> dict[str, object]:
    """Brief fields whose text differs between the two cases only trivially."""
    upper = case == "upper"
    quote = Quote(text="We ARE ready." if upper else "we are ready", speaker="Min", source_id="S1")
    return {
        "headline": "TALKS RESUME" if upper else "Talks resume.",
        "summary": "Envoys met,  briefly." if upper else "envoys met briefly",
        "takeaways": ["Truce HOLDS"] if upper else ["truce holds!"],
        "positions": [
            _position(
                "Ready." if upper else "ready",
                conditions=["A, B"] if upper else ["a b"],
                quotes=[quote],
            )
        ],
        "issues": [
            Issue(
                id="terms",
                title="TERMS" if upper else "Terms",
                opened_on=D1,
                note="x." if upper else "X",
            )
        ],
        "events": [
            Event(
                id="summit",
                when=FuzzyDate(date=D1),
                title="Summit",
                detail="Met." if upper else "met",
            )
        ],
        "sources": [
            Source(id="S1", outlet="WIRE" if upper else "Wire", title="A-b" if upper else "a b")
        ],
    }


def test_only_trivial_changes_make_a_trivial_insignificant_diff() -> None:
    old, new = make_brief(**_everything("lower")), make_brief(**_everything("upper"))

    diff = diff_briefs(old, new)

    assert not diff.is_empty
    assert diff.trivial
    assert diff.significance == 0.0
    assert diff.headline is not None
    assert diff.summary.changed
    assert diff.issues == [
        IssueEdited(issue_id="terms", title="TERMS", fields=["title", "note"], trivial=True)
    ]
    assert len(diff.events_changed) == 1
    assert len(diff.sources_added) == len(diff.sources_removed) == 1

    hidden = without_trivial(diff)

    assert hidden.is_empty
    assert hidden.issues_unchanged == ["terms"]
    assert hidden.summary.runs == [WordRun(op="equal", text=new.summary)]


def test_without_trivial_keeps_real_changes() -> None:
    old = make_brief(
        summary="The truce holds, officials said.",
        takeaways=["Truce holds", "Aid flows"],
        positions=[_position("Ready.")],
    )
    new = make_brief(
        summary="The truce Holds officials said, again.",
        takeaways=["truce holds.", "Aid stops"],
        positions=[Position(party_id="alpha", stance=Stance.OPPOSES, statement="ready")],
    )

    diff = diff_briefs(old, new)
    hidden = without_trivial(diff)

    assert not diff.trivial
    assert (hidden.significance, hidden.trivial) == (diff.significance, diff.trivial)
    assert (hidden.takeaways_added, hidden.takeaways_removed) == (["Aid stops"], ["Aid flows"])
    (party,) = hidden.parties
    assert party.stance is not None
    assert party.statement is None
    assert "".join(run.text for run in hidden.summary.runs if run.op != "delete") == new.summary
    # Punctuation is a token of its own, so "said." -> "said, again." inserts ", again" only.
    assert [run.text for run in hidden.summary.runs if run.op == "insert"] == [", again"]
    assert (hidden.summary.words_added, hidden.summary.words_removed) == (1, 0)
    assert WordRun(op="equal", text="The truce Holds officials said") in hidden.summary.runs


def test_significance_ranks_a_stance_shift_above_a_new_source() -> None:
    base = make_brief(positions=[_position("")], sources=[Source(id="S1", outlet="Wire")])
    shifted = make_brief(
        positions=[Position(party_id="alpha", stance=Stance.OPPOSES)],
        sources=base.sources,
    )
    sourced = make_brief(
        positions=base.positions, sources=[*base.sources, Source(id="S2", outlet="Daily")]
    )

    stance = diff_briefs(base, shifted).significance
    source = diff_briefs(base, sourced).significance

    assert 0 < source < stance < 1
    assert stance == pytest.approx(0.2212, abs=1e-4)


def test_significance_saturates_below_one() -> None:
    old = make_brief(issues=[Issue(id=f"i-{n}", title="T", opened_on=D1) for n in range(100)])
    new = make_brief()

    significance = diff_briefs(old, new).significance

    assert 0.99 < significance <= 1.0


def test_fields_trivially_equal_compares_prose_lists_and_rejects_other_fields() -> None:
    old = Position(party_id="alpha", stance=Stance.SUPPORTS, conditions=["Talks, first"])
    recased = Position(party_id="alpha", stance=Stance.SUPPORTS, conditions=["talks first"])
    reworded = Position(party_id="alpha", stance=Stance.SUPPORTS, conditions=["talks later"])

    assert fields_trivially_equal(old, recased, ["conditions"])
    assert not fields_trivially_equal(old, reworded, ["conditions"])
    assert not fields_trivially_equal(old, recased, ["stance"])


def test_missing_note_equals_an_empty_one() -> None:
    old = Issue(id="terms", title="Terms", opened_on=D1, note=None)
    new = Issue(id="terms", title="Terms", opened_on=D1, note=" . ")

    assert fields_trivially_equal(old, new, ["note"])
