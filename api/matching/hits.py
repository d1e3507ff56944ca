"""Typed results of the matching engine."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Confidence = Literal["high", "suggestion"]


@dataclass(frozen=True, slots=True)
class PassageHit:
    """One passage that (part of) a highlight matches.

    ``passage_start:passage_end`` is the aligned span in ORIGINAL offsets of the passage
    text; ``query_start:query_end`` the part of the highlight this passage covers, in
    original offsets of the query. ``score`` is in 0–1 (see ``api.matching.rerank``);
    ``components`` holds the parts it was made of (similarity, coverage, length_factor,
    votes and, when prefix/suffix were given, context) and ``explains``, the share of the
    highlight this hit and the hits from its document account for, which orders the hits
    (see ``api.matching.ranking``).
    """

    passage_id: int
    document_id: int
    score: float
    confidence: Confidence
    passage_start: int
    passage_end: int
    query_start: int
    query_end: int
    components: dict[str, float] = field(default_factory=dict, hash=False, compare=False)
