"""Build the clean article text from classified lines.

Lines go through, in order: header chrome already consumed by :mod:`headers`, the footer cut
(everything after the first disclaimer/copyright/author-box line in the last part of the
page), attribution lines (read, then dropped), boilerplate lines (dropped; a publisher name
they state is kept), bylines. What remains is joined with blank lines between paragraphs;
a sentence broken across two lines (no final punctuation, next starts lowercase) or a
hard-wrapped paragraph is joined back with a space.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from api.ingest import attributions, boilerplate
from api.ingest.formats import Line
from api.ingest.headers import byline
from api.text.types import ExtractedAttribution

# Only a footer marker in the final part of the page cuts the rest (a copyright caption near
# the top must not cut the article).
FOOTER_ZONE = 0.4
SENTENCE_END = '.!?:;”"’»)…'
HARD_WRAP_MIN = 60  # a line this long without final punctuation continues on the next one


@dataclass(slots=True)
class Assembled:
    text: str
    line_attributions: list[ExtractedAttribution] = field(default_factory=list)
    publishers: list[str] = field(default_factory=list)  # self-named publisher in footers
    author: str | None = None  # a standalone byline found in the body ("By Hayat Norimine")


def footer_start(
    lines: list[Line], start: int, end: int, hints: tuple[str, ...] = boilerplate.DISCLAIMER_HINTS
) -> int:
    """Index where the footer begins in ``lines[start:end]`` (``end`` when there is none)."""
    total = sum(len(ln.text) for ln in lines[start:end]) or 1
    seen = 0
    for i in range(start, end):
        if seen / total >= 1 - FOOTER_ZONE and boilerplate.is_footer_start(lines[i].text, hints):
            return i
        seen += len(lines[i].text)
    return end


def _joins(prev: Line, cur: Line) -> bool:
    """Whether ``cur`` continues the paragraph of ``prev`` rather than starting a new one."""
    if prev.heading or cur.heading or prev.text[-1:] in SENTENCE_END:
        return False
    if cur.text[:1].islower():
        return True
    return not cur.gap_before and len(prev.text) >= HARD_WRAP_MIN


def assemble(lines: list[Line], start: int, end: int, skip: set[int]) -> Assembled:
    out = Assembled("")
    hints = boilerplate.hints_in([ln.text for ln in lines[start:end]])  # once for the page
    cut = footer_start(lines, start, end, hints)
    paragraphs: list[str] = []
    last: Line | None = None
    for i in range(start, end):
        line = lines[i]
        text = line.text
        is_attr, attribution = attributions.line_attribution(text)
        if attribution is not None:
            out.line_attributions.append(attribution)
        reason = None if is_attr else boilerplate.boilerplate_reason(text, hints)
        if reason:
            name = boilerplate.publisher_in_footer(text)
            if name:
                out.publishers.append(name)
        if is_attr or reason or i in skip or i >= cut:
            continue
        name = byline(text)
        if name:
            out.author = out.author or name
            continue
        if paragraphs and text == paragraphs[-1]:
            continue  # the same caption or line twice in a row
        if last is not None and paragraphs and _joins(last, line):
            paragraphs[-1] = f"{paragraphs[-1]} {text}"
        else:
            paragraphs.append(text)
        last = line
    out.text = "\n\n".join(paragraphs)
    return out
