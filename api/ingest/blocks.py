"""Where a line of extracted text sits in its HTML page: link text, headline, lead.

Trafilatura returns the main text as plain lines; what a line looked like on the page is gone.
This module reads the raw page once more (lxml, trafilatura's own parser) and tells, for a line
of the extracted text, the share of its characters that sit inside ``<a>`` elements — the link
density that trafilatura, jusText and readability judge page blocks by (issue 16). A line that is
one link ("20 Kilo abnehmen: Mit DIESER Strategie klappt's!", the headline of another article in
a teaser) or a short label followed by one ("Czytaj też: <headline>", "LE PUEDE INTERESAR:
<headline>") points elsewhere: it is navigation, not the article's text.

The same walk places the extracted text in the page: the last ``<h1>``/``<h2>`` before the text's
first long line is the headline a reader sees above it (the title, when the metadata only names
the site), and ``<p>`` sentences between that headline and the text are a lead the extraction
dropped (put back by ``formats.with_lead``).

A line can occur several times on a page (a headline in the article and in a teaser): its link
share is that of its *least* linked occurrence, so a sentence that appears once as plain text is
never judged by a linked copy in a sidebar. A line not found in the page text (trafilatura
rewrote it) has no evidence and is kept.

Trafilatura's class/id vocabulary (``trafilatura.xpaths``: related, teaser, newsletter, author
boxes ...) was measured too, on the raw page's ancestors of each extracted line: it marks 160
lines the gold counts as article text for 21 it counts as boilerplate (dev pages), because
trafilatura already applied it where it was right; it is not used.
"""

from __future__ import annotations

import bisect
import re

import lxml.etree
import lxml.html

__all__ = ["PageLinks", "is_link_line", "link_lines", "parse_html"]

# Elements whose text is never read (trafilatura drops them too).
SKIPPED_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "iframe", "head", "title"})
# Inline elements: no word boundary at their edges ("tweets,<a>@keizi666</a>"); every other
# element is a block and separates words.
INLINE_TAGS = frozenset(
    {"a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "font", "i", "kbd", "mark"}
    | {"q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var", "wbr", "ins", "del"}
)
# The visible headline of an article is the last of these before its text (see ``headline_before``).
HEADLINE_TAGS = frozenset({"h1", "h2"})
HEADLINE_MAX_CHARS = 200
# The first line of the main text at least this long is looked up to place the text in the page
# (a shorter one, "Home", occurs everywhere).
ANCHOR_MIN_CHARS = 40
# A lead: up to this many paragraphs between the headline and the extracted text, each a
# sentence (final punctuation) of at least LEAD_MIN_WORDS words and little link text.
LEAD_MAX_PARAGRAPHS = 2
LEAD_MIN_WORDS = 8
LEAD_MAX_LINK_SHARE = 0.2
TRAILING_CLOSERS = "\"'”’»)"
# Occurrences of one line looked at (a line repeated more often is navigation anyway).
MAX_OCCURRENCES = 8
# Shorter lines are not looked up: "Home", "Share" occur in every page's chrome and body alike.
MIN_LOOKUP_CHARS = 8
# A line this much link text is a link to elsewhere (teaser, related article, "read also").
# Dev pages (extracted lines labelled by the gold snippets they hold): link share >= 0.5 marks
# 12 boilerplate lines and 6 article lines (sentences of Polish news linking a name, 0.54-0.75);
# >= 0.9 marks only whole links: 5 boilerplate lines, 1 article line (a bare footnote URL).
LINK_LINE_SHARE = 0.9
# "<label>: <link>": a label of at most this many words (no digits: "2 décembre 2019 : <link>"
# is a dated entry of a list the article makes) followed by a link of LINK_LINE_SHARE.
# Dev pages: 8 boilerplate lines ("Czytaj też:" x6, "LE PUEDE INTERESAR:"), no article line.
LINK_LABEL_MAX_WORDS = 4
LINK_LABEL_RE = re.compile(r"^(?P<label>[^:\d]{1,40}?)\s*:\s*(?P<rest>\S.*)$")


def parse_html(html: str) -> lxml.html.HtmlElement:
    """The page's tree. Bytes are given to lxml as UTF-8 explicitly: without a parser encoding
    lxml guesses, and reads a page without ``<meta charset>`` as Latin-1 ("GebÃ¼hren")."""
    parser = lxml.html.HTMLParser(encoding="utf-8")
    return lxml.html.fromstring(html.encode("utf-8", errors="replace"), parser=parser)


class PageLinks:
    """The visible text of a page, whitespace-normalised, with the runs that are link text."""

    def __init__(self, html: str) -> None:
        self.text = ""
        self._starts: list[int] = []  # start offset of each run in ``text``
        self._ends: list[int] = []
        self._link: list[bool] = []
        self.headings: list[tuple[int, str]] = []  # (offset in ``text``, text) of each h1/h2
        self.paragraphs: list[tuple[int, str]] = []  # (offset in ``text``, text) of each <p>
        try:
            tree = parse_html(html)
        except (ValueError, lxml.etree.ParserError):
            return
        parts: list[str] = []
        pos = 0
        space = False  # a blank (or a block boundary) is pending before the next run

        def add(text: str | None, link: bool) -> None:
            nonlocal pos, space
            if not text:
                return
            if text[:1].isspace():
                space = True
            run = " ".join(text.split())
            if run:
                if space and parts:
                    parts.append(" ")
                    pos += 1
                self._starts.append(pos)
                self._link.append(link)
                parts.append(run)
                pos += len(run)
                self._ends.append(pos)
                space = text[-1:].isspace()

        def walk(el: lxml.html.HtmlElement, link: bool) -> None:
            nonlocal space
            tag = el.tag.lower() if isinstance(el.tag, str) else ""
            if tag and tag not in SKIPPED_TAGS:
                block = tag not in INLINE_TAGS
                space = space or block
                here = link or tag == "a"
                if tag in HEADLINE_TAGS or tag == "p":
                    whole = " ".join(el.text_content().split())
                    if whole and tag == "p":
                        self.paragraphs.append((pos + (1 if parts else 0), whole))
                    elif whole and len(whole) <= HEADLINE_MAX_CHARS:
                        self.headings.append((pos + (1 if parts else 0), whole))
                add(el.text, here)
                for child in el:
                    walk(child, here)
                space = space or block
            add(el.tail, link)

        body = tree.find(".//body")
        walk(body if body is not None else tree, False)
        self.text = "".join(parts)

    @property
    def has_links(self) -> bool:
        return any(self._link)

    def _anchor(self, lines: list[str]) -> int:
        """Where the main text (its first long line) starts in ``text``; -1 when not found."""
        anchor = next((ln for ln in lines if len(ln) >= ANCHOR_MIN_CHARS), None)
        if anchor is None:
            return -1
        return self.text.find(" ".join(anchor.split())[:ANCHOR_MIN_CHARS])

    def headline_before(self, lines: list[str]) -> str | None:
        """The page's last <h1>/<h2> before the first long line of ``lines`` (the main text):
        the headline a reader sees above the article, or None when the text is not found."""
        at = self._anchor(lines)
        if at < 0 or not self.headings:
            return None
        k = bisect.bisect_right([h[0] for h in self.headings], at) - 1
        return self.headings[k][1] if k >= 0 else None

    def lead_before(self, lines: list[str]) -> list[str]:
        """Paragraphs (<p>) between the headline and the first long line of ``lines`` that
        ``lines`` lack: a lead the extraction dropped, when they read as sentences (see
        ``is_lead_sentence``)."""
        at = self._anchor(lines)
        if at < 0 or not self.headings:
            return []
        k = bisect.bisect_right([h[0] for h in self.headings], at) - 1
        if k < 0:
            return []
        head = self.headings[k][0]
        have = {" ".join(ln.split()) for ln in lines}
        between = [t for pos, t in self.paragraphs if head < pos < at and t not in have]
        return [t for t in between[-LEAD_MAX_PARAGRAPHS:] if self.is_lead_sentence(t)]

    def is_lead_sentence(self, text: str) -> bool:
        core = text.rstrip(TRAILING_CLOSERS)
        share = self.link_share(text)
        return (
            len(text.split()) >= LEAD_MIN_WORDS
            and core[-1:] in ".!?…"
            and (share is None or share <= LEAD_MAX_LINK_SHARE)
        )

    def link_share(self, line: str) -> float | None:
        """The link share of ``line``'s least linked occurrence in the page, or None when the
        line is too short to look up or is not in the page text."""
        needle = " ".join(line.split())
        if len(needle) < MIN_LOOKUP_CHARS or not self.text:
            return None
        best: float | None = None
        count = 0
        at = self.text.find(needle)
        while at >= 0 and count < MAX_OCCURRENCES:
            count += 1
            share = self._share(at, at + len(needle))
            best = share if best is None else min(best, share)
            if best == 0.0:
                break
            at = self.text.find(needle, at + 1)
        return best

    def _share(self, start: int, end: int) -> float:
        i = max(bisect.bisect_right(self._starts, start) - 1, 0)
        linked = total = 0
        while i < len(self._starts) and self._starts[i] < end:
            overlap = min(self._ends[i], end) - max(self._starts[i], start)
            if overlap > 0:
                total += overlap
                if self._link[i]:
                    linked += overlap
            i += 1
        return linked / total if total else 0.0


def is_link_line(page: PageLinks, line: str) -> bool:
    """Whether ``line`` is a link to elsewhere: (almost) all link text, or a short label and a
    link ("Czytaj też: <headline>")."""
    share = page.link_share(line)
    if share is None or share == 0.0:
        return False
    if share >= LINK_LINE_SHARE:
        return True
    m = LINK_LABEL_RE.match(line)
    if m is None or len(m.group("label").split()) > LINK_LABEL_MAX_WORDS:
        return False
    rest = page.link_share(m.group("rest"))
    return rest is not None and rest >= LINK_LINE_SHARE


def link_lines(page: PageLinks, lines: list[str]) -> set[int]:
    """Indexes of ``lines`` (extracted from the page) that are links to elsewhere."""
    if not page.has_links:
        return set()
    return {i for i, line in enumerate(lines) if is_link_line(page, line)}
