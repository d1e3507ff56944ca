"""Dates of reported statements: "on Monday", "in May", "April 27", "May 4, 2016",
"yesterday", resolved against the document date (the most recent such day or month not
after it; the year taken from the document). ``None`` when nothing can be resolved.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from functools import lru_cache

MONTHS = {
    m: i
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        start=1,
    )
}
_ABBR = {m[:3]: i for m, i in MONTHS.items()}
WEEKDAYS = {
    d: i for i, d in enumerate(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])
}
_MONTH = (
    r"(?P<month>January|February|March|April|May|June|July|August|September|October|"
    r"November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?"
)
MONTH_DAY = re.compile(rf"\b{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<year>\d{{4}}))?")
DAY_MONTH = re.compile(
    rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}(?:,?\s+(?P<year>\d{{4}}))?"
)
IN_MONTH = re.compile(
    rf"\b(?:in|early|late|since|during|mid-?)\s+(?:early\s+|late\s+|mid-?)?{_MONTH}"
    r"(?:\s+(?P<year>\d{4}))?\b"
)
WEEKDAY = re.compile(
    r"\b(?:on|last|this|since|from)?\s*\(?(?P<wd>Monday|Tuesday|Wednesday|"
    r"Thursday|Friday|Saturday|Sunday)\)?"
)
RELATIVE = re.compile(r"\b(?P<rel>yesterday|today|earlier today|this morning|tonight)\b", re.I)
SAME_DAY = re.compile(
    r"\b(?:that|the same|same)\s+(?:day|briefing|press conference|"
    r"meeting|session)\b|\bthat day['’]s\b|\blater that day\b",
    re.I,
)


def parse_doc_date(published_at: object) -> date | None:
    if not published_at:
        return None
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", str(published_at))
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _month_no(name: str) -> int:
    name = name.lower().rstrip(".")
    return MONTHS.get(name) or _ABBR[name[:3]]


def _day(year: int | None, month: int, day: int, ref: date | None) -> str | None:
    if year is None:
        if ref is None:
            return None
        year = ref.year
        try:
            if date(year, month, day) > ref:
                year -= 1
        except ValueError:
            return None
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


# Every month name of ``_MONTH`` starts with one of these; case-insensitive RELATIVE matches
# hold one of the lowercase words (characters folding onto ASCII letters aside).
_MONTH_KEYS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_RELATIVE_KEYS = ("yesterday", "today", "this morning", "tonight")
_FOLDS_TO_ASCII = re.compile("[\u0130\u0131\u017f\u212a]")


@lru_cache(maxsize=4096)
def find_date(text: str, ref: date | None) -> str | None:
    """The first resolvable date expression in ``text``, as ISO date or YYYY-MM (cached: a
    statement's sentence is read when runs are merged and again for its date). Each family
    of expressions is searched only when the text holds a word it needs."""
    hits: list[tuple[int, str | None]] = []
    if any(key in text for key in _MONTH_KEYS):
        for rx in (MONTH_DAY, DAY_MONTH):
            for m in rx.finditer(text):
                year = int(m.group("year")) if m.group("year") else None
                hits.append((m.start(), _day(year, _month_no(m.group("month")), int(m.group("day")), ref)))
        for m in IN_MONTH.finditer(text):
            if any(abs(pos - m.start()) < 12 for pos, _ in hits):
                continue
            hits.append((m.start(), _month(m, ref)))
    if ref is not None and "day" in text:
        for m in WEEKDAY.finditer(text):
            back = (ref.weekday() - WEEKDAYS[m.group("wd").lower()]) % 7
            hits.append((m.start("wd"), (ref - timedelta(days=back)).isoformat()))
    if ref is not None and _may_be_relative(text):
        for m in RELATIVE.finditer(text):
            delta = 1 if m.group("rel").lower() == "yesterday" else 0
            hits.append((m.start(), (ref - timedelta(days=delta)).isoformat()))
    found = [d for _, d in sorted(hits) if d]
    return found[0] if found else None


def _may_be_relative(text: str) -> bool:
    if _FOLDS_TO_ASCII.search(text) is not None:
        return True
    low = text.lower()
    return any(key in low for key in _RELATIVE_KEYS)


def _month(m: re.Match[str], ref: date | None) -> str | None:
    month = _month_no(m.group("month"))
    if m.group("year"):
        return f"{int(m.group('year')):04d}-{month:02d}"
    if ref is None:
        return None
    year = ref.year if month <= ref.month else ref.year - 1
    return f"{year:04d}-{month:02d}"


def refers_to_same_day(text: str) -> bool:
    return bool(SAME_DAY.search(text))
