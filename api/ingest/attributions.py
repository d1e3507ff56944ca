"""Where a text says it comes from: attribution lines and attribution phrases.

Line-level (the whole line is an attribution and is not article text):
``The original source of this article is X`` / ``La source originale de cet article est X``,
``Source: <title> — X`` / ``Source: <title> | X``, ``via X » <title>``.

Phrase-level (inside article sentences, with offsets into the text):
``(said|told) ... in an interview with X (newspaper)?``, ``X published an interview with``,
``told X``, ``according to X``, ``X correspondent NAME (recently )?interviewed``.

Precision over recall: a phrase only counts when X *looks like an outlet* — an outlet word
in it ("Times", "Anzeiger", "News"), a descriptor next to it ("Al-Hayat newspaper"), or a
known broadcaster acronym ("RT", "BBC"). "According to the commander" and "told Osborne" are
not attributions; generic "told the German media" names no outlet and is not recorded.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from api.text.types import ExtractedAttribution

# A capitalized name sequence ("Koelner Stadt-Anzeiger", "Rossiya-24", "Die Welt", "LA Times").
CAP_SEQ = (
    r"[A-ZÀ-ÖØ-Þ][\w'’.&-]*(?:\s(?:(?:of|de|du|der|des|la|el|al|and|&)\s)?"
    r"[A-ZÀ-ÖØ-Þ0-9][\w'’.&-]*){0,5}"
)
# Words that say "this is a medium", after or before the name.
DESCRIPTOR = (
    r"newspaper|daily|magazine|weekly|tv|television|channel|radio|broadcaster|news agency|"
    r"agency|website|outlet|tabloid|journal|paper"
)
_DESC_AFTER = rf"(?P<desc>\s+(?:{DESCRIPTOR})\b)?"
_DESC_BEFORE = rf"(?:(?P<pre>{DESCRIPTOR})\s+)?"
# Words inside a name that make it an outlet.
_OUTLET_WORDS_TEXT = (
    "news times post press zeitung anzeiger allgemeine rundschau radio tv television agency "
    "journal herald gazette tribune daily channel network telegraph guardian welt monde "
    "figaro spiegel stern observer chronicle independent express mirror sputnik reuters "
    "bloomberg newsweek magazine review today wire jazeera tass interfax izvestia kommersant "
    "pravda bild focus libération liberation república repubblica corriere país pais "
    "nachrichten tagesschau tagesspiegel standard economist politico insider intercept "
    "register sun star globe mail courier dispatch bulletin beacon examiner inquirer sentinel "
    "afp zeit presse tagblatt kurier nouvel obs parisien ouest gazzetta stampa mundo "
    "vanguardia nacion diario jornal folha correio izvestiya vedomosti hurriyet yeni haaretz "
    "ynet "
)
OUTLET_WORDS = frozenset(_OUTLET_WORDS_TEXT.split())
# Broadcaster and agency acronyms that are outlets on their own ("told RT", "according to AP").
_OUTLET_ACRONYMS_TEXT = (
    "RT BBC CNN AP AFP TASS NBC CBS ABC NPR PBS DW ARD ZDF NHK CBC RIA UPI MSNBC WSJ NYT SANA "
    "IRNA ANSA EFE DPA PTI ITV RFI NTV RAI TRT CCTV "
)
OUTLET_ACRONYMS = frozenset(_OUTLET_ACRONYMS_TEXT.split())
# Sentence-initial words a greedy capitalized match may swallow before the outlet name.
_LEADING_NOISE_TEXT = "On In Yesterday Today Earlier Later Last Recently Meanwhile Then "
LEADING_NOISE = frozenset(_LEADING_NOISE_TEXT.split())

ORIGINAL_SOURCE_RE = re.compile(
    r"^(?:the original source of this article is|la source originale de cet article est|"
    r"die originalquelle dieses artikels ist|la fuente original de este artículo es|"
    r"this article (?:was )?originally (?:published|appeared) (?:in|on|at|by)|"
    r"originally (?:published|appeared) (?:in|on|at|by))\s*:?\s*(?P<outlet>.+?)\s*\.?$",
    re.IGNORECASE,
)
SOURCE_LINE_RE = re.compile(r"^(?:source|sources|quelle|fuente|fonte)\s*:\s*(?P<rest>.*)$", re.I)
# Separators between the cited title and the outlet, strongest first.
SOURCE_SEPARATORS = (" — ", " | ", " |", " – ", " - ")
VIA_RE = re.compile(r"^via\s+(?P<outlet>[^»|:—–]+?)\s*(?:[»|:—–].*)?\.?$", re.IGNORECASE)
INTERVIEW_WITH_RE = re.compile(
    r"\b(?:said|told|says|stated|explained|added|claimed|revealed|admitted|confirmed)\b"
    r"[^.!?]{0,160}?\b(?:in|during) an? (?:exclusive |recent |new |lengthy )?interview with "
    rf"(?:the )?{_DESC_BEFORE}(?P<outlet>{CAP_SEQ}){_DESC_AFTER}"
)
PUBLISHED_INTERVIEW_RE = re.compile(
    rf"{_DESC_BEFORE}(?P<outlet>{CAP_SEQ})\s+(?:has\s+)?(?:published|aired|broadcast|ran|released)"
    r"\s+an? (?:exclusive |new )?interview with"
)
TOLD_RE = re.compile(rf"\btold (?:the )?{_DESC_BEFORE}(?P<outlet>{CAP_SEQ}){_DESC_AFTER}")
ACCORDING_TO_RE = re.compile(rf"\b[Aa]ccording to (?:the )?{_DESC_BEFORE}(?P<outlet>{CAP_SEQ}){_DESC_AFTER}")
CORRESPONDENT_RE = re.compile(
    rf"(?P<outlet>{CAP_SEQ})\s+(?:correspondent|reporter|journalist)\s+(?P<name>{CAP_SEQ})\s+"
    r"(?:has\s+)?(?:recently\s+)?(?:interviewed|spoke (?:to|with)|talked (?:to|with))"
)
PHRASE_RULES: tuple[tuple[str, re.Pattern[str], bool, tuple[str, ...]], ...] = (
    # (kind, pattern, needs the outlet check, literal anchors the pattern cannot match without)
    ("interview", INTERVIEW_WITH_RE, True, ("interview with",)),
    ("interview", PUBLISHED_INTERVIEW_RE, True, ("interview with",)),
    ("correspondent", CORRESPONDENT_RE, False, ("correspondent ", "reporter ", "journalist ")),
    ("told", TOLD_RE, True, ("told ",)),
    ("according_to", ACCORDING_TO_RE, True, ("ccording to ",)),
)
# How far around an anchor word a phrase may reach (the patterns are bounded well below).
WINDOW_BEFORE = 220
WINDOW_AFTER = 160


def clean_outlet(name: str) -> str:
    """Trim punctuation, possessives and sentence-initial noise from an outlet name."""
    name = name.strip().strip(" .,;:»«\"“”‘’'()[]")
    name = re.sub(r"[’']s$", "", name)
    words = name.split()
    while len(words) > 1 and words[0] in LEADING_NOISE:
        words = words[1:]
    return " ".join(words)


def looks_like_outlet(name: str, has_descriptor: bool) -> bool:
    if has_descriptor or name in OUTLET_ACRONYMS:
        return True
    words = re.split(r"[\s-]+", name.casefold())
    return any(w.strip(".'’") in OUTLET_WORDS for w in words) or name.casefold().endswith(
        (".com", ".org", ".net", ".ca", ".ru", ".de", ".fr")
    )


def _source_line_outlet(line_rest: str) -> str | None:
    rest = line_rest.strip()
    for sep in SOURCE_SEPARATORS:
        if sep in rest or (sep.strip() and rest.endswith(sep.strip())):
            tail = rest.rsplit(sep.strip(), 1)[1]
            outlet = clean_outlet(tail)
            return outlet if outlet and len(outlet.split()) <= 6 else None
    outlet = clean_outlet(rest)
    return outlet if outlet and len(outlet.split()) <= 5 and outlet[0].isupper() else None


def line_attribution(line: str) -> tuple[bool, ExtractedAttribution | None]:
    """(is an attribution line, the attribution it names or None when it names no outlet)."""
    m = ORIGINAL_SOURCE_RE.match(line)
    if m:
        outlet = clean_outlet(m.group("outlet"))
        return True, ExtractedAttribution(outlet, "original_source", line) if outlet else None
    m = SOURCE_LINE_RE.match(line)
    if m:
        named = _source_line_outlet(m.group("rest"))
        return True, ExtractedAttribution(named, "source_line", line) if named else None
    m = VIA_RE.match(line)
    if m and len(m.group("outlet").split()) <= 6:
        outlet = clean_outlet(m.group("outlet"))
        return True, ExtractedAttribution(outlet, "via", line) if outlet else None
    return False, None


def _hits(text: str, anchors: tuple[str, ...]) -> list[tuple[int, int]]:
    found = []
    for anchor in anchors:
        pos = text.find(anchor)
        while pos >= 0:
            found.append((pos, pos + len(anchor)))
            pos = text.find(anchor, pos + 1)
    return sorted(found)


def _windows(text: str, anchors: tuple[str, ...]) -> list[tuple[int, int]]:
    """Merged (start, end) windows around the anchors' hits, starting at a word boundary."""
    out: list[tuple[int, int]] = []
    for hit_start, hit_end in _hits(text, anchors):
        start = max(0, hit_start - WINDOW_BEFORE)
        if start:
            space = text.find(" ", start)
            start = space + 1 if 0 <= space < hit_start else hit_start
        end = min(len(text), hit_end + WINDOW_AFTER)
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def phrase_attributions(text: str) -> list[ExtractedAttribution]:
    """Attribution phrases inside article text, with offsets into ``text``.

    The patterns only run in small windows around a cheap anchor word ("interview with",
    "told ", ...): capitalized-name patterns are slow when tried at every position.
    """
    found: list[ExtractedAttribution] = []
    for kind, pattern, check, anchor in PHRASE_RULES:
        for start, end in _windows(text, anchor):
            for m in pattern.finditer(text, start, end):
                outlet = clean_outlet(m.group("outlet"))
                groups = m.groupdict()
                has_desc = bool(groups.get("desc") or groups.get("pre"))
                if not outlet or (check and not looks_like_outlet(outlet, has_desc)):
                    continue
                found.append(ExtractedAttribution(outlet, kind, m.group(0), start=m.start(), end=m.end()))
    return found


def dedupe(items: Iterable[ExtractedAttribution]) -> list[ExtractedAttribution]:
    """One attribution per (kind, outlet); a 'told' already covered by an interview goes."""
    items = list(items)
    out: list[ExtractedAttribution] = []
    seen: set[tuple[str, str]] = set()
    interviewed = {a.outlet.casefold() for a in items if a.kind == "interview"}
    for a in items:
        key = (a.kind, a.outlet.casefold())
        if key in seen or (a.kind == "told" and a.outlet.casefold() in interviewed):
            continue
        seen.add(key)
        out.append(a)
    return out
