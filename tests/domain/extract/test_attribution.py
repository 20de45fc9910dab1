"""Who said each direct quote, and with which cue (`service.domain.extract.attribution`, through
`find_quotes`), on sentences we wrote: the basic forms, then datelines, "…, X said", documents and
their issuers, labels, continued quotes."""

from __future__ import annotations

import pytest

from service.domain.extract.quotes import find_quotes

Quoted = tuple[str, str | None, str | None]
"""One direct quote: the text inside its marks, its speaker and its cue."""


def attributed(text: str) -> list[Quoted]:
    return [(q.text, q.speaker, q.cue) for q in find_quotes(text)]


def speakers(text: str) -> list[str | None]:
    return [q.speaker for q in find_quotes(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The basic forms.
        pytest.param(
            "Harbour master Tomas Lind spoke on Monday. “We are ready,” he said, “to talk.”",
            [("We are ready,", "Tomas Lind", "said"), ("to talk.", "Tomas Lind", "said")],
            id="a_split_quote_is_two_quotes_of_one_speaker_and_cue",
        ),
        pytest.param(
            "“The bridge opens in May,” said city engineer Maria Lopez.",
            [("The bridge opens in May,", "Maria Lopez", "said")],
            id="inverted_attribution",
        ),
        pytest.param(
            "Lind hails ‘record’ season\n\nHarbour master Tomas Lind said the port was busy.",
            [("record", "Tomas Lind", "hails")],
            id="a_surname_in_a_headline_is_the_full_name_given_later",
        ),
        pytest.param(
            "Mayor Anna Berg said she and engineer Per Olsen had inspected the bridge. "
            "“It is safe,” she said.",
            [("It is safe,", "Anna Berg", "said")],
            id="she_is_the_last_subject_not_the_last_name_in_passing",
        ),
        pytest.param(
            "The port is “fully open again,” according to harbour master Tomas Lind.",
            [("fully open again,", "Tomas Lind", "according to")],
            id="according_to_names_its_speaker_after_it",
        ),
        pytest.param(
            "Mayor Anna Berg and Tomas Lind said in a statement that the port was open. The "
            "crews were “tired but safe,” according to the statement.",
            [("tired but safe,", "Anna Berg and Tomas Lind", "according to the statement")],
            id="according_to_a_statement_speaks_for_its_authors",
        ),
        pytest.param(
            "Spokesman Erik Dahl stated that the mayor felt “cautious optimism” about the repairs.",
            [("cautious optimism", "Erik Dahl", "stated")],
            id="a_quote_after_a_speech_verb_in_a_nested_clause_is_the_outer_speakers",
        ),
        pytest.param(
            "Mayor Anna Berg raised doubts about the plan, saying she had “serious questions”.",
            [("serious questions", "Anna Berg", "saying")],
            id="a_participle_cue_shares_the_sentence_subject",
        ),
        pytest.param(
            "'Back to normal'\n\n"
            "Harbour master Tomas Lind said the port was “back to normal after the storm”.",
            [
                ("Back to normal", "Tomas Lind", None),
                ("back to normal after the storm", "Tomas Lind", "said"),
            ],
            id="a_subhead_echoing_an_attributed_quote_takes_its_speaker_without_a_cue",
        ),
        pytest.param(
            "A ‘new chapter’ for the port",
            [("new chapter", None, None)],
            id="an_unattributed_quote_has_no_speaker",
        ),
        pytest.param(
            "Tomas Lind said the crews “hope” they would say yes.",
            [("hope", "Tomas Lind", "said")],
            id="a_modal_verb_after_a_quote_is_no_attribution",
        ),
        # Beyond them.
        pytest.param(
            "OSLO (Wire) - Mayor Anna Berg said the port was “open again”.",
            [("open again", "Anna Berg", "said")],
            id="a_dateline_is_no_speaker",
        ),
        pytest.param(
            "OSLO – Mayor Anna Berg ordered the crews to “stand down”.",
            [("stand down", "Anna Berg", "ordered")],
            id="a_dateline_with_a_dash_is_no_speaker",
        ),
        pytest.param(
            "Mayor Anna Berg has sent the crews home, the harbour office said on Friday, adding "
            "that it saw “no further risk”.",
            [("no further risk", "harbour office", "adding")],
            id="the_subject_between_the_last_comma_and_the_verb",
        ),
        pytest.param(
            "The port reopened, according to a statement issued by the Harbour Council.\n\n"
            "“No ship was damaged,” the statement said.",
            [("No ship was damaged,", "Harbour Council", "said")],
            id="a_document_speaks_for_its_issuer",
        ),
        pytest.param(
            "The Harbour Council said in a post on its Telegram channel that the port was open. "
            "“The crews are safe,” the post went on.",
            [("The crews are safe,", "Harbour Council", "went on")],
            id="the_post_went_on",
        ),
        pytest.param(
            'Mayor Anna Berg spoke on Sunday.\n\nQuote: "We will rebuild the harbour."',
            [("We will rebuild the harbour.", "Anna Berg", "Quote")],
            id="a_quote_label_is_the_person_in_focus",
        ),
        pytest.param(
            "“The port is open,” the harbour master Tomas Lind said.\n\n"
            "“The crews are safe and the ships are back.”",
            [
                ("The port is open,", "Tomas Lind", "said"),
                ("The crews are safe and the ships are back.", "Tomas Lind", None),
            ],
            id="a_quote_in_a_paragraph_of_its_own_continues_the_speaker_without_a_cue",
        ),
        pytest.param(
            "“The port is open,” harbour master Tomas Lind said.\n\n'A new start'\n\n"
            "The crews left.",
            [("The port is open,", "Tomas Lind", "said"), ("A new start", None, None)],
            id="a_subhead_in_quotes_does_not_continue_the_speaker",
        ),
        pytest.param(
            "This was reported by harbour master Tomas Lind. “The port is open,” he noted.",
            [("The port is open,", "Tomas Lind", "noted")],
            id="a_passive_agent_is_the_one_in_focus",
        ),
        pytest.param(
            "Harbour Council: storm damage ‘limited’",
            [("limited", "Harbour Council", None)],
            id="a_headline_names_its_speaker_before_a_colon",
        ),
        pytest.param(
            "‘Stop the ships!’ Lind says to the crews",
            [("Stop the ships!", "Lind", "says")],
            id="an_exclamation_in_quotes_does_not_end_the_sentence_before_its_attribution",
        ),
        pytest.param(
            "The Wire agency quoted Tomas Lind as saying the port was “open”.",
            [("open", "Tomas Lind", "quoted Tomas Lind as saying")],
            id="quoted_as_saying",
        ),
        pytest.param(
            "Tomas Lind was quoted by the Wire agency as saying the port was “open”.",
            [("open", "Tomas Lind", "quoted by the Wire agency as saying")],
            id="quoted_as_saying_in_the_passive",
        ),
        pytest.param(
            "The port is “open again”, according to Norwegian officials.",
            [("open again", "Norwegian officials", "according to")],
            id="officials_of_a_nationality_are_a_body",
        ),
        pytest.param(
            "“It is a good day,” Tomas Lind told Harbour Radio's Anna Berg.",
            [("It is a good day,", "Tomas Lind", "told Harbour Radio's Anna Berg")],
            id="told_an_outlets_host",
        ),
        pytest.param(
            'Mayor Anna Berg spoke on Sunday.\n\nQuote: "We start with the harbour.\n\n'
            'Then the bridge."',
            [("We start with the harbour.\n\nThen the bridge.", "Anna Berg", "Quote")],
            id="a_quote_over_several_paragraphs_is_one_quote_where_it_opens",
        ),
        pytest.param(
            "Saying “the port is open”, Tomas Lind urged the crews to return.",
            [("the port is open", "Tomas Lind", "Saying")],
            id="an_opening_participle_governs_its_quote",
        ),
        pytest.param(
            "Saying harbour crews had the “upper hand”, Mayor Anna Berg thanked them.",
            [("upper hand", "Anna Berg", "Saying")],
            id="an_opening_participles_own_clause_holds_no_speaker",
        ),
    ],
)
def test_each_quote_with_its_speaker_and_cue(text: str, expected: list[Quoted]) -> None:
    assert attributed(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The basic forms.
        pytest.param(
            "Harbour master Tomas Lind met the crews. Later, Lind said the port was “back to "
            "normal”.",
            ["Tomas Lind"],
            id="a_surname_alone_is_the_full_name_given_earlier",
        ),
        pytest.param(
            "Mayor Anna Berg and harbour master Tomas Lind said in a statement that the port "
            "would reopen. They added that “no ship was damaged.”",
            ["Anna Berg and Tomas Lind"],
            id="they_is_the_last_group",
        ),
        pytest.param(
            "The mayor thanked the crews “for their patience” at the docks, where the repairs "
            "“went faster than planned,” Tomas Lind said.",
            ["Tomas Lind", "Tomas Lind"],
            id="a_trailing_attribution_covers_earlier_quotes_of_its_sentence",
        ),
        # Beyond them.
        pytest.param(
            "The crews left the docks at noon, with the harbour office saying the storm had "
            "“passed”.",
            ["harbour office"],
            id="with_x_saying",
        ),
        pytest.param(
            "“No ship was damaged,” the Harbour Council statement said.",
            ["Harbour Council"],
            id="a_document_named_by_its_issuer",
        ),
        pytest.param(
            "The Harbour Council said in a statement that the port was open. It confirmed an "
            "earlier statement by the City Council. The statement also noted that the crews were "
            "“safe”.",
            ["Harbour Council"],
            id="an_earlier_document_of_someone_else_does_not_take_over",
        ),
        pytest.param(
            "Harbour master Tomas Lind spoke. Shortly afterwards, Lind said the port was “open”.",
            ["Tomas Lind"],
            id="a_sentence_opening_adverb_is_no_name",
        ),
        pytest.param(
            "Despite the storm, harbour master Tomas Lind called the season “a success”.",
            ["Tomas Lind"],
            id="a_sentence_opening_preposition_is_no_name",
        ),
        pytest.param(
            "Special envoy of the harbour council and head of the Port Fund (PF) Tomas Lind has "
            "described the talks as “productive”.",
            ["Tomas Lind"],
            id="a_bare_title_gives_way_to_the_name_it_titles",
        ),
        pytest.param(
            "A senior harbour official, who asked not to be named, said the port was “lost”.",
            ["senior harbour official"],
            id="an_unnamed_source_is_the_description",
        ),
        pytest.param(
            "The storm hit the port, officials said on Monday, prompting the mayor to send a "
            "message to the crews: “Stay home.”",
            [None],
            id="a_quote_after_a_colon_belongs_to_its_own_clause",
        ),
        pytest.param(
            "The Council Presidentʼs Special Representative for Ukraine Tomas Lind previously "
            "said that the port was “open”.",
            ["Tomas Lind"],
            id="a_titled_name_after_a_capitalised_title_with_its_place",
        ),
        pytest.param(
            "Mayor Anna Berg spoke first. Negotiations are scheduled for Monday. "
            "“We will be there,” she said.",
            ["Anna Berg"],
            id="a_capitalised_common_noun_opening_a_sentence_is_not_salient",
        ),
        pytest.param(
            "Polish Prime Minister Ola Berg met the crews. "
            "The Hungarian prime minister said the port was “a model”.",
            [None],
            id="a_description_with_another_nationality_is_not_the_last_person",
        ),
        pytest.param(
            "Mayor Anna Berg’s office said the bridge was “safe”.",
            ["Mayor Anna Berg’s office"],
            id="an_owners_office_without_a_name",
        ),
        pytest.param(
            "Anna Berg’s spokesman said the bridge was “safe”.",
            ["Anna Berg’s spokesman"],
            id="an_owners_aide_without_a_name",
        ),
        pytest.param(
            "Anna Berg’s top aide, Tomas Lind, said the bridge was “safe”.",
            ["Tomas Lind"],
            id="an_owners_aide_with_a_name_in_apposition_is_the_name",
        ),
        pytest.param(
            "Anna Berg’s spokesman Tomas Lind said the bridge was “safe”.",
            ["Tomas Lind"],
            id="an_owners_aide_with_a_titled_name_is_the_name",
        ),
        pytest.param(
            "The port was “busy”, the paper said.",
            ["paper"],
            id="a_newspaper_speaks_as_a_body",
        ),
    ],
)
def test_the_speaker_of_each_quote(text: str, expected: list[str | None]) -> None:
    assert speakers(text) == expected
