"""The semantic diff of hand-built briefs: one test per kind of change."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from service.domain import changes, models
from service.domain.diff import changed_fields, diff_briefs, stance_direction, without_trivial
from tests.strategies import make_brief

D1 = dt.date(2025, 3, 1)
D2 = dt.date(2025, 3, 2)


def _issue(issue_id: str = "truce-terms", **fields: object) -> models.Issue:
    return models.Issue(id=issue_id, title="Terms of the truce", opened_on=D1, **fields)


def _event(event_id: str = "summit", **fields: object) -> models.Event:
    defaults: dict[str, object] = {"when": models.FuzzyDate(date=D1), "title": "Leaders meet"}
    return models.Event(id=event_id, **(defaults | fields))


def _quote(text: str = "We are ready.", **fields: object) -> models.Quote:
    defaults: dict[str, object] = {"speaker": "A. Minister", "source_id": "S1"}
    return models.Quote(text=text, **(defaults | fields))


def _alpha(stance: models.Stance = models.Stance.SUPPORTS, **fields: Any) -> dict[str, object]:
    """Brief fields: party alpha's one position, with ``stance`` and ``fields``."""
    return {"positions": [models.Position(party_id="alpha", stance=stance, **fields)]}


def _quoted(*quotes: models.Quote) -> dict[str, object]:
    """Brief fields: party alpha, in support, with ``quotes``."""
    return _alpha(quotes=list(quotes))


def _pair(old: dict[str, object], new: dict[str, object]) -> tuple[models.Brief, models.Brief]:
    return make_brief(**old), make_brief(id="day-two", as_of=D2, **new)


def test_identical_briefs_give_an_empty_trivial_diff() -> None:
    brief = make_brief(
        summary="Talks resume.",
        positions=[models.Position(party_id="alpha", stance=models.Stance.SUPPORTS)],
        issues=[_issue()],
        events=[_event()],
    )

    diff = diff_briefs(brief, brief)

    assert diff.is_empty
    assert diff.significance == 0.0
    assert diff.trivial
    assert diff.issues_unchanged == ["truce-terms"]
    assert (diff.old, diff.new, diff.story_id) == (brief.ref, brief.ref, brief.story_id)


@pytest.mark.parametrize(
    ("old", "new", "direction"),
    [
        (models.Stance.OPPOSES, models.Stance.CONDITIONAL, changes.ShiftDirection.TOWARD_AGREEMENT),
        (models.Stance.UNDECIDED, models.Stance.SUPPORTS, changes.ShiftDirection.TOWARD_AGREEMENT),
        (models.Stance.SUPPORTS, models.Stance.OPPOSES, changes.ShiftDirection.AWAY_FROM_AGREEMENT),
        (
            models.Stance.CONDITIONAL,
            models.Stance.UNDECIDED,
            changes.ShiftDirection.AWAY_FROM_AGREEMENT,
        ),
        (models.Stance.UNCLEAR, models.Stance.SUPPORTS, changes.ShiftDirection.LATERAL),
        (models.Stance.OPPOSES, models.Stance.UNCLEAR, changes.ShiftDirection.LATERAL),
    ],
)
def test_stance_direction(
    old: models.Stance, new: models.Stance, direction: changes.ShiftDirection
) -> None:
    assert stance_direction(old, new) is direction


def test_stance_shift_statement_and_conditions() -> None:
    old, new = _pair(
        _alpha(models.Stance.OPPOSES, statement="No deal.", conditions=["withdrawal", "monitors"]),
        _alpha(
            models.Stance.CONDITIONAL,
            statement="A deal, if monitored.",
            conditions=["monitors", "amnesty"],
        ),
    )

    diff = diff_briefs(old, new)

    assert diff.parties == [
        changes.PartyChange(
            party_id="alpha",
            stance=changes.StanceShift(
                old=models.Stance.OPPOSES,
                new=models.Stance.CONDITIONAL,
                direction=changes.ShiftDirection.TOWARD_AGREEMENT,
            ),
            statement=changes.TextChange(old="No deal.", new="A deal, if monitored."),
            conditions_added=["amnesty"],
            conditions_removed=["withdrawal"],
        )
    ]
    assert not diff.trivial
    assert 0 < diff.significance < 1


def test_quotes_are_matched_by_text_speaker_and_source() -> None:
    kept, dropped, added = _quote("Kept."), _quote("Dropped."), _quote("Kept.", source_id="S2")
    recued = _quote("Kept.", cue="told reporters")
    old, new = _pair(
        _quoted(kept, dropped),
        _quoted(recued, added),
    )

    (change,) = diff_briefs(old, new).parties

    assert change.quotes_added == [added]
    assert change.quotes_removed == [dropped]
    assert change.quotes_edited == [changes.QuoteEdited(old=kept, new=recued, fields=["cue"])]
    assert change.stance is None


@pytest.mark.parametrize(
    ("field", "old_value", "new_value", "shown"),
    [
        ("translated_by", "AP", "Reuters", ("AP", "Reuters")),
        ("translated_by", None, "Reuters", ("none", "Reuters")),
        ("said_on", D1, D2, ("2025-03-01", "2025-03-02")),
        ("cue", "said", "told reporters", ("said", "told reporters")),
    ],
)
def test_a_corrected_quote_is_a_reported_change_and_never_trivial(
    field: str, old_value: object, new_value: object, shown: tuple[str, str]
) -> None:
    before, after = _quote(**{field: old_value}), _quote(**{field: new_value})
    old, new = _pair(
        _quoted(before),
        _quoted(after),
    )

    diff = diff_briefs(old, new)

    (change,) = diff.parties
    (edit,) = change.quotes_edited
    assert (edit.old, edit.new, edit.fields, edit.trivial) == (before, after, [field], False)
    assert edit.field_changes() == [(field, *shown)]
    assert (change.quotes_added, change.quotes_removed) == ([], [])
    assert not diff.trivial
    assert diff.significance > 0
    assert without_trivial(diff).parties == diff.parties


@pytest.mark.parametrize(
    ("translated_by", "fields", "trivial"),
    [(None, ["text"], True), ("AP", ["text", "translated_by"], False)],
)
def test_a_quote_recased_is_a_trivial_edit_unless_more_changed(
    translated_by: str | None, fields: list[str], trivial: bool
) -> None:
    before = _quote("We are ready.")
    after = _quote("we are READY", translated_by=translated_by)
    old, new = _pair(
        _quoted(before),
        _quoted(after),
    )

    diff = diff_briefs(old, new)

    (edit,) = diff.parties[0].quotes_edited
    assert (edit.fields, edit.trivial) == (fields, trivial)
    assert diff.trivial is trivial


def test_a_duplicate_quote_pairs_with_its_twin_before_its_correction() -> None:
    quote = _quote()
    corrected = _quote(translated_by="Reuters")
    old, new = _pair(
        _quoted(quote, quote),
        _quoted(corrected, quote),
    )

    (change,) = diff_briefs(old, new).parties

    assert change.quotes_edited == [
        changes.QuoteEdited(old=quote, new=corrected, fields=["translated_by"])
    ]
    assert (change.quotes_added, change.quotes_removed) == ([], [])


def test_positions_appearing_and_disappearing_follow_brief_order() -> None:
    alpha = models.Position(party_id="alpha", stance=models.Stance.SUPPORTS)
    bravo = models.Position(party_id="bravo", stance=models.Stance.OPPOSES)
    charlie = models.Position(party_id="charlie", stance=models.Stance.UNDECIDED)
    old, new = _pair({"positions": [alpha, bravo]}, {"positions": [charlie, alpha]})

    diff = diff_briefs(old, new)

    assert diff.parties == [
        changes.PartyChange(party_id="charlie", appeared=True, position=charlie),
        changes.PartyChange(party_id="bravo", disappeared=True, position=bravo),
    ]


def test_reordered_positions_and_conditions_are_not_changes() -> None:
    alpha = models.Position(party_id="alpha", stance=models.Stance.SUPPORTS, conditions=["a", "b"])
    bravo = models.Position(party_id="bravo", stance=models.Stance.OPPOSES)
    old, new = _pair(
        {"positions": [alpha, bravo]},
        {
            "positions": [
                bravo,
                models.Position(
                    party_id="alpha", stance=models.Stance.SUPPORTS, conditions=["b", "a"]
                ),
            ]
        },
    )

    assert diff_briefs(old, new).is_empty


def test_issue_opened_closed_reopened_status_changed_and_dropped() -> None:
    old, new = _pair(
        {
            "issues": [
                _issue("closing"),
                _issue("reopening", status=models.IssueStatus.LAPSED, closed_on=D1),
                _issue("scheduling"),
                _issue("retired", status=models.IssueStatus.RESOLVED, closed_on=D1),
                _issue("silently-dropped"),
                _issue("steady"),
            ]
        },
        {
            "issues": [
                _issue("steady"),
                _issue("new-one"),
                _issue(
                    "closing",
                    status=models.IssueStatus.RESOLVED,
                    closed_on=D2,
                    resolution="Agreed.",
                ),
                _issue("reopening", status=models.IssueStatus.DISPUTED),
                _issue("scheduling", status=models.IssueStatus.SCHEDULED),
            ]
        },
    )

    diff = diff_briefs(old, new)

    assert diff.issues == [
        changes.IssueOpened(issue=_issue("new-one")),
        changes.IssueClosed(
            issue_id="closing",
            title="Terms of the truce",
            old_status=models.IssueStatus.OPEN,
            new_status=models.IssueStatus.RESOLVED,
            opened_on=D1,
            closed_on=D2,
            resolution="Agreed.",
        ),
        changes.IssueReopened(
            issue_id="reopening",
            title="Terms of the truce",
            old_status=models.IssueStatus.LAPSED,
            new_status=models.IssueStatus.DISPUTED,
        ),
        changes.IssueStatusChanged(
            issue_id="scheduling",
            title="Terms of the truce",
            old_status=models.IssueStatus.OPEN,
            new_status=models.IssueStatus.SCHEDULED,
        ),
        changes.IssueDropped(
            issue=_issue("retired", status=models.IssueStatus.RESOLVED, closed_on=D1),
            was_closed=True,
        ),
        changes.IssueDropped(issue=_issue("silently-dropped"), was_closed=False),
    ]
    assert diff.issues_unchanged == ["steady"]


def test_issue_changes_are_a_tagged_union_handled_with_match() -> None:
    old, new = _pair(
        {"issues": [_issue()]}, {"issues": [_issue(status=models.IssueStatus.LAPSED, closed_on=D2)]}
    )

    match diff_briefs(old, new).issues:
        case [changes.IssueClosed(new_status=models.IssueStatus.LAPSED, closed_on=closed_on)]:
            assert closed_on == D2
        case other:
            pytest.fail(f"unexpected issue changes {other!r}")


def test_issue_edited_names_fields_in_model_order() -> None:
    old, new = _pair(
        {"issues": [_issue(note="Pending.")]},
        {
            "issues": [
                _issue(
                    note="Pending review.",
                    parties=["alpha"],
                    expected=models.FuzzyDate(date=D2, precision=models.DatePrecision.MONTH),
                )
            ]
        },
    )

    assert diff_briefs(old, new).issues == [
        changes.IssueEdited(
            issue_id="truce-terms",
            title="Terms of the truce",
            fields=["parties", "expected", "note"],
        )
    ]


def test_status_change_with_other_edits_reports_both() -> None:
    old, new = _pair(
        {"issues": [_issue(note="Open.")]},
        {
            "issues": [
                _issue(
                    status=models.IssueStatus.RESOLVED,
                    closed_on=D2,
                    resolution="Done.",
                    note="Done.",
                )
            ]
        },
    )

    issues = diff_briefs(old, new).issues

    assert [type(change) for change in issues] == [changes.IssueClosed, changes.IssueEdited]
    assert isinstance(issues[1], changes.IssueEdited)
    assert issues[1].fields == ["note"]


def test_events_added_removed_and_changed() -> None:
    old, new = _pair(
        {"events": [_event("summit"), _event("vote"), _event("call")]},
        {
            "events": [
                _event("summit", title="Leaders meet again", detail="Second round."),
                _event("vote"),
                _event("signing"),
            ]
        },
    )

    diff = diff_briefs(old, new)

    assert diff.events_added == [_event("signing")]
    assert diff.events_removed == [_event("call")]
    assert diff.events_changed == [
        changes.EventChanged(
            old=_event("summit"),
            new=_event("summit", title="Leaders meet again", detail="Second round."),
            fields=["title", "detail"],
        )
    ]


def test_sources_headline_takeaways_and_status() -> None:
    s1, s2 = models.Source(id="S1", outlet="Wire"), models.Source(id="S2", outlet="Daily")
    s2_fixed = models.Source(id="S2", outlet="Daily", url="https://example.org/x")
    old, new = _pair(
        {"sources": [s1, s2], "takeaways": ["One", "Two"], "headline": "Talks resume"},
        {
            "sources": [s2_fixed],
            "takeaways": ["Two", "Three"],
            "headline": "Talks stall",
            "status": models.PubStatus.CANCELED,
        },
    )

    diff = diff_briefs(old, new)

    assert diff.sources_added == [s2_fixed]
    assert diff.sources_removed == [s1, s2]
    assert diff.takeaways_added == ["Three"]
    assert diff.takeaways_removed == ["One"]
    assert diff.headline == changes.TextChange(old="Talks resume", new="Talks stall")
    assert diff.status == (models.PubStatus.USABLE, models.PubStatus.CANCELED)


def test_duplicate_takeaways_count_as_a_multiset() -> None:
    old, new = _pair({"takeaways": ["Same", "Same"]}, {"takeaways": ["Same"]})

    diff = diff_briefs(old, new)

    assert (diff.takeaways_added, diff.takeaways_removed) == ([], ["Same"])


def test_summary_is_diffed_word_by_word() -> None:
    old, new = _pair({"summary": "Talks resume in Geneva."}, {"summary": "Talks stall in Geneva."})

    summary = diff_briefs(old, new).summary

    assert summary.changed
    assert (summary.words_added, summary.words_removed) == (1, 1)


def test_changed_fields_in_model_order() -> None:
    assert changed_fields(_event(), _event(detail="x", title="y")) == ["title", "detail"]


def test_diff_is_deterministic() -> None:
    old, new = _pair(
        {"issues": [_issue("a"), _issue("b")], "summary": "one two three"},
        {"issues": [_issue("c")], "summary": "one three four"},
    )

    assert diff_briefs(old, new) == diff_briefs(old, new)


def test_large_synthetic_pair_reports_exactly_the_generated_changes() -> None:
    from bench.synthetic import synthetic_pair, synthetic_story
    from service.domain.validate import validate_brief

    old, new = synthetic_pair(seed=7)
    assert synthetic_pair(seed=7) == (old, new)  # deterministic
    assert validate_brief(old, synthetic_story()) == validate_brief(new, synthetic_story()) == []

    diff = diff_briefs(old, new)

    assert sum(change.stance is not None for change in diff.parties) == 3
    assert sum(isinstance(change, changes.IssueClosed) for change in diff.issues) == 10
    assert sum(isinstance(change, changes.IssueOpened) for change in diff.issues) == 8
    assert (len(diff.events_added), len(diff.events_changed)) == (12, 3)
    assert (len(diff.sources_added), len(diff.sources_removed)) == (5, 0)
    assert (diff.takeaways_added, diff.takeaways_removed) == (new.takeaways[-1:], old.takeaways[:1])
    assert 0 < diff.summary.words_added < 0.05 * len(new.summary.split())
    assert not diff.trivial
