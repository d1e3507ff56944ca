"""Store a batch of prepared documents in one transaction, with a fixed number of statements.

Documents, passages, attributions, index events and audit rows are written with one
executemany each; reuse linking runs over the whole batch (``api.linking.reuse``). A
document whose identity is stored already is unchanged (same text) or an update (its old
version is removed, its claims carried over to the passages that kept their text).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select
from sqlmodel import Session

from api.ingest.prepare import Prepared
from api.linking.batch import LinkDocument, LinkPassage
from api.linking.outlets import resolve_outlet
from api.linking.reuse import link_documents
from api.moderation.watch import enqueue_document_events, watching
from db import crud
from db.bulk import insert_returning_ids, new_ids, one_of
from db.models import Attribution, AuditEntry, Document, IndexEvent, Passage

_D = Document.__table__  # type: ignore[attr-defined]
_P = Passage.__table__  # type: ignore[attr-defined]
_A = Attribution.__table__  # type: ignore[attr-defined]
_E = IndexEvent.__table__  # type: ignore[attr-defined]
_AU = AuditEntry.__table__  # type: ignore[attr-defined]


@dataclass(slots=True)
class Stored:
    """What happened to one prepared document."""

    prepared: Prepared
    status: str  # added | updated | unchanged
    document_id: int
    title: str | None
    passages: int = 0


@dataclass(slots=True)
class BatchResult:
    stored: list[Stored] = field(default_factory=list)
    event_ids: list[int] = field(default_factory=list)  # index events this batch wrote
    added: list[int] = field(default_factory=list)  # documents written (before the commit)
    removed: list[int] = field(default_factory=list)  # old versions of updated documents


def store_batch(
    session: Session,
    batch: list[Prepared],
    result: BatchResult,
    *,
    engine: Any,
    add_to_index: bool,
    key_id: int | None,
    actor: str,
) -> BatchResult:
    """Write ``batch`` (identities distinct) and link it, filling ``result`` as it goes (so a
    caller whose commit fails knows which documents the index was told about); the caller
    commits."""
    existing = _existing(session, [p.identity for p in batch])
    new: list[tuple[Prepared, str, dict[str, int]]] = []
    for p in batch:
        old = existing.get(p.identity)
        if old is not None and old.content_hash == p.text_hash:
            result.stored.append(Stored(p, "unchanged", old.id, old.title))
            continue
        previous: dict[str, int] = {}
        if old is not None:
            # An update keeps the claims (and their curated responses) of unchanged text.
            previous = crud.claims_by_text(session=session, document_id=old.id)
            crud.delete_document(
                session=session,
                document=session.get(Document, old.id),  # type: ignore[arg-type]
                keep_claims=True,
            )
            result.removed.append(old.id)
            if add_to_index:
                engine.remove_document(old.id)
        new.append((p, "updated" if old is not None else "added", previous))
    if not new:
        return result
    docs = [p for p, _, _ in new]
    outlets = _outlet_ids(session, docs)
    doc_ids = _insert_documents(session, docs, outlets, key_id)
    result.added += doc_ids
    links = _passages(session, docs, doc_ids)
    _insert_attributions(session, docs, doc_ids)
    for link, outlet_id, (p, _, previous) in zip(links, outlets, new, strict=True):
        link.outlet_id, link.url, link.responses, link.previous = (
            outlet_id,
            p.doc.url,
            p.responses,
            previous,
        )
    link_documents(session=session, docs=links, engine=engine, add_to_index=add_to_index)
    for _, _, previous in new:
        crud.delete_orphan_claims(session=session, claim_ids=set(previous.values()))
    if watching(session):
        for doc_id in doc_ids:
            enqueue_document_events(session=session, document_id=doc_id)
    result.event_ids = _record_events(session, doc_ids)
    _audit(session, new, doc_ids, key_id, actor)
    result.stored += [
        Stored(p, status, doc_id, p.doc.title, len(p.passages))
        for (p, status, _), doc_id in zip(new, doc_ids, strict=True)
    ]
    return result


@dataclass(slots=True)
class _Existing:
    id: int
    content_hash: str
    title: str | None


def _existing(session: Session, identities: list[str]) -> dict[str, _Existing]:
    rows = session.execute(
        select(_D.c.identity, _D.c.id, _D.c.content_hash, _D.c.title).where(
            one_of(session, _D.c.identity, identities)
        )
    ).all()
    return {r.identity: _Existing(r.id, r.content_hash, r.title) for r in rows}


def _outlet_ids(session: Session, batch: list[Prepared]) -> list[int | None]:
    return [_outlet_id(session, p.doc.outlet, p.doc.outlet_domain) for p in batch]


def _outlet_id(session: Session, name: str | None, domain: str | None = None) -> int | None:
    """Outlets named in a batch, resolved once per batch (the session lives for one batch)."""
    cache: dict[tuple[str | None, str | None], int | None] = session.info.setdefault("outlets", {})
    if (name, domain) not in cache:
        outlet = resolve_outlet(session=session, name=name, domain=domain)
        cache[(name, domain)] = outlet.id if outlet else None
    return cache[(name, domain)]


def _insert_documents(
    session: Session, batch: list[Prepared], outlets: list[int | None], key_id: int | None
) -> list[int]:
    now = datetime.now(UTC)
    rows = []
    for p, outlet_id in zip(batch, outlets, strict=True):
        d = p.doc
        rows.append(
            {
                "identity": p.identity,
                "content_hash": p.text_hash,
                "url": d.url,
                "title": d.title,
                "outlet_id": outlet_id,
                "author": d.author,
                "published_at": d.published_at,
                "date_precision": d.date_precision,
                "published_not_after": d.published_not_after,
                "date_evidence": d.date_evidence,
                "reposted_by": d.reposted_by,
                "reposted_at": d.reposted_at,
                "language": d.language,
                "text": d.text,
                "source_format": p.source_format,
                "source_name": p.source_name,
                "part_of": p.page_url if d.part_index is not None else None,
                "ingested_at": now,
                "created_by_key_id": key_id,
            }
        )
    return insert_returning_ids(session, _D, rows)


def _passages(session: Session, batch: list[Prepared], doc_ids: list[int]) -> list[LinkDocument]:
    """The batch's passages with their ids; linking writes them once their claims are known
    (one insert, where inserting first and setting the claims after wrote every row twice)."""
    ids = iter(new_ids(session, _P, sum(len(p.passages) for p in batch)))
    return [
        LinkDocument(
            id=doc_id,
            outlet_id=None,
            url=None,
            passages=[
                LinkPassage(
                    next(ids), s.ordinal, s.kind, s.text, s.norm, s.norm_hash, start=s.start, end=s.end
                )
                for s in p.passages
            ],
        )
        for p, doc_id in zip(batch, doc_ids, strict=True)
    ]


def _insert_attributions(session: Session, batch: list[Prepared], doc_ids: list[int]) -> None:
    rows = []
    for p, doc_id in zip(batch, doc_ids, strict=True):
        for a in p.doc.attributions:
            rows.append(
                {
                    "document_id": doc_id,
                    "outlet_id": _outlet_id(session, a.outlet),
                    "outlet_name": a.outlet,
                    "kind": a.kind,
                    "cited_date": a.cited_date,
                    "cited_date_precision": a.cited_date_precision,
                    "evidence": a.evidence,
                    "start": a.start,
                    "end": a.end,
                }
            )
    if rows:
        session.execute(insert(_A), rows)


def _record_events(session: Session, doc_ids: list[int]) -> list[int]:
    now = datetime.now(UTC)
    rows = session.execute(
        insert(_E).returning(_E.c.id, sort_by_parameter_order=True),
        [{"op": "add", "document_id": d, "at": now} for d in doc_ids],
    )
    return [r[0] for r in rows]


def _audit(
    session: Session,
    new: list[tuple[Prepared, str, dict[str, int]]],
    doc_ids: list[int],
    key_id: int | None,
    actor: str,
) -> None:
    now = datetime.now(UTC)
    session.execute(
        insert(_AU),
        [
            {
                "at": now,
                "actor": actor,
                "key_id": key_id,
                "action": f"document.{status}",
                "entity": "document",
                "entity_id": doc_id,
                "before": None,
                "after": {"identity": p.identity},
            }
            for (p, status, _), doc_id in zip(new, doc_ids, strict=True)
        ],
    )
