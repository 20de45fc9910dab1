"""Attribution rules beyond the basic forms (`service.domain.extract.attribution`), on sentences
we wrote: datelines, "…, X said", documents and their issuers, labels, continued quotes."""

from __future__ import annotations

from service.domain.extract.quotes import find_quotes


def attributed(text: str) -> list[tuple[str, str | None, str | None]]:
    return [(q.text, q.speaker, q.cue) for q in find_quotes(text)]


def test_a_dateline_is_no_speaker() -> None:
    text = "OSLO (Wire) - Mayor Anna Berg said the port was “open again”."
    assert attributed(text) == [("open again", "Anna Berg", "said")]
    dashed = "OSLO – Mayor Anna Berg ordered the crews to “stand down”."
    assert attributed(dashed) == [("stand down", "Anna Berg", "ordered")]


def test_the_subject_between_the_last_comma_and_the_verb() -> None:
    text = (
        "Mayor Anna Berg has sent the crews home, the harbour office said on Friday, adding "
        "that it saw “no further risk”."
    )
    assert attributed(text) == [("no further risk", "harbour office", "adding")]


def test_with_x_saying() -> None:
    text = (
        "The crews left the docks at noon, with the harbour office saying the storm had “passed”."
    )
    assert [q.speaker for q in find_quotes(text)] == ["harbour office"]


def test_a_document_speaks_for_its_issuer() -> None:
    text = (
        "The port reopened, according to a statement issued by the Harbour Council.\n\n"
        "“No ship was damaged,” the statement said."
    )
    assert attributed(text) == [("No ship was damaged,", "Harbour Council", "said")]


def test_a_document_named_by_its_issuer() -> None:
    text = "“No ship was damaged,” the Harbour Council statement said."
    assert [q.speaker for q in find_quotes(text)] == ["Harbour Council"]


def test_an_earlier_document_of_someone_else_does_not_take_over() -> None:
    text = (
        "The Harbour Council said in a statement that the port was open. It confirmed an earlier "
        "statement by the City Council. The statement also noted that the crews were “safe”."
    )
    assert [q.speaker for q in find_quotes(text)] == ["Harbour Council"]


def test_the_post_went_on() -> None:
    text = (
        "The Harbour Council said in a post on its Telegram channel that the port was open. "
        "“The crews are safe,” the post went on."
    )
    assert attributed(text) == [("The crews are safe,", "Harbour Council", "went on")]


def test_a_quote_label_is_the_person_in_focus() -> None:
    text = 'Mayor Anna Berg spoke on Sunday.\n\nQuote: "We will rebuild the harbour."'
    assert attributed(text) == [("We will rebuild the harbour.", "Anna Berg", "Quote")]


def test_a_quote_in_a_paragraph_of_its_own_continues_the_speaker_without_a_cue() -> None:
    text = (
        "“The port is open,” the harbour master Tomas Lind said.\n\n"
        "“The crews are safe and the ships are back.”"
    )
    assert attributed(text)[1] == ("The crews are safe and the ships are back.", "Tomas Lind", None)


def test_a_subhead_in_quotes_does_not_continue_the_speaker() -> None:
    text = "“The port is open,” harbour master Tomas Lind said.\n\n'A new start'\n\nThe crews left."
    assert attributed(text)[1] == ("A new start", None, None)


def test_a_sentence_opening_adverb_or_preposition_is_no_name() -> None:
    text = "Harbour master Tomas Lind spoke. Shortly afterwards, Lind said the port was “open”."
    assert [q.speaker for q in find_quotes(text)] == ["Tomas Lind"]
    despite = "Despite the storm, harbour master Tomas Lind called the season “a success”."
    assert [q.speaker for q in find_quotes(despite)] == ["Tomas Lind"]


def test_a_bare_title_gives_way_to_the_name_it_titles() -> None:
    text = (
        "Special envoy of the harbour council and head of the Port Fund (PF) Tomas Lind has "
        "described the talks as “productive”."
    )
    assert [q.speaker for q in find_quotes(text)] == ["Tomas Lind"]


def test_a_passive_agent_is_the_one_in_focus() -> None:
    text = "This was reported by harbour master Tomas Lind. “The port is open,” he noted."
    assert attributed(text) == [("The port is open,", "Tomas Lind", "noted")]


def test_a_headline_names_its_speaker_before_a_colon() -> None:
    assert attributed("Harbour Council: storm damage ‘limited’") == [
        ("limited", "Harbour Council", None)
    ]


def test_an_exclamation_in_quotes_does_not_end_the_sentence_before_its_attribution() -> None:
    text = "‘Stop the ships!’ Lind says to the crews"
    assert attributed(text) == [("Stop the ships!", "Lind", "says")]


def test_quoted_as_saying_active_and_passive() -> None:
    active = "The Wire agency quoted Tomas Lind as saying the port was “open”."
    assert attributed(active) == [("open", "Tomas Lind", "quoted Tomas Lind as saying")]
    passive = "Tomas Lind was quoted by the Wire agency as saying the port was “open”."
    assert attributed(passive) == [("open", "Tomas Lind", "quoted by the Wire agency as saying")]


def test_an_unnamed_source_is_the_description() -> None:
    text = "A senior harbour official, who asked not to be named, said the port was “lost”."
    assert [q.speaker for q in find_quotes(text)] == ["senior harbour official"]


def test_officials_of_a_nationality_are_a_body() -> None:
    text = "The port is “open again”, according to Norwegian officials."
    assert attributed(text) == [("open again", "Norwegian officials", "according to")]


def test_told_an_outlets_host() -> None:
    text = "“It is a good day,” Tomas Lind told Harbour Radio's Anna Berg."
    assert attributed(text) == [
        ("It is a good day,", "Tomas Lind", "told Harbour Radio's Anna Berg")
    ]


def test_a_quote_after_a_colon_belongs_to_its_own_clause() -> None:
    text = (
        "The storm hit the port, officials said on Monday, prompting the mayor to send a "
        "message to the crews: “Stay home.”"
    )
    assert [q.speaker for q in find_quotes(text)] == [None]


def test_a_titled_name_after_a_capitalised_title_with_its_place() -> None:
    text = (
        "The Council Presidentʼs Special Representative for Ukraine Tomas Lind previously said "
        "that the port was “open”."
    )
    assert [q.speaker for q in find_quotes(text)] == ["Tomas Lind"]


def test_a_capitalised_common_noun_opening_a_sentence_is_not_salient() -> None:
    text = (
        "Mayor Anna Berg spoke first. Negotiations are scheduled for Monday. "
        "“We will be there,” she said."
    )
    assert [q.speaker for q in find_quotes(text)] == ["Anna Berg"]


def test_a_description_with_another_nationality_is_not_the_last_person() -> None:
    text = (
        "Polish Prime Minister Ola Berg met the crews. "
        "The Hungarian prime minister said the port was “a model”."
    )
    assert [q.speaker for q in find_quotes(text)] == [None]


def test_a_quote_over_several_paragraphs_is_one_quote_where_it_opens() -> None:
    text = (
        'Mayor Anna Berg spoke on Sunday.\n\nQuote: "We start with the harbour.\n\n'
        'Then the bridge."'
    )
    assert attributed(text) == [
        ("We start with the harbour.\n\nThen the bridge.", "Anna Berg", "Quote")
    ]


def test_an_opening_participle_governs_its_quote() -> None:
    text = "Saying “the port is open”, Tomas Lind urged the crews to return."
    assert attributed(text) == [("the port is open", "Tomas Lind", "Saying")]


def test_an_owners_office_or_aide_without_a_name() -> None:
    office = "Mayor Anna Berg’s office said the bridge was “safe”."
    assert [q.speaker for q in find_quotes(office)] == ["Mayor Anna Berg’s office"]
    aide = "Anna Berg’s spokesman said the bridge was “safe”."
    assert [q.speaker for q in find_quotes(aide)] == ["Anna Berg’s spokesman"]


def test_an_owners_aide_with_a_name_is_the_name() -> None:
    apposed = "Anna Berg’s top aide, Tomas Lind, said the bridge was “safe”."
    assert [q.speaker for q in find_quotes(apposed)] == ["Tomas Lind"]
    titled = "Anna Berg’s spokesman Tomas Lind said the bridge was “safe”."
    assert [q.speaker for q in find_quotes(titled)] == ["Tomas Lind"]


def test_a_newspaper_speaks_as_a_body() -> None:
    assert [q.speaker for q in find_quotes("The port was “busy”, the paper said.")] == ["paper"]


def test_an_opening_participles_own_clause_holds_no_speaker() -> None:
    text = "Saying harbour crews had the “upper hand”, Mayor Anna Berg thanked them."
    assert attributed(text) == [("upper hand", "Anna Berg", "Saying")]
