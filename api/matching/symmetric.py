"""Reuse candidates that do not depend on arrival order: passages sharing rare features.

The ranked search (``index.batch_top_candidates``) keeps a text's few rarest features, and which
are rarest depends on what is indexed already: an edited copy could find its original when the
original was stored first and not the other way round (the demo corpus: the Harbor Tribune's
"An engineer had claimed ..." found the Coastal Ledger's sentence only when the Ledger came
first, so 4 of its 24 file orders gave other claims). This search is symmetric: a text's
candidates are the indexed passages that share at least ``min_shared`` of its features, counting
only features held by at most ``max_df`` indexed passages. Whether two passages share such
features does not depend on which of them arrives first (document frequencies only grow: a
feature rare in the whole corpus was rare at every arrival), so a copy finds a late original as
surely as the original finds the copy. Only postings of rare features are read: no scan.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from api.matching.index import ShingleIndex, feature_keys, token_hashes
from api.text.normalize import tokens


def rare_feature_candidates(
    index: ShingleIndex,
    norms: Sequence[str],
    alive: np.ndarray,
    pids: np.ndarray,
    *,
    max_df: int,
    min_shared: int,
    per_text: int,
    below: Sequence[int] | None = None,
) -> list[list[int]]:
    """Per text, up to ``per_text`` live slots sharing the most (at least ``min_shared``) of
    its features held by at most ``max_df`` indexed passages; ties by slot. ``below`` (a
    passage id per text) keeps only slots whose passage id (``pids``) is smaller: a batch in the
    index searching itself, each text seeing the earlier documents only (its own posting then
    counts in ``max_df``, which is a bound on the corpus either way)."""
    result: list[list[int]] = [[] for _ in norms]
    recent = index.recent_tokens
    toks = [recent[n] if n in recent else tokens(n) for n in norms]
    lens = np.fromiter(map(len, toks), dtype=np.int64, count=len(toks))
    if int(lens.sum()) == 0:
        return result
    hashes = token_hashes([t for ts in toks for t in ts])
    owners = np.repeat(np.arange(len(norms), dtype=np.int64), lens)
    keys, owners = feature_keys(hashes, owners.astype(np.int32))
    owners = owners.astype(np.int64)
    # one vote per distinct (text, feature): a repeated word or pair counts once
    order = np.lexsort((keys, owners))
    keys, owners = keys[order], owners[order]
    distinct = np.ones(len(keys), dtype=np.bool_)
    distinct[1:] = (keys[1:] != keys[:-1]) | (owners[1:] != owners[:-1])
    keys, owners = keys[distinct], owners[distinct]
    # each distinct feature looked up once (a batch's texts share many)
    unique_keys, inverse = np.unique(keys, return_inverse=True)
    unique_df, unique_bounds = index.document_frequency(unique_keys)
    df = unique_df[inverse]
    rare = (df > 0) & (df <= max_df)
    if not rare.any():
        return result
    owners, at = owners[rare], inverse[rare]
    slot_parts, owner_parts = [], []
    for seg, left, right in unique_bounds:
        left, right = left[at], right[at]
        lens = right - left
        if not lens.any():
            continue
        which = np.repeat(np.arange(len(lens)), lens)
        starts = np.repeat(left - (np.cumsum(lens) - lens), lens)
        slot_parts.append(seg.slots[starts + np.arange(int(lens.sum()))].astype(np.int64))
        owner_parts.append(owners[which])
    if not slot_parts:
        return result
    slots, owner_of = np.concatenate(slot_parts), np.concatenate(owner_parts)
    keep = alive[slots]
    if below is not None:
        keep &= pids[slots] < np.asarray(below, dtype=np.int64)[owner_of]
    slots, owner_of = slots[keep], owner_of[keep]
    if len(slots) == 0:
        return result
    width = int(slots.max()) + 1
    pairs, counts = np.unique(owner_of * width + slots, return_counts=True)
    enough = counts >= min_shared
    pairs, counts = pairs[enough], counts[enough]
    p_owner, p_slot = pairs // width, pairs % width
    ranked = np.lexsort((p_slot, -counts, p_owner))
    rank = np.arange(len(ranked)) - np.searchsorted(p_owner[ranked], p_owner[ranked], side="left")
    for i in ranked[rank < per_text]:
        result[int(p_owner[i])].append(int(p_slot[i]))
    return result
