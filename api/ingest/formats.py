"""Input formats to a common shape: plain lines plus whatever metadata the format carries.

* ``txt`` / ``md``: the content is Markdown-ish text (pages saved from the web).
* ``html`` / ``url``: trafilatura extracts the main text (precision mode, no comments) as
  Markdown, plus title, author, date, site name, canonical URL; ``<html lang>`` gives a hint.
* ``jsonl`` / ``api``: one JSON object with ``text`` or ``html`` and optional ``url``,
  ``title``, ``outlet``, ``published_at``, ``language``; caller metadata wins later.

Everything ends as :class:`Line` objects (inline Markdown stripped, headings flagged, blank
lines remembered) so the later stages never see markup.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from api.errors import RejectedInput
from api.ingest import blocks, markdown
from api.text.types import RawDocument


@dataclass(slots=True)
class Line:
    text: str
    heading: int = 0  # Markdown heading level, 0 for ordinary lines
    gap_before: bool = False  # a blank line (paragraph break) precedes it


@dataclass(slots=True)
class PageMeta:
    """Metadata a format itself carries (HTML <meta>, JSONL fields)."""

    title: str | None = None
    author: str | None = None
    published_at: str | None = None
    outlet: str | None = None
    outlet_domain: str | None = None
    url: str | None = None
    language: str | None = None


# Markup sniffing for "api" bodies that may be HTML: a tag at the start or a few block tags.
HTML_SNIFF_RE = re.compile(r"^\s*(?:<!doctype html|<html|<head|<body)|<(?:p|div|article)[\s>]", re.I)
# <html lang="fr-FR">: the page's declared language (site chrome, not always the article).
HTML_LANG_RE = re.compile(r"<html[^>]*\blang=[\"']?([A-Za-z]{2,3})", re.I)
# Non-printable characters other than ordinary whitespace: binary content gives many.
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")
# Markdown formatting from trafilatura (headings flagged as "#"): with it, trafilatura drops
# some lead paragraphs (CNN's); measured on the dev pages (bench/pages.py), see bench/RESULTS.md.
INCLUDE_FORMATTING = True
# Fewer main-text words than this is navigation residue, not an article ("Home").
MIN_HTML_WORDS = 5
# A line ending in a comma continues on the next line (hard-wrapped tag lists, bylines).
CONTINUATION_END = ","
# First characters of Markdown rules (-*_=), headings (#), block quotes (>) and bullets
# (and any decimal digit: "1. ", "12) ").
_BLOCK_STARTS = frozenset("-*_=#>+•")
_INLINE_MARKUP = re.compile(r"[\[<*_`\\]")


# A line ending in ":" of at most this many words right over dropped link lines is their label
# ("Lesen Sie auch:"): dropped with them. Dev pages: main-text precision 0.9252 -> 0.9275, nothing
# else moved (split.LABEL_MAX_WORDS, the same length, keeps such lines out of claims elsewhere).
LINK_LIST_LABEL_WORDS = 8


def check_text(content: str, what: str = "input") -> None:
    """Reject empty, whitespace-only and binary content."""
    if not content or not content.strip():
        raise RejectedInput(f"{what} is empty")
    if "\x00" in content:
        raise RejectedInput(f"{what} looks binary (NUL bytes)")
    sample = content[:20000]
    bad = len(CONTROL_RE.findall(sample))
    if bad > max(8, len(sample) // 20):
        raise RejectedInput(f"{what} looks binary ({bad} non-printable characters)")


def markdown_lines(content: str) -> list[Line]:
    """Markdown-ish text to Lines: markup stripped, rules dropped, comma-continuations joined."""
    lines: list[Line] = []
    gap = False
    for raw_line in content.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        stripped = raw_line.lstrip()
        if not stripped:
            gap = True
            continue
        # rules, headings, block quotes and bullets start within three blanks of the line
        # start with one of these characters: other lines skip their four regexes
        first = stripped[0]
        if len(raw_line) - len(stripped) > 3 or (first not in _BLOCK_STARTS and not first.isdecimal()):
            level, body = 0, raw_line
        elif markdown.is_rule(raw_line):
            gap = True
            continue
        else:
            level, body = markdown.heading_text(raw_line)
            body = markdown.strip_block_markers(body) if not level else body
        # inline markup needs one of these characters (``markdown.strip_inline``'s own tests)
        text = markdown.strip_inline(body) if _INLINE_MARKUP.search(body) else body
        # blanks collapsed; a line of printable characters (no blank but the space) without
        # double or outer spaces is already so
        if not text.isprintable() or "  " in text or text[:1] == " " or text[-1:] == " ":
            text = " ".join(text.split())
        if not text:
            gap = True
            continue
        prev = lines[-1] if lines else None
        if prev and not gap and not level and not prev.heading and prev.text.endswith(CONTINUATION_END):
            prev.text = f"{prev.text} {text}"
            continue
        lines.append(Line(text, level, gap))
        gap = False
    return lines


def _html_to_lines(html: str) -> tuple[list[Line], PageMeta]:
    import trafilatura  # lazy: heavy import, only needed for HTML

    date_params: dict[str, Any] = {"original_date": True, "outputformat": "%Y-%m-%dT%H:%M"}
    params: dict[str, Any] = {
        "include_comments": False,
        "include_formatting": INCLUDE_FORMATTING,
        "with_metadata": True,
        "date_extraction_params": date_params,
    }
    doc = trafilatura.bare_extraction(html, favor_precision=True, **params)
    text = getattr(doc, "text", None) if doc is not None else None
    if not text or len(text.split()) < MIN_HTML_WORDS:
        # precision mode found nothing (a photo page, a short blog post): recall mode's text is
        # better than rejecting the page (5 of 585 dev pages were rejected before)
        doc = trafilatura.bare_extraction(html, favor_recall=True, **params)
        text = getattr(doc, "text", None) if doc is not None else None
    if doc is None:  # no text at all: the page's metadata alone
        doc = trafilatura.extract_metadata(html, date_config=date_params)
        text = None
    if (not text or len(text.split()) < MIN_HTML_WORDS) and doc is not None:
        # a photo or video page: what the page says of itself (headline, description) is its
        # text, rather than rejecting it and losing its title and date
        own = [getattr(doc, "title", None), getattr(doc, "description", None)]
        text = "\n\n".join(dict.fromkeys(t.strip() for t in own if t and t.strip()))
    if not text or not text.split():
        raise RejectedInput("HTML page has no extractable main text")
    lang = HTML_LANG_RE.search(html[:5000])
    date = _original_date(html, getattr(doc, "date", None))
    if date and date.endswith("T00:00"):  # htmldate pads day-only dates with midnight
        date = date[:10]
    page = blocks.PageLinks(html)
    lines = with_lead(page, drop_link_lines(page, markdown_lines(text)))
    title = page_title(html, getattr(doc, "title", None))
    if _is_site_name(title, getattr(doc, "sitename", None), getattr(doc, "hostname", None)):
        # the metadata names the site, not the article: the headline above the text does
        title = page.headline_before([ln.text for ln in lines]) or title
    meta = PageMeta(
        title=title,
        author=getattr(doc, "author", None),
        published_at=date,
        outlet=getattr(doc, "sitename", None),
        outlet_domain=getattr(doc, "hostname", None),
        url=getattr(doc, "url", None),
        language=lang.group(1).lower() if lang else None,
    )
    return lines, meta


def _is_site_name(title: str | None, sitename: str | None, hostname: str | None) -> bool:
    """Whether a page's title is missing or names the site rather than the article ("Bloghaus",
    "regards.fr", "Disfunctions.de"): equal to, inside or containing the metadata site name, or
    the host name without blanks. Dev pages (bench/pages.py): 15 titles more exact, 2 fewer."""
    if not title:
        return True
    low = title.casefold()
    site = (sitename or "").casefold().strip()
    host = (hostname or "").casefold()
    return bool(site and (low in site or site in low)) or bool(host and low.replace(" ", "") in host)


def with_lead(page: blocks.PageLinks, lines: list[Line]) -> list[Line]:
    """``lines`` with the lead paragraphs the extraction dropped (``PageLinks.lead_before``:
    sentences between the headline and the text) put back before the text's first long line.
    Dev pages: 50 paragraphs put back, 16 holding a gold ``with`` snippet, none a ``without``
    one (CNN's "London (CNN)It was the interview ..." among them)."""
    texts = [ln.text for ln in lines]
    lead = page.lead_before(texts)
    if not lead:
        return lines
    at = next(i for i, t in enumerate(texts) if len(t) >= blocks.ANCHOR_MIN_CHARS)
    return [*lines[:at], *(Line(t, 0, True) for t in lead), *lines[at:]]


def drop_link_lines(page: blocks.PageLinks, lines: list[Line]) -> list[Line]:
    """``lines`` without those that are links to elsewhere on the page (``blocks.link_lines``:
    teasers, "read also: <headline>"), nor the headings over them whose section keeps no
    other line ("Weitere Themen" over a list of links); all of them when every line is one."""
    drop = blocks.link_lines(page, [ln.text for ln in lines])
    if not drop:
        return lines
    drop |= _empty_headings(lines, drop)
    if len(drop) == len(lines):
        return lines
    kept: list[Line] = []
    gap = False
    for i, ln in enumerate(lines):
        if i in drop:
            gap = True  # the lines around a dropped one are separate paragraphs
            continue
        if gap:
            ln.gap_before = True
            gap = False
        kept.append(ln)
    return kept


def _empty_headings(lines: list[Line], drop: set[int]) -> set[int]:
    """Headings whose section (the lines up to the next heading of the same or a higher level)
    held only dropped links, and the ":" labels right over dropped links. Dev pages, headings:
    main-text precision 0.9212 -> 0.9220, nothing else moved; dropping every heading over an
    empty section (the end of the text among them) cost two ``with`` snippets for one
    ``without`` snippet fewer in claims, and is not done."""
    out: set[int] = set()
    for i, ln in enumerate(lines):
        if not ln.heading or i in drop:
            continue
        dropped = kept = 0
        for j in range(i + 1, len(lines)):
            if lines[j].heading and lines[j].heading <= ln.heading:
                break
            if j in drop:
                dropped += 1
            elif not lines[j].heading:
                kept += 1
        if dropped and not kept:
            out.add(i)
    for i, ln in enumerate(lines):
        # a short line ending in ":" right over dropped links labels them ("Lesen Sie auch:")
        if i + 1 in drop and ln.text.endswith(":") and len(ln.text.split()) <= LINK_LIST_LABEL_WORDS:
            out.add(i)
    return out


def _original_date(html: str, extracted: str | None) -> str | None:
    """The page's publication date by htmldate's original-date reading (``original_date=True``,
    extensive search): trafilatura's own call does not read the original date the same way
    (dev pages, exact day on htmldate's gold: 351/386 before, 352/386 with this reading).
    Trafilatura's time of day is kept when both give the same day."""
    import htmldate  # trafilatura's own date library

    try:
        day = htmldate.find_date(html, original_date=True, extensive_search=True)
    except (ValueError, TypeError):  # htmldate on a malformed page
        day = None
    if not day or (extracted and extracted[:10] == day):
        return extracted
    return day


# The page's visible headline (an <h1>) is the title when it agrees with the metadata title
# (og:title / <title>, which often add the site name or are the site's name alone): contained in
# it, containing it, or sharing at least H1_AGREEMENT of its words; a page's only <h1> is its
# headline. Dev pages, exact titles: metadata alone 199/332, this rule 232/332 (0.3-0.7 and the
# first 1-10 <h1>s give 224-233).
H1_AGREEMENT = 0.5
H1_CANDIDATES = 3  # the first <h1>s considered (later ones are widgets and teasers)
H1_MAX_CHARS = 200


def page_title(html: str, meta_title: str | None) -> str | None:
    """The title of a page: its <h1> headline where it agrees with the metadata title (see
    H1_AGREEMENT), else the metadata title."""
    import lxml.html  # trafilatura's own parser

    meta = " ".join((meta_title or "").split())
    try:
        tree = blocks.parse_html(html)
    except (ValueError, lxml.etree.ParserError):
        return meta or None
    h1s = [" ".join(e.text_content().split()) for e in tree.iter("h1")]
    h1s = [h for h in h1s if h and len(h) <= H1_MAX_CHARS]
    if len(h1s) == 1:
        return h1s[0]
    titles = [meta] + [
        " ".join(t.split()) for t in tree.xpath('//meta[@property="og:title"]/@content | //title/text()')
    ]
    meta_words = set(meta.lower().split())
    for h in h1s[:H1_CANDIDATES]:
        words = set(h.lower().split())
        if any(t and (h in t or t in h) for t in titles) or len(words & meta_words) >= H1_AGREEMENT * len(
            words
        ):
            return h
    return meta or (h1s[0] if h1s else None)


def record_to_raw(content: str, source_name: str | None = None) -> RawDocument:
    """One JSON Lines record to a RawDocument (``txt`` or ``html``) carrying its metadata."""
    try:
        record = json.loads(content)
    except json.JSONDecodeError as exc:
        raise RejectedInput(f"JSON record does not parse: {exc.msg}") from exc
    if not isinstance(record, dict):
        raise RejectedInput("JSON record is not an object")
    text, html = record.get("text"), record.get("html")
    if isinstance(text, str) and text.strip():
        body, fmt = text, "txt"
    elif isinstance(html, str) and html.strip():
        body, fmt = html, "html"
    else:
        raise RejectedInput("JSON record has no non-empty 'text' or 'html'")
    meta = {
        key: record[key].strip()
        for key in ("url", "title", "outlet", "published_at", "language")
        if isinstance(record.get(key), str) and record[key].strip()
    }
    return RawDocument(content=body, source_format=fmt, source_name=source_name, **meta)


def jsonl_records(raw: RawDocument) -> list[RawDocument]:
    """Split a JSON Lines file into one RawDocument per non-blank line (format ``jsonl``)."""
    out = []
    # \n only: str.splitlines() would also split at U+2028, U+0085 and others inside a record
    for number, line in enumerate(raw.content.split("\n"), start=1):
        if line.strip():
            name = f"{raw.source_name or 'jsonl'}:{number}"
            out.append(RawDocument(content=line, source_format="jsonl", source_name=name))
    return out


def to_lines(raw: RawDocument) -> tuple[list[Line], PageMeta]:
    """Dispatch on ``raw.source_format``; raise RejectedInput for unusable content.

    ``jsonl`` records (and JSON ``api`` bodies) must first go through :func:`record_to_raw`.
    """
    check_text(raw.content)
    fmt = (raw.source_format or "txt").lower()
    if fmt in ("html", "htm", "url") or (fmt == "api" and HTML_SNIFF_RE.search(raw.content[:2000])):
        return _html_to_lines(raw.content)
    lines = markdown_lines(raw.content)
    if not lines:
        raise RejectedInput("input has no text")
    return lines, PageMeta()


def is_record(raw: RawDocument) -> bool:
    """A JSON Lines record (or a JSON API body) rather than text or HTML."""
    fmt = (raw.source_format or "").lower()
    return fmt == "jsonl" or (fmt == "api" and raw.content.lstrip().startswith("{"))
