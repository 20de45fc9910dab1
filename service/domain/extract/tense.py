"""Whether a mention sits in a clause about the future or the past.

"On Thursday, Putin said" is last Thursday; "the two will speak on Tuesday" is next Tuesday.
The nearest tense marker to the mention within its sentence decides (a tie goes to the past,
the news' default); a sentence with neither says nothing.
"""

from __future__ import annotations

import enum
import re


class Tense(enum.Enum):
    """The time a clause speaks of."""

    PAST = "past"
    FUTURE = "future"


_FUTURE = re.compile(
    r"\b(?:will|won['’]t|shall|['’]ll|is\s+due|are\s+due|due\s+to|expected\s+to|set\s+to"
    r"|scheduled|plans?\s+to|planned|going\s+to|gonna|would|upcoming|intends?\s+to|hopes?\s+to)\b",
    re.IGNORECASE,
)
_PAST = re.compile(
    r"\b(?:said|says|told|announced|stated|was|were|had|did|held|met|spoke|wrote|posted"
    r"|added|agreed|signed|rejected|accepted|confirmed|began|came|took|went|gave|made"
    r"|[a-z]{3,}ed)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"\S+")
_PASSIVE = re.compile(r"\b(?:be|been|being)\s+\Z", re.IGNORECASE)
_SPEECH = frozenset({"said", "says", "told", "announced", "stated", "added", "wrote", "posted"})


def tense_near(
    text: str,
    sentence: tuple[int, int],
    start: int,
    end: int,
    *,
    within: int = 1_000,
    speech: bool = True,
) -> Tense | None:
    """The tense of the marker nearest to ``text[start:end]`` within ``sentence``, in words
    (none further than ``within`` words counts; without ``speech``, the attribution's "said"
    does not count, being the time of the saying, not of what was said)."""
    best: tuple[int, int, Tense] | None = None
    for pattern, tense, rank in ((_PAST, Tense.PAST, 0), (_FUTURE, Tense.FUTURE, 1)):
        for match in pattern.finditer(text, sentence[0], sentence[1]):
            if match.start() >= end:
                gap = text[end : match.start()]
            elif match.end() <= start:
                gap = text[match.end() : start]
            else:
                continue
            distance = len(_WORD.findall(gap))
            if distance > within or (not speech and match.group().lower() in _SPEECH):
                continue
            if tense is Tense.PAST and _PASSIVE.search(
                text, max(0, match.start() - 8), match.start()
            ):
                continue  # "will be held": the participle of a passive says no tense
            candidate = (distance, rank, tense)
            if best is None or candidate[:2] < best[:2]:
                best = candidate
    return None if best is None else best[2]
