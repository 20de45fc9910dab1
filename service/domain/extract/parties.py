"""Mentions of a story's parties: every name of the registry found in the text.

Names match whole words, case as written ("US" is not "us"), with a leading "the" kept in the
mention ("the Kremlin") and a possessive allowed ("Washington's"). Where names overlap the
longest wins ("Russian Federation" over "Russian").
"""

from __future__ import annotations

import re
from functools import lru_cache

from service.domain.extract.models import PartyMention
from service.domain.extract.registry import Registry


def find_parties(text: str, registry: Registry) -> list[PartyMention]:
    """Each mention of a registry party in ``text``, in text order."""
    found: list[tuple[int, int, str]] = []
    for entry in registry.parties:
        pattern = _pattern(tuple(entry.names))
        if pattern is None:
            continue
        for match in pattern.finditer(text):
            the = _THE_BEFORE.search(text, max(0, match.start() - 5), match.start())
            start = the.start() if the is not None else match.start()
            found.append((start, match.end(), entry.party_id))
    found.sort(key=lambda item: (item[0], -(item[1] - item[0])))
    mentions: list[PartyMention] = []
    last_end = -1
    for start, end, party_id in found:
        if start < last_end:
            continue
        last_end = end
        mentions.append(
            PartyMention(party_id=party_id, mention=text[start:end], start=start, end=end)
        )
    return mentions


# "the" before a name belongs to the mention ("the Kremlin"); looked for backwards, as a
# leading optional group would make the alternation be tried at every position.
_THE_BEFORE = re.compile(r"\b[Tt]he\s+\Z")


@lru_cache(maxsize=256)
def _pattern(names: tuple[str, ...]) -> re.Pattern[str] | None:
    """One alternation per party, longest names first; compiled once per set of names."""
    escaped = [re.escape(name) for name in sorted(set(names), key=len, reverse=True) if name]
    if not escaped:
        return None
    # A name ending in a dot ("U.S.") cannot end on a word boundary.
    return re.compile(r"(?<![\w.])(?:" + "|".join(escaped) + r")(?:['’ʼ]s)?(?![\w])")
