"""Lexicon of officialdom: countries and their metonyms, government bodies, official roles.

``find_official_mentions`` reads phrases such as ``US State Department Deputy Spokesman Mark
Toner``, ``Russia's ambassador to the United Nations, Vitaly Churkin``, ``A Kremlin
spokesman``, ``the Russian Foreign Ministry``; ``country_mentions`` reads a country or its
capital used as a government ("Turkey denied", "Moscow said"). Aliases tie an organization
to the words a claim about it uses (State Department ↔ US, Washington, American ...).

Bodies outside the fixed lexicon are read from their shape (``bodies``): a capitalized phrase
ending in an institution word ("Harbor City Water Authority", "Eastside Police Department"),
"Ministry of ..." / "Department of ...", and a body word before a role ("Water Authority
spokeswoman", "a police spokesperson", "city council spokesman John Doe").

Length: a little over the ~400-line guide, most of it the lexicon tables; the scans that read
them stay beside them so a key test and the table it tests change together. (The statement
issue replaces these lexicons with a parser; split then, not now.)
"""

from __future__ import annotations

import re
from functools import lru_cache

from api.statements.bodies import (
    HEAD_KEY_RE,
    OfficialMention,
    body_after_role,
    body_before_role,
    generic_bodies,
    key_offsets,
    matches_from,
    matches_near,
    prefix_windows,
    unknown_qualifier,
)

# canonical country -> (names, adjectives, metonyms: capitals and seats of government)
COUNTRIES: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "United States": (
        ("United States", "U.S.", "US", "USA", "America"),
        ("American", "U.S.", "US"),
        ("Washington",),
    ),
    "Russia": (("Russia", "Russian Federation"), ("Russian",), ("Moscow", "Kremlin")),
    "Turkey": (("Turkey", "Türkiye"), ("Turkish",), ("Ankara",)),
    "United Kingdom": (
        ("United Kingdom", "Britain", "UK", "U.K."),
        ("British", "UK", "U.K."),
        ("London", "Whitehall", "Downing Street"),
    ),
    "Germany": (("Germany",), ("German",), ("Berlin",)),
    "France": (("France",), ("French",), ("Paris", "Élysée")),
    "China": (("China",), ("Chinese",), ("Beijing",)),
    "Syria": (("Syria",), ("Syrian",), ("Damascus",)),
    "Iran": (("Iran",), ("Iranian",), ("Tehran",)),
    "Israel": (("Israel",), ("Israeli",), ()),
    "Saudi Arabia": (("Saudi Arabia",), ("Saudi",), ("Riyadh",)),
    "Qatar": (("Qatar",), ("Qatari",), ("Doha",)),
    "Ukraine": (("Ukraine",), ("Ukrainian",), ("Kyiv", "Kiev")),
    "Iraq": (("Iraq",), ("Iraqi",), ("Baghdad",)),
    "Jordan": (("Jordan",), ("Jordanian",), ("Amman",)),
}
COUNTRY_SHORT = {"United States": "U.S.", "United Kingdom": "UK"}

# bodies known without a country word: pattern -> (canonical name, country, own names)
FIXED_ORGS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    (r"State\s+Department|State\s+Dept\.?|Department\s+of\s+State", "State Department", "United States",
     ("State Department", "State Dept", "Department of State")),
    (r"Pentagon|Defen[cs]e\s+Department|Department\s+of\s+Defen[cs]e", "Pentagon", "United States",
     ("Pentagon", "Defense Department", "Department of Defense")),
    (r"White\s+House", "White House", "United States", ("White House",)),
    (r"Kremlin", "Kremlin", "Russia", ("Kremlin",)),
    (r"Foreign\s+Office", "Foreign Office", "United Kingdom", ("Foreign Office",)),
)  # fmt: skip
# bodies named by type, qualified by a country adjective: pattern -> canonical type
ORG_TYPES: tuple[tuple[str, str], ...] = (
    (
        r"foreign\s+ministry|ministry\s+of\s+foreign\s+affairs|foreign\s+affairs\s+ministry",
        "Foreign Ministry",
    ),
    (r"defen[cs]e\s+ministry|ministry\s+of\s+defen[cs]e", "Defense Ministry"),
    (r"interior\s+ministry|ministry\s+of\s+(?:the\s+)?interior", "Interior Ministry"),
    (r"justice\s+ministry|ministry\s+of\s+justice", "Justice Ministry"),
    (r"foreign\s+office", "Foreign Office"),
    (r"embassy", "Embassy"),
    (r"government|administration|cabinet", "Government"),
    (r"presidency|presidential\s+administration", "Presidency"),
)
# role (case-insensitive) -> canonical role; longest first in the pattern
ROLES: dict[str, str] = {
    r"deputy\s+spokes(?:man|woman|person)": "deputy spokesperson",
    r"spokes(?:man|woman|person)": "spokesperson",
    r"deputy\s+press\s+secretary": "deputy press secretary",
    r"press\s+secretary": "press secretary",
    r"press\s+officer": "press officer",
    r"deputy\s+foreign\s+minister": "deputy foreign minister",
    r"foreign\s+minister": "foreign minister",
    r"defen[cs]e\s+minister": "defense minister",
    r"interior\s+minister": "interior minister",
    r"prime\s+minister": "prime minister",
    r"foreign\s+secretary": "foreign secretary",
    r"(?:deputy\s+)?secretary\s+of\s+state": "secretary of state",
    r"minister": "minister",
    r"ambassador": "ambassador",
    r"envoy": "envoy",
    r"president": "president",
    r"chancellor": "chancellor",
    r"(?:senior\s+)?official": "official",
}
SPOKES_ROLES = frozenset(
    {"spokesperson", "deputy spokesperson", "press secretary", "deputy press secretary", "press officer"}
)
# roles that imply the body: role -> org type
ROLE_ORG = {
    "foreign minister": "Foreign Ministry",
    "deputy foreign minister": "Foreign Ministry",
    "defense minister": "Defense Ministry",
    "interior minister": "Interior Ministry",
    "secretary of state": "State Department",
    "foreign secretary": "Foreign Office",
    "president": "Government",
    "prime minister": "Government",
    "chancellor": "Government",
    "ambassador": "Government",
    "envoy": "Government",
}

NAME = r"[A-Z][a-zà-ÿ’'\-]+(?:\s+(?:al-|Al\s|bin\s|de\s|van\s|von\s)?[A-Z][a-zà-ÿ’'\-]+){1,2}"


def _alt(words: tuple[str, ...] | list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


_NAMES = {w: c for c, (ns, _, _) in COUNTRIES.items() for w in ns}
_ADJS = {w: c for c, (_, adjs, _) in COUNTRIES.items() for w in adjs}
_METS = {w: c for c, (_, _, mets) in COUNTRIES.items() for w in mets if w != "Kremlin"}
_FIXED = "|".join(f"(?:{p})" for p, *_ in FIXED_ORGS)
_TYPES = "|".join(f"(?:{p})" for p, _ in ORG_TYPES)
_ROLE = "|".join(f"(?:{p})" for p in ROLES)
_CTRY = rf"(?:(?P<cpos>{_alt(list(_NAMES))})['’]s\s+|(?P<cadj>{_alt(list(_ADJS) + list(_NAMES))})\s+)"
_ORG = rf"(?P<org>{_FIXED}|(?i:{_TYPES}))"

ROLE_RE = re.compile(
    rf"(?P<former>\b(?:former|ex-|retired)\s+)?\b(?:(?:the|a|an|The|A|An)\s+)?{_CTRY}?"
    rf"(?:{_ORG}\s+)?(?P<role>(?i:{_ROLE}))\b"
    rf"(?:\s+(?:to|at|in)\s+the\s+(?P<to>[A-Z][\w.]*(?:\s+[A-Z][\w.]*)*))?"
    rf"(?:,?\s+(?P<name>{NAME}))?"
)
ORG_RE = re.compile(rf"\b(?:(?:the|The)\s+)?{_CTRY}?{_ORG}\b")
ANAPHOR_RE = re.compile(r"\b[Tt]he\s+(?P<noun>ministry|department|embassy|statement|government)\b")
COUNTRY_RE = re.compile(rf"\b(?P<c>{_alt(list(_NAMES) + list(_METS))})(?![\w.])")

# Prefilter: lowercase pieces one of which every match of ROLE_RE, ORG_RE or a body of
# ``bodies.BODY_RE`` contains (a role, a lexicon body, an institution head). A text holding
# none of them has no mention; texts with characters that case-insensitive matching folds
# onto ASCII letters ("İ", "ſ", Kelvin sign) always take the full scan.
MENTION_KEYS = (
    "spokes", "secreta", "offic", "minist", "ambassador", "envoy", "presiden", "chancellor",
    "department", "dept", "pentagon", "white", "kremlin", "embassy", "government", "cabinet",
    "authorit", "agency", "council", "commission", "committee", "bureau", "service", "police",
    "army", "navy", "consulate", "municipality", "hall", "directorate", "inspectorate", "prefecture",
)  # fmt: skip
FOLDS_TO_ASCII = re.compile("[\u0130\u0131\u017f\u212a]")
# every country name or metonym COUNTRY_RE can match contains one of these
COUNTRY_KEYS = tuple(
    w for w in sorted({*_NAMES, *_METS}) if not any(o != w and o in w for o in {*_NAMES, *_METS})
)


COUNTRY_WORDS = tuple(sorted({*_NAMES, *_METS}))  # what a COUNTRY_RE match can be
# one regex finds any of the keys several times faster than forty substring tests
_COUNTRY_KEY_RE = re.compile("|".join(re.escape(key) for key in COUNTRY_KEYS))


# lowercase pieces every ROLE_RE match (a role) and every ORG_RE match (a body) contains
_ROLE_KEYS = (
    "spokes", "secretary", "officer", "minister", "ambassador", "envoy", "president", "chancellor",
    "official",
)  # fmt: skip
_ORG_KEYS = (
    "department", "dept", "pentagon", "white", "kremlin", "office", "ministry", "embassy", "government",
    "administration", "cabinet", "presidency", "presidential",
)  # fmt: skip
# ROLE_RE matches start on a word (all its parts begin with a letter after ``\b``)
_WORD_START = re.compile(r"\b\w")
# Runs of blanks a match can hold before the key its role (body) contains: former, article,
# country (2), body ("ministry of the interior": 4) and the role's own words ("deputy press
# secretary": 2) make 10 for ROLE_RE; article, country (2) and body words ("foreign affairs
# ministry": 2) make 5 for ORG_RE. Matches are tried only that close before a key, and only
# as far back as the words before the key are words these matches are made of:
_ROLE_REACH = 12
_ORG_REACH = 8
_PREFIX_WORDS = frozenset(
    {word.lower() for name in [*_NAMES, *_ADJS] for word in name.split()}
    | {
        "former", "ex-", "retired", "the", "a", "an", "state", "department", "dept", "dept.", "of",
        "pentagon", "defense", "defence", "white", "house", "kremlin", "foreign", "office", "ministry",
        "affairs", "interior", "justice", "embassy", "government", "administration", "cabinet",
        "presidency", "presidential", "deputy", "press", "prime", "senior", "secretary",
    }
)  # fmt: skip


def may_mention(text: str) -> bool:
    """False only when ``find_official_mentions(text)`` is certainly empty."""
    low = text.lower()
    for key in MENTION_KEYS:
        if key in low:
            return True
    return FOLDS_TO_ASCII.search(text) is not None


# The prefilter the scans use, stricter than ``may_mention``: every ROLE_RE match holds a
# role key and every ORG_RE match a body key (lowercase; these pieces cover both lists),
# every generic body a capitalized institution head (``bodies.HEAD_KEY_RE``, one fast regex).
_SCAN_KEYS = (
    "spokes", "secreta", "offic", "minist", "ambassador", "envoy", "presiden", "chancellor",
    "department", "dept", "pentagon", "white", "kremlin", "embassy", "government", "cabinet",
)  # fmt: skip


@lru_cache(maxsize=16384)
def may_hold_mention(text: str) -> bool:
    """False only when ``official_mentions(text)`` is certainly empty (cached: sentences are
    tested, then scanned, and their speaker texts are tested again)."""
    if HEAD_KEY_RE.search(text) is not None:
        return True
    low = text.lower()
    for key in _SCAN_KEYS:
        if key in low:
            return True
    return FOLDS_TO_ASCII.search(text) is not None


def may_name_role(text: str) -> bool:
    """False only when ROLE_RE certainly matches nowhere in ``text``."""
    low = text.lower()
    return any(key in low for key in _ROLE_KEYS) or FOLDS_TO_ASCII.search(text) is not None


def may_name_country(text: str) -> bool:
    """False only when ``country_mentions(text)`` is certainly empty."""
    return _COUNTRY_KEY_RE.search(text) is not None


@lru_cache(maxsize=1024)
def canonical_org(
    org_text: str | None, country: str | None, role: str | None
) -> tuple[str | None, str | None]:
    """(organization name, country) for an org phrase and/or a role with a country."""
    org_type = None
    if org_text:
        for pattern, name, fixed_country, _ in FIXED_ORGS:
            if re.fullmatch(pattern, org_text.strip()):
                if name == "Foreign Office" and country and country != "United Kingdom":
                    break
                country = country or fixed_country
                org_type = name
                break
        else:
            for pattern, name in ORG_TYPES:
                if re.fullmatch(pattern, org_text.strip(), re.I):
                    org_type = name
                    break
    if org_type is None and role:
        org_type = ROLE_ORG.get(role)
    return org_label(org_type, country), country


def org_label(org_type: str | None, country: str | None) -> str | None:
    if org_type is None:
        return None if country is None else f"Government of {country}"
    if org_type in {"Kremlin", "Pentagon", "White House"}:
        return org_type
    if org_type == "Government":
        return f"Government of {country}" if country else None
    if country is None:
        return org_type
    short = COUNTRY_SHORT.get(country) or COUNTRIES[country][1][0]
    return f"{short} {org_type}"


def _country(m: re.Match[str]) -> str | None:
    word = m.group("cpos") or m.group("cadj")
    if not word:
        return None
    return _NAMES.get(word) or _ADJS.get(word)


def is_spokes(role: str | None) -> bool:
    return role is not None and role_of(role) in SPOKES_ROLES


@lru_cache(maxsize=1024)
def role_of(raw: str) -> str:
    for pattern, canon in ROLES.items():
        if re.fullmatch(pattern, raw.strip(), re.I):
            return canon
    return raw.lower()


def find_official_mentions(text: str) -> list[OfficialMention]:
    """Role phrases (with or without a person's name) and bare organization phrases."""
    return [m.copy() for m in official_mentions(text)]


@lru_cache(maxsize=16384)
def _mentions(text: str) -> tuple[OfficialMention, ...]:
    """``find_official_mentions`` shared, not copied: for readers that change nothing (cached:
    each sentence is read several times; ``find_official_mentions`` callers get copies)."""
    return tuple(_scan(text)) if may_hold_mention(text) else ()


official_mentions = _mentions  # the cached function itself: one call less per read


def _scan(text: str) -> list[OfficialMention]:
    out: list[OfficialMention] = []
    low = text.lower()
    folds = FOLDS_TO_ASCII.search(text) is not None
    # without folding characters ``low`` has the offsets of ``text`` (only "İ" lowercases
    # to two characters) and every role or body, matched case-insensitively, holds a key
    if folds:
        roles = matches_from(ROLE_RE, _WORD_START, text)
        orgs = list(ORG_RE.finditer(text))
    else:
        roles = _near(ROLE_RE, text, key_offsets(low, _ROLE_KEYS), _ROLE_REACH)
        orgs = _near(ORG_RE, text, key_offsets(low, _ORG_KEYS), _ORG_REACH)
    for m in roles:
        role = " ".join(m.group("role").lower().split())
        country = _country(m)
        org, country = canonical_org(m.group("org"), country, role_of(role))
        mention = OfficialMention(
            m.start(), m.end(), role, org, country, m.group("name"), former=bool(m.group("former"))
        )
        if m.group("org") is None and _country(m) is None:
            _attach_body(text, m, mention)
        out.append(mention)
    taken = [(o.start, o.end) for o in out]
    for m in orgs:
        if any(a <= m.start() < b for a, b in taken):
            continue
        org, country = canonical_org(m.group("org"), _country(m), None)
        if org is None:
            continue
        out.append(OfficialMention(m.start(), m.end(), None, org, country))
        taken.append((m.start(), m.end()))
    for b in generic_bodies(text):
        # a lexicon body inside a longer name ("Interior Ministry" in "the Interior Ministry
        # of Ruritania") gives way to the full name
        inner = [o for o in out if o.role is None and b.raw_start <= o.start and o.end < b.end]
        if inner and not any(b.start < o.end and o.start < b.end for o in out if o not in inner):
            out = [o for o in out if o not in inner]
            taken = [(o.start, o.end) for o in out]
        if not any(a < b.end and b.start < z for a, z in taken):
            out.append(OfficialMention(b.start, b.end, None, b.label, _body_country(b.label), generic=True))
    return sorted(out, key=lambda o: o.start)


def _near(rx: re.Pattern[str], text: str, keys: list[int], reach: int) -> list[re.Match[str]]:
    if not keys:
        return []
    return matches_near(rx, _WORD_START, text, prefix_windows(text, keys, _PREFIX_WORDS, reach))


def _attach_body(text: str, m: re.Match[str], mention: OfficialMention) -> None:
    """A body named by shape right before the role ("Water Authority spokeswoman") or
    right after it ("a spokeswoman for the Water Authority") becomes the mention's body."""
    before = body_before_role(text[max(0, m.start("role") - 160) : m.start("role")])
    if before is not None:
        mention.start = m.start("role") - before.length
        mention.former = mention.former or before.former
        _set_body(mention, before.label)
    elif m.group("name") is None and (after := body_after_role(text[m.end() :])) is not None:
        mention.end = m.end() + after.length
        _set_body(mention, after.label)
    elif m.start() == m.start("role") and unknown_qualifier(text[max(0, m.start() - 60) : m.start()]):
        q = re.search(r"(\S+?)(?:['’]s)?\s+$", text[: m.start()])
        mention.outsider = q is not None and q.group(1) not in _NAMES and q.group(1) not in _ADJS


def _set_body(mention: OfficialMention, label: str) -> None:
    """A lexicon body keeps its canonical name ("Defense Ministry" → "Russian Defense
    Ministry" with its country); any other is named as written, to be resolved later."""
    known = ORG_RE.fullmatch(label)
    if known is not None:
        org, country = canonical_org(known.group("org"), _country(known), None)
        if org is not None:
            mention.organization, mention.country = org, country
            return
    mention.organization, mention.generic = label, True
    mention.country = _body_country(label)


@lru_cache(maxsize=1024)
def _body_country(label: str) -> str | None:
    """The country a body's name starts with ("Turkish Health Ministry" → Turkey)."""
    words = label.split()
    for n in (2, 1):
        head = re.sub(r"['’]s$", "", " ".join(words[:n]))
        if len(words) > n and (country := _NAMES.get(head) or _ADJS.get(head)):
            return country
    of = re.search(r"\bof\s+(?:the\s+)?(.+)$", label)
    return _NAMES.get(of.group(1)) if of else None


def country_mentions(text: str) -> list[tuple[int, int, str]]:
    """(start, end, country) for country names and capitals standing for governments."""
    out: list[tuple[int, int, str]] = []
    if not may_name_country(text):
        return out
    for m in COUNTRY_RE.finditer(text):
        word = m.group("c")
        out.append((m.start(), m.end(), _NAMES.get(word) or _METS[word]))
    return out
