"""Reported speech (`service.domain.extract.quotes.find_indirect`), on sentences we wrote."""

from __future__ import annotations

from service.domain.extract.quotes import find_indirect


def reported(text: str) -> list[tuple[str | None, str, str]]:
    return [(item.speaker, item.cue, item.text) for item in find_indirect(text)]


def test_said_that() -> None:
    text = "Harbour master Tomas Lind said that the port would reopen on Monday."
    assert reported(text) == [("Tomas Lind", "said", "the port would reopen on Monday")]


def test_told_reporters_without_that() -> None:
    text = "Mayor Anna Berg told reporters the bridge was safe."
    assert reported(text) == [("Anna Berg", "told reporters", "the bridge was safe")]


def test_a_time_word_after_the_verb_is_skipped() -> None:
    text = "Mayor Anna Berg said on Wednesday she had met the crews."
    assert reported(text) == [("Anna Berg", "said", "she had met the crews")]


def test_according_to_opening_the_sentence() -> None:
    text = "According to Tomas Lind, the port will reopen next week."
    assert reported(text) == [("Tomas Lind", "According to", "the port will reopen next week")]


def test_according_to_closing_the_sentence() -> None:
    text = "The port will reopen next week, according to Tomas Lind."
    assert reported(text) == [("Tomas Lind", "according to", "The port will reopen next week")]


def test_two_cues_of_one_sentence_split_the_clauses() -> None:
    text = "Tomas Lind said that the storm had passed, noting that two ships were still at sea."
    assert reported(text) == [
        ("Tomas Lind", "said", "the storm had passed"),
        ("Tomas Lind", "noting", "two ships were still at sea"),
    ]


def test_the_next_cues_subject_stays_out_of_the_clause() -> None:
    text = "Tomas Lind stressed that the port was open, but he warned that the bridge was not."
    assert reported(text) == [
        ("Tomas Lind", "stressed", "the port was open"),
        ("Tomas Lind", "warned", "the bridge was not"),
    ]


def test_a_pronoun_speaker_is_resolved() -> None:
    text = "Mayor Anna Berg visited the docks. She said the crews were safe."
    assert reported(text) == [("Anna Berg", "said", "the crews were safe")]


def test_a_quote_alone_is_direct_speech_not_reported() -> None:
    assert reported("Tomas Lind said: “The port is open.”") == []
    assert reported("They added that “the port is open.”") == []


def test_an_object_is_no_clause() -> None:
    assert reported("Mayor Anna Berg confirmed her support for the plan.") == []


def test_according_to_after_an_opening_adverb() -> None:
    text = "However, according to Tomas Lind, the port stays shut."
    assert reported(text) == [("Tomas Lind", "according to", "the port stays shut")]


def test_told_a_news_conference_is_the_cue_not_the_clause() -> None:
    text = "Tomas Lind told a news conference that the port was open."
    assert reported(text) == [("Tomas Lind", "told a news conference", "the port was open")]


def test_a_cue_inside_the_reported_clause_does_not_cut_it() -> None:
    text = "Tomas Lind spoke on Sunday, saying he has ordered the ships to stay in port."
    assert reported(text)[0] == (
        "Tomas Lind",
        "saying",
        "he has ordered the ships to stay in port",
    )
