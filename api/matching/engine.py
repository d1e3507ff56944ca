"""``MatchEngine``: where does a highlight come from? (candidates → re-rank → hits).

Search, for a normalized highlight cut into sentence ranges (``rerank.sentence_ranges``):

1. each range asks the candidate source (``index.ShingleIndex``) for ``CANDIDATES_K``
   passages, aligns and scores them (``rerank``); if the best passage explains only part
   of the range, the rest of the range is searched again (a highlight may run over
   several passages even without a sentence end between them);
2. alignments of one passage from several ranges merge into one hit (length-weighted);
3. each passage's share of the highlight (with its document's other hits, ``ranking``) and
   the agreement of its rare words with the highlight's discount its score
   (``rerank.evidence_factor``); hits below the threshold go, the rest are ranked by how much
   of the highlight they explain together with the hits from their own document; with
   ``prefix``/``suffix``, the page text around the highlight is compared with the passage
   and its neighbours and breaks near-ties;
4. a short highlight that matches several different passages about equally well, with
   no decisive context, is a ``"suggestion"``; otherwise ``"high"``.

The threshold is applied last: every score is the same at any threshold (issue 13).

All methods are thread-safe (one re-entrant lock; a search takes a few milliseconds).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import replace

import numpy as np

from api.matching.hits import Confidence, PassageHit
from api.matching.index import (
    CandidateSource,
    Segment,
    ShingleIndex,
    feature_keys,
    token_hashes,
)
from api.matching.ranking import Part, Ranked, merge_parts, rank
from api.matching.rerank import (
    DEFAULT_THRESHOLD,
    align,
    context_similarity,
    evidence_factor,
    score_alignment,
    sentence_ranges,
    token_agreement,
    trim_window,
)
from api.matching.slots import BaseColumns, PassageStore
from api.text.normalize import Normalized, normalize, normalize_spans, tokens

CANDIDATES_K = 24  # passages re-ranked per range: recall vs rapidfuzz time
VOTE_FLOOR = 0.2  # skip candidates with less than this share of the best vote count
# A range's best alignment at least this good has its unexplained rest searched, and explains
# the characters it aligns; fixed (the default threshold), so scores do not depend on the
# threshold a caller asks for (issue 13: a tweet around a quote scored 0.916 at threshold 0
# and nothing at 0.80, because the rest earned coverage only from hits above the threshold).
EVIDENCE_SCORE = DEFAULT_THRESHOLD
MERGE_SLACK = 0.15  # parts this far below EVIDENCE_SCORE still merge with a passage's others
KEEP_FLOOR = 0.1  # alignments scoring below this are dropped (nothing so weak is ever asked for)
NEAR_TIE = 0.03  # hits this close to the best one match "about equally"
CONTEXT_DECISIVE = 0.15  # a context lead this large resolves an ambiguous short highlight
SHORT_TOKENS = 8  # highlights with fewer aligned words may be suggestions
MIN_REMAINDER_CHARS = 24  # unexplained rest of a range worth searching on its own
MAX_DEPTH = 3  # remainder searches per range
MAX_RANGES = 60  # sentence ranges searched per highlight (~2,000 chars is ~15)
# Rewrite the postings once the passages removed since the last rewrite reach this share of the
# live ones (removed passages' postings cost lookups until then). Counted since the last rewrite:
# counting every removal ever made re-triggered a full rewrite on every later removal once a
# quarter of all slots had been replaced (ingestion re-reads documents), which made ingestion
# grow quadratically past ~1M passages (bench/RESULTS.md "Scale on real text").
COMPACT_DEAD_SHARE = 0.25

Row = tuple[int, str, int, int]  # passage_id, text, document_id, ordinal


def _no_context(first: Part, last: Part) -> float | None:
    return None


class MatchEngine:
    """In-memory passage index with fuzzy, aligned search (see module docstring)."""

    def __init__(
        self, source: CandidateSource | None = None, *, threshold: float = DEFAULT_THRESHOLD
    ) -> None:
        self.threshold = threshold
        self._source: CandidateSource = source or ShingleIndex()
        self._store = PassageStore()
        self._lock = threading.RLock()
        self._dead_at_compaction = 0  # removed slots whose postings the last rewrite dropped

    @classmethod
    def from_base(
        cls, columns: BaseColumns, postings: Segment, *, threshold: float = DEFAULT_THRESHOLD
    ) -> MatchEngine:
        """An engine whose first passages are a frozen base (an index snapshot, mapped)."""
        engine = cls(ShingleIndex(postings), threshold=threshold)
        engine._store = PassageStore(columns)
        return engine

    def export_base(self) -> tuple[BaseColumns, Segment]:
        """The live passages and their postings as a frozen base, in passage-id order (what
        ``api.matching.snapshot`` writes; a fresh load from the database builds the same)."""
        with self._lock:
            store = self._store
            if not isinstance(self._source, ShingleIndex):
                raise TypeError("only a ShingleIndex can be exported")
            columns, remap = store.export_base()
            postings = self._source.merged(store.alive.full())
            return columns, postings.remapped(remap)

    def passages_since_base(self) -> int:
        """Passages added (or re-added) since the frozen base this engine started from."""
        with self._lock:
            return self._store.added_since_base()

    def __len__(self) -> int:
        return len(self._store)

    # -- mutation --------------------------------------------------------------------
    def add(self, passage_id: int, text: str, *, document_id: int, ordinal: int) -> None:
        self.add_many([(passage_id, text, document_id, ordinal)])

    def add_many(self, rows: Iterable[Row], *, norms: list[str] | None = None) -> int:
        """Add (or replace, by passage id) passages; returns how many were added. ``norms``:
        the rows' texts already normalized (ingestion stores them), else computed here."""
        rows = list(rows)
        if not rows:
            return 0
        if norms is None:
            norms = [normalize(r[1]) for r in rows]
        with self._lock:
            store = self._store
            stale = [s for s in map(store.slot_of, (r[0] for r in rows)) if s is not None]
            store.remove_slots(stale)
            slots = store.append(
                [r[0] for r in rows],
                [r[1] for r in rows],
                norms,
                [r[2] for r in rows],
                [r[3] for r in rows],
            )
            # merges drop removed passages; with none removed they need not look
            self._source.add(slots, norms, store.alive.full() if store.dead else None)
        return len(rows)

    def remove_document(self, document_id: int) -> None:
        with self._lock:
            store = self._store
            store.remove_slots(store.document_slots(document_id))
            if store.dead - self._dead_at_compaction > COMPACT_DEAD_SHARE * max(len(store), 1):
                self._source.compact(store.alive.full())
                self._dead_at_compaction = store.dead

    def document_ids(self) -> set[int]:
        with self._lock:
            return self._store.documents()

    def memory_bytes(self) -> int:
        return self._store.memory_bytes() + self._source.memory_bytes()

    # -- search ----------------------------------------------------------------------
    def search(
        self,
        query: str,
        *,
        prefix: str | None = None,
        suffix: str | None = None,
        limit: int = 5,
        threshold: float | None = None,
    ) -> list[PassageHit]:
        """Passages the highlight ``query`` comes from, best first (see module docstring)."""
        threshold = self.threshold if threshold is None else threshold
        q = normalize_spans(query)
        if not tokens(q.text) or limit <= 0:
            return []
        ranges = sentence_ranges(q.text)[:MAX_RANGES]
        with self._lock:
            parts: list[Part] = []
            for start, end in ranges:
                self._cover(q.text, start, end, parts, 0)
            merged = merge_parts(parts, merge_floor=EVIDENCE_SCORE - MERGE_SLACK)
            return self._finish(q, merged, sum(b - a for a, b in ranges), prefix, suffix, limit, threshold)

    def _cover(self, q: str, start: int, end: int, out: list[Part], depth: int) -> int:
        """Match ``q[start:end]``; append its alignments to ``out``; return how many
        characters of the range good matches (``EVIDENCE_SCORE``, not the caller's threshold:
        a score must not depend on it) explain."""
        store = self._store
        cands = self._source.candidates(q[start:end], CANDIDATES_K, store.alive.full())
        if not cands:
            return 0
        floor = cands[0][1] * VOTE_FLOOR
        parts = []
        for slot, votes in cands:
            if votes < floor:
                break
            al = align(q, start, end, store.norms[slot])
            if al is not None:
                sc = score_alignment(al, end - start)
                parts.append(Part(slot, end - start, end - start, al, sc, votes / cands[0][1]))
        if not parts:
            return 0
        best = max(parts, key=lambda p: p.scored.score)
        explained = 0
        if depth < MAX_DEPTH and best.scored.length_factor >= EVIDENCE_SCORE:
            for a, b in ((start, best.al.q_start), (best.al.q_end, end)):
                if b - a >= MIN_REMAINDER_CHARS and tokens(q[a:b]):
                    explained += self._cover(q, a, b, out, depth + 1)
        if explained:  # coverage counts against what other passages left unexplained...
            rest = max(end - start - explained, 1)
            # ...but a passage aligned over more than the rest still accounts for all of it
            parts = [
                replace(
                    p,
                    range_len=rest,
                    scored=score_alignment(p.al, rest),
                    covers=max(rest, p.al.q_end - p.al.q_start),
                )
                for p in parts
            ]
        out.extend(p for p in parts if p.scored.score >= KEEP_FLOOR)
        best_score = max(p.scored.score for p in parts)
        if best_score < EVIDENCE_SCORE:
            return explained
        best = max(parts, key=lambda p: p.scored.score)
        return explained + best.al.q_end - best.al.q_start

    def _finish(
        self,
        q: Normalized,
        merged: list[Part],
        highlight_len: int,
        prefix: str | None,
        suffix: str | None,
        limit: int,
        threshold: float,
    ) -> list[PassageHit]:
        """Judge the merged parts as evidence for the whole highlight, drop those below
        ``threshold``, rank the rest. Nothing before the threshold test depends on it."""
        store = self._store
        doc_of = store.document_ids.view()

        def document_of(slot: int) -> int:
            return int(doc_of[slot])

        def fullness(m: Part) -> float:
            return (m.al.p_end - m.al.p_start) / max(len(store.norms[m.slot]), 1)

        # the share of the highlight each part's document explains, from every part found
        first = rank(
            merged,
            highlight_len=highlight_len,
            document_of=document_of,
            context=_no_context,
            fullness=fullness,
        )
        # parts within NEAR_TIE below the threshold are judged too: they are the rivals that make
        # a hit a "suggestion", whatever threshold was asked for
        floor = max(0.0, threshold - NEAR_TIE)
        pool: list[Part] = []
        evidence: dict[int, tuple[float, float]] = {}
        for r in first:
            m = r.part
            if m.scored.score < floor:  # the factors below are at most 1
                continue
            agreement = self._agreement(q.text, m)
            final = m.scored.score * evidence_factor(agreement, r.explains)
            if final >= floor:
                evidence[m.slot] = (agreement, r.explains)
                pool.append(replace(m, scored=replace(m.scored, score=final)))
        judged = [m for m in pool if m.scored.score >= threshold]
        pre = normalize(prefix) if prefix else None
        suf = normalize(suffix) if suffix else None
        ctx = {m.slot: self._context(m, m, pre, suf) for m in pool} if (pre or suf) else {}

        def around(first: Part, last: Part) -> float | None:
            """Context of an explanation: before its first member, after its last."""
            if not ctx:  # no prefix/suffix given
                return None
            return ctx[first.slot] if first is last else self._context(first, last, pre, suf)

        ranked = rank(
            judged, highlight_len=highlight_len, document_of=document_of, context=around, fullness=fullness
        )
        return [self._hit(q, r, pool, ctx, evidence[r.part.slot]) for r in ranked[:limit]]

    def _hit(
        self,
        q: Normalized,
        r: Ranked,
        pool: list[Part],
        ctx: dict[int, float | None],
        evidence: tuple[float, float],
    ) -> PassageHit:
        store, m = self._store, r.part
        p_text = normalize_spans(store.texts[m.slot])
        p_start, p_end = p_text.original_span(m.al.p_start, m.al.p_end)
        q_start, q_end = q.original_span(m.al.q_start, m.al.q_end)
        components = {
            "similarity": round(m.scored.similarity, 4),
            "coverage": round(m.scored.coverage, 4),
            "length_factor": round(m.scored.length_factor, 4),
            "votes": round(m.votes, 4),
            "explains": round(r.explains, 4),
        }
        components["agreement"] = round(evidence[0], 4)
        components["explained"] = round(evidence[1], 4)
        if ctx.get(m.slot) is not None:
            components["context"] = round(float(ctx[m.slot] or 0.0), 4)
        return PassageHit(
            passage_id=int(store.passage_ids.view()[m.slot]),
            document_id=int(store.document_ids.view()[m.slot]),
            score=round(min(1.0, m.scored.score), 4),
            confidence=self._confidence(q.text, m, pool, ctx),
            passage_start=p_start,
            passage_end=p_end,
            query_start=q_start,
            query_end=q_end,
            components=components,
        )

    def _agreement(self, q: str, m: Part) -> float:
        """``rerank.token_agreement`` of a part's aligned windows (the passage's widened to
        whole words), with IDF from the candidate index's document frequencies."""
        norm = self._store.norms[m.slot]
        ps, pe = m.al.p_start, m.al.p_end
        while ps > 0 and norm[ps - 1].isalnum():
            ps -= 1
        while pe < len(norm) and norm[pe].isalnum():
            pe += 1
        tq = tokens(q[m.al.q_start : m.al.q_end])
        tp = trim_window(tokens(norm[ps:pe]), tq)
        if not tp or not tq or not isinstance(self._source, ShingleIndex):
            return 1.0
        both = tp + tq
        # one "passage" per token: only the unigram keys (the first len(both)) are wanted
        keys, _ = feature_keys(token_hashes(both), np.arange(len(both), dtype=np.int32))
        df = self._source.document_frequency(keys[: len(both)])[0]
        idf = np.log1p(max(len(self._store), 1) / np.maximum(df, 1)).tolist()
        elided = "..." in q[m.al.q_start : m.al.q_end]
        return token_agreement(tp, tq, idf[: len(tp)], idf[len(tp) :], elided=elided)[0]

    def _context(self, first: Part, last: Part, prefix: str | None, suffix: str | None) -> float | None:
        """Agreement of the page text before/after the highlight with the indexed text
        before ``first``'s alignment and after ``last``'s (neighbour passages included)."""
        store = self._store
        prev_slot, next_slot = store.neighbour(first.slot, -1), store.neighbour(last.slot, 1)
        before = (store.norms[prev_slot] + " " if prev_slot is not None else "") + (
            store.norms[first.slot][: first.al.p_start]
        )
        after = store.norms[last.slot][last.al.p_end :] + (
            " " + store.norms[next_slot] if next_slot is not None else ""
        )
        return context_similarity(prefix, before.rstrip(), suffix, after.lstrip())

    def _confidence(self, q: str, hit: Part, pool: list[Part], ctx: dict[int, float | None]) -> Confidence:
        """A short hit is a "suggestion" when it has a rival: another text's passage within NEAR_TIE
        over the same part of the highlight (``pool``: every part judged down to the threshold
        minus NEAR_TIE) and the page context does not decide."""
        if len(tokens(q[hit.al.q_start : hit.al.q_end])) >= SHORT_TOKENS:
            return "high"
        store = self._store
        rivals = {
            store.norms[m.slot]
            for m in pool
            if m.scored.score >= hit.scored.score - NEAR_TIE
            and m.al.q_start < hit.al.q_end
            and hit.al.q_start < m.al.q_end
        }
        rivals.discard(store.norms[hit.slot])
        if not rivals:
            return "high"
        mine = ctx.get(hit.slot) or 0.0
        others = [ctx.get(m.slot) or 0.0 for m in pool if store.norms[m.slot] in rivals]
        if ctx and mine - max(others) >= CONTEXT_DECISIVE:
            return "high"
        return "suggestion"
