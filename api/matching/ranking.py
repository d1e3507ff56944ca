"""Stage 3 of matching: a passage's aligned parts merged into one hit, and the hits' order.

A highlight is a run of text from one page. When it runs over several passages (a
multi-sentence highlight), the page's document holds all of them and each reports the
part of the highlight it covers; when a shorter passage of *another* document repeats
one of its sentences verbatim, that passage scores 1.0 on the part it covers. Ranking
hits by their own score alone then puts the partial copy first and the true source, which
covers the whole highlight at 0.96, second.

So a hit is ranked by the best *explanation* of the highlight it takes part in: the hit
plus the other hits from its document that cover the rest of the highlight without
overlapping it (a document is one page, and a page's consecutive passages together make
the highlight). The explanation's value is the share of the highlight it accounts for,
each member weighted by its score::

    explains = sum(score * covers for members) / highlight characters

``covers`` is counted by sentence range (the characters the part's score is relative to),
not by the aligned window: a partial_ratio window trimmed by a changed word at an edge is
already paid for in the score's coverage factor and is not charged twice. A partial copy
from another document thus explains only its share (1.0 x 40 % = 0.40) against the
source's 0.96; a highlight spread over three passages of one page explains as much as
one passage of another page quoting all three sentences would; and a one-range highlight
ranks exactly as before (``explains == score``). Agreeing page context (prefix before
the explanation's first member, suffix after its last) adds a small bonus, as before.
Members of one explanation (all right answers: parts of the same page) keep the order by
their own score plus context bonus; then the passage the alignment fills most fully
first, then index order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from api.matching.rerank import Alignment, Scored

# Rank bonus for agreeing context; small, so context reorders near-ties only and never
# lifts a weak match over a clearly better one. The reported score excludes it.
CONTEXT_WEIGHT = 0.05


@dataclass(frozen=True, slots=True)
class Part:
    """One passage's alignment with (part of) the highlight."""

    slot: int
    range_len: int  # characters of the highlight the score is relative to
    covers: int  # characters of the highlight this part accounts for
    al: Alignment
    scored: Scored
    votes: float

    @property
    def weight(self) -> float:
        """Highlight characters this part explains, score-weighted."""
        return self.scored.score * self.covers


@dataclass(frozen=True, slots=True)
class Ranked:
    part: Part
    explains: float  # share of the highlight its best explanation accounts for (0-1)


def merge_parts(parts: list[Part], *, merge_floor: float = 0.0) -> list[Part]:
    """One entry per passage: its non-overlapping alignments, length-weighted. A part scoring
    below ``merge_floor`` does not join others (a passage that matched one sentence well and
    another one not at all is the first sentence's match); it stands alone when it is its
    passage's best."""
    by_slot: dict[int, list[Part]] = {}
    for p in sorted(parts, key=lambda p: -p.scored.score):
        kept = by_slot.setdefault(p.slot, [])
        if kept and p.scored.score < merge_floor:
            continue
        if all(_apart(p, k) and (p.al.p_end <= k.al.p_start or k.al.p_end <= p.al.p_start) for k in kept):
            kept.append(p)
    return [group[0] if len(group) == 1 else _merge_group(group) for group in by_slot.values()]


def _merge_group(group: list[Part]) -> Part:
    weights = [max(g.al.q_end - g.al.q_start, 1) for g in group]
    total = sum(weights)

    def avg(values: list[float]) -> float:
        return sum(v * w for v, w in zip(values, weights, strict=True)) / total

    al = Alignment(
        avg([g.al.similarity for g in group]),
        min(g.al.q_start for g in group),
        max(g.al.q_end for g in group),
        min(g.al.p_start for g in group),
        max(g.al.p_end for g in group),
    )
    range_len = sum(g.range_len for g in group)
    scored = Scored(
        avg([g.scored.score for g in group]),
        al.similarity,
        min(1.0, total / range_len),
        avg([g.scored.length_factor for g in group]),
    )
    return Part(
        group[0].slot, range_len, sum(g.covers for g in group), al, scored, max(g.votes for g in group)
    )


def _apart(a: Part, b: Part) -> bool:
    """Do two parts cover disjoint stretches of the highlight?"""
    return a.al.q_end <= b.al.q_start or b.al.q_end <= a.al.q_start


def explanation(part: Part, mates: list[Part]) -> list[Part]:
    """``part`` plus, greedily by explained characters, the document mates that cover the
    rest of the highlight without overlapping what is chosen; in highlight order."""
    chosen = [part]
    for mate in mates:  # sorted by (-weight, slot) by the caller
        if mate is not part and all(_apart(mate, c) for c in chosen):
            chosen.append(mate)
    return sorted(chosen, key=lambda c: (c.al.q_start, c.slot))


def rank(
    parts: list[Part],
    *,
    highlight_len: int,
    document_of: Callable[[int], int],
    context: Callable[[Part, Part], float | None],
    fullness: Callable[[Part], float],
) -> list[Ranked]:
    """Hits best first (module docstring). ``context(first, last)`` is the page context's
    agreement with the text before ``first`` and after ``last`` (None without context);
    ``fullness`` the share of its passage a part's alignment fills."""
    by_doc: dict[int, list[Part]] = {}
    for p in parts:
        by_doc.setdefault(document_of(p.slot), []).append(p)
    for mates in by_doc.values():
        mates.sort(key=lambda m: (-m.weight, m.slot))
    keyed = []
    for p in parts:
        members = explanation(p, by_doc[document_of(p.slot)])
        # summed in highlight order: members of one explanation get bit-identical values
        explains = min(1.0, sum(m.weight for m in members) / max(highlight_len, 1))
        bonus = CONTEXT_WEIGHT * (context(members[0], members[-1]) or 0.0)
        own = p.scored.score + CONTEXT_WEIGHT * (context(p, p) or 0.0)
        keyed.append(((-(explains + bonus), -own, -fullness(p), p.slot), Ranked(p, explains)))
    keyed.sort(key=lambda k: k[0])
    return [r for _, r in keyed]
