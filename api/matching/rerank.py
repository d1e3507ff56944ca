"""Stage 2 of matching: rapidfuzz alignment and scoring of candidates.

A highlight (normalized) is cut into *ranges* at sentence ends, so a highlight spanning
several passages is matched passage by passage. A range is aligned to a candidate with
``fuzz.partial_ratio_alignment`` (the best window of the longer string for the shorter
one); an ellipsis inside a range marks omitted text, so each piece between ellipses is
aligned on its own, in order (each piece after the passage text the previous one took), and
the similarities are averaged by length. An ellipsis is never a sentence end.

Score of one alignment, all factors in 0–1::

    similarity    = partial_ratio / 100 (normalized Indel similarity of the aligned window)
    length_factor : the share of differing characters, (1 - similarity), is scaled up by
                    SHORT_REF_CHARS / aligned_chars when the aligned text is shorter than
                    SHORT_REF_CHARS, since a few edits in a short text are weaker evidence
                    than in a long one; adjusted = 1 - (1 - similarity) * scale
    coverage      = aligned characters of the range / characters of the range;
                    coverage_factor = min(1, coverage / COVERAGE_FULL)
    score         = adjusted * coverage_factor

When the aligned words are those of the passage but (at most) one, changed, added or dropped
(``Alignment.one_word``), the SHORT_REF_CHARS scaling is not applied: one changed word in a
5-8-word highlight is an edit, and whether the rest is distinctive enough is judged next.

So a score means "this share of the highlighted text, over a long-enough stretch, is the
passage's text" whatever the highlight's length. Then the hit is judged as evidence for the
whole highlight (``evidence_factor``, applied by the engine): its rare words must agree with
the highlight's (``token_agreement``: IDF-weighted, from the candidate index's document
frequencies, typos forgiven, one changed word forgiven when the rest is exact) and its document
must explain most of the highlight (a common phrase or a URL inside a longer post is weak
evidence, not a match). ``DEFAULT_THRESHOLD`` (0.80) is the score below which nothing is
returned; no score depends on the threshold a caller passes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA, Levenshtein

from api.text.normalize import tokens

DEFAULT_THRESHOLD = 0.80
# Below this many aligned characters, edits weigh more (a 20-char highlight with one
# changed word is far weaker evidence than a 200-char one). Higher = fewer false matches
# on short out-of-index text, lower recall for short noisy highlights.
SHORT_REF_CHARS = 60
# A passage explaining at least this share of a range counts as covering it fully; less
# is penalized linearly (a short passage found inside a long unrelated sentence is not a
# match). Lower tolerates sentence-splitting differences, higher rejects more fragments.
COVERAGE_FULL = 0.8
# Sentence pieces shorter than this join the next one (abbreviations like "U.S." split).
MIN_RANGE_CHARS = 24
# Evidence for the whole highlight (issues 12, 13). Before these, 152 of 2,000 out-of-index real
# sentences got a hit at 273k passages (bench/precision.py, seed 12), 54 of them on a passage
# not containing the part claimed. A template sentence ("Qtly div 20 cts vs 20 cts prior ...",
# "Nigeria declares Ebola emergency <url>") shares its common words with the highlight and
# differs in the rare ones (numbers, names, a URL's id); a noisy copy differs by typos and a
# changed word. So the IDF-weighted share of each aligned window's words found in the other
# (``token_agreement``) must reach AGREEMENT_FULL for full credit, less is discounted linearly.
# Same benchmark, EXPLAINED_FULL 0.8: 0.85 / 0.90 / 0.95 gave recall@1 0.988 / 0.986 / 0.982
# with 28 / 18 / 12 false matches (before: recall@1 0.996, 152). 0.9 keeps recall@1 and the
# false-match rate both clear of their targets (0.98, 1 %); higher trades recall for precision.
AGREEMENT_FULL = 0.9
# A hit whose document accounts for less than this share of the highlight (a common phrase,
# a URL, one short sentence of a longer post) is discounted linearly. AGREEMENT_FULL 0.9:
# 0.7 / 0.8 / 0.9 gave recall@1 0.986 / 0.986 / 0.983 with 19 / 18 / 16 false matches.
EXPLAINED_FULL = 0.8
# One changed word is forgiven (no SHORT_REF_CHARS scaling, no agreement charge) only when the
# rest keeps this many words of 3+ letters: "President Reagan warned the U.S." is not a copy of
# "... President Reagan for the U.S. strike" (three such words), "The Americans are on their
# side." is one of "The Americans are on our side." (four).
FORGIVE_MIN_WORDS = 4
# A typo (letter changed, dropped, added, swapped) per this many letters keeps a word "the same"
# for the agreement (the copies benchmark's noise is one or two typos per highlight).
TYPO_CHARS = 4
# Alignments scoring below this similarity are not worth keeping (speeds rapidfuzz up).
MIN_SIMILARITY = 0.5

# A sentence end: "." (not part of an ellipsis, which marks omitted text inside a quote, issue 13),
# "!" or "?", then closing quotes/brackets and a space.
_SENTENCE_END_RE = re.compile(r"(?:(?<!\.)\.(?!\.)|[!?]+\.?)[\"')\]]*\s+")
_ELLIPSIS_RE = re.compile(r"\s*\.\.\.+\s*")


@dataclass(frozen=True, slots=True)
class Alignment:
    """Where range ``[q_start, q_end)`` of the normalized query aligns in a passage."""

    similarity: float
    q_start: int
    q_end: int
    p_start: int
    p_end: int
    one_word: bool = False  # short, and the words equal but (at most) one: no SHORT_REF_CHARS scaling


@dataclass(frozen=True, slots=True)
class Scored:
    score: float
    similarity: float
    coverage: float
    length_factor: float


def sentence_ranges(norm: str) -> list[tuple[int, int]]:
    """Cut a normalized text at sentence ends; short pieces join their neighbour."""
    cuts = [m.end() for m in _SENTENCE_END_RE.finditer(norm) if m.end() < len(norm)]
    bounds = [0, *cuts, len(norm)]
    ranges: list[tuple[int, int]] = []
    start = 0
    for end in bounds[1:]:
        if end - start >= MIN_RANGE_CHARS:
            ranges.append((start, end))
            start = end
    if start < len(norm):
        if ranges:  # a short tail joins the last range
            ranges[-1] = (ranges[-1][0], len(norm))
        else:
            ranges.append((0, len(norm)))
    return [_strip_range(norm, a, b) for a, b in ranges]


def _strip_range(norm: str, start: int, end: int) -> tuple[int, int]:
    while end > start and norm[end - 1] == " ":
        end -= 1
    return start, end


def _pieces(norm: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sub-ranges of ``[start, end)`` between ellipses (omitted text)."""
    pieces, last = [], start
    for m in _ELLIPSIS_RE.finditer(norm, start, end):
        if m.start() > last:
            pieces.append((last, m.start()))
        last = m.end()
    if end > last:
        pieces.append((last, end))
    long_pieces = [(a, b) for a, b in pieces if b - a >= 3]
    return long_pieces or [(start, end)]


def align(query: str, start: int, end: int, passage: str) -> Alignment | None:
    """Best alignment of ``query[start:end]`` with ``passage``, or None if too weak. Pieces
    between ellipses align in order: each one after the passage text the previous one took
    (omitted text is left out, never moved), so pieces cannot each pick their own passage."""
    pieces = _pieces(query, start, end)
    total, weighted = 0, 0.0
    q_lo = p_lo = 1 << 60
    q_hi = p_hi = -1
    after = 0  # where in the passage the next piece may start
    for a, b in pieces:
        total += b - a
        res = fuzz.partial_ratio_alignment(
            query[a:b], passage[after:], score_cutoff=MIN_SIMILARITY * 100 if len(pieces) == 1 else 0
        )
        if res is None or (len(pieces) > 1 and res.dest_end <= res.dest_start):
            if len(pieces) == 1:
                return None
            continue
        weighted += res.score / 100 * (b - a)
        q_lo, q_hi = min(q_lo, a + res.src_start), max(q_hi, a + res.src_end)
        p_lo, p_hi = min(p_lo, after + res.dest_start), max(p_hi, after + res.dest_end)
        if len(pieces) > 1:
            after += res.dest_end
    if q_hi < 0 or total == 0:
        return None
    if len(pieces) > 1:  # pieces aligned around omitted text: the query span is whole
        q_lo, q_hi = min(q_lo, pieces[0][0]), max(q_hi, pieces[-1][1])
    similarity = weighted / total
    one_word = (
        len(pieces) == 1
        and similarity < 1.0
        and q_hi - q_lo < SHORT_REF_CHARS
        and _one_word_apart(tokens(query[q_lo:q_hi]), tokens(_whole_words(passage, p_lo, p_hi)))
    )
    return Alignment(similarity, q_lo, q_hi, p_lo, p_hi, one_word)


def _whole_words(text: str, start: int, end: int) -> str:
    """``text[start:end]`` widened to whole words (an alignment may cut a word at its edges)."""
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum():
        end += 1
    return text[start:end]


def trim_window(passage: list[str], query: list[str]) -> list[str]:
    """The passage window's words without an edge word the alignment took beyond the
    highlight's (partial_ratio windows may start or end a few characters early or late)."""
    if not query:
        return passage
    while len(passage) > 1 and passage[0] != query[0] and passage[1] == query[0]:
        passage = passage[1:]
    while len(passage) > 1 and passage[-1] != query[-1] and passage[-2] == query[-1]:
        passage = passage[:-1]
    return passage


def _one_word_apart(query: list[str], passage: list[str]) -> bool:
    """Are the words equal but at most one (changed, added or dropped)? A first or last
    word the highlight cut ("ericans" of "americans") counts as equal."""
    passage = trim_window(passage, query)
    if not query or not passage:
        return False
    if query[0] != passage[0] and _cut(query[0], passage[0], start=True):
        passage = [query[0], *passage[1:]]
    if query[-1] != passage[-1] and _cut(query[-1], passage[-1], start=False):
        passage = [*passage[:-1], query[-1]]
    return _enough_words(query, 1) and Levenshtein.distance(query, passage, score_cutoff=1) <= 1


def _enough_words(words: list[str], changed: int) -> bool:
    """Do ``words`` keep FORGIVE_MIN_WORDS words of 3+ letters when ``changed`` of them differ?"""
    return sum(len(w) >= 3 for w in words) - changed >= FORGIVE_MIN_WORDS


def score_alignment(al: Alignment, range_len: int) -> Scored:
    """Turn an alignment into a 0–1 score (formula in the module docstring)."""
    aligned = max(al.q_end - al.q_start, 1)
    scale = 1.0 if al.one_word else max(1.0, SHORT_REF_CHARS / aligned)
    adjusted = max(0.0, 1.0 - (1.0 - al.similarity) * scale)
    coverage = min(1.0, aligned / max(range_len, 1))
    coverage_factor = min(1.0, coverage / COVERAGE_FULL)
    return Scored(adjusted * coverage_factor, al.similarity, coverage, adjusted)


def evidence_factor(agreement: float, explained: float) -> float:
    """Discount of a hit whose rare words do not agree with the highlight's (``agreement``,
    from ``token_agreement``) or whose document explains only part of the highlight
    (``explained``, from ``ranking.rank``): 1 at or above ``AGREEMENT_FULL`` and
    ``EXPLAINED_FULL``, linearly less below."""
    return min(1.0, agreement / AGREEMENT_FULL) * min(1.0, explained / EXPLAINED_FULL)


def token_agreement(
    passage: list[str], query: list[str], p_idf: list[float], q_idf: list[float], *, elided: bool = False
) -> tuple[float, float]:
    """How much of the rare evidence of two aligned windows agrees: the IDF-weighted share of
    each window's words that the other has (a typo within a word still counts; numbers must be
    equal), the smaller of the two, and the IDF mass missing on both sides. An edge word cut
    by the highlight ("ericans" of "americans") counts as present. ``elided``: the highlight
    marks omitted text with an ellipsis, so only its own words are checked."""
    p_missing = 0.0 if elided else _missing(passage, query, p_idf)
    q_missing = _missing(query, passage, q_idf)
    share = min(1.0 - p_missing / max(sum(p_idf), 1e-9), 1.0 - q_missing / max(sum(q_idf), 1e-9))
    return share, p_missing + q_missing


def _missing(words: list[str], other: list[str], idf: list[float]) -> float:
    """IDF mass of ``words`` that ``other`` lacks (see ``token_agreement``)."""
    have = set(other)
    fuzzy = [u for u in have if not u.isdigit()]
    missing: list[tuple[float, bool]] = []
    last = len(words) - 1
    for i, (t, w) in enumerate(zip(words, idf, strict=True)):
        if (
            t in have
            or (i == 0 and _cut(t, other[0], start=True))
            or (i == last and _cut(t, other[-1], start=False))
        ):
            continue
        if not t.isdigit() and any(_typo(t, u) for u in fuzzy):
            continue
        missing.append((w, t.isalpha()))
    # one changed word (not a number) with the rest exact is an edit, not a different text,
    # when the rest has words enough to be evidence
    if len(missing) == 1 and missing[0][1] and _enough_words(words, 1):
        return 0.0
    return sum(w for w, _ in missing)


def _cut(a: str, b: str, *, start: bool) -> bool:
    """Is one of two edge words the other cut by the highlight's edge?"""
    if start:
        return a.endswith(b) or b.endswith(a)
    return a.startswith(b) or b.startswith(a)


def _typo(a: str, b: str) -> bool:
    """One typo (a letter changed, dropped, added or two swapped) per ``TYPO_CHARS`` letters."""
    return OSA.distance(a, b, score_cutoff=max(1, len(a) // TYPO_CHARS)) <= max(1, len(a) // TYPO_CHARS)


def context_similarity(prefix: str | None, before: str, suffix: str | None, after: str) -> float | None:
    """How well the page text around the highlight agrees with the text around the match
    (the passage and its neighbours); 0–1, None without prefix and suffix.

    ``prefix``/``suffix`` and ``before``/``after`` are normalized."""
    parts: list[float] = []
    if prefix:
        tail = before[-(len(prefix) + 8) :]
        parts.append(fuzz.partial_ratio(prefix, tail) / 100 if tail else 0.0)
    if suffix:
        head = after[: len(suffix) + 8]
        parts.append(fuzz.partial_ratio(suffix, head) / 100 if head else 0.0)
    return sum(parts) / len(parts) if parts else None
