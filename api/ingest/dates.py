"""Multilingual date finding and parsing for page headers, bylines and comment stamps.

Two entry points:

* :func:`search_date` finds the first date inside a line ("Mondialisation.ca, 30 septembre
  2016", "Published time: 4 Oct, 2016 10:26 Edited time: ...") and returns its span;
* :func:`parse_date` reads a string that *is* a date ("October 6th, 2015 – 09:44 GMT").

Both return a :class:`DateMatch` with an ISO string and its precision (year | month | day |
minute). Times given in GMT/UTC or with a numeric offset are converted to UTC; times with no
zone are kept as written (local to the publisher). Cheap regexes over a month-name table
handle the common shapes; ``dateparser`` is only the cached fallback of :func:`parse_date`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

# Month names (full and abbreviated) in the languages the seeds and common sources use.
_MONTHS: dict[str, int] = {}
for _num, _names in enumerate(
    [
        "january jan janvier janv janvier januar jänner enero ene gennaio genn janeiro januari",
        "february feb février fevrier févr fevr februar febrero febbraio fevereiro februari",
        "march mar mars märz maerz marzo março marco maart",
        "april apr avril abril aprile",
        "may mai mayo maggio maio mei",
        "june jun juin juni junio giugno junho",
        "july jul juillet juil juli julio luglio julho",
        "august aug août aout agosto augustus",
        "september sep sept septembre septiembre setiembre settembre setembro",
        "october oct octobre oktober octubre ottobre outubro",
        "november nov novembre noviembre novembro",
        "december dec décembre decembre déc dezember diciembre dicembre dezembro",
    ],
    start=1,
):
    for _name in _names.split():
        _MONTHS[_name] = _num

# Longest names first so "september" wins over "sep" in the alternation.
_MONTH_ALT = "|".join(sorted((re.escape(m) for m in _MONTHS), key=len, reverse=True))

# Time after a date: "10:26", ", 7:30PM", " – 09:44 GMT", " at 7:59 am", "T01:04:00+03:00".
_TIME = (
    r"(?:\s*(?:[,–—-]|à|at|um|a las|alle)?\s*T?(?P<hour>\d{1,2})[:h](?P<minute>\d{2})(?::\d{2})?"
    r"\s*(?P<ampm>[ap]\.?\s?m\.?)?\s*(?P<tz>GMT|UTC|Z|[+-]\d{2}:?\d{2})?(?![\d:]))?"
)
# "30 septembre 2016", "4 Oct, 2016", "6th of October 2015", "7 de mayo de 2016", "1er mai 2016".
DMY_RE = re.compile(
    rf"(?<![\w\d])(?P<day>\d{{1,2}})(?:st|nd|rd|th|er|\.)?\s+(?:of\s+|de\s+)?"
    rf"(?P<month>{_MONTH_ALT})\.?,?\s+(?:de\s+)?(?P<year>(?:19|20)\d{{2}})(?!\d){_TIME}",
    re.IGNORECASE,
)
# "October 6th, 2015", "Feb 22, 2016", "December 2, 2014".
MDY_RE = re.compile(
    rf"(?<![\w\d])(?P<month>{_MONTH_ALT})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+"
    rf"(?P<year>(?:19|20)\d{{2}})(?!\d){_TIME}",
    re.IGNORECASE,
)
# ISO dates and datetimes, as given by APIs and <meta> tags.
ISO_RE = re.compile(r"(?<!\d)(?P<year>(?:19|20)\d{2})-(?P<month>\d{2})-(?P<day>\d{2})" + _TIME, re.IGNORECASE)
# "September 2016" / "septembre 2016": month precision only.
MONTH_YEAR_RE = re.compile(
    rf"(?<![\w\d])(?P<month>{_MONTH_ALT})\.?,?\s+(?P<year>(?:19|20)\d{{2}})(?!\d)", re.IGNORECASE
)
_PATTERNS = (ISO_RE, DMY_RE, MDY_RE)
# A string that is a date and nothing else may carry these leftovers around it: punctuation,
# a weekday name and a little article/preposition ("Tuesday, 4 Oct 2016", "le 5 avril 2016").
_LEFTOVER_RE = re.compile(
    r"^[\s,.;:|–—()\-]*(?:(?:le|on|am|el|il|de|den|the|"
    r"mon|tue|wed|thu|fri|sat|sun|monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
    r"lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|montag|dienstag|mittwoch|donnerstag|"
    r"freitag|samstag|sonntag|lunes|martes|miércoles|jueves|viernes|sábado|domingo)"
    r"[\s,.;:|–—()\-]*)*$",
    re.IGNORECASE,
)
YEAR_ONLY_RE = re.compile(r"^\s*((?:19|20)\d{2})\s*$")


@dataclass(frozen=True, slots=True)
class DateMatch:
    iso: str  # "2016-09-30" or "2016-10-04T10:26"
    precision: str  # year | month | day | minute
    start: int = 0  # span of the date inside the searched string
    end: int = 0


def _to_iso(m: re.Match[str]) -> tuple[str, str] | None:
    """Turn a regex match into (iso, precision); None when the fields make no date."""
    groups = m.groupdict()
    month_raw = groups["month"]
    month = int(month_raw) if month_raw.isdigit() else _MONTHS.get(month_raw.lower().rstrip("."))
    if month is None:
        return None
    try:
        day = datetime(int(groups["year"]), month, int(groups["day"]))
    except ValueError:
        return None
    if groups.get("hour") is None:
        return day.date().isoformat(), "day"
    hour, minute = int(groups["hour"]), int(groups["minute"])
    ampm = (groups.get("ampm") or "").lower().replace(".", "").replace(" ", "")
    if ampm == "pm" and hour < 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    if hour > 23 or minute > 59:
        return day.date().isoformat(), "day"
    stamp = day.replace(hour=hour, minute=minute)
    tz = (groups.get("tz") or "").upper()
    if tz and tz not in ("GMT", "UTC", "Z"):
        # the publisher's local day and time, with its offset ("2021-05-04T01:04+02:00"):
        # converted to UTC it would be the previous day, which is not the day it was published
        digits = tz[1:].replace(":", "")
        offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:4]))
        if offset <= MAX_UTC_OFFSET:
            return f"{stamp:%Y-%m-%dT%H:%M}{tz[0]}{digits[:2]}:{digits[2:4]}", "minute"
    return stamp.strftime("%Y-%m-%dT%H:%M"), "minute"


MAX_UTC_OFFSET = timedelta(hours=14)  # the largest offset in use (UTC+14, Kiribati)
_LETTERS_RE = re.compile(r"[a-z]+")
_ASCII_MONTHS = frozenset(m for m in _MONTHS if m.isascii())


def _may_hold_date(text: str) -> tuple[bool, bool]:
    """(may ISO_RE match, may DMY_RE / MDY_RE / MONTH_YEAR_RE match) in ``text``; False
    only when certain. Every pattern needs a year ("19xx", "20xx"), ISO a hyphen, the others
    a month name standing between non-letters (after a blank or a non-word character,
    before ".", "," or a blank), i.e. a whole run of letters. Non-ASCII text always takes
    the regexes: case-insensitive matching folds "ſ" onto "s" and has accented names."""
    if "19" not in text and "20" not in text:
        return False, False
    iso = "-" in text
    if not text.isascii():
        return iso, True
    return iso, any(w in _ASCII_MONTHS for w in _LETTERS_RE.findall(text.lower()))


@lru_cache(maxsize=4096)
def search_date(text: str) -> DateMatch | None:
    """The first full date (day precision or better) inside ``text``, with its span (cached:
    the post finder, the header reader and the comment cutter read the same short lines)."""
    best: DateMatch | None = None
    iso, named = _may_hold_date(text)
    for pattern in _PATTERNS:
        if not (iso if pattern is ISO_RE else named):
            continue
        for m in pattern.finditer(text):
            parsed = _to_iso(m)
            if parsed is None:
                continue
            if best is None or m.start() < best.start:
                best = DateMatch(parsed[0], parsed[1], m.start(), m.end())
            break
    return best


def search_month(text: str) -> DateMatch | None:
    """A "September 2016"-style month inside ``text`` (month precision)."""
    if not _may_hold_date(text)[1]:
        return None
    m = MONTH_YEAR_RE.search(text)
    if m is None:
        return None
    month = _MONTHS[m.group("month").lower()]
    return DateMatch(f"{m.group('year')}-{month:02d}", "month", m.start(), m.end())


_ASCII_DIGIT = re.compile(r"[0-9]")  # the ASCII characters ``str.isdigit`` accepts
_HAS_YEAR_RE = re.compile(r"(?<!\d)(?:1[89]|20)\d{2}(?!\d)")
# Languages dateparser tries. Letting it detect among all of its ~200 locales costs seconds per
# new string shape; the press languages below cover what the regexes above do not.
DATEPARSER_LANGUAGES = ("en", "fr", "de", "es", "it", "pt", "nl", "ru", "ar", "tr", "pl", "uk")


# Languages that write numeric dates month first ("11/10/2021" = 10 November); every other
# one reads them day first ("10.11.2021" on a German page = 10 November).
MONTH_FIRST_LANGUAGES = frozenset({"en"})


def _languages(language: str | None) -> list[str]:
    """DATEPARSER_LANGUAGES with the page's language first: the first decides numeric dates."""
    lang = (language or "").split("-")[0].lower()
    rest = [code for code in DATEPARSER_LANGUAGES if code != lang]
    return [lang, *rest] if lang in DATEPARSER_LANGUAGES else rest


@lru_cache(maxsize=4096)
def _dateparser_fallback(text: str, language: str | None = None) -> DateMatch | None:
    """Slow path: dateparser for shapes the regexes do not know (cached per string)."""
    import dateparser  # imported lazily: it costs ~0.3 s at first use

    settings: dict[str, object] = {"RETURN_AS_TIMEZONE_AWARE": False, "STRICT_PARSING": True}
    lang = (language or "").split("-")[0].lower()
    if lang and lang not in MONTH_FIRST_LANGUAGES:
        settings["DATE_ORDER"] = "DMY"
    parsed = dateparser.parse(text, languages=_languages(language), settings=settings)  # type: ignore[arg-type]
    if parsed is None:
        return None
    if parsed.hour or parsed.minute:
        return DateMatch(parsed.strftime("%Y-%m-%dT%H:%M"), "minute", 0, len(text))
    return DateMatch(parsed.date().isoformat(), "day", 0, len(text))


@lru_cache(maxsize=4096)
def parse_date(text: str, language: str | None = None) -> DateMatch | None:
    """Read a string that is nothing but a date; None when it is not one (cached). ``language``
    (the page's) decides the order of a numeric day and month."""
    text = text.strip()
    if not text or len(text) > 60:
        return None
    if not (_ASCII_DIGIT.search(text) if text.isascii() else any(c.isdigit() for c in text)):
        return None
    year = YEAR_ONLY_RE.match(text)
    if year:
        return DateMatch(year.group(1), "year", 0, len(text))
    found = search_date(text)
    if found is not None:
        rest = text[: found.start] + text[found.end :]
        return found if _LEFTOVER_RE.match(rest) else None
    month = search_month(text)
    if month is not None and _LEFTOVER_RE.match(text[: month.start] + text[month.end :]):
        return month
    # dateparser costs ~0.3 s per new string shape: only strings that name a year go to it
    # (a standalone date line without a year is too rare to pay that for every "Report 12").
    return _dateparser_fallback(text, language) if _HAS_YEAR_RE.search(text) else None


def is_date_line(line: str) -> bool:
    """True when the whole line is a date (a standalone dateline)."""
    return parse_date(line) is not None


_ISO_YEAR_MONTH_RE = re.compile(r"^(\d{4})(?:-(\d{2}))?$")
_ISO_LIKE_RE = re.compile(r"^\d{4}-\d")


def is_valid_date(text: str) -> bool:
    """True when ``text`` is a real date: ISO 8601 (``2024``, ``2024-03``, ``2024-03-07``, with
    an optional time and zone) on the calendar, or a written date :func:`parse_date` reads.

    ``0000-00-00``, ``2024-02-30`` and ``2024-13-45`` are ISO-shaped but not on the calendar;
    ``yesterday-ish`` is no date at all: callers refuse them instead of storing them as given.
    """
    text = text.strip()
    partial = _ISO_YEAR_MONTH_RE.match(text)
    if partial:
        year, month = int(partial.group(1)), partial.group(2)
        return year >= 1 and (month is None or 1 <= int(month) <= 12)
    try:
        datetime.fromisoformat(text)
        return True
    except ValueError:
        pass
    if _ISO_LIKE_RE.match(text):  # ISO-shaped but off the calendar: not re-read more loosely
        return False
    return parse_date(text) is not None
