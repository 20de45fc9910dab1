"""Timeline, issue lifecycles and stance history over hand-built briefs."""

from __future__ import annotations

import datetime as dt

import msgspec

from service.domain import models
from service.domain.derive import (
    is_withdrawn,
    issue_lifecycles,
    stance_history,
    standing_briefs,
    timeline,
)
from service.domain.views import IssueStatusPoint, StancePoint
from tests.strategies import STORY_ID, make_brief

D1, D2, D3 = dt.date(2025, 3, 1), dt.date(2025, 3, 2), dt.date(2025, 3, 5)


def _event(event_id: str, when: dt.date, title: str = "Leaders meet") -> models.Event:
    return models.Event(id=event_id, when=models.FuzzyDate(date=when), title=title)


def _issue(status: models.IssueStatus = models.IssueStatus.OPEN, **fields: object) -> models.Issue:
    return models.Issue(id="terms", title="Terms", opened_on=D1, status=status, **fields)


def _day(number: int, **fields: object) -> models.Brief:
    as_of = [D1, D2, D3][number - 1]
    return make_brief(id=f"day-{number}", as_of=as_of, **fields)


def test_timeline_deduplicates_and_orders_events() -> None:
    first = _day(1, events=[_event("vote", D2), _event("call", D1)])
    second = _day(2, events=[_event("vote", D2, "Parliament votes"), _event("alpha", D2)])
    third = _day(3, events=[_event("call", D1)])

    result = timeline(STORY_ID, [third, first, second])

    assert result.story_id == STORY_ID
    assert [(entry.event.id, entry.first_reported_in.brief_id) for entry in result.entries] == [
        ("call", "day-1"),
        ("alpha", "day-2"),
        ("vote", "day-1"),
    ]
    assert result.entries[2].event.title == "Parliament votes"  # latest brief listing it


def test_timeline_uses_the_latest_revision_only() -> None:
    revision_1 = _day(1, events=[_event("typo", D1)])
    revision_2 = _day(1, revision=2, events=[_event("fixed", D1)])

    entries = timeline(STORY_ID, [revision_2, revision_1]).entries

    assert [entry.event.id for entry in entries] == ["fixed"]
    assert entries[0].first_reported_in.revision == 2


def test_issue_lifecycle_tracks_status_changes_and_closure() -> None:
    briefs = [
        _day(1, issues=[_issue(note="Raised.")]),
        _day(2, issues=[_issue(models.IssueStatus.SCHEDULED)]),
        _day(3, issues=[_issue(models.IssueStatus.RESOLVED, closed_on=D3, resolution="Agreed.")]),
    ]

    (lifecycle,) = issue_lifecycles(STORY_ID, briefs).issues

    assert lifecycle.first_seen == briefs[0].ref
    assert lifecycle.statuses == [
        IssueStatusPoint(
            brief=briefs[0].ref, status=models.IssueStatus.OPEN, changed=False, note="Raised."
        ),
        IssueStatusPoint(brief=briefs[1].ref, status=models.IssueStatus.SCHEDULED, changed=True),
        IssueStatusPoint(brief=briefs[2].ref, status=models.IssueStatus.RESOLVED, changed=True),
    ]
    assert lifecycle.current_status is models.IssueStatus.RESOLVED
    assert (lifecycle.closed_on, lifecycle.resolution) == (D3, "Agreed.")
    assert lifecycle.age_days == 4
    assert lifecycle.is_closed


def test_open_issue_ages_until_the_latest_brief_even_when_no_longer_listed() -> None:
    briefs = [_day(1, issues=[_issue()]), _day(2, issues=[_issue()]), _day(3)]

    (lifecycle,) = issue_lifecycles(STORY_ID, briefs).issues

    assert lifecycle.closed_on is None
    assert lifecycle.age_days == 4
    assert [point.changed for point in lifecycle.statuses] == [False, False]


def test_closed_issue_without_closed_on_closes_when_first_reported_closed() -> None:
    briefs = [
        _day(1, issues=[_issue()]),
        _day(2, issues=[_issue(models.IssueStatus.LAPSED)]),
        _day(3, issues=[_issue(models.IssueStatus.LAPSED)]),
    ]

    (lifecycle,) = issue_lifecycles(STORY_ID, briefs).issues

    assert lifecycle.closed_on == D2
    assert lifecycle.age_days == 1


def test_lifecycles_are_ordered_by_opening_date_then_id() -> None:
    late = models.Issue(id="a-late", title="Late", opened_on=D2)
    early_b = models.Issue(id="b-early", title="B", opened_on=D1)
    early_a = models.Issue(id="a-early", title="A", opened_on=D1)

    result = issue_lifecycles(STORY_ID, [_day(1, issues=[late, early_b, early_a])])

    assert [issue.issue_id for issue in result.issues] == ["a-early", "b-early", "a-late"]


def test_stance_history_marks_changes_and_skips_silent_briefs() -> None:
    quote = models.Quote(text="Not yet.", speaker="Envoy", source_id="S1")
    briefs = [
        _day(
            1,
            positions=[
                models.Position(party_id="alpha", stance=models.Stance.OPPOSES, statement="No.")
            ],
        ),
        _day(2, positions=[models.Position(party_id="bravo", stance=models.Stance.SUPPORTS)]),
        _day(
            3,
            positions=[
                models.Position(party_id="alpha", stance=models.Stance.CONDITIONAL, quotes=[quote])
            ],
        ),
    ]

    history = stance_history(STORY_ID, "alpha", briefs)

    assert (history.story_id, history.party_id) == (STORY_ID, "alpha")
    assert history.points == [
        StancePoint(
            brief=briefs[0].ref, stance=models.Stance.OPPOSES, statement="No.", changed=False
        ),
        StancePoint(
            brief=briefs[2].ref,
            stance=models.Stance.CONDITIONAL,
            statement="",
            changed=True,
            quotes=[quote],
        ),
    ]


def test_unknown_party_has_an_empty_history() -> None:
    assert stance_history(STORY_ID, "nobody", [_day(1)]).points == []


def test_views_of_no_briefs_are_empty() -> None:
    assert timeline(STORY_ID, []).entries == []
    assert issue_lifecycles(STORY_ID, []).issues == []


# --- withdrawn briefs -------------------------------------------------------------------------


def _withdrawn(brief: models.Brief) -> models.Brief:
    """The next revision of ``brief``, withdrawing it."""
    return msgspec.structs.replace(
        brief, revision=brief.revision + 1, status=models.PubStatus.CANCELED
    )


def test_a_withdrawn_brief_does_not_feed_the_timeline_but_is_named() -> None:
    first = _day(1, events=[_event("call", D1)])
    second = _day(2, events=[_event("call", D1, "Call retold"), _event("hoax", D2)])
    withdrawn = _withdrawn(second)

    result = timeline(STORY_ID, [first, second, withdrawn])

    assert [(entry.event.id, entry.event.title) for entry in result.entries] == [
        ("call", "Leaders meet")
    ]
    assert result.withdrawn == [withdrawn.ref]


def test_a_withdrawn_brief_does_not_feed_issue_lifecycles() -> None:
    first = _day(1, issues=[_issue()])
    second = _withdrawn(_day(2, issues=[_issue(models.IssueStatus.RESOLVED, closed_on=D2)]))
    third = _day(3, issues=[_issue(models.IssueStatus.DISPUTED)])

    (lifecycle,) = issue_lifecycles(STORY_ID, [first, second, third]).issues

    assert [point.brief.brief_id for point in lifecycle.statuses] == ["day-1", "day-3"]
    assert (lifecycle.current_status, lifecycle.closed_on) == (models.IssueStatus.DISPUTED, None)
    only_withdrawn = issue_lifecycles(STORY_ID, [_withdrawn(first)])
    assert only_withdrawn.issues == []


def test_a_withdrawn_brief_does_not_feed_stance_history() -> None:
    supports = [models.Position(party_id="alpha", stance=models.Stance.SUPPORTS)]
    opposes = [models.Position(party_id="alpha", stance=models.Stance.OPPOSES)]
    briefs = [
        _day(1, positions=supports),
        _withdrawn(_day(2, positions=opposes)),
        _day(3, positions=supports),
    ]

    points = stance_history(STORY_ID, "alpha", briefs).points

    assert [(point.brief.brief_id, point.changed) for point in points] == [
        ("day-1", False),
        ("day-3", False),
    ]


def test_a_brief_reinstated_by_a_later_revision_stands_again() -> None:
    first = _day(1, events=[_event("call", D1)])
    withdrawn = _withdrawn(first)
    reinstated = msgspec.structs.replace(withdrawn, revision=3, status=models.PubStatus.USABLE)

    assert standing_briefs([first, withdrawn]) == []
    assert standing_briefs([first, withdrawn, reinstated]) == [reinstated]
    assert is_withdrawn(withdrawn)
    assert not is_withdrawn(reinstated)
    assert not is_withdrawn(msgspec.structs.replace(first, status=models.PubStatus.WITHHELD))
    assert timeline(STORY_ID, [first, withdrawn, reinstated]).withdrawn == []
