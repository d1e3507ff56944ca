"""Ingestion: read -> prepare (extract, split, read statements) -> store -> link.

The stages live in their own modules; this one only composes them and reports what happened.
Many inputs (a folder, a JSONL file) are stored ``batch_size`` documents per transaction; one
input (an API call) in a transaction of its own. A document that fails is reported with its
reason and rolled back alone: the rest goes in, and nothing already stored is touched. The same
input twice changes nothing (documents are identified by URL, or by the hash of their clean text).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from api.errors import ClaimScopeError
from api.ingest import fetch as fetcher
from api.ingest.prepare import Prepared, Rejected, content_hash, identity_of, norm_hash, prepare
from api.ingest.sources import SourceItem, iter_paths, read_path
from api.matching.live import LiveIndex
from api.pipeline.store import BatchResult, Stored, store_batch
from api.pipeline.workers import prepared
from api.settings import Settings, index_directory
from api.text.types import RawDocument
from db.maintenance import refresh_statistics

__all__ = ["Ingestor", "Outcome", "Report", "content_hash", "identity_of", "norm_hash"]

FIRST_BATCH = 25  # documents in the first batch of a run; later ones double up to batch_size


@dataclass(slots=True)
class Outcome:
    """What happened to one input (or one post of a multi-post page)."""

    name: str
    status: str  # added | unchanged | updated | rejected
    document_id: int | None = None
    title: str | None = None
    passages: int = 0
    reason: str | None = None
    part: int | None = None

    def as_dict(self) -> dict[str, object]:
        return {k: getattr(self, k) for k in self.__slots__}  # type: ignore[attr-defined]


@dataclass(slots=True)
class Report:
    outcomes: list[Outcome] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def split_pages(self) -> int:
        return len({o.name for o in self.outcomes if o.part is not None})

    @property
    def passages(self) -> int:
        return sum(o.passages for o in self.outcomes if o.status in ("added", "updated"))

    def summary(self) -> dict[str, int]:
        return {
            "added": self.count("added"),
            "updated": self.count("updated"),
            "unchanged": self.count("unchanged"),
            "rejected": self.count("rejected"),
            "split_pages": self.split_pages,
            "passages": self.passages,
        }


class Ingestor:
    """Stores documents and keeps the match index and claims in step with them."""

    def __init__(
        self,
        engine: Engine,
        *,
        settings: Settings,
        index: object | None = None,
        key_id: int | None = None,
        actor: str = "cli",
        batch_size: int | None = None,
        workers: int | None = None,
    ) -> None:
        self.engine = engine
        self.settings = settings
        self.index = index  # a LiveIndex; created lazily when None
        self.key_id = key_id
        self.actor = actor
        self.batch_size = batch_size or settings.ingest_batch_documents
        self.workers = settings.ingest_workers if workers is None else workers

    # --- many inputs: batches ---------------------------------------------------------------
    def ingest_paths(
        self, paths: Iterable[str | Path], *, on_item: Callable[[Outcome], None] | None = None
    ) -> Report:
        max_bytes = self.settings.max_document_bytes
        items = (item for path in iter_paths(list(paths)) for item in read_path(path, max_bytes=max_bytes))
        return self.ingest_items(items, on_item=on_item)

    def ingest_items(
        self, items: Iterable[SourceItem], *, on_item: Callable[[Outcome], None] | None = None
    ) -> Report:
        """Ingest many inputs, ``batch_size`` documents per transaction; the report lists them
        in input order. A batch that fails is stored again one document at a time, so a bad
        document is reported alone and the others go in."""
        report = Report()

        def emit(outcomes: list[Outcome]) -> None:
            for outcome in outcomes:
                report.outcomes.append(outcome)
                if on_item:
                    on_item(outcome)

        ready = prepared(
            items,
            max_bytes=self.settings.max_document_bytes,
            workers=self.workers,
            ahead=2 * self.batch_size,
        )
        for batch in _batches(ready, self.batch_size):
            emit(self._store_many(batch))
        if isinstance(self.index, LiveIndex):
            # a big run publishes a snapshot, so the next process opens it current in seconds
            self.index.maybe_snapshot()
        return report

    def _store_many(self, batch: list[Prepared | Rejected]) -> list[Outcome]:
        docs = [p for p in batch if isinstance(p, Prepared)]
        if len(docs) <= 1:
            return [self._store_alone(p) if isinstance(p, Prepared) else _rejected(p) for p in batch]
        index = self.live_index()
        result = BatchResult()
        try:
            with Session(self.engine, expire_on_commit=False) as session:
                store_batch(
                    session,
                    docs,
                    result,
                    engine=index.engine,
                    add_to_index=True,
                    key_id=self.key_id,
                    actor=self.actor,
                )
                session.commit()
        except (ClaimScopeError, SQLAlchemyError, ValueError):
            # the index was told about documents that are not stored after all
            index.resync(result.added + result.removed)
            return [self._store_alone(p) if isinstance(p, Prepared) else _rejected(p) for p in batch]
        index.applied(result.event_ids)
        refresh_statistics(self.engine)  # the next batch's lookups are planned with them
        by_doc = {id(s.prepared): _outcome(s) for s in result.stored}
        return [by_doc[id(p)] if isinstance(p, Prepared) else _rejected(p) for p in batch]

    # --- one input ----------------------------------------------------------------------------
    def ingest_item(self, item: SourceItem) -> list[Outcome]:
        if item.raw is None:
            return [Outcome(item.name, "rejected", reason=item.rejected)]
        return self.ingest_raw(item.raw)

    def ingest_url(self, url: str) -> list[Outcome]:
        try:
            final, ctype, body = fetcher.fetch(
                url,
                timeout_s=self.settings.fetch_timeout_s,
                max_bytes=self.settings.max_document_bytes,
                max_redirects=self.settings.fetch_max_redirects,
                allow_private=self.settings.allow_private_fetch,
            )
        except ClaimScopeError as exc:
            return [Outcome(url, "rejected", reason=exc.message)]
        fmt = "html" if "html" in ctype or body.lstrip()[:1] == "<" else "txt"
        raw = RawDocument(content=body, source_format=fmt, source_name=url, url=final)
        return self.ingest_raw(raw)

    def ingest_raw(self, raw: RawDocument) -> list[Outcome]:
        """One input (a page of several posts gives several documents), each stored in its own
        transaction and published to the index before the next one is linked."""
        return [
            self._store_alone(p) if isinstance(p, Prepared) else _rejected(p)
            for p in prepare(raw, max_bytes=self.settings.max_document_bytes)
        ]

    def _store_alone(self, prepared: Prepared) -> Outcome:
        # Link against the index *before* it holds this document, so that a passage is never
        # found as its own duplicate; then publish the document to every index.
        index = self.live_index()
        try:
            with Session(self.engine, expire_on_commit=False) as session:
                result = store_batch(
                    session,
                    [prepared],
                    BatchResult(),
                    engine=index.engine,
                    add_to_index=False,
                    key_id=self.key_id,
                    actor=self.actor,
                )
                session.commit()
        except ClaimScopeError as exc:
            return Outcome(prepared.name, "rejected", reason=exc.message, part=prepared.part)
        except SQLAlchemyError as exc:
            # the database refused this document (a constraint, a value it cannot hold): report
            # it like any other bad input; what is already stored is untouched
            reason = f"the database refused the document: {type(getattr(exc, 'orig', None) or exc).__name__}"
            return Outcome(prepared.name, "rejected", reason=reason, part=prepared.part)
        index.refresh()
        return _outcome(result.stored[0])

    def live_index(self):  # type: ignore[no-untyped-def]
        if self.index is None:
            self.index = LiveIndex(self.engine, snapshot_dir=index_directory(self.settings))
            self.index.load()
        self.index.refresh()  # type: ignore[attr-defined]
        return self.index


def _batches(items: Iterable[Prepared | Rejected], size: int) -> Iterator[list[Prepared | Rejected]]:
    """Groups of up to ``size`` documents; an identity seen again starts a new group, so that
    the second copy is stored after the first (and found unchanged, or as its update).

    The first groups are smaller (FIRST_BATCH, doubling up to ``size``): storing starts as soon
    as the worker has prepared a few documents instead of a whole batch, which was a fifth of
    the time of a 700-document folder (bench/provenance.py at 10k passages)."""
    batch: list[Prepared | Rejected] = []
    seen: set[str] = set()
    count = 0
    limit = min(FIRST_BATCH, size)
    for item in items:
        if isinstance(item, Prepared):
            if item.identity in seen or count >= limit:
                yield batch
                batch, seen, count = [], set(), 0
                limit = min(2 * limit, size)
            seen.add(item.identity)
            count += 1
        batch.append(item)
    if batch:
        yield batch


def _outcome(stored: Stored) -> Outcome:
    p = stored.prepared
    passages = stored.passages if stored.status != "unchanged" else 0
    return Outcome(p.name, stored.status, stored.document_id, stored.title, passages, part=p.part)


def _rejected(r: Rejected) -> Outcome:
    return Outcome(r.name, "rejected", reason=r.reason, part=r.part)
