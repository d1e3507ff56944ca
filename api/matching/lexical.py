"""BM25 over claims (claim text + the titles of the documents that carry it): the lexical
restatement stage.

An in-memory inverted index (term -> growing arrays of (row, tf)); a query sums, per query
term, ``idf · tf·(k1+1) / (tf + k1·(1 − b + b·len/avglen))`` with numpy over that term's
postings. Chosen over SQLite FTS5 / PostgreSQL full text because one implementation then
scores identically on both databases, and over ``rank-bm25``/``bm25s`` because those rebuild
on every added document. Measured on CheckThat! 2022 2A dev (bench/restatements.py): see
bench/RESULTS.md, "Restatements (issue 13)".
"""

from __future__ import annotations

import math
import re
import threading
import unicodedata

import numpy as np

K1 = 1.2
B = 0.75
_WORD = re.compile(r"\w+", re.UNICODE)
# A short English function-word list: they carry no claim and only cost postings.
_STOP_LINES = (
    "a an the and or but if of at by for with about against between into through during before",
    "after above below to from up down in out on off over under again further then once here there",
    "when where why how all any both each few more most other some such no nor not only own same so",
    "than too very s t can will just don should now i me my we our you your he him his she her it",
    "its they them their what which who whom this that these those am is are was were be been being",
    "have has had having do does did doing would could rt amp https http co www com",
)
STOPWORDS = frozenset(" ".join(_STOP_LINES).split())


def terms(text: str) -> list[str]:
    """Lower-cased, accent-folded word tokens without stopwords (tweets' URLs are dropped)."""
    text = re.sub(r"https?://\S+|pic\.twitter\.com/\S+", " ", text)
    folded = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return [w for w in _WORD.findall(folded) if w not in STOPWORDS and len(w) > 1]


class _Postings:
    __slots__ = ("n", "rows", "tfs")

    def __init__(self) -> None:
        self.rows = np.zeros(4, dtype=np.int32)
        self.tfs = np.zeros(4, dtype=np.float32)
        self.n = 0

    def append(self, row: int, tf: int) -> None:
        if self.n == len(self.rows):
            self.rows = np.concatenate([self.rows, np.zeros(self.n, dtype=np.int32)])
            self.tfs = np.concatenate([self.tfs, np.zeros(self.n, dtype=np.float32)])
        self.rows[self.n] = row
        self.tfs[self.n] = tf
        self.n += 1


class BM25Index:
    """Keys (claim ids) with a bag of words each; add/replace/remove; thread-safe."""

    def __init__(self) -> None:
        self._postings: dict[str, _Postings] = {}
        self._keys: list[int] = []
        self._lengths = np.zeros(0, dtype=np.float32)
        self._alive = np.zeros(0, dtype=bool)
        self._row_of: dict[int, int] = {}
        self._total_len = 0.0
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._row_of)

    def add(self, key: int, text: str) -> None:
        """Index ``text`` under ``key`` (replacing what the key had)."""
        words = terms(text)
        with self._lock:
            self._remove(key)
            row = len(self._keys)
            self._keys.append(key)
            if row >= len(self._lengths):
                grow = max(row + 1, 2 * len(self._lengths), 64)
                self._lengths = np.resize(self._lengths, grow)
                self._alive = np.concatenate([self._alive, np.zeros(grow - len(self._alive), dtype=bool)])
            self._lengths[row] = len(words)
            self._alive[row] = True
            self._row_of[key] = row
            self._total_len += len(words)
            counts: dict[str, int] = {}
            for w in words:
                counts[w] = counts.get(w, 0) + 1
            for w, tf in counts.items():
                p = self._postings.get(w)
                if p is None:
                    p = self._postings[w] = _Postings()
                p.append(row, tf)

    def remove(self, key: int) -> None:
        with self._lock:
            self._remove(key)

    def _remove(self, key: int) -> None:
        row = self._row_of.pop(key, None)
        if row is not None:
            self._alive[row] = False
            self._total_len -= float(self._lengths[row])

    def search(self, query: str, k: int) -> list[tuple[int, float]]:
        """The ``k`` best keys by BM25, best first (score > 0 only)."""
        q = set(terms(query))
        with self._lock:
            n_rows = len(self._keys)
            n_docs = len(self._row_of)
            if not q or not n_docs:
                return []
            avg = max(self._total_len / n_docs, 1.0)
            scores = np.zeros(n_rows, dtype=np.float32)
            lengths = self._lengths[:n_rows]
            for w in q:
                p = self._postings.get(w)
                if p is None:
                    continue
                rows, tfs = p.rows[: p.n], p.tfs[: p.n]
                df = int(self._alive[rows].sum())
                if not df:
                    continue
                idf = math.log(1.0 + (n_docs - df + 0.5) / (df + 0.5))
                denom = tfs + K1 * (1.0 - B + B * lengths[rows] / avg)
                scores[rows] += idf * tfs * (K1 + 1.0) / denom
            scores[~self._alive[:n_rows]] = 0.0
            keys = self._keys
        k = min(k, n_rows)
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(keys[i], float(scores[i])) for i in top if scores[i] > 0]
