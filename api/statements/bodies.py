"""Official bodies read from their shape, for institutions the lexicon in ``officials`` does
not list.

A public body is named by a capitalized phrase ending in an institution word ("Harbor City
Water Authority", "Eastside Police Department", "Food and Drug Administration"), by
"Ministry of ..." / "Department of ..." ("US Department of Agriculture"), or — only right
before or after an official role — by a lowercase body word ("a police spokesperson",
"city council spokesman John Doe", "a spokeswoman for the water authority").

Precision first: a lone capitalized word is never a body ("Police said" is too ambiguous
on its own), rebel, media and advocacy bodies are excluded by their markers ("Free Syrian
Army", "Xinhua News Agency", "International Rescue Committee"), and a bare vague head
("a ministry spokesman") only names a body once the document resolves it to one it names
in full (see ``entities.Registry.expand``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Words that end the name of a public institution. Title case only: "the engineering
# department" of a company is not a public body.
INSTITUTION_HEADS = (
    "Authority", "Authorities", "Agency", "Ministry", "Department", "Office", "Council",
    "Commission", "Committee", "Bureau", "Service", "Police", "Army", "Navy", "Government",
    "Embassy", "Consulate", "Administration", "Secretariat", "Cabinet", "Presidency",
    "Municipality", "City Hall", "Directorate", "Inspectorate", "Prefecture",
)  # fmt: skip
# Heads that open a name: "Ministry of Health", "Office of the Prosecutor General".
OF_HEADS = ("Ministry", "Department", "Office", "Secretariat", "Directorate", "Bureau", "Council")
# Lowercase body words accepted next to a role ("police spokesman", "a ministry official").
LOWER_HEADS = (
    r"police|city\s+hall|army|military|navy|ministry|department|agency|authority|government|"
    r"embassy|consulate|office|commission|committee|bureau|service|presidency|cabinet|"
    r"municipality|administration|secretariat|directorate|council|prosecutor['’]s\s+office"
)
# Heads that say which body they are without a qualifier; the others ("a ministry
# spokesman", "department official") must be resolved against the document.
SELF_NAMED = frozenset({"police", "army", "military", "navy", "city hall", "presidency", "municipality"})
# Lowercase qualifiers of a body word before a role ("city council", "health ministry").
MODIFIERS = (
    r"city|county|state|regional|provincial|municipal|district|federal|national|local|town|"
    r"village|health|water|education|finance|justice|fire|transport|environment|energy|trade|"
    r"public|press|prison|border|customs|tax|immigration|electoral|election|interior|foreign|"
    r"defen[cs]e|oversight|military|army|police"
)
# Sentence glue a capitalized run may start with; stripped from the front of a name.
LEAD_WORDS = frozenset(
    {
        "The",
        "A",
        "An",
        "And",
        "But",
        "Or",
        "So",
        "Yet",
        "In",
        "On",
        "At",
        "As",
        "By",
        "For",
        "From",
        "To",
        "Of",
        "With",
        "After",
        "Before",
        "During",
        "Since",
        "While",
        "When",
        "Then",
        "Also",
        "Meanwhile",
        "However",
        "Earlier",
        "Later",
        "Last",
        "This",
        "That",
        "Yesterday",
        "Today",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    }
)
# Markers of bodies that are not officialdom: armed groups, media, advocacy, students.
NON_STATE = re.compile(
    r"\b(?:Free|Liberation|Rebel|Insurgent|Resistance|Opposition|Jihad\w*|Mujahideen|"
    r"Islamic\s+State|Victory|Negotiations|News|Press\s+Agency|Wire|Student\w*|Rescue|"
    r"Refugee|Relief|Atlantic|Human\s+Rights\s+Watch)\b"
)
# Intergovernmental bodies whose officials are officials too ("UN spokesman", "NATO envoy").
INTERGOVERNMENTAL = (
    r"United\s+Nations|U\.N\.|UN|NATO|EU|European\s+Union|OSCE|IAEA|WHO|African\s+Union|"
    r"Arab\s+League|OPCW|UNHCR|UNICEF"
)
# Title words that may stand right before a role without naming a body ("Acting spokesman").
TITLE_WORDS = frozenset(
    {"Acting", "Chief", "Senior", "Deputy", "Top", "Assistant", "Interim", "Former", "Lead"}
)
# Capitalized words that are roles, not parts of a body's name ("Ministry Spokesman").
_ROLE_WORD = r"(?:Spokes\w+|Deputy|Minister|Secretary|Director|Chief|Head|President|Official|Press)"

_CAP = r"(?:[A-ZÀ-Ý][\w'’.&\-]*)"
_CAP_NR = rf"(?:(?!{_ROLE_WORD}\b){_CAP})"
_JOIN = r"(?:(?:of|for|and|on)\s+(?:the\s+)?)"
_HEADS = "|".join(h.replace(" ", r"\s+") for h in INSTITUTION_HEADS)
_OF_BODY = (
    rf"(?:{_CAP}\s+){{0,3}}(?:{'|'.join(OF_HEADS)})\s+(?:of|for|on)\s+(?:the\s+)?{_CAP_NR}"
    rf"(?:\s+{_JOIN}?{_CAP_NR}){{0,3}}"
)
_CAP_BODY = rf"(?:{_CAP}\s+{_JOIN}?){{1,5}}(?:{_HEADS})"
BODY_RE = re.compile(rf"(?:{_OF_BODY}|{_CAP_BODY})(?![\w'’])")
_ANY_BODY = (
    rf"{_OF_BODY}|{INTERGOVERNMENTAL}|(?:{_CAP}\s+{_JOIN}?){{0,4}}(?:(?:{MODIFIERS})\s+){{0,2}}"
    rf"(?:{LOWER_HEADS}|{_HEADS})"
)
BEFORE_ROLE_RE = re.compile(
    rf"(?:\b(?P<former>former|ex-)\s+)?(?:\b(?:the|a|an|The|A|An)\s+)?"
    rf"(?:\b(?P<former2>former)\s+)?(?<![\w'’])(?P<body>{_ANY_BODY})\s+$"
)
AFTER_ROLE_RE = re.compile(rf"^\s+(?:for|of|at|from)\s+(?:the\s+)?(?P<body>{_ANY_BODY})(?![\w'’])")


@dataclass(slots=True)
class Body:
    start: int
    end: int
    label: str  # "Harbor City Water Authority", "City Council", "Police"
    length: int = 0  # characters the phrase covers (with its article) next to a role
    raw_start: int = 0  # where the phrase starts, glue words ("The", "On Monday") included
    former: bool = False


@dataclass(slots=True)
class OfficialMention:
    """A role, lexicon body or body read from its shape, found by ``officials``."""

    start: int
    end: int
    role: str | None
    organization: str | None
    country: str | None
    name: str | None = None
    former: bool = False
    generic: bool = False  # a body read from its shape, to be resolved against the document
    outsider: bool = False  # a role at a body outside officialdom ("Acme spokesman")

    def copy(self) -> OfficialMention:
        return OfficialMention(*(getattr(self, name) for name in self.__slots__))  # type: ignore[attr-defined]


def body_label(raw: str) -> str | None:
    """The name of a body phrase: glue words dropped, lowercase words title-cased."""
    words = raw.split()
    while words and words[0] in LEAD_WORDS:
        words = words[1:]
    if not words or NON_STATE.search(" ".join(words)):
        return None
    small = {"of", "for", "and", "on", "the"}
    out = [w if w in small or not w.islower() else w[:1].upper() + w[1:] for w in words]
    if out[0] in small:
        return None
    return " ".join(out)


def is_vague(label: str | None) -> bool:
    """A bare head that does not say which body it is ("Ministry", "Council")."""
    if label is None or " " in label.strip() or label.lower() in SELF_NAMED:
        return False
    return re.fullmatch(LOWER_HEADS, label.lower()) is not None


# Every BODY_RE match holds an institution head (case-sensitive) and starts on a capital.
_HEAD_KEYS = tuple(
    sorted({"Authorit" if h.startswith("Authorit") else h.split()[-1] for h in INSTITUTION_HEADS})
)
_CAPITAL = re.compile(r"[A-ZÀ-Ý]")


def matches_from(rx: re.Pattern[str], starts: re.Pattern[str], text: str) -> list[re.Match[str]]:
    """``list(rx.finditer(text))`` for a pattern whose matches can only start where
    ``starts`` matches: ``rx`` is tried at those positions only."""
    out: list[re.Match[str]] = []
    end = 0
    for s in starts.finditer(text):
        if s.start() >= end and (m := rx.match(text, s.start())) is not None:
            out.append(m)
            end = m.end()
    return out


HEAD_KEY_RE = re.compile("|".join(_HEAD_KEYS))  # capitalized keys: a fast regex scan


def key_offsets(low: str, keys: tuple[str, ...]) -> list[int]:
    """Ascending offsets of every occurrence of the (lowercase) ``keys`` in ``low``
    (substring searches: a regex alternation of lowercase words is slower here)."""
    out: list[int] = []
    for key in keys:
        i = low.find(key)
        while i >= 0:
            out.append(i)
            i = low.find(key, i + 1)
    out.sort()
    return out


_BACK_CHUNK_RE = re.compile(r"\s+(\S+)")


def _chunk_word(chunk: str) -> str:
    low = chunk.lower()
    return low[:-2] if low.endswith(("'s", "’s")) else low


def prefix_windows(text: str, keys: list[int], words: frozenset[str], reach: int) -> list[tuple[int, int]]:
    """For key offsets ``keys``: the merged ranges ``(lo, k)`` holding the start of every match
    whose parts before the word of key ``k`` are whole blank-separated chunks from ``words``
    (lowercase, possessive "'s" dropped), at most ``reach`` of them, and whose key word starts
    the match unless a blank precedes it. Walking back from the key, the first other chunk
    (a match may start inside it) ends the range: usually the word right before the key."""
    spans: list[tuple[int, int]] = []
    for k in keys:
        lo = k
        if k and text[k - 1].isspace():
            back = text[k - 1 :: -1]  # the text before the key, reversed: chunks read forwards
            pos = 0
            for _ in range(reach):
                m = _BACK_CHUNK_RE.match(back, pos)
                if m is None:
                    break
                lo, pos = k - m.end(), m.end()
                if _chunk_word(m.group(1)[::-1]) not in words:
                    break
        spans.append((lo, k))
    spans.sort()
    out: list[tuple[int, int]] = []
    for lo, k in spans:
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], k))
        else:
            out.append((lo, k))
    return out


def matches_near(
    rx: re.Pattern[str], starts: re.Pattern[str], text: str, windows: list[tuple[int, int]]
) -> list[re.Match[str]]:
    """``matches_from(rx, starts, text)`` for a pattern whose matches can only start inside
    ``windows`` (see ``prefix_windows``): ``rx`` is tried at the ``starts`` positions there only."""
    out: list[re.Match[str]] = []
    end = 0
    for lo, hi in windows:
        if hi < end:
            continue
        for s in starts.finditer(text, max(lo, end), hi + 1):
            if s.start() >= end and (m := rx.match(text, s.start())) is not None:
                out.append(m)
                end = m.end()
    return out


def generic_bodies(text: str) -> list[Body]:
    """Capitalized bodies of two or more words in ``text``."""
    out: list[Body] = []
    if HEAD_KEY_RE.search(text) is None:
        return out
    for m in matches_from(BODY_RE, _CAPITAL, text):
        label = body_label(m.group(0))
        if label is None or len(label.split()) < 2:
            continue
        start = m.start() + m.group(0).index(label.split()[0])
        out.append(Body(start, m.end(), label, raw_start=m.start()))
    return out


_UPPER = re.compile(r"[A-ZÀ-Ý]")
_LOWER_HEAD_ENDS = tuple(alt.split(r"\s+")[-1] for alt in LOWER_HEADS.split("|"))


def _last_chunk(prefix: str) -> str | None:
    """The last blank-separated chunk of ``prefix`` when blanks end it, else None (the
    patterns ending in ``\\s+$`` cannot match)."""
    if not prefix[-1:].isspace():
        return None
    rest = prefix.rstrip()
    return rest.rsplit(None, 1)[-1] if rest else None


def body_before_role(prefix: str) -> Body | None:
    """The body phrase ending ``prefix`` (the text right before a role word), if any."""
    # a body ends in a head word (lowercase, or capitalized like the last word of the other
    # shapes) right before the blanks: other prefixes skip the search over all 160 characters
    last = _last_chunk(prefix)
    if last is None or (_UPPER.search(last) is None and not last.endswith(_LOWER_HEAD_ENDS)):
        return None
    m = BEFORE_ROLE_RE.search(prefix)
    if m is None:
        return None
    label = body_label(m.group("body"))
    if label is None:
        return None
    former = bool(m.group("former") or m.group("former2"))
    return Body(m.start(), m.end(), label, length=len(prefix) - m.start(), former=former)


# a capitalized word right before a role that names no body we know: "Acme spokesman"
_QUALIFIER = re.compile(r"(?<![\w'’])(?P<q>[A-Z][\w'’.&\-]*?)(?:['’]s)?\s+$")


_NOT_QUALIFIERS = LEAD_WORDS | TITLE_WORDS


def unknown_qualifier(prefix: str) -> bool:
    """Whether the role after ``prefix`` belongs to a body outside officialdom as far as we
    can tell ("Acme spokesman Bob Smith", "the Tribune's editor"): a capitalized word that is
    no glue, title or country word (``countries``) stands right before it."""
    last = _last_chunk(prefix)  # the qualifier is a capitalized word right before the blanks
    if last is None or _UPPER.search(last) is None:
        return False
    m = _QUALIFIER.search(prefix)
    return m is not None and m.group("q") not in _NOT_QUALIFIERS


def body_after_role(rest: str) -> Body | None:
    """The body in "spokeswoman for the Water Authority" (``rest`` follows the role)."""
    m = AFTER_ROLE_RE.match(rest)
    if m is None:
        return None
    label = body_label(m.group("body"))
    return None if label is None else Body(m.start("body"), m.end(), label, length=m.end())
