"""What the extractor knows of a story: its parties' names and its issues' keywords.

A `Registry` is built from the story itself (`registry_for`): each party's name and
``aliases`` (the story's own, configurable per story), the demonym of a state ("Russian" for
Russia), and each open issue's distinctive words (from its id and title). A registry file (JSON,
``briefs extract --registry``) adds names and keywords on top. `DEFAULT_REGISTRY` holds what the
fixture story's parties and issues, with the people who speak for them; `registry_for` merges
it in for the parties and issues a story shares with it, and extraction without a story uses it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Annotated

import msgspec

from service.domain import limits
from service.domain.models import CLOSED_STATUSES, Issue, Story

Names = Annotated[
    list[Annotated[str, msgspec.Meta(min_length=1, max_length=limits.MAX_SHORT_TEXT)]],
    msgspec.Meta(max_length=200),
]


class PartyNames(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    """The names a party goes by in articles: its name, aliases, capital, people."""

    party_id: str
    names: Names = []


class IssueKeywords(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    """What a sentence bearing on an issue says: its words (``keywords``, matched by prefix,
    two needed, one distinctive) or its phrases (``phrases``, one is enough)."""

    issue_id: str
    keywords: Names = []
    phrases: Names = []


class Registry(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    """The parties and issues extraction maps mentions and hints onto."""

    parties: list[PartyNames] = []
    issues: list[IssueKeywords] = []


_DEMONYMS = {
    "Russia": ("Russian", "Russians", "Russian government"),
    "Ukraine": ("Ukrainian", "Ukrainians", "Ukrainian government"),
    "United States": ("American", "Americans", "U.S.", "USA", "America", "US government"),
    "China": ("Chinese",),
    "France": ("French",),
    "Germany": ("German",),
    "United Kingdom": ("British", "Britain", "UK", "U.K."),
    "Saudi Arabia": ("Saudi",),
    "Turkey": ("Turkish",),
    "Poland": ("Polish",),
}
_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "the",
        "of",
        "on",
        "in",
        "for",
        "to",
        "with",
        "by",
        "from",
        "at",
        "is",
        "are",
        "be",
        "will",
        "would",
        "who",
        "what",
        "whether",
        "how",
        "its",
        "their",
        "his",
        "her",
        "it",
        "as",
        "or",
        "not",
        "no",
        "new",
        "over",
        "into",
        "about",
        "against",
        "between",
    ]
)

DEFAULT_REGISTRY = Registry(
    parties=[
        PartyNames(
            party_id="russia",
            names=[
                "Russia",
                "Kremlin",
                "Moscow",
                "Russian Federation",
                *_DEMONYMS["Russia"],
                "Putin",
                "Peskov",
                "Lavrov",
                "Ushakov",
                "Dmitriev",
                "Zakharova",
            ],
        ),
        PartyNames(
            party_id="united-states",
            names=[
                "United States",
                "US",
                "Washington",
                "White House",
                "Trump administration",
                *_DEMONYMS["United States"],
                "Trump",
                "Witkoff",
                "Rubio",
                "Waltz",
                "Vance",
                "Kellogg",
                "Hegseth",
                "Leavitt",
            ],
        ),
        PartyNames(
            party_id="ukraine",
            names=[
                "Ukraine",
                "Kyiv",
                *_DEMONYMS["Ukraine"],
                "Zelensky",
                "Zelenskyy",
                "Sybiha",
                "Yermak",
            ],
        ),
        PartyNames(
            party_id="europe-and-others",
            names=[
                "European allies",
                "Europe",
                "coalition of the willing",
                "European Union",
                "EU",
                "NATO",
                "European leaders",
                "Starmer",
                "Macron",
            ],
        ),
    ],
    issues=[
        IssueKeywords(
            issue_id="putin-trump-call",
            keywords=["phone", "call", "conversation", "putin", "trump"],
            phrases=["phone call", "telephone conversation", "call between"],
        ),
        IssueKeywords(
            issue_id="russia-accepts-30day-ceasefire",
            keywords=["ceasefire", "truce", "30-day", "accept", "respond", "russia", "moscow"],
        ),
        IssueKeywords(
            issue_id="kursk-surrounded-troops",
            keywords=["kursk", "surrounded", "encircle", "troops", "soldiers", "spare"],
        ),
        IssueKeywords(
            issue_id="ceasefire-monitoring",
            keywords=["monitor", "control", "violation", "verify", "front"],
        ),
        IssueKeywords(
            issue_id="putin-trump-summit",
            keywords=["summit", "meet", "in person", "putin", "trump"],
        ),
    ],
)


def registry_for(
    story: Story, issues: Iterable[Issue] = (), *, extra: Registry | None = None
) -> Registry:
    """The registry of ``story``: its parties' names, its open ``issues``' keywords, and what
    ``extra`` and `DEFAULT_REGISTRY` add for those same parties and issues."""
    parties = [
        PartyNames(
            party_id=party.id,
            names=[party.name, *party.aliases, *_DEMONYMS.get(party.name, ())],
        )
        for party in story.parties
    ]
    open_issues = [issue for issue in issues if issue.status not in CLOSED_STATUSES]
    keywords = [
        IssueKeywords(issue_id=issue.id, keywords=issue_words(issue)) for issue in open_issues
    ]
    registry = Registry(parties=parties, issues=keywords)
    for addition in (DEFAULT_REGISTRY, extra):
        if addition is not None:
            registry = merged(registry, addition, only_known=addition is DEFAULT_REGISTRY)
    return registry


def issue_words(issue: Issue) -> list[str]:
    """An issue's words: those of its id and title, stop words left out."""
    words = [*issue.id.split("-"), *issue.title.replace("–", " ").replace("-", " ").split()]
    cleaned = (word.strip("?.,:;'\"’()").lower() for word in words)
    return _unique(word for word in cleaned if len(word) > 2 and word not in _STOPWORDS)


def merged(base: Registry, addition: Registry, *, only_known: bool = False) -> Registry:
    """``base`` with ``addition``'s names and keywords added; entries ``base`` lacks are added
    too, unless ``only_known``."""
    parties = {entry.party_id: list(entry.names) for entry in base.parties}
    for entry in addition.parties:
        if entry.party_id in parties or not only_known:
            parties[entry.party_id] = _unique([*parties.get(entry.party_id, []), *entry.names])
    issues = {entry.issue_id: entry for entry in base.issues}
    for extra in addition.issues:
        current = issues.get(extra.issue_id)
        if current is None and only_known:
            continue
        issues[extra.issue_id] = IssueKeywords(
            issue_id=extra.issue_id,
            keywords=_unique([*(current.keywords if current else []), *extra.keywords]),
            phrases=_unique([*(current.phrases if current else []), *extra.phrases]),
        )
    return Registry(
        parties=[PartyNames(party_id=key, names=names) for key, names in parties.items()],
        issues=list(issues.values()),
    )


def party_of(registry: Registry, speaker: str) -> str | None:
    """The party a speaker ("Dmitry Peskov", "the Kremlin") belongs to, by any of its names."""
    words = set(speaker.replace("’", "'").split())
    lowered = speaker.lower()
    for entry in registry.parties:
        for name in entry.names:
            if name in words or (" " in name and name.lower() in lowered):
                return entry.party_id
    return None


def _unique(items: Iterable[str] | Sequence[str]) -> list[str]:
    return list(dict.fromkeys(items))
