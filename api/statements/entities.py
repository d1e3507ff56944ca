"""Who is who in one document: persons (officials or not), official bodies, governments.

The registry is filled from role phrases (``State Department spokesman Mark Toner``),
appositions (``John Kirby or Mark Toner, the spokesman``) and names that are subjects of
speech verbs (``Al Ezz said``). Later mentions resolve by name suffix (``Toner``, ``MR
TONER``, ``Mr Kirby``, ``Al Ezz`` ↔ ``Abu Al Ezz``). Short or bare names of bodies resolve to
the body the document names in full ("Water Authority spokeswoman" after "The Harbor City
Water Authority" → Harbor City Water Authority; "a police spokesperson" → the police force
named earlier), see ``Registry.expand``.

Length: at the ~400-line guide; ``Registry`` is one class whose lookups share its indexes, so
it is not split.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from api.statements.bodies import INSTITUTION_HEADS, is_vague
from api.statements.officials import (
    COUNTRIES,
    NAME,
    ROLES,
    OfficialMention,
    find_official_mentions,
    official_mentions,
    role_of,
)

_CAP_STOP = frozenset(
    [
        "The",
        "A",
        "An",
        "And",
        "But",
        "In",
        "On",
        "At",
        "As",
        "So",
        "Yet",
        "However",
        "Then",
        "Also",
        "According",
        "Meanwhile",
        "Whether",
        "When",
        "While",
        "If",
        "Since",
        "After",
        "Before",
        "During",
        "Earlier",
        "Later",
        "Thus",
        "This",
        "That",
        "These",
        "Those",
        "It",
        "Its",
        "He",
        "She",
        "They",
        "We",
        "I",
        "You",
        "Our",
        "Their",
        "His",
        "Her",
        "Early",
        "By",
        "For",
        "From",
        "To",
        "Of",
        "With",
        "Without",
        "Watch",
        "Read",
        "More",
        "Here",
        "Mr",
        "Mrs",
        "Ms",
        "Dr",
        "Question",
        "Answer",
        "Yes",
        "No",
        "Not",
        "Now",
        "Even",
        "Both",
        "Neither",
        "Nor",
        "Some",
        "Many",
    ]
)
NOT_NAMES = frozenset(
    {w for names, adjs, mets in COUNTRIES.values() for w in (*names, *adjs, *mets)}
    | {a + "s" for _, adjs, _ in COUNTRIES.values() for a in adjs}
    | {"Kremlin", "Pentagon", "Saudis"}
    | {w for head in INSTITUTION_HEADS for w in head.split()}
)
# the lookahead (every name starts with a capital or a particle's a/b/e) spares the regex
# engine the particle alternation at each lowercase position: same matches, 40% faster
NAME_RE = re.compile(
    r"(?=[A-Zabe])(?:(?:Abu|Al|al|Ibn|bin|El|el)[ -])*[A-Z][\w’'\-]*[a-z][\w’'\-]*"
    r"(?:\s+(?:(?:Al|al|bin|de|van|von)[ -])?[A-Z][\w’'\-]*[a-z][\w’'\-]*)*"
)
APPOS_RE = re.compile(rf"((?:{NAME})(?:\s+(?:or|and)\s+(?:{NAME}))*),\s*$")


@dataclass(slots=True)
class Entity:
    key: str
    kind: str  # person | org | government | source
    name: str | None = None
    role: str | None = None
    organization: str | None = None
    country: str | None = None
    official: bool = False

    @property
    def tokens(self) -> list[str]:
        return (self.name or "").lower().replace("-", " ").split()


def name_tokens(text: str) -> list[str]:
    return text.lower().replace("-", " ").split()


@lru_cache(maxsize=16384)
def _tokens(text: str) -> tuple[str, ...]:
    return tuple(name_tokens(text))


_PARTICLES = frozenset({"abu", "al", "ibn", "bin", "el", "umm"})
_PRONOUNS = frozenset(["i", "we", "you", "they", "he", "she", "it"])


@lru_cache(maxsize=16384)
def strip_stop(name: str) -> str:
    """Drop leading sentence words ("But Al Ezz" → "Al Ezz"); "" for non-names."""
    words = name.split()
    while words and words[0] in _CAP_STOP:
        words = words[1:]
    if not words or re.split(r"[’']", words[0].lower())[0] in _PRONOUNS:
        return ""
    if any(w in NOT_NAMES for w in words):
        return ""
    return " ".join(words)


@lru_cache(maxsize=8192)
def _names(text: str) -> tuple[tuple[int, str], ...]:
    """(end, name) of the capitalized names in ``text`` (sentence words stripped)."""
    return tuple((m.end(), name) for m in NAME_RE.finditer(text) if (name := strip_stop(m.group(0))))


# NAME_RE matches hold only word characters, apostrophes, hyphens and blanks: none crosses
# another character, so each stretch of these is scanned on its own, or not at all
_NAME_STRETCH = re.compile(r"[\w’'\-\s]+")
_NAME_TAIL = re.compile(r"[\w’'\-\s]*")


def names_with(text: str, keys: frozenset[str]) -> list[tuple[int, str]] | tuple[tuple[int, str], ...]:
    """The names of ``_names(text)`` whose last token may be one of ``keys``, in order (and
    others): only the stretches holding a key (lowercase) are scanned for names."""
    if "Σ" in text or "İ" in text:  # lowercase not piece by piece, or of another length
        return _names(text)
    low = text.lower()
    n = len(text)
    spans: list[tuple[int, int]] = []
    for key in keys:
        k = low.find(key)
        while k >= 0:
            # a name's last token starts a capitalized word or follows a blank or hyphen in
            # it, and ends the name (before a hyphen at most): "he" in "the" is none
            e = k + len(key)
            starts = "A" <= text[k] <= "Z" or (k > 0 and (text[k - 1].isspace() or text[k - 1] == "-"))
            if starts and (e == n or not (text[e].isalnum() or text[e] in "_’'")):
                start = k - _NAME_TAIL.match(text[k - 1 :: -1] if k else "").end()  # type: ignore[union-attr]
                spans.append((start, _NAME_TAIL.match(text, k).end()))  # type: ignore[union-attr]
            k = low.find(key, k + 1)
    out: list[tuple[int, str]] = []
    for a, b in sorted(set(spans)):  # whole stretches: equal or apart
        out.extend((m.end(), name) for m in NAME_RE.finditer(text, a, b) if (name := strip_stop(m.group(0))))
    return out


def last_name_match(text: str) -> re.Match[str] | None:
    """The last match of ``NAME_RE.finditer(text)`` when it lies in the text's last stretch
    (as one ending the text does), else None."""
    start = len(text) - _NAME_TAIL.match(text[::-1]).end()  # type: ignore[union-attr]
    last = None
    for last in NAME_RE.finditer(text, start):  # noqa: B007 (the loop keeps the last one)
        pass
    return last


def may_name_person(text: str, keys: frozenset[str]) -> bool:
    """False only when no registered person can be named in ``text``: a name matches a
    person only when their last name tokens are equal (see ``Registry.person``), and the
    tokens of a name in ``text`` are pieces of ``text.lower()`` ("Σ" aside: its lowercase
    depends on the letters around it)."""
    if not keys:
        return False
    if "Σ" in text:
        return True
    low = text.lower()
    return any(key in low for key in keys)


@dataclass(slots=True)
class Registry:
    persons: list[Entity]
    orgs: dict[str, Entity]
    bodies: list[tuple[int, str, str | None]] = field(default_factory=list)  # (sentence, name, country)
    # when a list: every person lookup is appended to it as ("person", mention, result) (the
    # first attribution pass records what each sentence read, see ``attribution.attribute``)
    log: list[tuple[object, ...]] | None = field(default=None, repr=False, compare=False)

    @classmethod
    def empty(cls) -> Registry:
        return cls([], {})

    def state(self) -> list[tuple[object, ...]]:
        """What lookups depend on: the persons, in order, with their fields (bodies and orgs
        are read or created on demand, never decided on)."""
        return [
            (id(e), e.key, e.kind, e.name, e.role, e.organization, e.country, e.official)
            for e in self.persons
        ]

    def expand(
        self, org: str | None, country: str | None, sid: int, generic: bool = True
    ) -> tuple[str | None, str | None]:
        """The full name of a body named short ("Water Authority", "Defense Ministry") or
        bare ("Police", "Ministry"): the body named in full nearest before sentence ``sid``
        (else the first after) whose name ends with it or, for a bare word, contains it.
        A vague bare word the document does not resolve names no body."""
        if org is None:
            return None, country
        words = org.lower().split()
        fits = [
            (j, name, c)
            for j, name, c in self.bodies
            if name != org
            and len(name.split()) > len(words)
            and (
                name.lower().split()[-len(words) :] == words
                or (len(words) == 1 and words[0] in name.lower().split())
            )
        ]
        if fits:
            before = [f for f in fits if f[0] <= sid]
            _, name, c = max(before, key=lambda f: f[0]) if before else min(fits, key=lambda f: f[0])
            return name, country or c
        return (None, country) if generic and is_vague(org) else (org, country)

    def mentions(self, text: str, sid: int) -> list[OfficialMention]:
        """``find_official_mentions`` with bodies resolved against the document."""
        out = find_official_mentions(text)
        for m in out:
            m.organization, m.country = self.expand(m.organization, m.country, sid, m.generic)
        return out

    def last_tokens(self) -> frozenset[str]:
        """The last name token of every person: a name matches a person only if its own
        last token is one of these (renaming a person keeps it)."""
        return frozenset(toks[-1] for ent in self.persons if (toks := _tokens(ent.name or "")))

    @staticmethod
    def may_be_person(mention: str, last_tokens: frozenset[str]) -> bool:
        """False when ``person(mention)`` is None for a registry with these ``last_tokens``."""
        toks = _tokens(mention)
        return bool(toks) and toks[-1] in last_tokens

    def person(self, mention: str) -> Entity | None:
        """The registered person whose name ends with (or is ended by) ``mention``."""
        ent = self._person(mention)
        if self.log is not None:
            self.log.append(("person", mention, ent))
        return ent

    def _person(self, mention: str) -> Entity | None:
        toks = _tokens(mention)
        if not toks:
            return None
        for ent in self.persons:
            et = _tokens(ent.name or "")
            if et[-len(toks) :] == toks or (len(et) >= 2 and toks[-len(et) :] == et):
                if len(toks) == len(et) + 1 and toks[0] in _PARTICLES:
                    ent.name = " ".join(mention.split())
                return ent
        return None

    def add_person(self, name: str, **info: object) -> Entity:
        ent = self._person(name)
        if ent is None:
            ent = Entity(key=f"person:{name.lower()}", kind="person", name=" ".join(name.split()))
            self.persons.append(ent)
        if self.log is not None:  # a later pass finds the same person when it looks it up
            self.log.append(("person", name, ent))
        for attr, value in info.items():
            if value and not getattr(ent, attr):
                setattr(ent, attr, value)
        return ent

    def person_or_new(self, name: str) -> Entity:
        """``person(name) or add_person(name)``, logged as one lookup of ``name``."""
        log, self.log = self.log, None
        ent = self.person(name) or self.add_person(name)
        self.log = log
        if log is not None:
            log.append(("person", name, ent))
        return ent

    def org(self, organization: str, country: str | None, kind: str = "org") -> Entity:
        ent = self.orgs.get(organization)
        if ent is None:
            ent = Entity(
                key=f"{kind}:{organization}",
                kind=kind,
                organization=organization,
                country=country,
                official=True,
            )
            self.orgs[organization] = ent
        return ent

    def anonymous(self, role: str, organization: str | None, country: str | None) -> Entity:
        """An unnamed official ("a Kremlin spokesman"): role and body, no name."""
        key = f"anon:{organization}:{role}"
        if key not in self.orgs:
            self.orgs[key] = Entity(
                key=key, kind="person", role=role, organization=organization, country=country, official=True
            )
        return self.orgs[key]

    def source(self, text: str) -> Entity:
        key = " ".join(text.lower().split())
        return self.orgs.setdefault(
            f"source:{key}", Entity(key=f"source:{key}", kind="source", name=" ".join(text.split()))
        )


def register_roles(reg: Registry, sentences: list[str], headings: frozenset[int] = frozenset()) -> None:
    """Bodies named in the document (not in headings: title case reads as names there);
    persons named with a role; appositions; missing bodies taken from nearby context."""
    # the shared mentions, not copies (``Registry.mentions``): their bodies are expanded here
    found = [official_mentions(text) for text in sentences]
    for i, mentions in enumerate(found):
        if i not in headings:
            reg.bodies.extend((i, m.organization, m.country) for m in mentions if m.organization)
    pending: list[tuple[Entity, int]] = []
    org_seen: list[tuple[int, str, str | None]] = []
    for i, text in enumerate(sentences):
        for m in found[i]:
            organization, country = reg.expand(m.organization, m.country, i, m.generic)
            if organization and (m.role is None or m.name):
                org_seen.append((i, organization, country))
            names = _names_for(text, m)
            for name in names:
                ent = reg.add_person(name, role=m.role, organization=organization, country=country)
                if m.former or m.outsider:
                    ent.official = False
                    continue
                ent.official = True
                if ent.organization is None:
                    pending.append((ent, i))
    counts = Counter(org for _, org, _ in org_seen)
    for ent, i in pending:
        near = [(j, o, c) for j, o, c in org_seen if i - 3 <= j <= i]
        earlier = [(j, o, c) for j, o, c in org_seen if j <= i]
        if near or earlier:
            _, ent.organization, country = (near or earlier)[-1]
            ent.country = ent.country or country
        elif counts:
            ent.organization = counts.most_common(1)[0][0]


def _names_for(text: str, m: OfficialMention) -> list[str]:
    if m.name:
        return [m.name]
    if m.role is None:
        return []
    appos = APPOS_RE.search(text[: m.start])
    if not appos:
        return []
    return [n for n in re.split(r"\s+(?:or|and)\s+", appos.group(1)) if n]


def role_anaphor(noun: str) -> str | None:
    """Canonical role named by a bare noun ("the minister", "the spokesman"), if any."""
    canon = role_of(noun)
    return canon if canon in set(ROLES.values()) else None
