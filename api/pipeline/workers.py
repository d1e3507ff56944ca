"""Prepare inputs in worker processes while the caller stores the previous ones.

Preparing (extraction, splitting, reading official statements) is pure CPU and independent per
input; storing and linking must run in order in one process. With ``workers`` processes the two
overlap. Inputs go out in chunks, at most ``workers * IN_FLIGHT`` chunks at a time, so memory
stays bounded however long the input; results come back in input order. Small inputs (one
chunk) are prepared in the calling process: starting a worker costs more than they do.
"""

from __future__ import annotations

import multiprocessing
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice

from api.ingest.prepare import Prepared, Rejected, prepare
from api.ingest.sources import SourceItem

CHUNK = 32  # inputs per task: enough to amortize the round trip, small enough to keep order
IN_FLIGHT = 4  # chunks queued per worker, at least


def prepare_item(item: SourceItem, max_bytes: int) -> list[Prepared | Rejected]:
    if item.raw is None:
        return [Rejected(item.name, item.rejected or "unreadable")]
    return prepare(item.raw, max_bytes=max_bytes)


def _prepare_chunk(items: list[SourceItem], max_bytes: int) -> list[Prepared | Rejected]:
    return [p for item in items for p in prepare_item(item, max_bytes)]


def prepared(
    items: Iterable[SourceItem], *, max_bytes: int, workers: int, ahead: int = 0
) -> Iterator[Prepared | Rejected]:
    """Every input prepared, in input order. ``ahead``: how many inputs the workers may
    prepare beyond the one being read; a caller that takes a batch of n inputs at a time
    passes 2n, or the workers would sit idle while it stores each batch and it would wait
    for them at the start of the next (measured: a third of the wall time, at n = 200)."""
    source = iter(items)
    first = list(islice(source, CHUNK))
    rest = list(islice(source, 1))
    if workers <= 0 or not rest:
        for item in first + rest:
            yield from prepare_item(item, max_bytes)
        yield from (p for item in source for p in prepare_item(item, max_bytes))
        return
    chunks = _chunks(first + rest, source)
    # fork: the worker starts with the modules (and the date parser's caches) already loaded
    context = multiprocessing.get_context("fork" if sys.platform == "linux" else None)
    in_flight = max(workers * IN_FLIGHT, -(-ahead // CHUNK))
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        pending: deque[Future[list[Prepared | Rejected]]] = deque()
        for chunk in chunks:
            pending.append(pool.submit(_prepare_chunk, chunk, max_bytes))
            if len(pending) >= in_flight:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()


def _chunks(head: list[SourceItem], source: Iterator[SourceItem]) -> Iterator[list[SourceItem]]:
    for i in range(0, len(head), CHUNK):
        yield head[i : i + CHUNK]
    while chunk := list(islice(source, CHUNK)):
        yield chunk
