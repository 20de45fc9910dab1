"""Direct quotes (`service.domain.extract.quotes`), on sentences we wrote: their spans, the titles
stripped from speakers, descriptions, cues as written, and a cue carried on; who said each quote in
general is in `test_attribution`."""

from __future__ import annotations

import pytest

from service.domain.extract.quotes import find_quotes


def test_offsets_are_the_span_inside_the_marks() -> None:
    text = "“The harbour stays open,” Mayor Anna Berg said."
    (quote,) = find_quotes(text)
    assert text[quote.start : quote.end] == quote.text == "The harbour stays open,"


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


def test_a_quote_opening_its_own_sentence_continues_the_speaker_before() -> None:
    text = "“The port is open,” Tomas Lind told reporters. “The ships are back.”"
    assert [q.cue for q in find_quotes(text)] == ["told reporters", "told reporters"]
