"""Reported speech (`service.domain.extract.quotes.find_indirect`), on sentences we wrote."""

from __future__ import annotations

import pytest

from service.domain.extract.quotes import find_indirect

Reported = tuple[str | None, str, str]
"""One reported clause: its speaker, its cue and what was said."""


def reported(text: str) -> list[Reported]:
    return [(item.speaker, item.cue, item.text) for item in find_indirect(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "Harbour master Tomas Lind said that the port would reopen on Monday.",
            ("Tomas Lind", "said", "the port would reopen on Monday"),
            id="said_that",
        ),
        pytest.param(
            "Mayor Anna Berg told reporters the bridge was safe.",
            ("Anna Berg", "told reporters", "the bridge was safe"),
            id="told_reporters_without_that",
        ),
        pytest.param(
            "Mayor Anna Berg said on Wednesday she had met the crews.",
            ("Anna Berg", "said", "she had met the crews"),
            id="a_time_word_after_the_verb_is_skipped",
        ),
        pytest.param(
            "According to Tomas Lind, the port will reopen next week.",
            ("Tomas Lind", "According to", "the port will reopen next week"),
            id="according_to_opening_the_sentence",
        ),
        pytest.param(
            "The port will reopen next week, according to Tomas Lind.",
            ("Tomas Lind", "according to", "The port will reopen next week"),
            id="according_to_closing_the_sentence",
        ),
        pytest.param(
            "However, according to Tomas Lind, the port stays shut.",
            ("Tomas Lind", "according to", "the port stays shut"),
            id="according_to_after_an_opening_adverb",
        ),
        pytest.param(
            "Mayor Anna Berg visited the docks. She said the crews were safe.",
            ("Anna Berg", "said", "the crews were safe"),
            id="a_pronoun_speaker_is_resolved",
        ),
        pytest.param(
            "Tomas Lind told a news conference that the port was open.",
            ("Tomas Lind", "told a news conference", "the port was open"),
            id="told_a_news_conference_is_the_cue_not_the_clause",
        ),
        pytest.param(
            "Tomas Lind spoke on Sunday, saying he has ordered the ships to stay in port.",
            ("Tomas Lind", "saying", "he has ordered the ships to stay in port"),
            id="a_cue_inside_the_reported_clause_does_not_cut_it",
        ),
    ],
)
def test_one_reported_clause_with_its_speaker_and_cue(text: str, expected: Reported) -> None:
    assert reported(text) == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "Tomas Lind said that the storm had passed, noting that two ships were still at sea.",
            [
                ("Tomas Lind", "said", "the storm had passed"),
                ("Tomas Lind", "noting", "two ships were still at sea"),
            ],
            id="two_cues_of_one_sentence_split_the_clauses",
        ),
        pytest.param(
            "Tomas Lind stressed that the port was open, but he warned that the bridge was not.",
            [
                ("Tomas Lind", "stressed", "the port was open"),
                ("Tomas Lind", "warned", "the bridge was not"),
            ],
            id="the_next_cues_subject_stays_out_of_the_clause",
        ),
    ],
)
def test_two_cues_of_one_speaker_split_the_sentence(text: str, expected: list[Reported]) -> None:
    assert reported(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Tomas Lind said: “The port is open.”", id="a_quote_after_a_colon"),
        pytest.param("They added that “the port is open.”", id="a_quoted_that_clause"),
        pytest.param("Mayor Anna Berg confirmed her support for the plan.", id="an_object"),
    ],
)
def test_direct_speech_and_objects_are_not_reported_speech(text: str) -> None:
    assert reported(text) == []
