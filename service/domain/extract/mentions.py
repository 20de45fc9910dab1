"""Noun phrases that can speak: names (titles stripped), bodies, descriptions and pronouns.

"Kremlin spokesperson Dmitry Peskov" is the person Dmitry Peskov with the role "kremlin
spokesperson"; "US Secretary of State Marco Rubio and National Security Adviser Mike Waltz" is a
group of two; "the Foreign Ministry" and "the Kremlin" are bodies; "the secretary of state" and
"the Kremlin aide" are roles, and "the statement" a document, all resolved later against what
the article said before (`service.domain.extract.speakers`).
"""

from __future__ import annotations

from enum import Enum
from typing import NamedTuple

from service.domain.extract.clauses import Kind, Token, strip_possessive
from service.domain.extract.lexicon import (
    BODY_WORDS,
    DETERMINERS,
    DOCUMENT_WORDS,
    GROUP_NOUNS,
    MULTIWORD_PLACES,
    NAME_CONNECTORS,
    NATIONALITY_WORDS,
    NOT_NAME_WORDS,
    PHRASE_STOPS,
    PLACES,
    PREPOSITIONS,
    PRONOUNS,
    ROLE_GROUPS,
    TITLE_MODIFIERS,
    TITLE_WORDS,
    VERB_FORMS,
)


class MentionKind(Enum):
    """What a mention names."""

    PERSON = "person"
    GROUP = "group"
    BODY = "body"
    PLACE = "place"
    PRONOUN = "pronoun"
    ROLE = "role"
    DOCUMENT = "document"
    THING = "thing"


class Mention(NamedTuple):
    """A noun phrase of a sentence: token range ``first``..``end`` (exclusive)."""

    kind: MentionKind
    name: str
    """The name with its titles stripped, a pronoun, a role's head noun or a document phrase."""
    roles: tuple[str, ...]
    """Lower-case title and role words said with it ("kremlin", "spokesperson")."""
    first: int
    end: int
    possessive: bool
    after_preposition: bool
    members: tuple[Mention, ...] = ()
    determined: bool = False
    """Whether an article or possessive opens it ("the spokesman", not "Spokesman ...")."""
    issuer: str = ""
    """A document's issuer ("the Kremlin statement", "a readout issued by the Kremlin")."""


SPEAKING_KINDS = frozenset(
    [
        MentionKind.PERSON,
        MentionKind.GROUP,
        MentionKind.BODY,
        MentionKind.PRONOUN,
        MentionKind.ROLE,
        MentionKind.DOCUMENT,
    ]
)


def mentions(tokens: list[Token], lo: int = 0, hi: int | None = None) -> list[Mention]:
    """The mentions among ``tokens[lo:hi]`` in order, coordinated persons joined into groups."""
    hi = len(tokens) if hi is None else hi
    found: list[Mention] = []
    index = lo
    while index < hi:
        mention = _mention_at(tokens, index, hi)
        if mention is None:
            index += 1
            continue
        if mention.possessive:
            mention = _owned(tokens, mention, hi)
        found.append(_marked(tokens, mention, found, lo))
        index = mention.end
    return _coordinated(tokens, found)


def _owned(tokens: list[Token], owner: Mention, hi: int) -> Mention:
    """ "Zelensky’s office" is a body, "Putin’s spokesman" someone described by the owner's
    title, when no name follows ("Putin’s spokesman Dmitry Peskov" is Peskov)."""
    end = owner.end
    while end < min(hi, owner.end + 3) and tokens[end].kind is Kind.WORD:
        token = tokens[end]
        if token.is_capitalised or token.lower in PHRASE_STOPS or token.text in VERB_FORMS:
            return owner
        end += 1
        head = token.lower
        if head in BODY_WORDS or head in ROLE_GROUPS or head in TITLE_WORDS:
            named_next = end < hi and tokens[end].is_capitalised
            apposed = end + 1 < hi and tokens[end].text == "," and tokens[end + 1].is_capitalised
            if named_next or apposed or head in TITLE_MODIFIERS:
                return owner  # "…’s top aide, Andriy Yermak": the name is the mention
            kind = MentionKind.BODY if head in BODY_WORDS else MentionKind.PERSON
            name = " ".join(t.text for t in tokens[owner.first : end])
            return owner._replace(kind=kind, name=name, end=end, possessive=False, members=())
    return owner


def within(found: list[Mention], lo: int, hi: int) -> list[Mention]:
    """The mentions of ``found`` (a sentence's) inside the token window ``lo``..``hi``."""
    return [m for m in found if lo <= m.first and m.end <= hi]


def subject(found: list[Mention], lo: int, hi: int) -> Mention | None:
    """The first mention in ``lo``..``hi`` that can be a speaking subject (places last).

    A bare title ("Special envoy of the Russian president ... Kirill Dmitriev") gives way to
    the name it titles when one follows in the window.
    """
    window = within(found, lo, hi)
    candidates = [m for m in window if not m.possessive and not m.after_preposition]
    for mention in candidates:
        if mention.kind in SPEAKING_KINDS:
            if mention.kind is MentionKind.ROLE and not mention.determined:
                # "The US President's Special Representative for Ukraine Keith Kellogg"
                named = [
                    m
                    for m in window
                    if m.first >= mention.end and m.kind is MentionKind.PERSON and not m.possessive
                ]
                if named:
                    return named[0]
            return mention
    for mention in candidates:
        if mention.kind is MentionKind.PLACE:
            return mention
    return None


def _marked(tokens: list[Token], mention: Mention, before: list[Mention], lo: int) -> Mention:
    previous = tokens[mention.first - 1] if mention.first > lo else None
    # after a preposition, or in brackets: "(RDIF)" glosses what stands before it
    after_preposition = previous is not None and (
        previous.lower in PREPOSITIONS or previous.text == "("
    )
    if (
        previous is not None
        and previous.text == ","
        and before
        and before[-1].end == mention.first - 1
        and before[-1].after_preposition
        and mention.kind is MentionKind.PLACE
    ):
        after_preposition = True  # "in Jeddah, Saudi Arabia"
    return mention._replace(after_preposition=after_preposition)


def _coordinated(tokens: list[Token], found: list[Mention]) -> list[Mention]:
    joined: list[Mention] = []
    for mention in found:
        previous = joined[-1] if joined else None
        if (
            previous is not None
            and previous.kind in (MentionKind.PERSON, MentionKind.GROUP)
            and mention.kind is MentionKind.PERSON
            and not previous.possessive
            and previous.end + 1 == mention.first
            and tokens[previous.end].lower == "and"
        ):
            members = (*(previous.members or (previous,)), mention)
            name = " and ".join(m.name for m in members)
            joined[-1] = previous._replace(
                kind=MentionKind.GROUP,
                name=name,
                end=mention.end,
                possessive=mention.possessive,
                members=members,
            )
            continue
        joined.append(mention)
    return joined


def _mention_at(tokens: list[Token], index: int, hi: int) -> Mention | None:
    token = tokens[index]
    if token.kind is not Kind.WORD:
        return None
    word = token.lower
    if token.text.lower() in PRONOUNS:
        return Mention(MentionKind.PRONOUN, word, (), index, index + 1, False, False)
    if word in DETERMINERS:
        return _described(tokens, index, hi)
    if token.is_capitalised or word in TITLE_WORDS:
        named = _capitalised(tokens, index, hi)
        if named is not None or word not in TITLE_WORDS:
            return named
    if not any(t.is_capitalised for t in tokens[index + 1 : min(hi, index + 4)]):
        return None  # no name within reach: nothing for role words to title
    return _role_led(tokens, index, hi)


def _capitalised(tokens: list[Token], index: int, hi: int) -> Mention | None:
    named = _named(tokens, index, hi, determiner=False)
    if named is not None and named.kind is MentionKind.PERSON and " " not in named.name:
        # "Harbour master Tomas Lind": the capitalised word opens a title, not a name
        led = _role_led(tokens, named.end, hi)
        if led is not None:
            return led._replace(first=index, roles=(tokens[index].lower, *led.roles))
    return named


def _role_led(tokens: list[Token], index: int, hi: int) -> Mention | None:
    """A full name after lower-case role words: "city engineer Maria Lopez"."""
    probe = index
    while probe < min(hi, index + 3):
        token = tokens[probe]
        word = token.lower
        if token.kind is not Kind.WORD or token.is_capitalised:
            break
        if word in PHRASE_STOPS or word in DETERMINERS or token.text in VERB_FORMS:
            return None
        probe += 1
    if probe == index or probe >= hi or not tokens[probe].is_capitalised:
        return None
    if tokens[probe - 1].text.endswith(("s", "ed")):
        return None  # a verb ("Trump meets Vladimir Putin"), not a title
    named = _named(tokens, probe, hi, determiner=False)
    if named is None or named.kind is not MentionKind.PERSON or " " not in named.name:
        return None
    roles = tuple(t.lower for t in tokens[index:probe])
    return named._replace(first=index, roles=(*roles, *named.roles))


def _run_end(tokens: list[Token], index: int, hi: int) -> int:
    """Where a run of name and title words starting at ``index`` ends."""
    end = index
    while end < hi:
        token = tokens[end]
        if token.kind is not Kind.WORD:
            break
        word = token.lower
        if token.is_capitalised:
            if end > index and word in NOT_NAME_WORDS and word not in TITLE_WORDS:
                break
        elif word == "of" or word in NAME_CONNECTORS:
            if end == index or end + 1 >= hi or not tokens[end + 1].is_capitalised:
                break
            if word == "of" and tokens[end - 1].lower not in TITLE_WORDS:
                break
        elif word not in TITLE_WORDS:
            break
        end += 1
        if token.is_possessive:
            break
    return end


def _not_a_name(tokens: list[Token], index: int, hi: int) -> bool:
    """A capitalised word that opens no name: "Earlier", "Despite", "Shortly afterwards"."""
    word = tokens[index].lower
    if word in TITLE_WORDS:
        return False
    if word in NOT_NAME_WORDS or word in PREPOSITIONS:
        return True
    following = tokens[index + 1] if index + 1 < hi else None
    return (
        word.endswith("ly")
        and following is not None
        and not following.is_capitalised
        and following.text not in VERB_FORMS
    )


def _named(tokens: list[Token], index: int, hi: int, *, determiner: bool) -> Mention | None:
    start = index
    if tokens[index].is_capitalised and _not_a_name(tokens, index, hi):
        return None
    end = _run_end(tokens, index, hi)
    run = tokens[start:end]
    if not any(t.is_capitalised for t in run):
        return None
    possessive = run[-1].is_possessive
    words = [strip_possessive(t.text) for t in run]
    lowered = [w.lower() for w in words]
    first = start - 1 if determiner else start
    if lowered[-1] in BODY_WORDS or (len(words[-1]) > 1 and words[-1].isupper()):
        return Mention(MentionKind.BODY, " ".join(words), (), first, end, possessive, False)
    split = 0
    for position, (word, low) in enumerate(zip(words, lowered, strict=True)):
        if low in TITLE_WORDS or low in NATIONALITY_WORDS or not word[0].isupper() or low == "of":
            split = position + 1
    while len(words) - split > 2 and lowered[split] in PLACES:
        split += 1  # "Special Representative for Ukraine Keith Kellogg"
    name_words = words[split:]
    roles = tuple(lowered[:split])
    if not name_words:
        # a bare title ("President"), or only a nationality ("Ukrainian and American officials")
        role = Mention(MentionKind.ROLE, lowered[-1], roles, first, end, possessive, False)
        if all(low in NATIONALITY_WORDS for low in lowered):
            group = _group_noun(tokens, end, hi)  # "Ukrainian officials"
            if group is not None:
                name = " ".join([*words, tokens[end].text])
                return role._replace(kind=MentionKind.BODY, name=name, end=group, roles=())
            role = role._replace(kind=MentionKind.THING, name=" ".join(words), roles=())
        return role  # a capitalised title opens a name even after "the": not a description
    name = " ".join(name_words)
    place = name.lower() in MULTIWORD_PLACES or all(w.lower() in PLACES for w in name_words)
    kind = MentionKind.PLACE if place else MentionKind.PERSON
    return Mention(kind, name, roles, first, end, possessive, False)


def _group_noun(tokens: list[Token], index: int, hi: int) -> int | None:
    """The end of a plural noun naming a group after a nationality, else ``None``."""
    if index < hi and tokens[index].kind is Kind.WORD and tokens[index].text in GROUP_NOUNS:
        return index + 1
    return None


def _is_head(token: Token) -> bool:
    word = token.lower
    if token.is_capitalised:
        return word in BODY_WORDS
    if word in TITLE_MODIFIERS:
        return False
    return (
        word in ROLE_GROUPS or word in TITLE_WORDS or word in BODY_WORDS or word in DOCUMENT_WORDS
    )


def _described(tokens: list[Token], index: int, hi: int) -> Mention | None:
    """ "the secretary of state", "the Kremlin aide", "the statement", "the Foreign Ministry"."""
    led = _role_led(tokens, index + 1, hi)  # "the harbour master Tomas Lind"
    if led is not None:
        return led._replace(first=index)
    end = index + 1
    head_at: int | None = None
    while end < hi and end - index <= 6:
        token = tokens[end]
        if token.kind is not Kind.WORD or token.lower in PHRASE_STOPS or token.text in VERB_FORMS:
            break
        if _is_head(token):
            head_at = end
        elif head_at is not None:
            break
        end += 1
        if token.is_possessive:
            break
    if end < hi and tokens[end].is_capitalised and head_at is not None:
        # a titled name: "the Russian Foreign Ministry spokesperson Maria Zakharova"
        return _unnamed(tokens, index, _named(tokens, index + 1, hi, determiner=True))
    if head_at is None and not (end > index + 1 and tokens[end - 1].is_capitalised):
        end = min(end, index + 2)
    if end == index + 1:
        return None
    return _unnamed(tokens, index, _headed(tokens, index, end))


def _unnamed(tokens: list[Token], index: int, mention: Mention | None) -> Mention | None:
    """ "a senior Ukrainian official" introduces someone new: the description is the speaker."""
    if mention is None or mention.kind is not MentionKind.ROLE:
        return mention
    if tokens[index].lower not in ("a", "an"):
        return mention
    described = " ".join(strip_possessive(t.text) for t in tokens[index + 1 : mention.end])
    return mention._replace(kind=MentionKind.PERSON, name=described)


def _headed(tokens: list[Token], index: int, end: int) -> Mention | None:
    """The description ``tokens[index:end]`` by its head noun (its last word)."""
    run = tokens[index + 1 : end]
    if run[-1].is_capitalised:
        named = _named(tokens, index + 1, end, determiner=True)
        if named is not None and named.end == end:
            return named
    head = run[-1].lower
    possessive = run[-1].is_possessive
    if head in ROLE_GROUPS or head in TITLE_WORDS:
        qualifiers = tuple(t.lower for t in run[:-1])
        role = Mention(MentionKind.ROLE, head, qualifiers, index, end, possessive, False)
        return role._replace(determined=True)
    kind = MentionKind.THING
    issuer = ""
    if head in DOCUMENT_WORDS:
        kind = MentionKind.DOCUMENT
        issuer = " ".join(
            strip_possessive(t.text)
            for t in run[:-1]
            if t.is_capitalised and t.lower not in NATIONALITY_WORDS
        )
    elif head in BODY_WORDS:
        kind = MentionKind.BODY
    text = " ".join(strip_possessive(t.text) for t in run)
    return Mention(kind, text, (), index, end, possessive, False, issuer=issuer)
