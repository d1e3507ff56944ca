"""``MatchIndex``: what the layers above matching (provenance, moderation, linking, HTTP) may
ask of an index, so they depend on this protocol and not on one implementation.

``live.LiveIndex`` (an in-memory ``MatchEngine`` kept in step with the database) is today's
implementation; a shared or database-backed index only has to provide the same methods.
"""

from __future__ import annotations

from typing import Any, Protocol

from api.matching.engine import MatchEngine
from api.matching.hits import PassageHit


class MatchIndex(Protocol):
    """A passage index over one database: search it, and keep it current with the database."""

    engine: MatchEngine

    def search(
        self,
        query: str,
        *,
        prefix: str | None = None,
        suffix: str | None = None,
        limit: int = 5,
        threshold: float | None = None,
        refresh: bool = True,
    ) -> list[PassageHit]:
        """Passages (part of) ``query`` comes from, best first; ``refresh=False`` when the caller
        has just seen ``is_current``."""
        ...

    def refresh(self) -> int:
        """Apply what changed in the database since the last refresh; the number of events."""
        ...

    def change_probe(self) -> tuple[int, Any, Any]:
        """``(floor, max id, count)`` subqueries for a caller's own query (see ``is_current``)."""
        ...

    def is_current(self, floor: int, state: tuple[int | None, int]) -> bool:
        """True when the probe read at ``floor`` saw exactly the events already applied."""
        ...

    def applied(self, event_ids: list[int]) -> None:
        """Events the caller applied to ``engine`` itself (ingestion adds documents directly)."""
        ...

    def resync(self, document_ids: Any) -> None:
        """Re-read these documents' passages from the database."""
        ...
