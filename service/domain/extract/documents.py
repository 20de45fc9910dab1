"""Who issued a document an article names, so "the statement" can speak for them.

"a readout issued by the Kremlin", "a statement from the White House", "the Kremlin in a
statement" (and "the Kremlin statement", read in `service.domain.extract.mentions`).
"""

from __future__ import annotations

from service.domain.extract.clauses import Kind, Token
from service.domain.extract.mentions import Mention, MentionKind

_ISSUERS = frozenset([MentionKind.BODY, MentionKind.PERSON, MentionKind.GROUP, MentionKind.PLACE])


def with_issuers(tokens: list[Token], found: list[Mention]) -> list[Mention]:
    """Documents with their issuer: "a readout issued by the Kremlin", "the Kremlin in a
    statement", "a statement from the White House"."""
    result = list(found)
    for position, mention in enumerate(found):
        if mention.kind is not MentionKind.DOCUMENT or mention.issuer:
            continue
        issuer = _issuer_after(tokens, found, position) or _issuer_before(tokens, found, position)
        if issuer is not None:
            result[position] = mention._replace(issuer=issuer.name)
    return result


def _issuer_after(tokens: list[Token], found: list[Mention], position: int) -> Mention | None:
    document = found[position]
    for index in range(document.end, min(document.end + 6, len(tokens))):
        token = tokens[index]
        if token.kind is not Kind.WORD:
            return None
        if token.lower in ("by", "from"):
            following = [m for m in found[position + 1 :] if m.first == index + 1]
            if following and following[0].kind in _ISSUERS:
                return following[0]
            return None
    return None


def _issuer_before(tokens: list[Token], found: list[Mention], position: int) -> Mention | None:
    document = found[position]
    if position == 0 or document.first < 1 or tokens[document.first - 1].lower != "in":
        return None
    previous = found[position - 1]
    return previous if previous.end == document.first - 1 and previous.kind in _ISSUERS else None
