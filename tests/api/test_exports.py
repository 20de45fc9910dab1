"""The exports of a brief: Markdown and IPTC ninjs, the latter checked against the official
ninjs 2.2 JSON schema vendored beside the repository (``../shared/standards``)."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

import jsonschema
import msgspec
import pytest

from service.domain.files import StoryFolder
from service.domain.markdown import brief_markdown
from service.domain.models import Story
from service.domain.ninjs import brief_ninjs
from service.settings import ConfigError, Settings, load_settings
from tests.api.conftest import Api, start
from tests.conftest import REPO_ROOT, in_ci

BASE = "https://briefs.example.org"
NINJS_SCHEMA = REPO_ROOT.parent / "shared" / "standards" / "ninjs-schema_2.2.json"
# RFC 3986 absolute URI: a scheme, then only unreserved, reserved and percent-encoded characters.
_ABSOLUTE_URI = re.compile(
    r"^[A-Za-z][A-Za-z0-9+.-]*:(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$"
)


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
        document = brief_ninjs(brief, ceasefire.story, base_url=BASE)
        assert document["uri"] == f"{BASE}/v1/stories/{brief.story_id}/briefs/{brief.id}"
        assert document["version"] == str(brief.revision)
        assert document["type"] == "text"
        assert document["representationtype"] == "full"
        assert document["pubstatus"] == brief.status.value
        assert document["contentcreated"] == f"{brief.as_of.isoformat()}T00:00:00Z"
        assert document["language"] == ceasefire.story.language == "en"
        assert "$schema" not in document
        assert document["subjects"] == [
            {"name": ceasefire.story.title, "uri": f"{BASE}/v1/stories/{brief.story_id}"}
        ]
        people = {entry["literal"] for entry in document["people"]}
        organisations = {entry["literal"] for entry in document["organisations"]}
        assert all(kinds[party] == "person" for party in people)
        assert all(kinds[party] != "person" for party in organisations)
        assert people | organisations == {position.party_id for position in brief.positions}
        assert [source["name"] for source in document["infosources"]] == [
            source.outlet for source in brief.sources
        ]


# --- validity against the IPTC ninjs 2.2 schema ------------------------------------------------


@pytest.fixture(scope="module")
def ninjs_validator() -> jsonschema.protocols.Validator:
    """A validator of the vendored ninjs 2.2 schema that checks formats, ``uri`` included."""
    if not NINJS_SCHEMA.is_file():
        reason = f"the IPTC ninjs schema is not at {NINJS_SCHEMA} (../shared beside the clone)"
        if in_ci():
            pytest.fail(reason)
        pytest.skip(reason)
    schema = json.loads(NINJS_SCHEMA.read_text())
    checker = jsonschema.FormatChecker()
    # jsonschema checks ``uri`` only with an optional (GPL) package: check it here instead.
    checker.checks("uri")(_is_absolute_uri)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=checker)


def _is_absolute_uri(value: object) -> bool:
    return not isinstance(value, str) or _ABSOLUTE_URI.match(value) is not None


def _errors(validator: jsonschema.protocols.Validator, document: Any) -> list[str]:
    return [f"{error.json_path}: {error.message}" for error in validator.iter_errors(document)]


def test_the_uri_check_rejects_relative_and_unencoded_uris() -> None:
    assert _is_absolute_uri("https://example.org/a%20b?q=1#x")
    assert not _is_absolute_uri("/v1/stories/s")
    assert not _is_absolute_uri("https://example.org/Київ")
    assert not _is_absolute_uri("https://example.org/a b")


def test_every_fixture_revision_exports_valid_ninjs(
    ceasefire: StoryFolder, ninjs_validator: jsonschema.protocols.Validator
) -> None:
    assert "date-time" in ninjs_validator.format_checker.checkers  # type: ignore[attr-defined]
    for brief in ceasefire.briefs:
        for story in (ceasefire.story, None):
            document = brief_ninjs(brief, story, base_url=BASE)
            assert _errors(ninjs_validator, document) == [], (brief.id, brief.revision)


def test_the_old_export_shape_is_rejected(
    ceasefire: StoryFolder, ninjs_validator: jsonschema.protocols.Validator
) -> None:
    """The schema check catches each defect the export used to have."""
    document = brief_ninjs(ceasefire.briefs[0], ceasefire.story, base_url=BASE)
    defects = {
        "$schema": "http://www.iptc.org/std/ninjs/ninjs-schema_2.1.json",
        "representationtype": "complete",
        "contentcreated": "2025-03-11",
        "uri": "/v1/stories/ceasefire-2025/briefs/brief-2025-03-11",
    }
    for name, value in defects.items():
        assert _errors(ninjs_validator, {**document, name: value}), name
    relative_subject = [{"name": "s", "uri": "/v1/stories/ceasefire-2025"}]
    assert _errors(ninjs_validator, {**document, "subjects": relative_subject})


def test_source_urls_become_valid_uris(
    ceasefire: StoryFolder, ninjs_validator: jsonschema.protocols.Validator
) -> None:
    brief = ceasefire.briefs[0]
    source = msgspec.structs.replace(brief.sources[0], url="https://example.org/новини/a|b")
    document = brief_ninjs(msgspec.structs.replace(brief, sources=[source]), base_url=BASE)

    assert _errors(ninjs_validator, document) == []
    uri = document["infosources"][0]["uri"]
    assert uri.startswith("https://example.org/%D0%BD")
    assert uri.endswith("/a%7Cb")


def test_the_language_is_the_story_s(ceasefire: StoryFolder) -> None:
    story = msgspec.structs.replace(ceasefire.story, language="uk")

    assert brief_ninjs(ceasefire.briefs[0], story, base_url=BASE)["language"] == "uk"
    assert brief_ninjs(ceasefire.briefs[0], base_url=BASE)["language"] == "en"


# --- through the API ---------------------------------------------------------------------------


@pytest.fixture
async def public_api(sqlite_url: str, ceasefire: StoryFolder) -> AsyncIterator[Api]:
    """The API with a configured public base URL."""
    settings = Settings(database_url=sqlite_url, load_fixtures=False, public_base_url=BASE + "/")
    async for running in start(settings, ceasefire):
        yield running


async def test_the_api_export_uses_the_public_base_url(
    public_api: Api, ninjs_validator: jsonschema.protocols.Validator
) -> None:
    response = await public_api.request("GET", "/v1/stories/ceasefire-2025/briefs/2025-03-14/ninjs")

    assert response.status_code == 200
    document = response.json()
    assert document["uri"] == f"{BASE}/v1/stories/ceasefire-2025/briefs/brief-2025-03-14"
    assert urlsplit(document["subjects"][0]["uri"]).netloc == "briefs.example.org"
    assert _errors(ninjs_validator, document) == []


async def test_without_a_public_base_url_the_export_uses_the_request_s(
    sqlite_url: str, ceasefire: StoryFolder, ninjs_validator: jsonschema.protocols.Validator
) -> None:
    settings = Settings(database_url=sqlite_url, load_fixtures=False)
    async for api in start(settings, ceasefire):
        response = await api.request("GET", "/v1/stories/ceasefire-2025/briefs/2025-03-14/ninjs")
        document = response.json()
        assert (
            document["uri"] == "http://testserver/v1/stories/ceasefire-2025/briefs/brief-2025-03-14"
        )
        assert _errors(ninjs_validator, document) == []


@pytest.mark.parametrize("tag", ["en", "uk", "pt-BR", "zh-Hant-TW"])
def test_a_story_language_is_a_language_tag(tag: str) -> None:
    assert msgspec.convert({"id": "s", "title": "S"}, Story).language == "en"
    assert msgspec.convert({"id": "s", "title": "S", "language": tag}, Story).language == tag


@pytest.mark.parametrize("tag", ["", "e", "English", "en_GB", "en-", "x" * 36])
def test_a_story_language_that_is_no_tag_is_rejected(tag: str) -> None:
    with pytest.raises(msgspec.ValidationError, match=r"\$\.language"):
        msgspec.convert({"id": "s", "title": "S", "language": tag}, Story)


async def test_a_story_s_language_can_be_changed_and_is_exported(public_api: Api) -> None:
    story = "/v1/stories/ceasefire-2025"
    changed = await public_api.request("PATCH", story, "write", json={"language": "uk"})
    assert changed.status_code == 200, changed.text
    assert changed.json()["language"] == "uk"

    document = (await public_api.request("GET", f"{story}/briefs/2025-03-14/ninjs")).json()

    assert document["language"] == "uk"


@pytest.mark.parametrize("value", ["/briefs", "briefs.example.org", "ftp://briefs.example.org"])
def test_the_public_base_url_must_be_absolute_http(value: str) -> None:
    with pytest.raises(ConfigError, match="BRIEFS_PUBLIC_BASE_URL"):
        load_settings({"BRIEFS_PUBLIC_BASE_URL": value})
