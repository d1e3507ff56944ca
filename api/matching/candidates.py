"""Reuse candidates for ingestion, in one vectorized pass per document.

For each new passage: the most similar indexed passage (``fuzz.ratio`` of normalized text,
for edited copies) and every indexed passage it contains or is contained in nearly verbatim
(``fuzz.partial_ratio``, for excerpts and quotations). Exact copies are found by hash first.
``near_duplicates`` is the closest-text search alone. This is the batch form of what
``MatchEngine.search`` does for one highlight, without the alignment, context and multi-part
work a reader's query needs: ingestion calls it for every passage, so it must cost a few
microseconds of Python per passage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import fuzz

from api.matching.engine import MatchEngine
from api.matching.index import ShingleIndex, batch_top_candidates
from api.matching.symmetric import rare_feature_candidates
from api.text.normalize import normalize, tokens

# Candidates checked per passage: the copy itself, plus the intro and the quote a passage
# can hold when another site printed them as separate paragraphs.
CANDIDATES_PER_TEXT = 4
# Rarest features that vote per text: few are enough in a large index, where a shared rare
# bigram almost always means a shared sentence.
FEATURES_PER_TEXT = 4
# A candidate this similar (or an excerpt) counts as a passage the two documents share, for the
# document-level support of weaker links (``api.linking.batch.SUPPORTED_SIMILARITY``); the
# same bar as the near-duplicate one there (kept here: matching does not import linking).
STRONG_SIMILARITY = 0.80
# Symmetric candidates (``api.matching.symmetric``) beside the ranked ones: every indexed passage
# sharing RARE_SHARED or more features that RARE_DF or fewer indexed passages hold, at most
# RARE_PER_TEXT of them (the most shared first). RARE_DF trades candidates scored per text (cost)
# against the pairs whose finding does not depend on arrival order; RARE_SHARED keeps out
# passages that share a name and a word. METER dev, forward vs reverse order, claims differing
# in membership for RARE_DF/RARE_SHARED/RARE_PER_TEXT (main-process CPU seconds of the forward
# ingest, load 7-8, before the two-sided support of api.linking.batch): without 464 (1.2 s);
# 8/2/8 69 (1.7 s); 16/3/8 55 (1.55 s); 16/2/16 45 (1.8 s); 32/4/8 43 (1.7 s). Quality figures
# did not move (bench/RESULTS.md, "Order independence on METER").
RARE_DF = 32
RARE_SHARED = 4
RARE_PER_TEXT = 8
_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+")


@dataclass(slots=True)
class ReuseCandidates:
    best: tuple[int, float] | None = None  # (passage_id, similarity 0-1) of the closest
    contained: list[int] = field(default_factory=list)  # excerpt/quotation relations
    near: list[int] = field(default_factory=list)  # every candidate >= STRONG_SIMILARITY
    # (passage, document, words of the passage) of every candidate >= min_similarity
    weak: list[tuple[int, int, int]] = field(default_factory=list)
    best_document: int | None = None  # the document of ``best``
    documents: set[int] = field(default_factory=set)  # of ``best`` and ``contained``
    # (passage, document, words) of every exact copy, candidate >= STRONG_SIMILARITY or excerpt
    shared: list[tuple[int, int, int]] = field(default_factory=list)


def reuse_candidates(
    engine: MatchEngine,
    texts: list[str],
    *,
    norms: list[str] | None = None,
    min_similarity: float,
    excerpt_similarity: float,
    min_excerpt_tokens: int,
    below: list[int] | None = None,
    per_text: int = CANDIDATES_PER_TEXT,
    features: int = FEATURES_PER_TEXT,
) -> list[ReuseCandidates]:
    """Per text, its closest indexed passage and the passages it contains or is contained in.

    ``below`` (one passage id per text) keeps only indexed passages with a smaller id: a batch
    of documents indexed together searches itself, each document seeing only the earlier ones
    (the texts are then in the index themselves, which the choice of features allows for).
    """
    if norms is None:  # callers that stored the normalized texts pass them
        norms = [normalize(t) for t in texts]
    out = [ReuseCandidates() for _ in texts]
    with engine._lock:
        store = engine._store
        source = engine._source
        pids = store.passage_ids.view()
        owners: list[int] = []  # the passage each searched text belongs to
        searched: list[str] = []
        for i, norm in enumerate(norms):
            same = store.norm_slots(norm) if norm else None
            if same and below is not None:
                same = [s for s in same if pids[s] < below[i]]
            if same:
                out[i].best = (int(pids[same[0]]), 1.0)
                out[i].contained.extend(int(pids[s]) for s in same[1:])
                docs = store.document_ids.view()
                out[i].best_document = int(docs[same[0]])
                out[i].documents.update(int(docs[s]) for s in same)
                words = norm.count(" ") + 1
                out[i].shared.extend((int(pids[s]), int(docs[s]), words) for s in same)
            for piece in _search_texts(norm, min_excerpt_tokens):
                owners.append(i)
                searched.append(piece)
        if not searched or not isinstance(source, ShingleIndex):
            return out
        found = batch_top_candidates(
            source,
            searched,
            store.alive.full(),
            per_text=per_text,
            features=features,
            indexed_too=below is not None,
        )
        if below is not None:
            found = _only_below(found, owners, below, pids)
        slots_of: dict[int, list[int]] = {}
        for i, slots in zip(owners, found, strict=True):
            merged = slots_of.setdefault(i, [])
            merged.extend(s for s in slots if s not in merged)
        rare = rare_feature_candidates(
            source,
            norms,
            store.alive.full(),
            pids,
            max_df=RARE_DF,
            min_shared=RARE_SHARED,
            per_text=RARE_PER_TEXT,
            below=below,
        )
        for i, slots in enumerate(rare):
            if slots:
                merged = slots_of.setdefault(i, [])
                merged.extend(s for s in slots if s not in merged)
        for i, slots in slots_of.items():
            _score(
                out[i], norms[i], slots, store, pids, min_similarity, excerpt_similarity, min_excerpt_tokens
            )
    return out


def _only_below(
    found: list[list[int]], owners: list[int], below: list[int], pids: np.ndarray
) -> list[list[int]]:
    """Drop candidate slots whose passage id is not below their text's bound (one vectorized
    lookup of the passage ids, not one numpy scalar per candidate)."""
    flat = [s for slots in found for s in slots]
    if not flat:
        return found
    pid_of = dict(zip(flat, pids[np.asarray(flat, dtype=np.int64)].tolist(), strict=True))
    return [[s for s in slots if pid_of[s] < below[i]] for i, slots in zip(owners, found, strict=True)]


def _search_texts(norm: str, min_tokens: int) -> list[str]:
    """The passage, and each of its sentences when it holds several: a passage that contains
    two stored ones (an intro and its quote, two sentences another site printed apart) must
    find both, and the rarest words of the whole passage may all sit in one of them."""
    if not norm:
        return []
    pieces = [p for p in _SENTENCE_END.split(norm) if len(p.split()) >= min_tokens]
    return [norm, *pieces] if len(pieces) > 1 else [norm]


def _score(
    result: ReuseCandidates,
    norm: str,
    slots: list[int],
    store,
    pids,  # type: ignore[no-untyped-def]
    min_similarity: float,
    excerpt_similarity: float,
    min_excerpt_tokens: int,
) -> None:
    cutoff = min_similarity * 100
    mine = _Text(norm)
    at = np.asarray(slots, dtype=np.int64)
    strong = STRONG_SIMILARITY * 100
    # passage and document ids in one vectorized lookup each, not a numpy scalar per candidate
    for slot, pid, doc in zip(slots, pids[at].tolist(), store.document_ids.view()[at].tolist(), strict=True):
        other = store.norms[slot]
        if other == norm:  # an exact copy: both ratios are 100, nothing to compute
            sim, contained = 100.0, mine.tokens() >= min_excerpt_tokens
        else:
            sim = fuzz.ratio(norm, other, score_cutoff=cutoff)
            contained = _contains(mine, _Text(other), excerpt_similarity, min_excerpt_tokens)
        if sim and (result.best is None or sim / 100 > result.best[1]):
            result.best = (pid, sim / 100)
            result.best_document = doc
        if contained and pid not in result.contained:
            result.contained.append(pid)
        if sim >= strong or contained:
            result.documents.add(doc)
            result.shared.append((pid, doc, other.count(" ") + 1))
        if sim:
            result.weak.append((pid, doc, other.count(" ") + 1))  # slots are distinct: no pair twice
            if sim >= strong:
                result.near.append(pid)


class _Text:
    """A normalized text with its words and token count, computed once when first needed (a
    searched text is compared with several candidates)."""

    __slots__ = ("_tokens", "_words", "norm")

    def __init__(self, norm: str) -> None:
        self.norm = norm
        self._words: list[str] | None = None
        self._tokens: int | None = None

    def words(self) -> list[str]:
        if self._words is None:
            self._words = self.norm.split()
        return self._words

    def tokens(self) -> int:
        if self._tokens is None:
            self._tokens = len(tokens(self.norm))
        return self._tokens


def _contains(a: _Text, b: _Text, similarity: float, min_tokens: int) -> bool:
    """Whether the shorter of the two is a near-verbatim excerpt of the longer."""
    shorter, longer = (a, b) if len(a.norm) <= len(b.norm) else (b, a)
    if not _may_contain(longer.norm, shorter.words()) or shorter.tokens() < min_tokens:
        return False
    return bool(fuzz.partial_ratio(shorter.norm, longer.norm, score_cutoff=similarity))


def _may_contain(longer: str, words: list[str]) -> bool:
    """Cheap necessary condition for a near-verbatim excerpt: nearly every word of the shorter
    text (``words``) occurs in the longer (two words cut at the window's edges, and one in five
    edited, may differ). Most candidates share only a rare word or two, and fail here after a
    few words at a fraction of ``partial_ratio``'s cost (substring tests: no word sets to build)."""
    allowed = 2 + len(words) // 5
    for word in words:
        if word not in longer:
            allowed -= 1
            if allowed < 0:
                return False
    return True


# Candidate documents per passage for document-level reuse: a rewritten story shares rare
# words with its source in most sentences, so a few candidates per sentence find it.
DOCUMENT_CANDIDATES_PER_TEXT = 8
# Features voting per text for document candidates: four times the passage search's, since a rewritten
# sentence's rarest words are often the newspaper's own (METER dev: 4 features and 4 candidates
# left 7 wholly derived stories without their PA candidate, 16 and 8 leave 2-3).
DOCUMENT_FEATURES_PER_TEXT = 16


def candidate_documents(engine: MatchEngine, document_id: int) -> set[int]:
    """The indexed documents whose passages share the rarest features of ``document_id``'s
    (its own excluded): where a document-level reuse relation may be. Symmetric enough that
    it does not depend on which of two documents arrived first (both are in the index)."""
    with engine._lock:
        store, source = engine._store, engine._source
        slots = store.document_slots(document_id)
        # each sentence of a passage too: a short story of one paragraph has few features else
        norms = [piece for s in slots for piece in _search_texts(store.norms[s], 5)]
        if not norms or not isinstance(source, ShingleIndex):
            return set()
        found = batch_top_candidates(
            source,
            norms,
            store.alive.full(),
            per_text=DOCUMENT_CANDIDATES_PER_TEXT + 1,
            features=DOCUMENT_FEATURES_PER_TEXT,
            indexed_too=True,
        )
        flat = sorted({s for hit in found for s in hit})
        if not flat:
            return set()
        docs = store.document_ids.view()[np.asarray(flat, dtype=np.int64)].tolist()
    return {int(d) for d in docs} - {document_id}


def near_duplicates(
    engine: MatchEngine, texts: list[str], *, min_similarity: float
) -> list[tuple[int, float] | None]:
    """For each text, ``(passage_id, similarity)`` of the most similar indexed passage
    with ``fuzz.ratio`` of normalized texts ≥ ``min_similarity`` (0–1), else None.
    Exact normalized matches are found by hash; the rest through one vectorized
    candidate search for the whole batch."""
    norms = [normalize(t) for t in texts]
    out: list[tuple[int, float] | None] = [None] * len(texts)
    with engine._lock:
        store = engine._store
        pids = store.passage_ids.view()
        todo = []
        for i, norm in enumerate(norms):
            same = store.norm_slots(norm) if norm else None
            if same:
                out[i] = (int(pids[same[0]]), 1.0)
            elif norm:
                todo.append(i)
        if not todo or not isinstance(engine._source, ShingleIndex):
            return out
        found = batch_top_candidates(engine._source, [norms[i] for i in todo], store.alive.full())
        cutoff = min_similarity * 100
        for i, slots in zip(todo, found, strict=True):
            best = None
            for slot in slots:
                sim = fuzz.ratio(norms[i], store.norms[slot], score_cutoff=cutoff)
                if sim and (best is None or sim > best[1]):
                    best = (int(pids[slot]), sim / 100)
                    cutoff = sim
            out[i] = best
            cutoff = min_similarity * 100
    return out
