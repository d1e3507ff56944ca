"""A per-process cache of claim provenance, valid for one generation of the database.

Provenance is derived from documents, claims, attributions and responses; every change to
those is either an index event (documents added or removed) or an audit entry (curation,
review decisions, outlet edits, fact-check imports, ingestion). The generation is the pair of
their highest ids, read in one cheap query per request: when it moves, the cache empties. So
several API processes over one database never serve stale provenance, and a reader's repeated
highlights of a popular claim cost no provenance queries at all.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

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


def generation(session: Session) -> tuple[int | None, int | None]:
    row = session.execute(
        select(select(func.max(IndexEvent.id)).scalar_subquery(),
               select(func.max(AuditEntry.id)).scalar_subquery())
    ).one()
    return row[0], row[1]


class ProvenanceCache:
    def __init__(self, limit: int = MAX_CLAIMS) -> None:
        self._lock = threading.Lock()
        self._generation: tuple[int | None, int | None] | None = None
        self._claims: BoundedDict = BoundedDict(limit)

    def for_session(self, session: Session) -> dict[int, dict[str, Any]]:
        """The claim -> provenance mapping valid for the database as this session sees it."""
        current = generation(session)
        with self._lock:
            if current != self._generation:
                self._claims = BoundedDict(self._claims.limit)
                self._generation = current
            return self._claims
