"""Export a brief revision as an IPTC ninjs 2.x document (https://iptc.org/std/ninjs/).

The field mapping is the table in ``service.domain.models``. The story's party registry decides
whether a position's party goes to ``people`` or ``organisations`` (states and blocs are
organisations in ninjs terms). Pure: a `Brief` (and its `Story`) in, JSON-shaped builtins out.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from service.domain.models import Brief, Party, PartyKind, Story

NINJS_SCHEMA = "http://www.iptc.org/std/ninjs/ninjs-schema_2.1.json"


def brief_uri(story_id: str, brief_id: str) -> str:
    """The story-scoped URI of a brief (its API path)."""
    return f"/v1/stories/{story_id}/briefs/{brief_id}"


def _timestamp(value: dt.datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.isoformat().replace("+00:00", "Z")


def _party_entry(party_id: str, party: Party | None, stance: str) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "name": party.name if party else party_id,
        "literal": party_id,
        "rel": f"stance:{stance}",
    }
    return entry


def brief_ninjs(brief: Brief, story: Story | None = None) -> dict[str, Any]:
    """The ninjs 2.x document of one brief revision."""
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
    document: dict[str, Any] = {
        "$schema": NINJS_SCHEMA,
        "uri": brief_uri(brief.story_id, brief.id),
        "type": "text",
        "representationtype": "complete",
        "version": str(brief.revision),
        "firstcreated": _timestamp(brief.created_at),
        "versioncreated": _timestamp(brief.revised_at),
        "contentcreated": brief.as_of.isoformat(),
        "pubstatus": brief.status.value,
        "language": "en",
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
                **({"uri": source.url} if source.url else {}),
            }
            for source in brief.sources
        ],
    }
    if brief.author:
        document["by"] = brief.author
    if story is not None:
        document["subjects"] = [{"name": story.title, "uri": f"/v1/stories/{story.id}"}]
    return document
