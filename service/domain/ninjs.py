"""Export a brief revision as an IPTC ninjs 2.2 document (https://iptc.org/std/ninjs/).

The field mapping is the table in ``service.domain.models``. The story's party registry decides
whether a position's party goes to ``people`` or ``organisations`` (states and blocs are
organisations in ninjs terms). Pure: a `Brief` (and its `Story`) in, JSON-shaped builtins out.

The document validates against the official ninjs 2.2 JSON schema (a test checks every fixture
revision): ``uri`` and every other URI are absolute, so the caller passes the public base URL
the API is reached at; ``contentcreated`` is a date-time (the start of the as-of day, UTC); the
standard is named in ``standard``, since 2.x forbids a ``$schema`` member.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote

from service.domain.models import Brief, Party, PartyKind, Story

NINJS_VERSION = "2.2"
NINJS_SCHEMA = "http://www.iptc.org/std/ninjs/ninjs-schema_2.2.json"
DEFAULT_LANGUAGE = "en"
"""The language of a brief exported without its story (a `Story` carries its own)."""
_URI_SAFE = ":/?#[]@!$&'()*+,;=%~"
"""RFC 3986 reserved characters and ``%``: kept as they are when a URL is made a URI."""


def brief_uri(base_url: str, story_id: str, brief_id: str) -> str:
    """The absolute URI of a brief: its API path under ``base_url``."""
    return f"{base_url.rstrip('/')}/v1/stories/{story_id}/briefs/{brief_id}"


def story_uri(base_url: str, story_id: str) -> str:
    """The absolute URI of a story: its API path under ``base_url``."""
    return f"{base_url.rstrip('/')}/v1/stories/{story_id}"


def _timestamp(value: dt.datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.isoformat().replace("+00:00", "Z")


def _as_uri(url: str) -> str:
    """``url`` with any character RFC 3986 does not allow percent-encoded (non-ASCII text in a
    path, say), so that it is a valid ``format: uri``."""
    return quote(url, safe=_URI_SAFE)


def _party_entry(party_id: str, party: Party | None, stance: str) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "name": party.name if party else party_id,
        "literal": party_id,
        "rel": f"stance:{stance}",
    }
    return entry


def brief_ninjs(brief: Brief, story: Story | None = None, *, base_url: str) -> dict[str, Any]:
    """The ninjs 2.2 document of one brief revision, its URIs under ``base_url`` (an absolute
    ``http(s)://host[/prefix]`` URL)."""
    parties = {party.id: party for party in story.parties} if story else {}
    people: list[dict[str, Any]] = []
    organisations: list[dict[str, Any]] = []
    for position in brief.positions:
        party = parties.get(position.party_id)
        entry = _party_entry(position.party_id, party, position.stance.value)
        if party is not None and party.kind is PartyKind.PERSON:
            people.append(entry)
        else:
            organisations.append(entry)
    as_of = dt.datetime.combine(brief.as_of, dt.time(), tzinfo=dt.UTC)
    document: dict[str, Any] = {
        "uri": brief_uri(base_url, brief.story_id, brief.id),
        "standard": {"name": "ninjs", "version": NINJS_VERSION, "schema": NINJS_SCHEMA},
        "type": "text",
        "representationtype": "full",
        "version": str(brief.revision),
        "firstcreated": _timestamp(brief.created_at),
        "versioncreated": _timestamp(brief.revised_at),
        "contentcreated": _timestamp(as_of),
        "pubstatus": brief.status.value,
        "language": story.language if story else DEFAULT_LANGUAGE,
        "headlines": [{"role": "main", "value": brief.headline, "contenttype": "text/plain"}],
        "descriptions": [
            {"role": "summary", "value": brief.summary, "contenttype": "text/plain"},
        ],
        "people": people,
        "organisations": organisations,
        "infosources": [
            {
                "name": source.outlet,
                "role": "source",
                **({"uri": _as_uri(source.url)} if source.url else {}),
            }
            for source in brief.sources
        ],
    }
    if brief.author:
        document["by"] = brief.author
    if story is not None:
        document["subjects"] = [{"name": story.title, "uri": story_uri(base_url, story.id)}]
    return document
