"""Dated mentions: weekday arithmetic, relative mentions and absolute forms (sentences we wrote)."""

from __future__ import annotations

import datetime as dt

import pytest

from service.domain.extract.dates import find_dates

FRIDAY = dt.date(2025, 3, 14)


def values(text: str, published: dt.date = FRIDAY) -> list[tuple[str, str | None]]:
    return [(mention.mention, mention.value) for mention in find_dates(text, published)]


@pytest.mark.parametrize(
    ("sentence", "published", "expected"),
    [
        ("On Friday, the ministry spoke.", FRIDAY, ("On Friday", "2025-03-14")),
        ("On Thursday, the envoy left.", FRIDAY, ("On Thursday", "2025-03-13")),
        ("The talks ended on Saturday.", FRIDAY, ("on Saturday", "2025-03-08")),
        # Across a month end: published Tuesday 1 April, "on Friday" is 28 March.
        ("The envoy flew home on Friday.", dt.date(2025, 4, 1), ("on Friday", "2025-03-28")),
        # Across a year end: published Thursday 2 January 2025.
        ("They met on Monday.", dt.date(2025, 1, 2), ("on Monday", "2024-12-30")),
        # The future: next occurrence, across a month end (published Friday 28 February).
        (
            "The delegations will meet on Tuesday.",
            dt.date(2025, 2, 28),
            ("on Tuesday", "2025-03-04"),
        ),
        ("Talks are due to resume on Monday.", FRIDAY, ("on Monday", "2025-03-17")),
        ("The ministers met last Friday.", FRIDAY, ("last Friday", "2025-03-07")),
        ("A vote is planned for next Wednesday.", FRIDAY, ("next Wednesday", "2025-03-19")),
        # The nearest verb decides: spoke in the past about a future.
        (
            "He said on Thursday that talks will follow.",
            FRIDAY,
            ("on Thursday", "2025-03-13"),
        ),
    ],
)
def test_weekdays(sentence: str, published: dt.date, expected: tuple[str, str]) -> None:
    assert values(sentence, published) == [expected]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # Relative mentions, counted from the publication date (Friday 14 March 2025).
        ("Earlier this week, the envoys met.", ("Earlier this week", "2025-03-10/2025-03-13")),
        ("An answer is expected later this week.", ("later this week", "2025-03-15/2025-03-16")),
        ("We will hear from them this week.", ("this week", "2025-03-10/2025-03-16")),
        ("The talks collapsed last week.", ("last week", "2025-03-03/2025-03-09")),
        ("The summit is next week.", ("next week", "2025-03-17/2025-03-23")),
        ("Prices rose last month.", ("last month", "2025-02")),
        ("A deal is hoped for this month.", ("this month", "2025-03")),
        ("Earlier this month the envoys met.", ("Earlier this month", "2025-03-01/2025-03-13")),
        ("Elections were held last year.", ("last year", "2024")),
        ("The minister spoke yesterday.", ("yesterday", "2025-03-13")),
        ("Today’s meeting was short.", ("Today’s", "2025-03-14")),
        ("The vote is tomorrow.", ("tomorrow", "2025-03-15")),
        ("The shelling began two days ago.", ("two days ago", "2025-03-12")),
        ("A fortnight started three weeks ago.", ("three weeks ago", "2025-02-21")),
        ("They met over the weekend.", ("the weekend", "2025-03-08/2025-03-09")),
        ("A response could come in a matter of days.", ("in a matter of days", None)),
        ("The recent proposal stands.", ("recent", None)),
        # Absolute forms.
        ("The talks opened on March 11.", ("on March 11", "2025-03-11")),
        ("Signed 11 March 2025 in Jeddah.", ("11 March 2025", "2025-03-11")),
        ("Talks ran March 11-12 in Jeddah.", ("March 11-12", "2025-03-11/2025-03-12")),
        ("Talks ran 11–12 March.", ("11–12 March", "2025-03-11/2025-03-12")),
        ("Filed 2025-03-11 by the desk.", ("2025-03-11", "2025-03-11")),
        ("Updated 19.03.2025 at noon.", ("19.03.2025", "2025-03-19")),
        ("Posted 3/19/2025.", ("3/19/2025", "2025-03-19")),
        ("A deal is hoped for by mid-March.", ("mid-March", "2025-03")),
        ("The offer dates from February 2025.", ("February 2025", "2025-02")),
        ("The offer was first made in February.", ("February", "2025-02")),
        ("Sanctions date back to 2014.", ("2014", "2014")),
        ("It began on Tuesday, March 11.", ("on Tuesday, March 11", "2025-03-11")),
        ("The deadline is Sept. 3.", ("Sept. 3", "2025-09-03")),
        # A date without a year goes to the nearest year: December is last year in March.
        ("The talks of December 20 failed.", ("December 20", "2024-12-20")),
    ],
)
def test_relative_and_absolute_mentions(sentence: str, expected: tuple[str, str | None]) -> None:
    assert values(sentence) == [expected]


def test_a_day_earlier_counts_from_the_last_date_mentioned() -> None:
    text = "He spoke to Kyiv on Wednesday. The call came a day after talks on March 11."
    assert values(text, dt.date(2025, 3, 19)) == [
        ("on Wednesday", "2025-03-19"),
        ("a day after", "2025-03-20"),
        ("on March 11", "2025-03-11"),
    ]
    text = "He spoke on Wednesday, building on his call a day earlier."
    assert values(text, dt.date(2025, 3, 19))[-1] == ("a day earlier", "2025-03-18")


def test_impossible_dates_are_null_not_errors() -> None:
    assert values("Filed 2025-02-30.") == [("2025-02-30", None)]


def test_may_the_verb_is_no_date() -> None:
    assert values("Russia may respond, officials said.") == []


SATURDAY = dt.date(2025, 4, 19)


def test_a_range_of_whole_days_is_one_span() -> None:
    text = "A truce holds from Sunday to Monday, the ministry said."
    assert values(text, SATURDAY) == [("from Sunday to Monday", "2025-04-20/2025-04-21")]
    # Said of the past, close by: the days before publication.
    text = "Fighting raged from Monday to Wednesday."
    assert values(text, SATURDAY) == [("from Monday to Wednesday", "2025-04-14/2025-04-16")]


def test_the_second_day_of_a_range_counts_on_from_the_first() -> None:
    text = "He ordered a halt from Saturday evening through Sunday."
    assert values(text, SATURDAY) == [
        ("Saturday evening", "2025-04-19"),
        ("Sunday", "2025-04-20"),
    ]


def test_that_same_day_is_the_day_last_mentioned() -> None:
    text = "On 13 March, Putin spoke. That same day, Witkoff was in Moscow."
    assert values(text, dt.date(2025, 3, 16)) == [
        ("On 13 March", "2025-03-13"),
        ("That same day", "2025-03-13"),
    ]


def test_every_apostrophe_makes_a_possessive() -> None:
    for apostrophe in ("'", "\u2019", "\u02bc"):
        assert values(f"Today{apostrophe}s talks.") == [(f"Today{apostrophe}s", "2025-03-14")]


def test_a_passive_participle_is_no_past() -> None:
    assert values("The summit will be held this weekend.") == [
        ("this weekend", "2025-03-15/2025-03-16")
    ]
    assert values("Talks will be resumed on Monday.") == [("on Monday", "2025-03-17")]
    assert values("They met this weekend, officials said.") == [
        ("this weekend", "2025-03-08/2025-03-09")
    ]
