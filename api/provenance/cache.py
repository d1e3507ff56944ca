"""A per-process cache of claim provenance, valid for one generation of the database.

Provenance is derived from documents, claims, attributions and responses; every change to
those is either an index event (documents added or removed) or an audit entry (curation,
review decisions, outlet edits, fact-check imports, ingestion). The generation is the pair of
their highest ids, read in one cheap query per request: when it moves, the cache empties. So
several API processes over one database never serve stale provenance, and a reader's repeated
highlights of a popular claim cost no provenance queries at all.

``sync(session, index)`` reads the generation and, in the same query, a ``LiveIndex``'s change
check, so a match costs one round trip to learn both "is the cache valid" and "is the index
current".
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, NamedTuple

from sqlalchemy import func, select
from sqlmodel import Session

from api.matching.protocol import MatchIndex
from db.models import AuditEntry, IndexEvent

MAX_CLAIMS = 20_000  # bounded memory: least recently used claims go first


class BoundedDict(OrderedDict):  # type: ignore[type-arg]
    """A dict that forgets its least recently used keys beyond ``limit``."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def __getitem__(self, key: Any) -> Any:
        value = super().__getitem__(key)
        self.move_to_end(key)
        return value

    def __setitem__(self, key: Any, value: Any) -> None:
        super().__setitem__(key, value)
        self.move_to_end(key)
        while len(self) > self.limit:
            self.popitem(last=False)


def _generation_columns() -> tuple[Any, Any]:
    return (
        select(func.max(IndexEvent.id)).scalar_subquery(),
        select(func.max(AuditEntry.id)).scalar_subquery(),
    )


def generation(session: Session) -> tuple[int | None, int | None]:
    row = session.execute(select(*_generation_columns())).one()
    return row[0], row[1]


class Synced(NamedTuple):
    """What ``ProvenanceCache.sync`` read: the generation's caches and the index's state."""

    claims: dict[int, dict[str, Any]]  # claim id -> provenance
    hits: dict[int, Any]  # passage id -> what a match shows of it (api.provenance.answer)
    index_current: bool  # the LiveIndex has applied every index event: no need to check again


class ProvenanceCache:
    """Claim provenance, and the passage/claim/document data matches show, for one generation."""

    def __init__(self, limit: int = MAX_CLAIMS) -> None:
        self._lock = threading.Lock()
        self._generation: tuple[int | None, int | None] | None = None
        self._claims: BoundedDict = BoundedDict(limit)
        self._hits: BoundedDict = BoundedDict(limit)

    def for_session(self, session: Session) -> dict[int, dict[str, Any]]:
        """The claim -> provenance mapping valid for the database as this session sees it."""
        return self._valid_for(generation(session)).claims

    def sync(self, session: Session, index: MatchIndex | None = None) -> Synced:
        """``for_session`` plus the passage cache and, in the same query, ``index``'s change check
        when one is given (``MatchIndex.change_probe``). When the index is current its search may
        skip its own check (``search(..., refresh=False)``); otherwise (or with no index)
        ``index_current`` is False and the search checks as usual."""
        if index is None:
            return self._valid_for(generation(session))
        floor, newest, count = index.change_probe()
        row = session.execute(select(*_generation_columns(), newest, count)).one()
        return self._valid_for((row[0], row[1]))._replace(
            index_current=index.is_current(floor, (row[2], row[3]))
        )

    def _valid_for(self, current: tuple[int | None, int | None]) -> Synced:
        with self._lock:
            if current != self._generation:
                self._claims = BoundedDict(self._claims.limit)
                self._hits = BoundedDict(self._hits.limit)
                self._generation = current
            return Synced(self._claims, self._hits, False)
