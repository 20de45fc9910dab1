"""Party aliases and issue hints against a story's registry (sentences we wrote)."""

from __future__ import annotations

import datetime as dt

from service.domain.extract import DEFAULT_REGISTRY, extract
from service.domain.extract.issues import find_issue_hints
from service.domain.extract.parties import find_parties
from service.domain.extract.registry import (
    IssueKeywords,
    PartyNames,
    Registry,
    issue_words,
    party_of,
    registry_for,
)
from service.domain.files import StoryFolder
from service.domain.models import Issue, IssueStatus, Party, PartyKind, Story


def mentions(text: str, registry: Registry = DEFAULT_REGISTRY) -> list[tuple[str, str]]:
    return [(item.mention, item.party_id) for item in find_parties(text, registry)]


def test_capitals_institutions_and_demonyms_map_onto_parties() -> None:
    text = (
        "Moscow said the Kremlin would answer Washington, while Kyiv waited. "
        "A Russian envoy met the White House's team; Ukrainian officials declined."
    )
    assert mentions(text) == [
        ("Moscow", "russia"),
        ("the Kremlin", "russia"),
        ("Washington", "united-states"),
        ("Kyiv", "ukraine"),
        ("Russian", "russia"),
        ("the White House's", "united-states"),
        ("Ukrainian", "ukraine"),
    ]


def test_names_match_whole_words_and_case() -> None:
    assert mentions("Let us talk about Russians and the USSR.") == [("Russians", "russia")]
    assert mentions("The U.S. envoy arrived.") == [("The U.S.", "united-states")]


def test_longest_name_wins() -> None:
    assert mentions("The Russian Federation replied.") == [("The Russian Federation", "russia")]


def test_the_story_configures_its_own_aliases(ceasefire: StoryFolder) -> None:
    story = Story(
        id="trade-talks",
        title="Trade talks",
        parties=[
            Party(id="eu", name="European Union", kind=PartyKind.BLOC, aliases=["Brussels"]),
            Party(id="china", name="China", kind=PartyKind.STATE, aliases=["Beijing"]),
        ],
    )
    registry = registry_for(story)
    assert mentions("Brussels and Beijing traded offers; Chinese officials left.", registry) == [
        ("Brussels", "eu"),
        ("Beijing", "china"),
        ("Chinese", "china"),
    ]
    # The fixture story gets the default registry's people for its own parties.
    fixture = registry_for(ceasefire.story)
    assert party_of(fixture, "Dmitry Peskov") == "russia"
    assert party_of(fixture, "Volodymyr Zelenskyy") == "ukraine"
    assert party_of(fixture, "Kremlin spokesman") == "russia"
    assert party_of(registry, "Dmitry Peskov") is None


CALL = Issue(
    id="putin-trump-call",
    title="A Putin–Trump phone call on the truce",
    opened_on=dt.date(2025, 3, 13),
)
SUMMIT = Issue(
    id="putin-trump-summit",
    title="Will Putin and Trump meet in person?",
    opened_on=dt.date(2025, 2, 12),
)


def test_issue_words_come_from_the_id_and_title() -> None:
    assert issue_words(CALL) == ["putin", "trump", "call", "phone", "truce"]


def test_a_hint_needs_a_distinctive_keyword() -> None:
    story = Story(id="s", title="S")
    registry = registry_for(story, [CALL, SUMMIT])
    text = (
        "Putin and Trump were both in the news. "
        "The timing of a phone call between Putin and Trump will be determined later. "
        "Trump said he would meet Putin in person."
    )
    hints = find_issue_hints(text, registry)
    assert [(hint.issue_id, hint.status) for hint in hints] == [
        ("putin-trump-call", "open"),
        ("putin-trump-summit", None),
    ]
    assert text[hints[0].start : hints[0].end].startswith("The timing of a phone call")


def test_closed_issues_get_no_hints() -> None:
    closed = Issue(
        id="putin-trump-call",
        title="A Putin–Trump phone call",
        opened_on=dt.date(2025, 3, 13),
        status=IssueStatus.RESOLVED,
        closed_on=dt.date(2025, 3, 18),
    )
    assert registry_for(Story(id="s", title="S"), [closed]).issues == []


def test_phrases_are_enough_on_their_own() -> None:
    registry = Registry(
        parties=[PartyNames(party_id="eu", names=["Brussels"])],
        issues=[IssueKeywords(issue_id="tariffs", phrases=["retaliatory tariffs"])],
    )
    hints = find_issue_hints("Brussels has not ruled out retaliatory tariffs.", registry)
    assert [(hint.issue_id, hint.status) for hint in hints] == [("tariffs", "open")]


def test_extract_puts_every_family_together() -> None:
    text = "On Thursday, the Kremlin said a phone call between Putin and Trump has not been set."
    extraction = extract(text, dt.date(2025, 3, 14))
    assert extraction.published == "2025-03-14"
    assert [(item.mention, item.value) for item in extraction.dates] == [
        ("On Thursday", "2025-03-13")
    ]
    assert {item.party_id for item in extraction.parties} == {"russia", "united-states"}
    assert [(hint.issue_id, hint.status) for hint in extraction.issues] == [
        ("putin-trump-call", "open")
    ]
