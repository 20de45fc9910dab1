"""The pure exports of a brief: Markdown and IPTC ninjs."""

from __future__ import annotations

from service.domain.files import StoryFolder
from service.domain.markdown import brief_markdown
from service.domain.ninjs import brief_ninjs


def test_markdown_of_every_fixture_revision(ceasefire: StoryFolder) -> None:
    for brief in ceasefire.briefs:
        text = brief_markdown(brief, ceasefire.story)
        assert text.startswith("# ")
        assert text.endswith("\n")
        assert not text.endswith("\n\n")
        assert f"revision {brief.revision}" in text
        if brief.sources:
            assert "## Sources" in text
        assert all(source.outlet.split()[0] in text for source in brief.sources)


def test_markdown_escapes_markup_in_values(ceasefire: StoryFolder) -> None:
    import msgspec

    brief = msgspec.structs.replace(ceasefire.briefs[0], headline="A *bold* [link](x) # claim")
    first_line = brief_markdown(brief).splitlines()[0]
    assert first_line == r"# A \*bold\* \[link\](x) \# claim"


def test_ninjs_of_every_fixture_revision(ceasefire: StoryFolder) -> None:
    kinds = {party.id: party.kind.value for party in ceasefire.story.parties}
    for brief in ceasefire.briefs:
        document = brief_ninjs(brief, ceasefire.story)
        assert document["uri"] == f"/v1/stories/{brief.story_id}/briefs/{brief.id}"
        assert document["version"] == str(brief.revision)
        assert document["type"] == "text"
        assert document["pubstatus"] == brief.status.value
        assert document["contentcreated"] == brief.as_of.isoformat()
        people = {entry["literal"] for entry in document["people"]}
        organisations = {entry["literal"] for entry in document["organisations"]}
        assert all(kinds[party] == "person" for party in people)
        assert all(kinds[party] != "person" for party in organisations)
        assert people | organisations == {position.party_id for position in brief.positions}
        assert [source["name"] for source in document["infosources"]] == [
            source.outlet for source in brief.sources
        ]
