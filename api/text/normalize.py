"""The one text normalizer of ClaimScope, used at ingestion and at query time alike.

Rules, applied in this order:

1. HTML entities are decoded (``&amp;`` → ``&``, ``&#8217;`` → ``’``).
2. Markdown links keep their text (``[RT](#)`` → ``RT``); bracketed editorial insertions
   such as ``[in Syria]`` (at most ``MAX_BRACKET_LEN`` characters, no nesting) are dropped
   together with the whitespace before them; Markdown emphasis asterisks are dropped.
3. Every character goes through Unicode NFKC (full-width forms, ligatures, ``…`` → ``...``,
   composed accents), then: curly and angle quotes become ``'`` or ``"``, all dashes and
   the minus sign become ``-``, NBSP and other spaces become a space, zero-width
   characters, soft hyphens and bidi marks are removed; then ``str.casefold``.
4. Runs of whitespace collapse to one space; the ends are stripped.

``normalize_with_map`` also returns, for every normalized character, the offset of the
original character it came from, so spans found in normalized text can be reported in
original offsets (``original_span``). ``normalize`` returns exactly the same string.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

MAX_BRACKET_LEN = 80  # longer [...] runs are more likely content than an editorial insertion

_QUOTES = {c: "'" for c in "‘’‚‛′‹›`´"} | {c: '"' for c in "“”„‟″«»〝〞"}
_DASHES = {c: "-" for c in "‐‑‒–—―−⁃﹘﹣－"}
_SPACES = {
    c: " "
    for c in "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
    "\u2008\u2009\u200a\u202f\u205f\u3000\t\n\r\f\v\u2028\u2029\u0085"
}
_DROPPED = "\u00ad\u200b\u200c\u200d\u2060\ufeff\u200e\u200f\u061c" + "".join(
    chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]
)
_TABLE = {**_QUOTES, **_DASHES, **_SPACES, **dict.fromkeys(_DROPPED, "")}
_TRANSLATE = str.maketrans(_TABLE)

_SPECIAL = dict(_TABLE)
_SPECIAL_RE = re.compile("[" + re.escape("".join(_SPECIAL)) + "]")

_ENTITY_RE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_MARKUP_RE = re.compile(
    r"\[([^\[\]]{0,300})\]\([^()\s]*\)"  # Markdown link: keep the text (group 1)
    rf"|\s*\[[^\[\]]{{0,{MAX_BRACKET_LEN}}}\](?!\()"  # editorial insertion: drop with its space
    r"|\*+"  # Markdown emphasis
)
# characters with combining class 0 that NFKC may compose with the preceding character
CROSS_COMPOSING_RE = re.compile(
    "[\u0b3e\u0b57\u0bbe\u0bd7\u0cc2\u0cd5\u0cd6\u0d3e\u0d57\u0dcf\u0ddf\u102e"
    "\u1161-\u1175\u11a8-\u11c2\u1b35]"
)
_NON_ASCII_RE = re.compile(r"[^\x00-\x7f]+")
_SPACE_RE = re.compile(r"\s+")
_TOKEN_RE = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Normalized:
    """Normalized text with, per character, the original span ``[starts[i], ends[i])``."""

    text: str
    starts: list[int]
    ends: list[int]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Original offsets of the normalized span ``[start, end)``."""
        if end <= start:
            if start < len(self.starts):
                return self.starts[start], self.starts[start]
            pos = self.ends[-1] if self.ends else 0
            return pos, pos
        return self.starts[start], self.ends[end - 1]


def _sub_with_map(
    pattern: re.Pattern[str], repl, text: str, starts: list[int], ends: list[int]
) -> tuple[str, list[int], list[int]]:
    """Like ``pattern.sub(repl, text)``, carrying the per-character span lists along.

    ``repl(match)`` returns the replacement and, if it keeps part of the match verbatim,
    the offset (within ``text``) of that kept part, else ``None``.
    """
    out: list[str] = []
    new_starts: list[int] = []
    new_ends: list[int] = []
    last = 0
    for m in pattern.finditer(text):
        out.append(text[last : m.start()])
        new_starts += starts[last : m.start()]
        new_ends += ends[last : m.start()]
        rep, kept_at = repl(m)
        if rep:
            out.append(rep)
            if kept_at is not None:  # verbatim slice of the input: keep its own spans
                new_starts += starts[kept_at : kept_at + len(rep)]
                new_ends += ends[kept_at : kept_at + len(rep)]
            else:  # new text: every char spans the whole match
                new_starts += [starts[m.start()]] * len(rep)
                new_ends += [ends[m.end() - 1]] * len(rep)
        last = m.end()
    if last == 0:
        return text, starts, ends
    out.append(text[last:])
    new_starts += starts[last:]
    new_ends += ends[last:]
    return "".join(out), new_starts, new_ends


def _entity(m: re.Match[str]) -> tuple[str, int | None]:
    return html.unescape(m.group(0)), None


def _markup(m: re.Match[str]) -> tuple[str, int | None]:
    if m.group(1) is not None:
        return m.group(1), m.start(1)
    return "", None


def _entity_text(m: re.Match[str]) -> str:
    return html.unescape(m.group(0))


def _markup_text(m: re.Match[str]) -> str:
    return m.group(1) or ""


def _special(m: re.Match[str]) -> str:
    return _SPECIAL[m.group()]


def _fold(chunk: str) -> str:
    return unicodedata.normalize("NFKC", chunk).translate(_TRANSLATE).casefold()


def _fold_non_ascii(text: str, starts: list[int], ends: list[int]) -> tuple[str, list[int], list[int]]:
    """NFKC + character table + casefold; ASCII runs take the 1:1 ``lower`` fast path.

    Non-ASCII runs are folded cluster by cluster (a base character and its combining
    marks, including an ASCII base just before the run) so each output character knows
    its source.
    """
    out: list[str] = []
    new_starts: list[int] = []
    new_ends: list[int] = []
    last = 0
    for m in _NON_ASCII_RE.finditer(text):
        begin = m.start()
        if begin > last and unicodedata.combining(text[begin]):
            begin -= 1  # the ASCII base letter composes with the combining mark
        ascii_part = text[last:begin]
        out.append(ascii_part.translate(_TRANSLATE).lower())
        new_starts += starts[last:begin]
        new_ends += ends[last:begin]
        i = begin
        while i < m.end():
            j = i + 1
            while j < m.end() and unicodedata.combining(text[j]):
                j += 1
            folded = _fold(text[i:j])
            out.append(folded)
            new_starts += [starts[i]] * len(folded)
            new_ends += [ends[j - 1]] * len(folded)
            i = j
        last = m.end()
    tail = text[last:]
    out.append(tail.translate(_TRANSLATE).lower())
    new_starts += starts[last:]
    new_ends += ends[last:]
    return "".join(out), new_starts, new_ends


def _collapse_spaces(text: str, starts: list[int], ends: list[int]) -> tuple[str, list[int], list[int]]:
    def space(m: re.Match[str]) -> tuple[str, int | None]:
        return " ", m.start()

    text, starts, ends = _sub_with_map(_SPACE_RE, space, text, starts, ends)
    lead = len(text) - len(text.lstrip(" "))
    trail = len(text.rstrip(" "))
    return text[lead:trail], starts[lead:trail], ends[lead:trail]


def normalize_spans(text: str) -> Normalized:
    """Normalize ``text`` and keep, for each output character, its original span."""
    starts = list(range(len(text)))
    ends = list(range(1, len(text) + 1))
    if "&" in text:
        text, starts, ends = _sub_with_map(_ENTITY_RE, _entity, text, starts, ends)
    if "[" in text or "*" in text:
        text, starts, ends = _sub_with_map(_MARKUP_RE, _markup, text, starts, ends)
    text, starts, ends = _fold_non_ascii(text, starts, ends)
    # folding can create new whitespace (NBSP) or bracket-free text; collapse last
    return Normalized(*_collapse_spaces(text, starts, ends))


def normalize_with_map(text: str) -> tuple[str, list[int]]:
    """``(normalized, starts)``: ``starts[i]`` is the original offset of normalized char ``i``."""
    result = normalize_spans(text)
    return result.text, result.starts


def normalize(text: str) -> str:
    """The normalized form stored in ``Passage.norm`` and compared at query time.

    Same result as ``normalize_spans(text).text``, several times faster: without markup,
    whole-string NFKC equals the cluster-by-cluster fold unless a starter composes with
    the previous starter (Hangul jamo, a few Indic vowel signs), which takes the slow path.
    """
    if "&" in text or "[" in text or "*" in text:
        # the substitutions of ``normalize_spans`` without its offset maps (Markdown text
        # has emphasis asterisks almost everywhere: this is the common case at ingestion)
        original = text
        if "&" in text:
            text = _ENTITY_RE.sub(_entity_text, text)
        if "[" in text or "*" in text:
            text = _MARKUP_RE.sub(_markup_text, text)
        if not text.isascii() and CROSS_COMPOSING_RE.search(text):
            return normalize_spans(original).text
    elif not text.isascii() and CROSS_COMPOSING_RE.search(text):
        return normalize_spans(text).text
    if text.isascii():
        # NFKC leaves ASCII alone; of the character table only the backtick and the ASCII
        # blanks apply, and ``split`` collapses the blanks anyway
        if "`" in text:
            text = text.replace("`", "'")
        # printable ASCII has no blank but the space: already single-spaced text stays as is
        if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
            return text.lower()
        return " ".join(text.split()).lower()
    text = unicodedata.normalize("NFKC", text)
    text = _SPECIAL_RE.sub(_special, text)
    return " ".join(text.split()).casefold()


def tokens(norm: str) -> list[str]:
    """Word tokens of a normalized text (letters and digits; punctuation separates)."""
    return _TOKEN_RE.findall(norm)
