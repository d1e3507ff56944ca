"""``ClaimIndex``: restatements and translations — the claims a highlight says in other words.

Three channels over CLAIMS (not passages), fused per claim:

- lexical: BM25 over claim text + the title of the claim's first document (``lexical``);
- semantic (English): cosine of all-MiniLM-L6-v2 vectors (``semantic.MiniLM``);
- multilingual: cosine of USE-multilingual vectors (``semantic.MultilingualUSE``), which puts a
  German/French/Spanish/Arabic sentence next to its English original.

Restatement score = ``BLEND_COS·cos + (1 − BLEND_COS)·bm25/max(bm25)`` (the issue's measured
blend); a claim is a restatement when that score reaches ``RESTATEMENT_THRESHOLD``, and is
reported ``confidence: "high"`` only from ``RESTATEMENT_CONFIDENT``. A translation is a claim
whose multilingual cosine reaches ``TRANSLATION_THRESHOLD`` while the highlight is known to be in
another language than the claim's document (a claim of unknown language, e.g. one short
sentence, is left to the restatement channels: in an English corpus it is mostly English).

Vectors come from the database (table ``claimvector``, written by the embedding worker, so every
process shares them); ``refresh()`` reads claims and vectors added since the last call (ids
are the watermarks). Exact numpy search: fine to ~100k claims per database.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from sqlalchemy import Engine, func, select

from api.matching.lexical import BM25Index
from api.matching.semantic import Encoder, VectorSet
from db.models import Claim, ClaimVector, Document, Passage

MatchType = Literal["restatement", "translation"]

# Fusion weight of the cosine against BM25/max: the issue measured MAP@5 flat for 0.6–0.8 on the
# 2022 test split; see bench/RESULTS.md "Restatements (issue 13)" for the dev figure.
BLEND_COS = 0.8
# A claim is a restatement of the highlight from this fused score. Lower: fewer tweets without
# any answer, more unrelated text answered; the dev-set trade-off is in bench/RESULTS.md.
RESTATEMENT_THRESHOLD = 0.45
# ...and a confident one ("high") from this score; below it the answer is a "suggestion".
RESTATEMENT_CONFIDENT = 0.65
# Multilingual cosine from which a claim in another language is a translation of the highlight.
TRANSLATION_THRESHOLD = 0.5
CANDIDATES = 50  # per channel, before fusion
SYNC_INTERVAL_S = 1.0

_C = Claim.__table__  # type: ignore[attr-defined]
_P = Passage.__table__  # type: ignore[attr-defined]
_D = Document.__table__  # type: ignore[attr-defined]
_V = ClaimVector.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class ClaimHit:
    claim_id: int
    score: float
    match_type: MatchType
    confidence: Literal["high", "suggestion"]
    components: dict[str, float] = field(default_factory=dict, hash=False, compare=False)


def _confidence(score: float) -> Literal["high", "suggestion"]:
    return "high" if score >= RESTATEMENT_CONFIDENT else "suggestion"


class ClaimIndex:
    """Lexical + semantic + multilingual search over the claims of one database; thread-safe."""

    def __init__(
        self,
        db: Engine,
        *,
        english: Encoder | None = None,
        multilingual: Encoder | None = None,
        sync_interval_s: float = SYNC_INTERVAL_S,
    ) -> None:
        self.db = db
        self.english = english
        self.multilingual = multilingual
        self.sync_interval_s = sync_interval_s
        self.bm25 = BM25Index()
        self.vectors: dict[str, VectorSet] = {}
        for enc in (english, multilingual):
            if enc is not None:
                self.vectors[enc.name] = VectorSet(enc.dim)
        self.language: dict[int, str | None] = {}
        self._last_claim = 0
        self._last_vector = 0
        self._last_sync = 0.0
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self.bm25)

    def embedded(self) -> dict[str, int]:
        return {name: len(v) for name, v in self.vectors.items()}

    # -- keeping in step -------------------------------------------------------------
    def refresh(self) -> int:
        """Read claims and vectors added since the last refresh; returns how many rows."""
        if not self._lock.acquire(blocking=False):
            return 0
        try:
            self._last_sync = time.monotonic()
            with self.db.connect() as conn:
                claims = conn.execute(
                    select(_C.c.id, _C.c.text, _D.c.title, _D.c.language)
                    .select_from(_C)
                    .join(_P, _P.c.id == _C.c.canonical_passage_id, isouter=True)
                    .join(_D, _D.c.id == _P.c.document_id, isouter=True)
                    .where(_C.c.id > self._last_claim)
                    .order_by(_C.c.id)
                ).all()
                names = list(self.vectors)
                vecs = (
                    conn.execute(
                        select(_V.c.id, _V.c.claim_id, _V.c.model, _V.c.vector)
                        .where(_V.c.id > self._last_vector, _V.c.model.in_(names))
                        .order_by(_V.c.id)
                    ).all()
                    if names
                    else []
                )
            for cid, text, title, lang in claims:
                self.bm25.add(int(cid), f"{text} {title or ''}")
                self.language[int(cid)] = lang
            if claims:
                self._last_claim = int(claims[-1][0])
            by_model: dict[str, tuple[list[int], list[np.ndarray]]] = {}
            for _vid, cid, model, blob in vecs:
                keys, rows = by_model.setdefault(model, ([], []))
                keys.append(int(cid))
                rows.append(np.frombuffer(blob, dtype=np.float32))
            for model, (keys, rows) in by_model.items():
                self.vectors[model].add(keys, np.stack(rows))
            if vecs:
                self._last_vector = int(vecs[-1][0])
            return len(claims) + len(vecs)
        finally:
            self._lock.release()

    def forget(self, claim_ids: list[int]) -> None:
        """Claims gone from the database (joined to another claim)."""
        for cid in claim_ids:
            self.bm25.remove(cid)
            self.language.pop(cid, None)
        for vs in self.vectors.values():
            vs.discard(claim_ids)

    def maybe_refresh(self) -> None:
        if time.monotonic() - self._last_sync >= self.sync_interval_s:
            self.refresh()

    def pending(self) -> dict[str, int]:
        """Claims not embedded yet, per model (the embedding queue's lag)."""
        with self.db.connect() as conn:
            total = conn.execute(select(func.count()).select_from(_C)).scalar() or 0
            done: dict[str, int] = dict(
                conn.execute(
                    select(_V.c.model, func.count()).group_by(_V.c.model).where(_V.c.model.in_(self.vectors))
                ).all()
            )
        return {name: max(int(total) - int(done.get(name, 0)), 0) for name in self.vectors}

    # -- search ----------------------------------------------------------------------
    def search(
        self, text: str, *, limit: int = 5, language: str | None = None, refresh: bool = True
    ) -> list[ClaimHit]:
        """Claims ``text`` restates or translates, best first (see module docstring)."""
        if refresh:
            self.maybe_refresh()
        timings: dict[str, float] = {}
        t0 = time.perf_counter()
        lexical = dict(self.bm25.search(text, CANDIDATES))
        timings["bm25_ms"] = (time.perf_counter() - t0) * 1000
        hits: dict[int, ClaimHit] = {}
        if self.english is not None:
            hits.update(self._restatements(text, lexical, timings))
        if self.multilingual is not None:
            for hit in self._translations(text, language, lexical, hits, timings):
                old = hits.get(hit.claim_id)
                if old is None or hit.score > old.score:
                    hits[hit.claim_id] = hit
        # BM25 alone is relative (bm25/max): without an encoder there is no restatement answer
        ranked = sorted(hits.values(), key=lambda h: (-h.score, h.claim_id))
        return ranked[:limit]

    def _restatements(
        self, text: str, lexical: dict[int, float], timings: dict[str, float]
    ) -> dict[int, ClaimHit]:
        assert self.english is not None
        t0 = time.perf_counter()
        qv = self.english.encode([text])[0]
        timings["embed_ms"] = (time.perf_counter() - t0) * 1000
        vs = self.vectors[self.english.name]
        t0 = time.perf_counter()
        semantic = dict(vs.search(qv, CANDIDATES))
        extra = [c for c in lexical if c not in semantic]
        semantic.update(vs.similarities(qv, extra))
        timings["vector_ms"] = (time.perf_counter() - t0) * 1000
        top = max(lexical.values(), default=0.0) or 1.0
        out = {}
        for cid in set(semantic) | set(lexical):
            cos = semantic.get(cid)
            bm = lexical.get(cid, 0.0) / top
            # not embedded yet: the lexical channel alone, at its weight
            score = (1 - BLEND_COS) * bm if cos is None else BLEND_COS * cos + (1 - BLEND_COS) * bm
            if score < RESTATEMENT_THRESHOLD:
                continue
            confidence: Literal["high", "suggestion"] = (
                "high" if score >= RESTATEMENT_CONFIDENT else "suggestion"
            )
            comps = {"fused": round(score, 4), "bm25": round(bm, 4)}
            if cos is not None:
                comps["cosine"] = round(cos, 4)
            out[cid] = ClaimHit(cid, score, "restatement", confidence, comps)
        return out

    def _translations(
        self,
        text: str,
        language: str | None,
        lexical: dict[int, float],
        english: dict[int, ClaimHit],
        timings: dict[str, float],
    ) -> list[ClaimHit]:
        assert self.multilingual is not None
        t0 = time.perf_counter()
        qv = self.multilingual.encode([text])[0]
        timings["embed_multilingual_ms"] = (time.perf_counter() - t0) * 1000
        out = []
        for cid, cos in self.vectors[self.multilingual.name].search(qv, CANDIDATES):
            if cos < TRANSLATION_THRESHOLD:
                break
            claim_lang = self.language.get(cid)
            if not (language and claim_lang and language != claim_lang):
                continue  # same language, or either unknown: the restatement channels judge it
            score = cos
            confidence: Literal["high", "suggestion"] = (
                "high" if score >= RESTATEMENT_CONFIDENT else "suggestion"
            )
            out.append(
                ClaimHit(cid, score, "translation", confidence, {"multilingual_cosine": round(cos, 4)})
            )
        return out
