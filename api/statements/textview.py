"""An offset-preserving view of a document: markup masked, lines, sentences, quote regions.

Every analysis in this package works on *sentences* cut here from the document text (one
sentencex pass per line), never on the caller's passages, so the result does not depend on
how the splitter grouped an intro and its quote. Sentences are mapped back to passage
ordinals by character overlap at the end (``passages_for``).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import pairwise

from api.text.split import segment
from api.text.types import SplitPassage

SKIP_KINDS = frozenset({"boilerplate", "comment"})
_LINK = re.compile(r"\[([^\]\n]*)\]\([^)\n]*\)")
# one character each time (a class, not an alternation: the same matches, scanned faster)
_MARKUP = re.compile(r"[*_#`>«»]|\\(?=[$*_\[\]#])")
_MARKUP_CHARS = "*_#`>«»\\"  # every _MARKUP match is one of these
_LINE = re.compile(r"[^\n]+")
OPEN_QUOTES = "“"
CLOSE_QUOTES = "”"
_TRAILING = " \t*_\u00a0"

# glue between a speaker and its reporting verb ("Toner has also", "the ministry on Monday")
_GLUE_WORDS = frozenset(
    (
        "has", "have", "had", "also", "then", "later", "quickly", "swiftly", "again", "further",
        "repeatedly", "previously", "recently", "publicly", "officially", "moved", "went", "on",
        "to", "was", "is", "were", "are", "still", "kept", "keeps", "been", "Monday", "Tuesday",
        "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "today", "yesterday",
    )
)  # fmt: skip
# the regex ``glue_start`` reads without backtracking (kept as the reference definition)
_GLUE = re.compile(rf"(?:\s|,|\b(?:{'|'.join(sorted(_GLUE_WORDS))})\b)*$")


def glue_start(prefix: str) -> int:
    """``_GLUE.search(prefix).start()`` without the regex's quadratic backtracking over long
    runs of blanks: where the trailing run of spaces, commas and glue words begins (the
    tokens are forced, so the run is read backwards)."""
    i = len(prefix)
    while i > 0:
        ch = prefix[i - 1]
        if ch == "," or ch.isspace():
            i -= 1
            continue
        j = i
        while j > 0 and (prefix[j - 1].isalnum() or prefix[j - 1] == "_"):
            j -= 1
        if j == i or prefix[j:i] not in _GLUE_WORDS:
            break
        i = j
    return i


# the regexes ``passive_end`` and ``quote_end`` read without trying every position
_PASSIVE = re.compile(r"\b(?:was|were|is|are|been|be|being)\s+(?:\w+ly\s+)?$")
_AUX = frozenset({"was", "were", "is", "are", "been", "be", "being"})
_QUOTE_END = re.compile(r"[”\"]\s*,?\s*$|,\s*[”\"]\s*$")


def _last_word(text: str) -> str:
    """The run of word characters (``\\w``) ending ``text``."""
    j = len(text)
    while j > 0 and (text[j - 1].isalnum() or text[j - 1] == "_"):
        j -= 1
    return text[j:]


def passive_end(prefix: str) -> bool:
    """``_PASSIVE.search(prefix) is not None`` (the verb after ``prefix`` is passive), read
    backwards from the end instead of trying the regex at every position of a long prefix:
    blanks end the text, before them an auxiliary word, or an "-ly" adverb and blanks with
    the auxiliary before those."""
    text = prefix.rstrip()
    if len(text) == len(prefix):
        return False
    word = _last_word(text)
    if word in _AUX:
        return True
    if len(word) < 3 or not word.endswith("ly"):
        return False
    before = text[: len(text) - len(word)]
    rest = before.rstrip()
    return len(rest) < len(before) and _last_word(rest) in _AUX


def quote_end(text: str) -> bool:
    """``_QUOTE_END.search(text) is not None`` (a quote ends right before a verb): a closing
    quote, then only blanks and at most one comma (the regex's second alternative is a case
    of the first)."""
    text = text.rstrip()
    if text.endswith(","):
        text = text[:-1].rstrip()
    return text.endswith(("”", '"'))


def mask_markup(text: str) -> str:
    """Replace Markdown link syntax, emphasis and escapes by spaces (same length, same offsets)."""

    def _link(m: re.Match[str]) -> str:
        return " " + m.group(1) + " " * (len(m.group(0)) - len(m.group(1)) - 1)

    if "[" in text:
        text = _LINK.sub(_link, text)
    # substring tests find the rare text with markup much faster than the regex scan does
    if any(c in text for c in _MARKUP_CHARS):
        return _MARKUP.sub(" ", text)
    return text


_QUOTE_CHARS = re.compile(f'[{re.escape(OPEN_QUOTES + CLOSE_QUOTES)}"]')


def quote_regions(view: str) -> list[tuple[int, int]]:
    """Spans of quoted text (curly pairs, or straight quotes paired in order), inner offsets."""
    regions: list[tuple[int, int]] = []
    depth_start: int | None = None
    straight_open: int | None = None
    for m in _QUOTE_CHARS.finditer(view):
        i, ch = m.start(), m.group()
        if ch in OPEN_QUOTES:
            if depth_start is None:
                depth_start = i + 1
        elif ch in CLOSE_QUOTES and depth_start is not None:
            regions.append((depth_start, i))
            depth_start = None
        elif ch == '"' and depth_start is None:
            if straight_open is None:
                straight_open = i + 1
            else:
                regions.append((straight_open, i))
                straight_open = None
    if depth_start is not None:
        regions.append((depth_start, len(view)))
    return sorted(regions)


@dataclass(slots=True)
class Sentence:
    idx: int
    start: int
    end: int
    line: int  # index of the (non-empty) line it sits in: the paragraph unit of this package
    text: str  # the raw slice of the document text
    view: str  # markup masked
    qview: str  # markup masked and quoted words blanked (for verb/subject search)
    heading: bool = False
    in_quote: bool = False  # starts inside a quote opened in an earlier sentence

    @property
    def clean(self) -> str:
        return " ".join(self.view.split())

    def ends_with_intro_colon(self) -> bool:
        return self.view.rstrip(_TRAILING).endswith(":")

    def ends_with_comma(self) -> bool:
        return self.view.rstrip(_TRAILING).endswith(",")


@dataclass(slots=True)
class DocView:
    text: str
    view: str
    sentences: list[Sentence] = field(default_factory=list)
    quotes: list[tuple[int, int]] = field(default_factory=list)
    _lines: dict[int, list[Sentence]] = field(default_factory=dict)  # line -> its sentences
    _line_nos: list[int] = field(default_factory=list)  # lines holding sentences, ascending

    def _index(self) -> dict[int, list[Sentence]]:
        if not self._lines and self.sentences:
            for s in self.sentences:
                self._lines.setdefault(s.line, []).append(s)
            self._line_nos.extend(sorted(self._lines))
        return self._lines

    def line_sentences(self, line: int) -> list[Sentence]:
        return list(self._index().get(line, []))

    def next_line_sentences(self, line: int) -> list[Sentence]:
        """The sentences of the first line after ``line`` that holds any."""
        self._index()
        i = bisect_right(self._line_nos, line)
        return self.line_sentences(self._line_nos[i]) if i < len(self._line_nos) else []

    def quoted_parts(self, start: int, end: int) -> list[str]:
        """Quoted text inside [start, end) (clipped), in order."""
        parts = []
        for a, b in self.quotes:
            lo, hi = max(a, start), min(b, end)
            if lo < hi:
                part = " ".join(self.view[lo:hi].split()).strip(" ,.")
                if part:
                    parts.append(part)
        return parts


def _allowed(passages: list[SplitPassage]) -> list[tuple[int, int, str]]:
    return [(p.start, p.end, p.kind) for p in passages if p.kind not in SKIP_KINDS]


def _overlaps(start: int, end: int, spans: list[tuple[int, int, str]]) -> list[str]:
    return [kind for a, b, kind in spans if a < end and start < b]


def _blank_quotes(view: str, quotes: list[tuple[int, int]]) -> str:
    """``view`` with the quoted regions blanked (same length, same offsets)."""
    if not quotes:
        return view  # the same string: its sentences then share their slices (``build_view``)
    parts: list[str] = []
    pos = 0
    for a, b in quotes:
        a = max(a, pos)
        if b <= a:
            continue
        parts.append(view[pos:a])
        parts.append(" " * (b - a))
        pos = b
    parts.append(view[pos:])
    return "".join(parts)


def _in_order(spans: list[tuple[int, int, str]]) -> bool:
    """Spans in text order without overlaps (the splitter's passages always are)."""
    return all(a <= b for a, b, _ in spans) and all(x[1] <= y[0] for x, y in pairwise(spans))


def build_view(text: str, passages: list[SplitPassage], language: str | None) -> DocView:
    """Cut the parts of ``text`` covered by kept passages into sentences with offsets."""
    view = mask_markup(text)
    quotes = quote_regions(view)
    doc = DocView(text=text, view=view, quotes=quotes)
    blanked = _blank_quotes(view, quotes)
    spans = _allowed(passages)
    # sentences come in text order: with spans in order too, the spans a sentence overlaps
    # start at a pointer that only moves forwards (no scan of all passages per sentence)
    ordered = _in_order(spans)
    same_view, same_blank = view is text, blanked is view
    n_spans, n_quotes = len(spans), len(quotes)
    lang = (language or "en").split("-")[0]
    sentences = doc.sentences
    line_no = -1
    # a quote opened before a sentence's start and still open there is one whose end is past
    # it (the furthest end of the quotes opened before it)
    opened, reach, first = 0, -1, 0
    for m in _LINE.finditer(view):
        line = m.group(0)
        if line.isspace():  # a line of blanks (never empty: the regex matches one character)
            continue
        line_no += 1
        cursor = m.start()
        marked: bool | None = None  # the line is a Markdown heading ("#"), read once
        for piece in segment(lang, line):
            stripped = piece.strip()
            if not stripped:
                continue
            s = view.index(stripped, cursor)
            e = s + len(stripped)
            cursor = e
            while opened < n_quotes and quotes[opened][0] < s:
                reach = max(reach, quotes[opened][1])
                opened += 1
            if ordered:
                while first < n_spans and spans[first][1] <= s:
                    first += 1
                kinds = []
                j = first
                while j < n_spans and spans[j][0] < e:
                    kinds.append(spans[j][2])
                    j += 1
            else:
                kinds = _overlaps(s, e, spans)
            if not kinds:
                continue
            if marked is None:
                marked = text[m.start() : m.end()].lstrip().startswith("#")
            heading = marked or kinds.count("heading") == len(kinds)
            # text without markup is its own view, a view without quotes its own blanked
            # view: one slice then serves for all three (equal strings either way)
            raw = text[s:e]
            seen = raw if same_view else view[s:e]
            sentence = Sentence(
                len(sentences),
                s,
                e,
                line_no,
                raw,
                seen,
                seen if same_blank else blanked[s:e],
                heading,
                reach > s,
            )
            sentences.append(sentence)
    return doc


def passages_for(doc: DocView, sentence_ids: list[int], passages: list[SplitPassage]) -> list[int]:
    """Ordinals of kept passages overlapping the given sentences."""
    out: set[int] = set()
    for sid in sentence_ids:
        s = doc.sentences[sid]
        for i, p in enumerate(passages):
            if p.kind not in SKIP_KINDS and p.start < s.end and s.start < p.end:
                out.add(i)
    return sorted(out)
