"""``LiveIndex``: a ``MatchEngine`` built from the database and kept in step with it.

``load()`` reads every indexed passage (kinds ``INDEXED_KINDS``) with one streamed plain
select. Ingestion (any process) writes an ``IndexEvent(op, document_id)`` after it has
inserted or deleted a document's passages; ``refresh()`` reads the events it has not
seen and re-reads those documents' passages (the database is the truth: a document whose
passages are gone is simply dropped, so "add" and "remove" are handled alike and
replaying an event is harmless).

Ids of concurrent transactions may commit out of order (an event with a lower id can
appear after a higher one was read), so the cheap change check looks at
``max(id), count(*)`` over the last ``REPLAY_WINDOW`` ids — one primary-key range scan —
and events already applied in that window are remembered and skipped.

A caller that queries the database anyway (the API, once per match) can fold that check into
its own query: ``change_probe()`` gives the two columns, ``is_current(floor, state)`` says
whether what they read is what has been applied, and ``search(..., refresh=False)`` then skips
the index's own check (and its connection checkout).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, ScalarSelect, func, select

from api.matching.candidates import near_duplicates
from api.matching.engine import MatchEngine, Row
from api.matching.hits import PassageHit
from api.matching.protocol import MatchIndex
from api.matching.snapshot import Snapshot, current_name, open_snapshot, write_snapshot, writer_lock
from db.connection import read_engine
from db.models import IndexEvent, Passage

INDEXED_KINDS = ("body", "quote", "heading")
LOAD_BATCH = 50_000  # rows per fetch and per add_many while loading
REPLAY_WINDOW = 1_000  # event ids re-checked for late commits
_DOCS_PER_QUERY = 500  # IN (...) list size when re-reading documents

log = logging.getLogger(__name__)

_P = Passage.__table__  # type: ignore[attr-defined]
_E = IndexEvent.__table__  # type: ignore[attr-defined]


# A process that has added this many passages since its snapshot (and at least
# SNAPSHOT_SHARE of the snapshot's size) writes a new one when asked (``maybe_snapshot``, at the
# end of an ingest run): small ingests into a big index leave the snapshot alone (a rewrite costs
# about a second per 100k passages), big ones make the next process open current in seconds.
SNAPSHOT_MIN_PASSAGES = 10_000
SNAPSHOT_SHARE = 0.05
# A running process switches to a newer snapshot another process wrote once it has added at
# least this many passages since its own base (below that, keeping them costs less than reopening).
REOPEN_MIN_PASSAGES = 1_000


@dataclass(frozen=True, slots=True)
class LoadStats:
    passages: int
    seconds: float
    last_event_id: int
    source: str = "database"  # or "snapshot"


class LiveIndex:
    """A ``MatchEngine`` over a database (see module docstring); thread-safe."""

    def __init__(
        self,
        db: Engine,
        *,
        engine: MatchEngine | None = None,
        sync_interval_ms: int = 1000,
        kinds: tuple[str, ...] = INDEXED_KINDS,
        snapshot_dir: Path | None = None,
    ) -> None:
        self.db = db
        self.snapshot_dir = snapshot_dir  # None: no snapshots, every load reads the database
        self._snapshot_name: str | None = None
        self.engine = engine or MatchEngine()
        self.sync_interval_ms = sync_interval_ms
        self.kinds = kinds
        self._last_id = 0  # events up to here (minus late ones in the window) are applied
        self._seen: set[int] = set()  # applied ids inside the replay window
        self._window_state: tuple[int | None, int] = (None, 0)
        self._last_sync = 0.0
        self._refresh_lock = threading.Lock()

    # -- loading ---------------------------------------------------------------------
    def load(self) -> LoadStats:
        """Open the newest snapshot and catch up from the database's events; without a usable
        snapshot, build from the database and write one (one process at a time: the others
        wait for it and open what it wrote)."""
        if self.snapshot_dir is None:
            return self.build()
        built: LoadStats | None = None
        try:
            opened = self._open_current()
            if opened is not None:
                return opened
            with writer_lock(self.snapshot_dir):
                opened = self._open_current()
                if opened is not None:
                    return opened
                built = self.build()
                if built.passages:
                    self._write_snapshot()
                return built
        except OSError as exc:  # a directory it may not create or write: serve anyway, say why
            log.warning("index snapshots unavailable in %s (%s); using the database", self.snapshot_dir, exc)
            self.snapshot_dir = None
            return built if built is not None else self.build()

    def _open_current(self) -> LoadStats | None:
        assert self.snapshot_dir is not None
        started = time.perf_counter()
        snap = open_snapshot(self.snapshot_dir)
        if snap is None or snap.meta.get("kinds") != list(self.kinds):
            return None
        with self.db.connect() as conn:
            if _identity(conn, snap.last_event_id) != snap.meta.get("identity"):
                return None  # another database, or this one restored to an earlier state
        with self._refresh_lock:
            self._adopt(snap)
        self.refresh()
        return LoadStats(len(self.engine), time.perf_counter() - started, self._last_id, "snapshot")

    def _adopt(self, snap: Snapshot) -> None:
        """Serve from ``snap`` (the caller holds the refresh lock); events after it are applied
        by the next ``refresh``."""
        self.engine = MatchEngine.from_base(snap.columns, snap.postings, threshold=self.engine.threshold)
        self._last_id = snap.last_event_id
        self._seen = {int(i) for i in snap.meta.get("seen", [])}
        self._window_state = (None, 0)
        self._snapshot_name = snap.name

    def maybe_snapshot(self) -> str | None:
        """Write a new snapshot if this process has moved far enough from its own (see
        ``SNAPSHOT_MIN_PASSAGES``); returns its name, or None when none was written."""
        if self.snapshot_dir is None:
            return None
        added = self.engine.passages_since_base()
        base = len(self.engine) - added
        if added < max(SNAPSHOT_MIN_PASSAGES, SNAPSHOT_SHARE * base):
            return None
        try:
            return self.write_snapshot()
        except OSError as exc:  # a full disk must not fail the ingest that has been stored
            log.warning("could not write an index snapshot in %s: %s", self.snapshot_dir, exc)
            return None

    def write_snapshot(self) -> str:
        """Publish this process's index as the new snapshot (under the directory's write lock)."""
        assert self.snapshot_dir is not None
        with writer_lock(self.snapshot_dir):
            return self._write_snapshot()

    def _write_snapshot(self) -> str:
        assert self.snapshot_dir is not None
        with self._refresh_lock:  # the engine and the applied events agree while exporting
            columns, postings = self.engine.export_base()
            with self.db.connect() as conn:
                identity = _identity(conn, self._last_id)
            meta = {
                "last_event_id": self._last_id,
                "seen": sorted(self._seen),
                "identity": identity,
                "kinds": list(self.kinds),
            }
            name = write_snapshot(self.snapshot_dir, columns, postings, meta)
            self._snapshot_name = name
            return name

    def _maybe_reopen(self) -> None:
        """Switch to a newer snapshot another process published, when this process has grown
        enough beside its own base to be worth it (the new base holds those passages)."""
        if self.snapshot_dir is None:
            return
        name = current_name(self.snapshot_dir)
        if name is None or name == self._snapshot_name:
            return
        if self.engine.passages_since_base() < REOPEN_MIN_PASSAGES:
            return
        snap = open_snapshot(self.snapshot_dir)
        if snap is None or snap.meta.get("kinds") != list(self.kinds) or snap.last_event_id < self._floor():
            self._snapshot_name = name  # not usable, or older than what we hold: do not retry
            return
        with self.db.connect() as conn:
            if _identity(conn, snap.last_event_id) != snap.meta.get("identity"):
                self._snapshot_name = name
                return
        self._adopt(snap)

    def build(self) -> LoadStats:
        """(Re)build the engine from every indexed passage in the database."""
        started = time.perf_counter()
        with self._refresh_lock:
            with self.db.connect() as conn:
                # watermark first: events during the load are replayed (harmless)
                last = conn.execute(select(func.max(_E.c.id))).scalar() or 0
                window = (
                    conn.execute(
                        select(_E.c.id).where(_E.c.id > max(last - REPLAY_WINDOW, 0), _E.c.id <= last)
                    )
                    .scalars()
                    .all()
                )
            engine = MatchEngine(threshold=self.engine.threshold)
            count = 0
            for batch in self._stream(
                select(_P.c.id, _P.c.text, _P.c.document_id, _P.c.ordinal).where(_P.c.kind.in_(self.kinds))
            ):
                count += engine.add_many(batch)
            self.engine = engine
            self._last_id, self._seen = last, set(window)
            self._window_state = (None, 0)
            self._last_sync = time.monotonic()
        return LoadStats(count, time.perf_counter() - started, last)

    def _stream(self, query) -> Iterator[list[Row]]:  # type: ignore[no-untyped-def]
        with self.db.connect() as conn:
            result = conn.execution_options(stream_results=True, yield_per=LOAD_BATCH).execute(
                query.order_by(_P.c.id)
            )
            for part in result.partitions(LOAD_BATCH):
                yield [(int(r[0]), r[1], int(r[2]), int(r[3])) for r in part]

    # -- keeping in step -------------------------------------------------------------
    def refresh(self) -> int:
        """Apply index events not seen yet; returns how many documents were re-read."""
        if not self._refresh_lock.acquire(blocking=False):
            return 0  # another thread is refreshing; searching the current state is fine
        try:
            self._last_sync = time.monotonic()
            self._maybe_reopen()
            floor = self._floor()
            # autocommit on PostgreSQL: the check is one round trip, not BEGIN + query + ROLLBACK
            with read_engine(self.db).connect() as conn:
                state = tuple(
                    conn.execute(select(func.max(_E.c.id), func.count()).where(_E.c.id > floor)).one()
                )
                if state == self._window_state:
                    return 0
                events = conn.execute(
                    select(_E.c.id, _E.c.document_id).where(_E.c.id > floor).order_by(_E.c.id)
                ).all()
            fresh = [(int(i), int(d)) for i, d in events if i not in self._seen]
            docs = sorted({d for _, d in fresh})
            rows = self._document_rows(docs)
            for doc in docs:
                self.engine.remove_document(doc)
            self.engine.add_many(rows)
            self._remember([i for i, _ in fresh], state)
            return len(docs)
        finally:
            self._refresh_lock.release()

    def applied(self, event_ids: list[int]) -> None:
        """Bulk ingestion added its documents to the engine itself, before committing: mark
        its events as applied so that ``refresh()`` does not read those documents again."""
        with self._refresh_lock:
            self._remember(list(event_ids), (None, 0))

    def resync(self, document_ids: Iterable[int]) -> None:
        """Make the engine agree with the database on these documents again (after a failed
        bulk transaction had added or removed them)."""
        docs = sorted(set(document_ids))
        if not docs:
            return
        with self._refresh_lock:
            rows = self._document_rows(docs)
            for doc in docs:
                self.engine.remove_document(doc)
            self.engine.add_many(rows)

    def _floor(self) -> int:
        return max(self._last_id - REPLAY_WINDOW, 0)

    def change_probe(self) -> tuple[int, ScalarSelect, ScalarSelect]:  # type: ignore[type-arg]
        """``(floor, max id, count)``: the change check of ``refresh()`` as two scalar subqueries
        for the caller to put in a query of its own; hand the floor and the two values read to
        ``is_current``."""
        floor = self._floor()
        newer = _E.c.id > floor
        return (
            floor,
            select(func.max(_E.c.id)).where(newer).scalar_subquery(),
            select(func.count()).select_from(_E).where(newer).scalar_subquery(),
        )

    def is_current(self, floor: int, state: tuple[int | None, int]) -> bool:
        """True when a ``change_probe`` read at ``floor`` saw exactly the events already applied,
        i.e. ``refresh()`` would find nothing to do (a probe taken before a concurrent refresh moved
        the floor is not current: the caller then refreshes, which is harmless)."""
        return floor == self._floor() and tuple(state) == self._window_state

    def _remember(self, ids: list[int], state: tuple) -> None:
        if ids:
            self._last_id = max(self._last_id, *ids)
        self._seen.update(ids)
        floor = max(self._last_id - REPLAY_WINDOW, 0)
        self._seen = {i for i in self._seen if i > floor}
        # the state was read with the old floor; if the floor moved, re-read next time
        self._window_state = state if not ids else (None, 0)

    def _document_rows(self, docs: Iterable[int]) -> list[Row]:
        docs = list(docs)
        rows: list[Row] = []
        for i in range(0, len(docs), _DOCS_PER_QUERY):
            chunk = docs[i : i + _DOCS_PER_QUERY]
            query = select(_P.c.id, _P.c.text, _P.c.document_id, _P.c.ordinal).where(
                _P.c.document_id.in_(chunk), _P.c.kind.in_(self.kinds)
            )
            for batch in self._stream(query):
                rows.extend(batch)
        return rows

    def maybe_refresh(self) -> None:
        """Refresh if ``sync_interval_ms`` has passed since the last one (0 = always)."""
        if (time.monotonic() - self._last_sync) * 1000 >= self.sync_interval_ms:
            self.refresh()

    # -- search ----------------------------------------------------------------------
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
        """The engine's search, after ``maybe_refresh()`` unless ``refresh`` is False (the caller
        has just seen ``is_current``)."""
        if refresh:
            self.maybe_refresh()
        return self.engine.search(query, prefix=prefix, suffix=suffix, limit=limit, threshold=threshold)

    def near_duplicates(self, texts: list[str], *, min_similarity: float) -> list[tuple[int, float] | None]:
        self.maybe_refresh()
        return near_duplicates(self.engine, texts, min_similarity=min_similarity)


def _identity(conn: Connection, last_event_id: int) -> dict[str, list[object]]:
    """What tells this database (and its history up to ``last_event_id``) from another one: the
    id and time of its first index event and of the event at the watermark. A database made
    anew, or restored to before the watermark, answers differently."""
    first = conn.execute(select(_E.c.id, _E.c.at).order_by(_E.c.id).limit(1)).first()
    last = conn.execute(select(_E.c.at).where(_E.c.id == last_event_id)).scalar() if last_event_id else None
    return {
        "first": [None, None] if first is None else [int(first[0]), str(first[1])],
        "last": [last_event_id, None if last is None else str(last)],
    }


def _conforms(index: LiveIndex) -> MatchIndex:
    """mypy checks here that ``LiveIndex`` provides the ``MatchIndex`` protocol."""
    return index
