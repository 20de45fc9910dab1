"""Where quotes open and close (`service.domain.extract.quotemarks`), on sentences we wrote."""

from __future__ import annotations

import pytest

from service.domain.extract.quotemarks import find_quote_spans


def inside(text: str) -> list[str]:
    return [text[span.start : span.end] for span in find_quote_spans(text)]


@pytest.mark.parametrize(
    "text",
    [
        "“The harbour stays open,” the mayor said.",
        '"The harbour stays open," the mayor said.',
        "«The harbour stays open,» the mayor said.",
    ],
)
def test_curly_straight_and_angled_double_quotes(text: str) -> None:
    assert inside(text) == ["The harbour stays open,"]


def test_apostrophes_are_not_quotes() -> None:
    text = "The council’s plan isn't final, and the mayor’s office didn't say when it would be."
    assert inside(text) == []


def test_apostrophes_inside_a_quote_stay_in_it() -> None:
    text = "“We’re not done, and it’s the council’s call,” she said."
    assert inside(text) == ["We’re not done, and it’s the council’s call,"]


def test_single_quotes_in_a_headline() -> None:
    assert inside("Mayor hails ‘historic’ harbour deal") == ["historic"]
    assert inside("Mayor hails 'historic' harbour deal with the port's owners") == ["historic"]


def test_a_plural_possessive_closes_nothing_when_no_single_quote_is_open() -> None:
    assert inside("The ministers’ meeting ended late, officials said.") == []


def test_a_nested_quote_belongs_to_its_outer_quote() -> None:
    text = "“When they told us ‘wait’, we waited,” the captain said."
    assert inside(text) == ["When they told us ‘wait’, we waited,"]
    straight = "\"When they told us 'wait', we waited,\" the captain said."
    assert inside(straight) == ["When they told us 'wait', we waited,"]


def test_a_single_quote_holding_a_double_one_is_the_outer_quote() -> None:
    assert inside("‘He said “no” twice’") == ["He said “no” twice"]


def test_split_quotes_are_two_spans() -> None:
    text = "“We are ready,” he said, “to talk.”"
    assert inside(text) == ["We are ready,", "to talk."]


def test_a_quote_that_runs_on_into_the_next_paragraph() -> None:
    text = (
        "“The first stage is the harbour. We start there in May.\n\n"
        "“The second stage is the bridge,” the engineer said."
    )
    assert inside(text) == [
        "The first stage is the harbour. We start there in May.",
        "The second stage is the bridge,",
    ]


def test_a_hard_wrapped_line_keeps_its_quote_open() -> None:
    text = "“The first stage is the harbour and\nthe second is the bridge,” she said."
    assert inside(text) == ["The first stage is the harbour and\nthe second is the bridge,"]


def test_empty_marks_are_no_quote() -> None:
    assert inside("He drew “ ” in the air.") == []


def test_one_pair_of_marks_around_several_paragraphs() -> None:
    text = 'Quote: "The first stage is the harbour.\n\nThe second is the bridge."\n\nShe left.'
    assert inside(text) == ["The first stage is the harbour.\n\nThe second is the bridge."]
