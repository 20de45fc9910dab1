"""Who a mention is: surnames to full names, pronouns and descriptions to the last fitting one.

Read in text order. A surname alone ("Peskov said") is the full name the article gave (earlier
if it did, else later: headlines name people before the body does); "he"/"she" is the last person
who was a sentence's subject (objects and names in passing are not salient: "Rubio said he and
Witkoff travelled ... he said" is Rubio); "they" the last group or body; "the secretary of state"
or "the Kremlin aide" the last person whose titles fit; "the statement" and "it" speak for whoever
issued the last statement, or stand as the document when nobody did.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from service.domain.extract.clauses import Sentence
from service.domain.extract.lexicon import (
    GROUP_PRONOUNS,
    NATIONALITY_WORDS,
    PERSON_PRONOUNS,
    ROLE_GROUPS,
    words,
)
from service.domain.extract.mentions import Mention, MentionKind

_EARLIER = frozenset(["earlier", "previous", "prior", "separate", "another", "last"])
_QUALIFIER_STOP = words("top senior former new deputy chief")


@dataclass(slots=True)
class _Person:
    name: str
    roles: set[str] = field(default_factory=set)
    last_seen: int = -1


@dataclass(slots=True)
class Resolver:
    """Resolves mentions to speaker names as the attribution pass walks the text in order."""

    full_names: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    people: dict[str, _Person] = field(default_factory=dict)
    last_person: str | None = None
    last_group: str | None = None
    last_body: str | None = None
    last_document: str | None = None
    document_authors: str | None = None

    @classmethod
    def for_text(cls, sentences: list[Sentence], found: list[list[Mention]]) -> Resolver:
        """A resolver knowing every full name (and the titles said with it) in the text."""
        resolver = cls()
        for sentence, named in zip(sentences, found, strict=True):
            for mention in named:
                for person in mention.members or (mention,):
                    if person.kind is MentionKind.PERSON:
                        resolver._register(person, sentence.tokens[person.first].start)
        return resolver

    def _register(self, mention: Mention, offset: int) -> None:
        words = mention.name.split()
        if len(words) >= 2:
            self.full_names.setdefault(_key(words[-1]), []).append((offset, mention.name))
        name = self.full_name(mention.name, offset)
        person = self.people.setdefault(name, _Person(name))
        person.roles.update(mention.roles)

    def knows(self, name: str) -> bool:
        """Whether ``name`` is a full name, or the surname of one, the text gives."""
        return " " in name or _key(name) in self.full_names

    def full_name(self, name: str, offset: int) -> str:
        """A lone surname as the full name given before ``offset`` (else the first one after)."""
        words = name.split()
        if len(words) != 1:
            return name
        known = self.full_names.get(_key(name))
        if not known:
            return name
        before = [full for at, full in known if at <= offset]
        return before[-1] if before else known[0][1]

    def resolve(self, mention: Mention, offset: int) -> str | None:
        """The speaker a mention names, as of ``offset`` in the text."""
        speaker: str | None = None
        match mention.kind:
            case MentionKind.PERSON:
                speaker = self.full_name(mention.name, offset)
            case MentionKind.GROUP:
                speaker = " and ".join(self.full_name(m.name, offset) for m in mention.members)
            case MentionKind.PRONOUN:
                speaker = self._pronoun(mention.name)
            case MentionKind.ROLE:
                speaker = self._role(mention, offset)
            case MentionKind.DOCUMENT if mention.issuer:
                speaker = self.full_name(mention.issuer, offset)
            case MentionKind.DOCUMENT:
                speaker = self.document_authors or _without_article(mention.name)
            case MentionKind.BODY | MentionKind.PLACE:
                speaker = _without_article(mention.name)
            case MentionKind.THING:
                speaker = None
        return speaker

    def observe(self, mention: Mention, speaker: str | None, offset: int) -> None:
        """Make ``mention`` (resolved to ``speaker``) the salient one of its kind."""
        if speaker is None:
            return
        kind = mention.kind
        if kind is MentionKind.PRONOUN:
            kind = _pronoun_kind(mention.name, speaker, self)
        if kind in (MentionKind.PERSON, MentionKind.ROLE):
            self.last_person = speaker
            person = self.people.setdefault(speaker, _Person(speaker))
            person.last_seen = offset
            person.roles.update(mention.roles)
        elif kind is MentionKind.GROUP:
            self.last_group = speaker
        elif kind is MentionKind.DOCUMENT:
            if self.document_authors is None:
                self.last_document = speaker
        elif kind is MentionKind.BODY:
            self.last_body = speaker

    def saw(self, sentence: Sentence, named: list[Mention]) -> None:
        """Note the people ``sentence`` names, however it names them, for "the spokesman", and
        who issued the documents it names, for "the statement"."""
        for mention in named:
            if mention.kind is MentionKind.DOCUMENT and mention.issuer and not _earlier(mention):
                self.document_authors = mention.issuer
            for person in mention.members or (mention,):
                if person.kind is MentionKind.PERSON:
                    offset = sentence.tokens[person.first].start
                    name = self.full_name(person.name, offset)
                    self.people.setdefault(name, _Person(name)).last_seen = offset

    def issued_document(self, speaker: str | None) -> None:
        """``speaker`` said it "in a statement": "the statement" and "it" now speak for them."""
        if speaker is not None:
            self.document_authors = speaker

    def _pronoun(self, pronoun: str) -> str | None:
        if pronoun in PERSON_PRONOUNS:
            return self.last_person
        if pronoun in GROUP_PRONOUNS:
            return self.last_group or self.last_body
        if pronoun == "it":
            return self.document_authors or self.last_document or self.last_body
        return None

    def _role(self, mention: Mention, offset: int) -> str | None:
        group = ROLE_GROUPS.get(mention.name, mention.name)
        qualifiers = {q for q in mention.roles if q not in _QUALIFIER_STOP and q not in ROLE_GROUPS}
        fitting = [
            person
            for person in self.people.values()
            if any(ROLE_GROUPS.get(role, role) == group for role in person.roles)
        ]
        nationalities = qualifiers & NATIONALITY_WORDS
        if nationalities:
            # "the U.S. president" is not the one titled "Russian President"
            fitting = [
                p for p in fitting if nationalities & p.roles or not p.roles & NATIONALITY_WORDS
            ]
        qualified = [p for p in fitting if qualifiers & p.roles]
        fitting = qualified or fitting
        if fitting:
            best = max(fitting, key=lambda p: (p.last_seen, p.name == self.last_person))
            return best.name
        last = self.people.get(self.last_person or "")
        foreign = last is not None and bool(last.roles & NATIONALITY_WORDS - nationalities)
        if nationalities and foreign and last is not None and not nationalities & last.roles:
            return None  # the last person is of another country
        return self.last_person if mention.name in ROLE_GROUPS else None


def _earlier(document: Mention) -> bool:
    """ "an earlier statement by the White House" is not the statement the article goes on with."""
    return bool(set(document.name.lower().split()) & _EARLIER)


def _pronoun_kind(pronoun: str, speaker: str, resolver: Resolver) -> MentionKind:
    if pronoun in PERSON_PRONOUNS:
        return MentionKind.PERSON
    if pronoun in GROUP_PRONOUNS:
        return MentionKind.GROUP if speaker == resolver.last_group else MentionKind.BODY
    return MentionKind.THING


def _without_article(name: str) -> str:
    for article in ("the ", "The "):
        if name.startswith(article):
            return name[len(article) :]
    return name


def _key(surname: str) -> str:
    """Spelling variants of one surname share a key (Zelensky / Zelenskyy / Zelenskiy)."""
    key = surname.lower()
    for ending in ("yy", "iy", "yi", "ii"):
        if key.endswith(ending):
            return key[: -len(ending)] + "y"
    return key
