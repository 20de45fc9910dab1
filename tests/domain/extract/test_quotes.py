"""Direct quotes with speaker and cue (`service.domain.extract.quotes`), on sentences we wrote."""

from __future__ import annotations

import pytest

from service.domain.extract.quotes import find_quotes


def attributed(text: str) -> list[tuple[str, str | None, str | None]]:
    return [(q.text, q.speaker, q.cue) for q in find_quotes(text)]


def test_offsets_are_the_span_inside_the_marks() -> None:
    text = "“The harbour stays open,” Mayor Anna Berg said."
    (quote,) = find_quotes(text)
    assert text[quote.start : quote.end] == quote.text == "The harbour stays open,"


def test_split_quote_is_two_quotes_of_one_speaker_and_cue() -> None:
    text = "Harbour master Tomas Lind spoke on Monday. “We are ready,” he said, “to talk.”"
    assert attributed(text) == [
        ("We are ready,", "Tomas Lind", "said"),
        ("to talk.", "Tomas Lind", "said"),
    ]


def test_inverted_attribution() -> None:
    text = "“The bridge opens in May,” said city engineer Maria Lopez."
    assert attributed(text) == [("The bridge opens in May,", "Maria Lopez", "said")]


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("Port authority spokesman Erik Dahl said the ships were “on schedule”.", "Erik Dahl"),
        ("Harbour Minister Lena Holm said the ships were “on schedule”.", "Lena Holm"),
        ("Norwegian Prime Minister Ola Berg said the ships were “on schedule”.", "Ola Berg"),
        ("Secretary of State Jon Vik said the ships were “on schedule”.", "Jon Vik"),
        ("The Foreign Ministry said the ships were “on schedule”.", "Foreign Ministry"),
        ("The Kremlin said the ships were “on schedule”.", "Kremlin"),
    ],
)
def test_titles_are_stripped_and_bodies_kept(text: str, speaker: str) -> None:
    assert [q.speaker for q in find_quotes(text)] == [speaker]


def test_a_surname_alone_is_the_full_name_given_earlier() -> None:
    text = (
        "Harbour master Tomas Lind met the crews. Later, Lind said the port was “back to normal”."
    )
    assert [q.speaker for q in find_quotes(text)] == ["Tomas Lind"]


def test_a_surname_in_a_headline_is_the_full_name_given_later() -> None:
    text = "Lind hails ‘record’ season\n\nHarbour master Tomas Lind said the port was busy."
    assert attributed(text) == [("record", "Tomas Lind", "hails")]


def test_he_is_the_last_subject_not_the_last_name_in_passing() -> None:
    text = (
        "Mayor Anna Berg said she and engineer Per Olsen had inspected the bridge. "
        "“It is safe,” she said."
    )
    assert attributed(text) == [("It is safe,", "Anna Berg", "said")]


def test_they_is_the_last_group() -> None:
    text = (
        "Mayor Anna Berg and harbour master Tomas Lind said in a statement that the port would "
        "reopen. They added that “no ship was damaged.”"
    )
    assert [q.speaker for q in find_quotes(text)] == ["Anna Berg and Tomas Lind"]


@pytest.mark.parametrize(
    ("description", "speaker"),
    [
        ("the spokesman", "Erik Dahl"),
        ("the port authority aide", "Erik Dahl"),
        ("the minister", "Lena Holm"),
    ],
)
def test_descriptions_are_the_last_person_with_a_fitting_title(
    description: str, speaker: str
) -> None:
    text = (
        "Port authority spokesman Erik Dahl and Harbour Minister Lena Holm visited the docks. "
        f"“Nothing was lost,” {description} said."
    )
    assert [q.speaker for q in find_quotes(text)] == [speaker]


@pytest.mark.parametrize(
    ("sentence", "cue"),
    [
        ("“The port is open,” Tomas Lind told reporters in Oslo on Friday.", "told reporters"),
        ("Tomas Lind wrote on Truth Social that the port was “open”.", "wrote on Truth Social"),
        ("Tomas Lind stated that the port was “open”.", "stated"),
        ("“The port is open,” Tomas Lind added.", "added"),
        ("Tomas Lind noted that the port was “open”.", "noted"),
        ("Tomas Lind stressed that the port was “open”.", "stressed"),
        ("Tomas Lind has warned that the port could “close again”.", "has warned"),
        ("Tomas Lind also said the port was “open”.", "also said"),
        ("Tomas Lind said in a statement that the port was “open”.", "said in a statement"),
        ("Tomas Lind posted on X stating that the port was “open”.", "posted on X stating"),
        ("Tomas Lind dismissed the reports as “nonsense”.", "dismissed the reports as"),
        (
            "Tomas Lind said in his nightly video address that the port was “open”.",
            "said in his nightly video address",
        ),
        (
            "“It is open,” Tomas Lind told city radio station Harbour FM.",
            "told city radio station Harbour FM",
        ),
        ("“It is open,” Tomas Lind told a news conference.", "told a news conference"),
    ],
)
def test_cues_as_written(sentence: str, cue: str) -> None:
    assert [(q.speaker, q.cue) for q in find_quotes(sentence)] == [("Tomas Lind", cue)]


def test_according_to_names_its_speaker_after_it() -> None:
    text = "The port is “fully open again,” according to harbour master Tomas Lind."
    assert attributed(text) == [("fully open again,", "Tomas Lind", "according to")]


def test_according_to_a_statement_speaks_for_its_authors() -> None:
    text = (
        "Mayor Anna Berg and Tomas Lind said in a statement that the port was open. The "
        "crews were “tired but safe,” according to the statement."
    )
    quotes = attributed(text)
    assert quotes == [("tired but safe,", "Anna Berg and Tomas Lind", "according to the statement")]


def test_a_trailing_attribution_covers_earlier_quotes_of_its_sentence() -> None:
    text = (
        "The mayor thanked the crews “for their patience” at the docks, where the repairs "
        "“went faster than planned,” Tomas Lind said."
    )
    assert [q.speaker for q in find_quotes(text)] == ["Tomas Lind", "Tomas Lind"]


def test_a_quote_opening_its_own_sentence_continues_the_speaker_before() -> None:
    text = "“The port is open,” Tomas Lind told reporters. “The ships are back.”"
    assert [q.cue for q in find_quotes(text)] == ["told reporters", "told reporters"]


def test_a_quote_after_a_speech_verb_in_a_nested_clause_is_the_outer_speakers() -> None:
    text = "Spokesman Erik Dahl stated that the mayor felt “cautious optimism” about the repairs."
    assert attributed(text) == [("cautious optimism", "Erik Dahl", "stated")]


def test_a_participle_cue_shares_the_sentence_subject() -> None:
    text = "Mayor Anna Berg raised doubts about the plan, saying she had “serious questions”."
    assert attributed(text) == [("serious questions", "Anna Berg", "saying")]


def test_a_subhead_echoing_an_attributed_quote_takes_its_speaker_without_a_cue() -> None:
    text = (
        "'Back to normal'\n\n"
        "Harbour master Tomas Lind said the port was “back to normal after the storm”."
    )
    assert attributed(text)[0] == ("Back to normal", "Tomas Lind", None)


def test_an_unattributed_quote_has_no_speaker() -> None:
    assert attributed("A ‘new chapter’ for the port") == [("new chapter", None, None)]


def test_a_modal_verb_after_a_quote_is_no_attribution() -> None:
    text = "Tomas Lind said the crews “hope” they would say yes."
    assert attributed(text) == [("hope", "Tomas Lind", "said")]
