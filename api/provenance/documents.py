"""Document-level reuse: which indexed documents a document copies, and which copy it.

Derived from the claims the documents share, at read time, so it never depends on the order
documents were ingested in. Coverage is the share of the document's claim passages that also
appear in the other document.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, func
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from api.linking.outlets import outlet_json
from db.models import Attribution, Document, Outlet, Passage

# A document sharing at least this share of its claim passages with an earlier one is a copy
# of it; below it, it only quotes or excerpts it.
REPUBLICATION_COVERAGE = 0.5
UNDATED = "9999"


def _date_key(doc: Document) -> tuple[str, str]:
    return ((doc.published_at or doc.published_not_after or UNDATED)[:16], doc.content_hash)


def shared_claims(*, session: Session, document_id: int) -> dict[int, int]:
    """other document id -> number of this document's claim passages found in it."""
    mine, theirs = aliased(Passage), aliased(Passage)
    rows = session.exec(
        select(theirs.document_id, func.count(func.distinct(mine.id)))
        .select_from(mine)
        .join(
            theirs,
            and_(
                col(theirs.claim_id) == col(mine.claim_id), col(theirs.document_id) != col(mine.document_id)
            ),
        )
        .where(col(mine.document_id) == document_id, col(mine.claim_id).is_not(None))
        .group_by(col(theirs.document_id))
    ).all()
    return {int(doc_id): int(n) for doc_id, n in rows}


def claim_passage_count(*, session: Session, document_id: int) -> int:
    return session.exec(
        select(func.count())
        .select_from(Passage)
        .where(Passage.document_id == document_id, col(Passage.claim_id).is_not(None))
    ).one()


def reuse_relations(*, session: Session, document_id: int) -> list[dict[str, Any]]:
    doc = session.get(Document, document_id)
    if doc is None:
        return []
    total = max(claim_passage_count(session=session, document_id=document_id), 1)
    out: list[dict[str, Any]] = []
    for other_id, shared in shared_claims(session=session, document_id=document_id).items():
        other = session.get(Document, other_id)
        if other is None:
            continue
        coverage = shared / total
        earlier = _date_key(other) < _date_key(doc)
        if coverage >= REPUBLICATION_COVERAGE:
            relation = "republishes" if earlier else "republished_by"
        else:
            relation = "quotes" if earlier else "quoted_by"
        outlet = session.get(Outlet, other.outlet_id) if other.outlet_id else None
        out.append(
            {
                "relation": relation,
                "coverage": round(coverage, 4),
                "shared_passages": shared,
                "document": {
                    "id": other.id,
                    "title": other.title,
                    "url": other.url,
                    "published_at": other.published_at,
                    "outlet": outlet_json(outlet),
                },
            }
        )
    out.sort(key=lambda r: (-r["coverage"], r["document"]["id"]))
    return out


def document_sources(*, session: Session, document_id: int) -> list[dict[str, Any]]:
    """What this document republishes: indexed originals first, then outlets it names."""
    sources = [
        {**r["document"], "document_id": r["document"]["id"], "coverage": r["coverage"], "in_index": True}
        for r in reuse_relations(session=session, document_id=document_id)
        if r["relation"] == "republishes"
    ]
    named = session.exec(
        select(Attribution).where(
            Attribution.document_id == document_id,
            col(Attribution.kind).in_(["republished_from", "original_source", "source_line", "via"]),
        )
    ).all()
    for a in named:
        outlet = session.get(Outlet, a.outlet_id) if a.outlet_id else None
        name = outlet.name if outlet else a.outlet_name
        if any((s.get("outlet") or {}).get("name") == name for s in sources):
            continue
        sources.append(
            {
                "document_id": None,
                "title": None,
                "url": None,
                "published_at": a.cited_date,
                "in_index": False,
                "outlet": outlet_json(outlet) or {"name": name, "domain": None, "kind": "unknown"},
                "evidence": a.evidence,
            }
        )
    return sources
