"""What the extractor finds in an article's text: the wire models of an `Extraction`.

Offsets are Python string indices into the text the extractor was given (``text[start:end]``
is the span), so a reviewer's tool can highlight each item where it stands.
"""

from __future__ import annotations

import msgspec


class Span(msgspec.Struct, kw_only=True, frozen=True):
    """Where an item stands in the article's text: ``text[start:end]``."""

    start: int
    end: int


class ExtractedQuote(msgspec.Struct, kw_only=True, frozen=True):
    """Direct speech: the exact characters inside one pair of quotation marks.

    A quote split by its attribution (``"We are ready," he said, "to talk."``) is two quotes
    with the same speaker and cue.
    """

    text: str
    speaker: str | None
    """The named person or body, titles stripped, pronouns resolved; ``None`` when unknown."""
    cue: str | None
    """The speech verb or phrase as written ("said", "told reporters", "according to")."""
    start: int
    end: int


class IndirectSpeech(msgspec.Struct, kw_only=True, frozen=True):
    """Reported speech ("Peskov said that ..."): who, the cue, and the reported clause's span."""

    speaker: str | None
    cue: str
    text: str
    """The reported clause."""
    start: int
    end: int


class DateMention(msgspec.Struct, kw_only=True, frozen=True):
    """A dated mention and its value against the publication date.

    ``value`` is ``YYYY-MM-DD``, ``YYYY-MM``, ``YYYY`` or a ``start/end`` span of those, or
    ``None`` when the mention is too vague to resolve.
    """

    mention: str
    value: str | None
    start: int
    end: int


class PartyMention(msgspec.Struct, kw_only=True, frozen=True):
    """A mention of a party of the story's registry ("Moscow", "the Kremlin" -> russia)."""

    party_id: str
    mention: str
    start: int
    end: int


class IssueHint(msgspec.Struct, kw_only=True, frozen=True):
    """A sentence that bears on one of the story's issues, with what it suggests of its status."""

    issue_id: str
    sentence: str
    status: str | None
    """The status the sentence suggests (``open``, ``resolved`` ...), ``None`` when unclear."""
    start: int
    end: int


class Extraction(msgspec.Struct, kw_only=True, frozen=True):
    """Everything extracted from one article, each list in text order."""

    published: str
    """The publication date the relative dates were resolved against (YYYY-MM-DD)."""
    quotes: list[ExtractedQuote] = []
    indirect: list[IndirectSpeech] = []
    dates: list[DateMention] = []
    parties: list[PartyMention] = []
    issues: list[IssueHint] = []
