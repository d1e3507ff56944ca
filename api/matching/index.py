"""Stage 1 of matching: an in-memory candidate index of hashed word shingles.

Every passage contributes one feature per word (unigram) and one per pair of adjacent
words (bigram), hashed to 64 bits. Token hashes are stable (blake2b of the token, not
Python's per-process ``hash``): which features count as the rarest, and so which passages a
text finds, is decided among equally rare features by their keys, and that must not depend
on ``PYTHONHASHSEED`` (issue 19). Postings live in *segments*: immutable numpy arrays
``keys`` (sorted feature hashes) and ``slots`` (passage slot per posting), looked up with
``searchsorted``. New passages become a new small segment; segments are merged in a
log-structured way (a new segment is merged into the previous one while it is at least
half its size), so adding n passages costs O(n log n) and a lookup touches O(log n)
segments. Removed passages are masked by the caller's ``alive`` array and dropped from
postings at the next merge; ``compact`` rewrites everything in one segment.

A query keeps only its ``RAREST_FEATURES`` rarest features present in the index (rare
shingles carry the identity of a passage; typos and cut words only remove a few of them),
each passage gets an IDF-weighted vote per shared feature, and the ``k`` best-voted slots
are the candidates. No query scans the corpus.

``CandidateSource`` is the protocol the engine needs, so another stage (embeddings) can
be plugged in beside or instead of this one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Protocol

import numpy as np

from api.text.normalize import tokens

# How many of a query's rarest features vote. More features = more robust to noise (each
# typo kills up to three features) but more postings to gather; 16 keeps p99 low at 1M.
RAREST_FEATURES = 16
# Stop adding (ever more common) features once this many postings have been gathered;
# the rarest feature is always used.
POSTINGS_BUDGET = 30_000
# Texts of the last add whose tokens are kept for a search that follows (an ingestion batch).
RECENT_TOKENS_MAX = 20_000
# Merge a new segment into its predecessor while it is at least this share of its size.
MERGE_RATIO = 0.5
# Distinct tokens whose stable hash is remembered; past this the memo starts again (about
# 100 bytes a token: a few tens of MB at most, and a corpus's common words come back first).
TOKEN_HASH_MEMO_MAX = 500_000

_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_UNI_SALT = np.uint64(0x9E3779B97F4A7C15)
_BI_MULT = np.uint64(0xD6E8FEB86659FD93)


class CandidateSource(Protocol):
    """What the engine asks of a candidate generator."""

    def add(self, slots: np.ndarray, norms: Sequence[str], alive: np.ndarray | None = None) -> None: ...

    def candidates(self, norm: str, k: int, alive: np.ndarray) -> list[tuple[int, float]]: ...

    def compact(self, alive: np.ndarray) -> None: ...

    def memory_bytes(self) -> int: ...


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64 finalizer: spreads token hashes over all 64 bits."""
    x = x ^ (x >> np.uint64(30))
    x = x * _MIX1
    x = x ^ (x >> np.uint64(27))
    x = x * _MIX2
    return x ^ (x >> np.uint64(31))


class _TokenHashes(dict[str, int]):
    """Memo of stable 64-bit token hashes (blake2b; Python's ``hash`` of a str changes with
    ``PYTHONHASHSEED``, and the order of equally rare features follows the hashes). A lookup
    of a known token costs what ``hash`` did: the dict uses the str's cached hash."""

    def __missing__(self, token: str) -> int:
        digest = hashlib.blake2b(token.encode("utf-8", "surrogatepass"), digest_size=8).digest()
        value = int.from_bytes(digest, "little", signed=True)
        if len(self) >= TOKEN_HASH_MEMO_MAX:
            self.clear()
        self[token] = value
        return value


_token_hash = _TokenHashes().__getitem__


def token_hashes(toks: Sequence[str]) -> np.ndarray:
    """Stable hashes of tokens, the same in every process (see ``_TokenHashes``)."""
    return np.fromiter(map(_token_hash, toks), dtype=np.int64, count=len(toks)).view(np.uint64)


def feature_keys(hashes: np.ndarray, owners: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Unigram and bigram feature keys of a flat token-hash array; ``owners`` marks which
    passage each token belongs to (bigrams never cross passages)."""
    uni = _mix(hashes ^ _UNI_SALT)
    same = owners[:-1] == owners[1:]
    bi = _mix(hashes[:-1] * _BI_MULT + hashes[1:])[same]
    return np.concatenate([uni, bi]), np.concatenate([owners, owners[:-1][same]])


def query_keys(norm: str) -> np.ndarray:
    """Distinct feature keys of one normalized text."""
    toks = tokens(norm)
    if not toks:
        return np.empty(0, dtype=np.uint64)
    keys, _ = feature_keys(token_hashes(toks), np.zeros(len(toks), dtype=np.int32))
    return np.unique(keys)


@dataclass(frozen=True, slots=True)
class Segment:
    keys: np.ndarray  # uint64, sorted
    slots: np.ndarray  # int32, sorted by (key, slot)

    @staticmethod
    def build(keys: np.ndarray, slots: np.ndarray) -> Segment:
        order = np.argsort(keys, kind="stable")  # slots arrive ascending: stays sorted
        keys, slots = keys[order], slots[order]
        if len(keys) > 1:  # a word twice in a passage votes once
            dup = (keys[1:] == keys[:-1]) & (slots[1:] == slots[:-1])
            if dup.any():
                keep = np.concatenate([[True], ~dup])
                keys, slots = keys[keep], slots[keep]
        return Segment(keys, slots)

    @staticmethod
    def merge(old: Segment, new: Segment, alive: np.ndarray | None) -> Segment:
        """One sorted segment of both, in linear time (no sort: both are sorted already); for
        one key, old (smaller) slots stay before new ones, as a stable sort would keep them."""
        at = np.searchsorted(old.keys, new.keys, side="right") + np.arange(len(new.keys))
        keys = np.empty(len(old) + len(new), dtype=old.keys.dtype)
        slots = np.empty(len(keys), dtype=np.result_type(old.slots, new.slots))
        from_old = np.ones(len(keys), dtype=np.bool_)
        from_old[at] = False
        keys[at], slots[at] = new.keys, new.slots
        keys[from_old], slots[from_old] = old.keys, old.slots
        if alive is not None:
            live = alive[slots]
            if not live.all():
                keys, slots = keys[live], slots[live]
        return Segment(keys, slots)

    def __len__(self) -> int:
        return len(self.keys)

    def remapped(self, remap: np.ndarray) -> Segment:
        """The postings with every slot ``s`` renamed ``remap[s]`` (all live: ``remap >= 0``);
        still sorted by (key, slot), re-sorted only when the renaming changes slot order."""
        slots = remap[self.slots].astype(np.int32)
        same_key = self.keys[1:] == self.keys[:-1]
        disorder = np.flatnonzero(same_key & (slots[1:] < slots[:-1]))
        if len(disorder) == 0:
            return Segment(self.keys, slots)
        # only the keys whose postings the renaming put out of order are re-sorted (a re-read
        # document's postings, in its words' lists): a sort of all postings took ~10 s at 1M
        group = np.empty(len(self.keys), dtype=np.int64)
        group[0] = 0
        np.cumsum(~same_key, out=group[1:])
        bad = np.zeros(int(group[-1]) + 1, dtype=np.bool_)
        bad[group[disorder]] = True
        at = np.flatnonzero(bad[group])
        order = np.lexsort((slots[at], group[at]))
        slots[at] = slots[at][order]
        return Segment(self.keys, slots)


class ShingleIndex:
    """Hashed word 1- and 2-shingles with IDF-weighted voting (see module docstring)."""

    def __init__(self, base: Segment | None = None) -> None:
        self._segments: list[Segment] = [] if base is None else [base]
        # a base segment mapped from an index snapshot is shared by every process on the
        # machine: later segments never merge into it (that would copy it into this process)
        self._frozen = 0 if base is None else 1
        self._postings = 0 if base is None else len(base)
        self.recent_tokens: dict[str, list[str]] = {}

    def add(self, slots: np.ndarray, norms: Sequence[str], alive: np.ndarray | None = None) -> None:
        """Index passages ``norms`` under ``slots`` (ascending, newer than any indexed);
        ``alive`` (indexed by slot) lets merges drop postings of removed passages."""
        toks = [tokens(n) for n in norms]
        # kept until the next add: a batch that searches itself right after joining the index
        # (ingestion) does not tokenize its texts twice; not kept for a bulk load
        small = len(norms) <= RECENT_TOKENS_MAX
        self.recent_tokens = dict(zip(norms, toks, strict=True)) if small else {}
        lens = np.fromiter(map(len, toks), dtype=np.int64, count=len(toks))
        total = int(lens.sum())
        if total == 0:
            return
        hashes = np.fromiter(map(_token_hash, chain.from_iterable(toks)), dtype=np.int64, count=total).view(
            np.uint64
        )
        owners = np.repeat(np.asarray(slots, dtype=np.int32), lens)
        keys, owner_keys = feature_keys(hashes, owners)
        self._push(Segment.build(keys, owner_keys), alive)

    def _push(self, segment: Segment, alive: np.ndarray | None) -> None:
        segs = self._segments
        segs.append(segment)
        while len(segs) > self._frozen + 1 and len(segs[-1]) >= MERGE_RATIO * len(segs[-2]):
            new = segs.pop()
            old = segs.pop()
            segs.append(Segment.merge(old, new, alive))
        self._postings = sum(len(s) for s in segs)

    def merged(self, alive: np.ndarray) -> Segment:
        """All postings of live passages as one segment (the segments are left as they are)."""
        if not self._segments:
            return Segment(np.empty(0, dtype=np.uint64), np.empty(0, dtype=np.int32))
        merged = self._segments[0]
        for seg in self._segments[1:]:
            merged = Segment.merge(merged, seg, alive)
        live = alive[merged.slots]
        return Segment(merged.keys[live], merged.slots[live])

    def compact(self, alive: np.ndarray) -> None:
        """Rewrite all segments as one, dropping postings of removed passages."""
        if not self._segments:
            return
        self._segments = [self.merged(alive)]
        self._frozen = 0
        self._postings = len(self._segments[0])

    def memory_bytes(self) -> int:
        """Private memory of the postings (a mapped base segment is shared, not counted)."""
        return sum(s.keys.nbytes + s.slots.nbytes for s in self._segments[self._frozen :])

    def document_frequency(self, keys: np.ndarray) -> tuple[np.ndarray, list[tuple]]:
        """Postings count per key, and per segment the (left, right) bounds."""
        df = np.zeros(len(keys), dtype=np.int64)
        bounds = []
        for seg in self._segments:
            left = np.searchsorted(seg.keys, keys, side="left")
            right = np.searchsorted(seg.keys, keys, side="right")
            df += right - left
            bounds.append((seg, left, right))
        return df, bounds

    def candidates(self, norm: str, k: int, alive: np.ndarray) -> list[tuple[int, float]]:
        """The ``k`` best-voted live slots for a normalized text, with their vote weight
        (sum of the IDF of the shared rare features), best first."""
        keys = query_keys(norm)
        if len(keys) == 0 or not self._segments:
            return []
        df, bounds = self.document_frequency(keys)
        chosen = self._choose_features(df)
        if len(chosen) == 0:
            return []
        n_total = max(self._postings, 1)
        parts, weights = [], []
        for i in chosen:
            idf = float(np.log1p(n_total / df[i]))
            for seg, left, right in bounds:
                if right[i] > left[i]:
                    parts.append(seg.slots[left[i] : right[i]])
                    weights.append(np.full(right[i] - left[i], idf, dtype=np.float32))
        return _top_votes(np.concatenate(parts), np.concatenate(weights), k, alive)

    @staticmethod
    def _choose_features(df: np.ndarray) -> np.ndarray:
        present = np.flatnonzero(df > 0)
        if len(present) == 0:
            return present
        rarest = present[np.argsort(df[present], kind="stable")][:RAREST_FEATURES]
        within = np.cumsum(df[rarest]) <= POSTINGS_BUDGET
        within[0] = True
        return rarest[within]


def _top_votes(slots: np.ndarray, weights: np.ndarray, k: int, alive: np.ndarray) -> list[tuple[int, float]]:
    live = alive[slots]
    if not live.all():
        slots, weights = slots[live], weights[live]
    if len(slots) == 0:
        return []
    uniq, inverse = np.unique(slots, return_inverse=True)
    votes = np.bincount(inverse, weights=weights)
    top = np.argpartition(-votes, k - 1)[:k] if len(uniq) > k else np.arange(len(uniq))
    top = top[np.argsort(-votes[top], kind="stable")]
    return [(int(uniq[i]), float(votes[i])) for i in top]


def _expand_ranges(left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """All positions of the ranges ``[left[i], right[i])`` and, per position, its ``i``."""
    lens = right - left
    total = int(lens.sum())
    which = np.repeat(np.arange(len(lens)), lens)
    offsets = np.arange(total) - np.repeat(np.cumsum(lens) - lens, lens)
    return left[which] + offsets, which


def batch_top_candidates(
    index: ShingleIndex,
    norms: Sequence[str],
    alive: np.ndarray,
    *,
    features: int = 4,
    max_df: int = 100,
    per_text: int = 2,
    indexed_too: bool = False,
) -> list[list[int]]:
    """Vectorized candidate search for many texts at once (near-duplicate detection):
    per text, the ``per_text`` live slots sharing the most of its ``features`` rarest
    features (features more common than ``max_df`` never vote).

    ``indexed_too``: every text is itself in the index (a batch searching itself); its own
    posting is not counted when choosing the rarest features, or they would be the words only
    it has, which find nothing else (the caller drops the text's own slot from the result)."""
    result: list[list[int]] = [[] for _ in norms]
    recent = index.recent_tokens
    toks = [recent[n] if n in recent else tokens(n) for n in norms]
    lens = np.fromiter(map(len, toks), dtype=np.int64, count=len(toks))
    total = int(lens.sum())
    if total == 0 or not index._segments:
        return result
    hashes = np.fromiter(map(_token_hash, chain.from_iterable(toks)), np.int64, count=total)
    owners = np.repeat(np.arange(len(norms), dtype=np.int32), lens)
    keys, owners = feature_keys(hashes.view(np.uint64), owners)
    by_key = np.argsort(keys)  # sorted needles make searchsorted cache-friendly (~10x)
    keys, owners = keys[by_key], owners[by_key]
    # Each distinct key is looked up once: common words recur across a batch, and a passage's
    # sentences (searched beside it) repeat its own keys, so about half the needles are repeats.
    first = np.empty(len(keys), dtype=np.bool_)
    first[0] = True
    np.not_equal(keys[1:], keys[:-1], out=first[1:])
    distinct = np.cumsum(first) - 1
    df, bounds = index.document_frequency(keys[first])
    df = df[distinct]
    bounds = [(seg, left[distinct], right[distinct]) for seg, left, right in bounds]
    others = df - 1 if indexed_too else df
    usable = (others > 0) & (df <= max_df)
    keys, owners, df = keys[usable], owners[usable], df[usable]
    bounds = [(seg, left[usable], right[usable]) for seg, left, right in bounds]
    order = np.lexsort((df, owners))  # by text, then rarest first
    group_start = np.searchsorted(owners[order], owners[order], side="left")
    chosen = order[np.arange(len(order)) - group_start < features]
    slot_parts, owner_parts, weight_parts = [], [], []
    idf = np.log1p(max(index._postings, 1) / df)
    for seg, left, right in bounds:
        pos, which = _expand_ranges(left[chosen], right[chosen])
        slot_parts.append(seg.slots[pos])
        owner_parts.append(owners[chosen][which])
        weight_parts.append(idf[chosen][which])
    slots = np.concatenate(slot_parts).astype(np.int64)
    owner_of = np.concatenate(owner_parts).astype(np.int64)
    weights = np.concatenate(weight_parts)
    live = alive[slots]
    slots, owner_of, weights = slots[live], owner_of[live], weights[live]
    if len(slots) == 0:
        return result
    pair = owner_of * (int(slots.max()) + 1) + slots
    uniq, inverse = np.unique(pair, return_inverse=True)
    votes = np.bincount(inverse, weights=weights)
    u_owner, u_slot = uniq // (int(slots.max()) + 1), uniq % (int(slots.max()) + 1)
    order = np.lexsort((-votes, u_owner))
    rank = np.arange(len(order)) - np.searchsorted(u_owner[order], u_owner[order], side="left")
    for i in order[rank < per_text]:
        result[int(u_owner[i])].append(int(u_slot[i]))
    return result
