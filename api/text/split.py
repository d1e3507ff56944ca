"""Split stage: an ExtractedDocument's text into sentence passages with exact offsets.

Contract: for every passage ``p``, ``doc.text[p.start:p.end] == p.text``; passages never
cross a line break (paragraphs are always boundaries) and never include surrounding spaces.

Rules on top of ``sentencex`` segmentation (language-aware, fast):

* a sentence that leaves a quotation open (unbalanced quote marks) is joined with the next
  ones until the quotation closes — a quote is never cut in the middle;
* a sentence ending in ``:`` that introduces a short quotation in the same paragraph is
  joined with it, so the quote keeps its attribution ("Al Ezz replied: “...”");
* a sentence longer than ``MAX_PASSAGE_CHARS`` is cut at the last clause boundary (``;``,
  ``,``, dash) before the limit;
* kinds: ``heading`` for the title and for a short one-line paragraph with no sentence-final
  mark (headlines, subheads, one-line posts: matchable claims like any sentence, answered as
  headline matches); a question or exclamation is a sentence (``body``); ``boilerplate`` for a
  short one-line label ending in ``:`` ("Lesen Sie auch:", "A lire aussi :") that introduces
  the links after it; ``quote`` when at least ``QUOTE_SHARE`` of the passage sits inside
  quotation marks, else ``body``. Navigation and section labels are told apart by recurrence
  on a site's pages (``api.linking.reuse``), not by punctuation.
"""

from __future__ import annotations

import re
from functools import lru_cache

import sentencex

from api.text.types import ExtractedDocument, SplitPassage

MAX_PASSAGE_CHARS = 600
MIN_CLAUSE_CHARS = 200  # do not cut a long sentence into a tiny first part
SHORT_QUOTE_CHARS = 300  # a ':' sentence is joined with a following quote up to this size
MAX_MERGED_CHARS = 1500  # an unbalanced quote never swallows more than this
HEADING_MAX_CHARS = 160
HEADING_MAX_WORDS = 20
# A one-line paragraph ending in ":" with at most this many words is a label introducing links
# ("Diese Artikel könnten dich auch interessieren:", "A lire aussi :": each one claim on two
# sites' pages without this rule): not a claim. Trade-off measured on the dev pages: the rule
# costs 3 of 731 "with" highlights (short subheads ending in ":", 683 -> 680) and removes both
# cross-site boilerplate claims; longer ':' lines introduce quotes or lists of the article.
LABEL_MAX_WORDS = 8
QUOTE_SHARE = 0.6
# Paragraphs: maximal runs of non-newline characters.
PARAGRAPH_RE = re.compile(r"[^\n]+")
# A "sentence" that is one short capitalized token with a period is an abbreviation the
# segmenter did not know ("M.", "Dr.", "Sen."): it belongs to the next sentence.
ABBREVIATION_RE = re.compile(r"^[A-ZÀ-Þ][a-zà-ÿ]{0,3}\.$")
# A sentence ending in a lone capital initial after a hyphen or blank ("Then-U.") followed by
# one starting with another initial ("S. Vice President"): one abbreviation, cut in two.
INITIAL_END_RE = re.compile(r"(?:^|[\s\-–/(])[A-Z]\.$")
INITIAL_START_RE = re.compile(r"^[A-Z]\.")
# An ordinal number ("Im 19.", "nach dem 2.", "On 14.") ends a piece only when the next one
# starts with a month name or the number follows a word that introduces ordinals
# (articles/prepositions); "He was 20. Then ..." stays two sentences. Small tested list.
ORDINAL_END_RE = re.compile(r"(?:^|\s)(?P<word>[^\W\d]+)?\s*\d{1,3}\.$")
ORDINAL_WORDS = frozenset(
    {
        *("im", "am", "dem", "des", "der", "den", "die", "das", "vom", "zum", "zur", "bis"),
        *("seit", "ab", "um", "vor", "nach", "ins", "jeden", "jedes", "jede"),
        *("on", "the", "of", "from", "until", "since", "by", "le", "la", "du", "au", "ce"),
    }
)
MONTH_START_RE = re.compile(
    r"^(?:jan|feb|mär|mar|apr|mai|may|jun|jul|aug|sep|okt|oct|nov|dez|dec|janv|févr|avr|juil|"
    r"août|déc|ene|abr|ago|dic|gen|giu|lug|ott|set)[^\W\d]*\b",
    re.IGNORECASE,
)
# Clause boundaries for cutting over-long sentences, strongest first.
CLAUSE_BREAKS = ("; ", " – ", " — ", ", ")
OPENERS = "“«„‘"
CLOSERS = "”»’"
TRAILING_QUOTES = "”’»\"')"


@lru_cache(maxsize=64)
def _segmenter_lang(language: str | None) -> str:
    lang = (language or "en").split("-")[0].lower()
    try:
        list(sentencex.segment(lang, "Test. Test."))
    except Exception:  # unknown language code: English rules are the safest default
        return "en"
    return lang


@lru_cache(maxsize=2048)
def segment(lang: str, para: str) -> tuple[str, ...]:
    """``sentencex.segment(lang, para)``, cached: the passage splitter and the provenance
    text view (``api.statements.textview``) segment the same paragraphs."""
    return tuple(sentencex.segment(lang, para))


def _sentences(lang: str, para: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence in ``para``, whitespace trimmed."""
    spans: list[tuple[int, int]] = []
    cursor = 0
    for seg in segment(lang, para):
        core = seg.strip()
        if not core:
            continue
        start = para.find(core, cursor)
        if start < 0:  # segmenter altered the text: fall back to the whole rest
            start = cursor
            core = para[cursor:].strip()
            start = para.find(core, cursor)
            spans.append((start, start + len(core)))
            return spans
        spans.append((start, start + len(core)))
        cursor = start + len(core)
    return spans


def _quote_depth(text: str) -> int:
    """Open quotation count after ``text`` (curly pairs, guillemets, straight double quotes)."""
    depth = sum(text.count(c) for c in "“«„") - sum(text.count(c) for c in "”»")
    straight = text.count('"') % 2
    return max(depth, 0) + straight


def _merge(para: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Join sentences that split a quotation or separate a quote from its introduction."""
    out: list[tuple[int, int]] = []
    i = 0
    while i < len(spans):
        start, end = spans[i]
        i += 1
        while i < len(spans) and end - start < MAX_MERGED_CHARS:
            nxt_start, nxt_end = spans[i]
            piece = para[start:end]
            open_quote = _quote_depth(piece) > 0
            intro = piece.endswith(":") and nxt_end - nxt_start <= SHORT_QUOTE_CHARS
            nxt = para[nxt_start:nxt_end]
            if not (open_quote or intro or ABBREVIATION_RE.match(piece) or _cut_abbreviation(piece, nxt)):
                break
            end = nxt_end
            i += 1
        out.append((start, end))
    return out


def _cut_abbreviation(piece: str, nxt: str) -> bool:
    """Whether the segmenter cut inside an abbreviation or an ordinal number between ``piece``
    and the next sentence ``nxt`` ("Then-U." + "S. Vice President", "Im 19." + "Jahrhundert")."""
    last = piece[-1:]
    if last != ".":
        return False
    if INITIAL_END_RE.search(piece) and INITIAL_START_RE.match(nxt):
        return True
    m = ORDINAL_END_RE.search(piece)
    if m is None:
        return False
    word = (m.group("word") or "").lower()
    return bool(MONTH_START_RE.match(nxt)) or (word in ORDINAL_WORDS and nxt[:1].isupper())


def _plain(spans: list[tuple[int, int]]) -> bool:
    """Whether ``_cut_long`` leaves every span as it is."""
    return all(0 < e - s <= MAX_PASSAGE_CHARS for s, e in spans)


def _cut_long(para: str, start: int, end: int) -> list[tuple[int, int]]:
    """Cut an over-long sentence at clause boundaries."""
    out: list[tuple[int, int]] = []
    while end - start > MAX_PASSAGE_CHARS:
        window = para[start : start + MAX_PASSAGE_CHARS]
        cut = -1
        for mark in CLAUSE_BREAKS:
            pos = window.rfind(mark)
            if pos >= MIN_CLAUSE_CHARS:
                cut = pos + len(mark.rstrip())
                break
        if cut < 0:
            pos = window.rfind(" ")
            cut = pos if pos >= MIN_CLAUSE_CHARS else MAX_PASSAGE_CHARS
        piece_end = start + cut
        out.append((start, piece_end))
        start = piece_end
        while start < end and para[start].isspace():
            start += 1
    if start < end:
        out.append((start, end))
    return out


def _is_heading(text: str) -> bool:
    core = text.rstrip(TRAILING_QUOTES)
    return (
        len(text) <= HEADING_MAX_CHARS
        and core[-1:] not in ".,;:…!?"  # before the word count: most sentences end here
        and len(text.split()) <= HEADING_MAX_WORDS
        and any(c.isalpha() for c in text)
    )


# Quoted stretches: curly pairs, guillemets, straight double quotes (unclosed: to the end).
QUOTED_RE = re.compile(r"“[^”]*(?:”|$)|«[^»]*(?:»|$)|„[^“”]*(?:[“”]|$)|\"[^\"]*(?:\"|$)")


def _quoted_share(text: str) -> float:
    """Share of characters inside quotation marks."""
    if "“" not in text and "«" not in text and "„" not in text and '"' not in text:
        return 0.0
    inside = sum(len(m.group(0)) for m in QUOTED_RE.finditer(text))
    return inside / max(len(text), 1)


def _is_label(text: str) -> bool:
    return text.rstrip()[-1:] == ":" and len(text.split()) <= LABEL_MAX_WORDS


def _kind(text: str, whole_paragraph: bool) -> str:
    if whole_paragraph and _is_label(text):
        return "boilerplate"
    if whole_paragraph and _is_heading(text):
        return "heading"
    if _quoted_share(text) >= QUOTE_SHARE:
        return "quote"
    return "body"


def split_passages(doc: ExtractedDocument, language: str | None = None) -> list[SplitPassage]:
    """Sentence passages of ``doc.text`` (see the module docstring for the rules)."""
    text = doc.text
    lang = _segmenter_lang(language or doc.language)
    title = (doc.title or "").strip()
    passages: list[SplitPassage] = []
    for m in PARAGRAPH_RE.finditer(text):
        para = m.group(0)
        core = para.strip()
        if not core:
            continue
        base = m.start()
        if title and core == title:  # the title stays one heading passage
            lead = len(para) - len(para.lstrip())
            passages.append(SplitPassage(base + lead, base + lead + len(title), title, "heading"))
            continue
        spans = _sentences(lang, para)
        if len(spans) > 1:
            spans = _merge(para, spans)
        # a non-empty sentence within the limit is its own piece (most are)
        pieces = spans if _plain(spans) else [piece for s, e in spans for piece in _cut_long(para, s, e)]
        single = len(pieces) == 1
        for s, e in pieces:
            chunk = para[s:e]
            passages.append(SplitPassage(base + s, base + e, chunk, _kind(chunk, single)))
    return passages
