"""LiveIndex over a real database (SQLite and PostgreSQL): load, then documents added and
removed by "another process" (rows and IndexEvents inserted directly) between queries."""

from __future__ import annotations

import threading

from sqlmodel import Session, delete

from api.matching.live import LiveIndex
from db.connection import get_engine
from db.models import Document, IndexEvent, Passage
from tests.matching.conftest import seed_sentences

FLOOD = "The river flooded the old town overnight, and hundreds of residents fled to the hills."


def _add_document(session: Session, key: str, sentences: list[str], kind: str = "body") -> int:
    doc = Document(identity=key, content_hash=key, text=" ".join(sentences), source_format="txt")
    session.add(doc)
    session.flush()
    assert doc.id is not None
    for i, sent in enumerate(sentences):
        session.add(
            Passage(
                document_id=doc.id,
                ordinal=i,
                start=0,
                end=len(sent),
                text=sent,
                norm=sent.lower(),
                norm_hash=f"{doc.id}-{i}",
                kind=kind,
            )
        )
    session.add(IndexEvent(op="add", document_id=doc.id))
    session.commit()
    return doc.id


def _remove_document(session: Session, doc_id: int) -> None:
    session.exec(delete(Passage).where(Passage.document_id == doc_id))  # type: ignore[call-overload]
    session.add(IndexEvent(op="remove", document_id=doc_id))
    session.commit()


def test_load_then_follow_adds_and_removes(db_url: str, seeds_dir) -> None:  # type: ignore[no-untyped-def]
    db = get_engine(db_url)
    sentences = [s for _, s in seed_sentences(seeds_dir)]
    with Session(db) as session:
        seed_doc = _add_document(session, "seeds", sentences[:120])
        _add_document(
            session, "comments", ["A reader comment that is not indexed at all here."], kind="comment"
        )
    live = LiveIndex(db, sync_interval_ms=0)
    stats = live.load()
    assert stats.passages == 120 and stats.last_event_id >= 2
    assert live.search(sentences[5])[0].document_id == seed_doc
    assert live.search("A reader comment that is not indexed at all here.") == []
    assert live.search(FLOOD) == []
    assert live.refresh() == 0  # nothing new: one cheap check

    with Session(db) as session:
        flood_doc = _add_document(session, "flood", ["Storms hit the coast.", FLOOD])
    hits = live.search(FLOOD)
    assert hits and hits[0].document_id == flood_doc and hits[0].score == 1.0

    with Session(db) as session:
        _remove_document(session, flood_doc)
    assert live.search(FLOOD) == []
    assert live.search(sentences[5])[0].document_id == seed_doc


def test_sync_interval_throttles_refresh(sqlite_url: str) -> None:
    db = get_engine(sqlite_url)
    live = LiveIndex(db, sync_interval_ms=60_000)
    live.load()
    with Session(db) as session:
        _add_document(session, "flood", [FLOOD])
    assert live.search(FLOOD) == []  # within the interval: not seen yet
    live.refresh()
    assert live.search(FLOOD)[0].score == 1.0


def test_late_committed_event_below_the_watermark_is_applied(sqlite_url: str) -> None:
    db = get_engine(sqlite_url)
    live = LiveIndex(db, sync_interval_ms=0)
    with Session(db) as session:
        doc = _add_document(session, "flood", [FLOOD])
        # an event whose id is lower than one already seen (a slow concurrent commit)
        session.add(IndexEvent(id=50, op="add", document_id=doc))
        session.commit()
    live.load()
    with Session(db) as session:
        other = _add_document(session, "late", ["Late commits must not be lost by the index."])
        session.exec(delete(IndexEvent).where(IndexEvent.document_id == other))  # type: ignore[call-overload]
        session.add(IndexEvent(id=40, op="add", document_id=other))
        session.commit()
    assert live.search("Late commits must not be lost by the index.")[0].document_id == other


def test_concurrent_searches_during_refresh(sqlite_url: str) -> None:
    db = get_engine(sqlite_url)
    live = LiveIndex(db, sync_interval_ms=0)
    live.load()
    errors: list[BaseException] = []

    def searcher() -> None:
        try:
            for _ in range(30):
                live.search(FLOOD)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=searcher) for _ in range(4)]
    for t in threads:
        t.start()
    with Session(db) as session:
        for i in range(10):
            _add_document(session, f"d{i}", [f"{FLOOD} Number {i}."])
    for t in threads:
        t.join()
    assert not errors
    live.refresh()
    assert len(live.engine) == 10
