"""The header block of an article or post: title, byline, datelines and republication lines.

Copies between sites carry two header lines: ``Global Research, March 20, 2017`` (this copy's
outlet and date) then ``RT 26 September 2016`` (the original's outlet and date). Other
shapes read here: bylines (``By X``, ``Par X``, ``by X``), labelled dates (``Published time:
4 Oct, 2016 10:26 Edited time: ...``, ``Published October 6th, 2015 – 09:44 GMT``), a date
followed by the author (``Feb 22, 2016, 7:30PM Becca Noy``) and standalone datelines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from api.ingest.dates import DateMatch, parse_date, search_date

# A person's or outlet's name: up to six capitalized words (particles allowed inside).
_NAME = (
    r"[A-ZÀ-ÖØ-Þ][\w.'’&-]*(?:\s+(?:(?:de|la|le|du|der|van|von|al|el|bin|and|&)\s+)?"
    r"[A-ZÀ-ÖØ-Þ0-9][\w.'’&-]*){0,5}"
)
# "By RT", "Par Mint Press", "by Patrick Poole", "Von Anna Schmidt", "Written by ...".
BYLINE_RE = re.compile(
    rf"^(?:by|par|von|por|di|door|written by|auteur\s*:|author\s*:)\s+(?P<name>{_NAME})\s*$",
    re.IGNORECASE,
)
# A date label: the date that follows is the publication time ("Edited/Updated" ones are not).
DATE_LABEL_RE = re.compile(
    r"^(?:published|posted|publié|publiée|veröffentlicht|publicado|pubblicato|date)"
    r"(?:\s+(?:time|on|le|am|el|il))?\s*:?\s*",
    re.IGNORECASE,
)
# Words that make a "Name, date" line something else than an outlet dateline.
NOT_OUTLET_WORDS = re.compile(
    r"^(?:[Pp]ublished|[Pp]osted|[Uu]pdated|[Ee]dited|[Mm]odified|[Pp]ubliée?|[Mm]is à jour|"
    r"le|on|am|since|from|until|[Ss]ource|[Vv]ia|[Bb]y|[Pp]ar)\b"
)
_OUTLET_NAME_RE = re.compile(rf"^(?P<name>{_NAME}|[\w.-]+\.[a-z]{{2,6}})\s*,?\s*$")
# Leftover of an empty template ("in ,"): a short lowercase fragment ending in punctuation.
JUNK_LINE_RE = re.compile(r"^(?:[a-z]{0,4}\s*[,;:|/-]+\s*|[^\w]*)$")
# Body text starts at the first line that is a real sentence of some length.
BODY_MIN_WORDS = 14
HEADER_MAX_LINES = 14
TITLE_MAX_CHARS = 220


@dataclass(slots=True)
class Dateline:
    date: DateMatch
    evidence: str
    outlet: str | None = None  # "Global Research" in "Global Research, March 20, 2017"
    author: str | None = None  # "Becca Noy" in "Feb 22, 2016, 7:30PM Becca Noy"


@dataclass(slots=True)
class HeaderInfo:
    title: str | None = None
    title_index: int | None = None
    author: str | None = None
    datelines: list[Dateline] = field(default_factory=list)
    consumed: set[int] = field(default_factory=set)  # header chrome: not article text


def is_title_like(text: str) -> bool:
    """Short line with no final period or colon: a title or heading."""
    stripped = text.rstrip()
    return (
        0 < len(stripped) <= TITLE_MAX_CHARS
        and not stripped.endswith((".", ":", ";", ","))
        and len(stripped.split()) <= 30
        and any(c.isalpha() for c in stripped)
    )


def is_body_line(text: str) -> bool:
    return len(text.split()) >= BODY_MIN_WORDS and text.rstrip()[-1:] in '.!?”"’»)'


def byline(text: str) -> str | None:
    if text[:1].lower() not in "bpvdwa":  # no "By", "Par", "Von", ... (none folds onto these)
        return None
    m = BYLINE_RE.match(text)
    return m.group("name").strip() if m else None


def read_dateline(text: str, language: str | None = None) -> Dateline | None:
    """A header line that carries a date: labelled, standalone, 'Outlet, date', 'date Name'."""
    if len(text) > 120:
        return None
    label = DATE_LABEL_RE.match(text)
    if label and label.end() > 0:
        found = search_date(text[label.end() :])
        if found is not None and found.start <= 2:
            return Dateline(found, text)
        return None
    found = search_date(text)
    if found is None:
        whole = parse_date(text, language)
        return Dateline(whole, text) if whole and whole.precision != "year" else None
    before, after = text[: found.start].strip(), text[found.end :].strip(" ,;|–—-")
    if not before and not after:
        return Dateline(found, text)
    if not before:
        m = re.fullmatch(_NAME, after)
        return Dateline(found, text, author=after) if m and len(after.split()) <= 4 else None
    if after or NOT_OUTLET_WORDS.match(before):
        return None
    m = _OUTLET_NAME_RE.match(before)
    return Dateline(found, text, outlet=m.group("name")) if m else None


def read_header(
    lines: list[str],
    start: int = 0,
    headings: frozenset[int] = frozenset(),
    end: int | None = None,
    title: str | None = None,
    language: str | None = None,
) -> HeaderInfo:
    """Read the header block of ``lines[start:end]``; indices in the result are absolute.

    ``headings`` holds the indices of Markdown heading lines: the first one is the title.
    A known ``title`` (a post's) is not searched for; its repetitions are consumed. ``language``
    (the page's) decides the order of numeric days and months in datelines. The block
    ends at the second body-like line: one lede/teaser line may precede header lines.
    """
    info = HeaderInfo(title=title)
    stop = min(len(lines) if end is None else end, start + HEADER_MAX_LINES)
    body_lines = 0
    for i in range(start, stop):
        text = lines[i]
        if i in headings and info.title is None:
            info.title, info.title_index = text, i
            continue
        if is_body_line(text):
            body_lines += 1
            if body_lines >= 2:
                break
            continue
        if JUNK_LINE_RE.match(text):
            info.consumed.add(i)
            continue
        name = byline(text)
        if name:
            info.author = info.author or name
            info.consumed.add(i)
            continue
        dateline = read_dateline(text, language)
        if dateline:
            info.datelines.append(dateline)
            info.author = info.author or dateline.author
            info.consumed.add(i)
            continue
        if info.title is None and body_lines == 0 and is_title_like(text):
            info.title, info.title_index = text, i
        elif info.title and _repeats_title(text, info.title):
            info.consumed.add(i)
    return info


def _repeats_title(text: str, title: str) -> bool:
    """The headline repeated (possibly with a suffix like ' – Lavrov')."""
    a, b = text.casefold(), title.casefold()
    return a == b or (a.startswith(b) and len(a) - len(b) <= 40)


def trailing_byline(lines: list[str], start: int) -> tuple[int, str] | None:
    """A standalone 'By Name' line anywhere after ``start`` (signature at the end of a post)."""
    for i in range(start, len(lines)):
        name = byline(lines[i])
        if name:
            return i, name
    return None
