"""A claim as the API and the CLI show it: text, every appearance with offsets, provenance."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from api.errors import NotFound
from api.provenance.answer import claim_json, document_json
from api.provenance.timeline import claim_provenance, earliest_passage, relation_to
from db.models import Claim, Document, Outlet, Passage


def claim_detail(
    *,
    session: Session,
    claim_id: int,
    base_url: str = "",
    provenance_cache: dict[int, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    claim = session.get(Claim, claim_id)
    if claim is None:
        raise NotFound(f"no claim {claim_id}")
    canonical = earliest_passage(session=session, claim_id=claim_id)
    rows = session.exec(
        select(Passage, Document)
        .join(Document, col(Document.id) == Passage.document_id)
        .where(Passage.claim_id == claim_id)
        .order_by(col(Document.id), col(Passage.ordinal))
    ).all()
    appearances = []
    for passage, doc in rows:
        outlet = session.get(Outlet, doc.outlet_id) if doc.outlet_id else None
        appearances.append(
            {
                "passage_id": passage.id,
                "text": passage.text,
                "start": passage.start,
                "end": passage.end,
                "ordinal": passage.ordinal,
                "relation": "original"
                if canonical and passage.id == canonical.id
                else relation_to(canonical, passage)
                if canonical
                else None,
                "document": document_json(doc, outlet),
            }
        )
    return {
        "claim": claim_json(claim, base_url),
        "appearances": appearances,
        "provenance": _provenance(session, claim_id, provenance_cache),
    }


def _provenance(session: Session, claim_id: int, cache: dict[int, dict[str, Any]] | None) -> dict[str, Any]:
    if cache is None:
        return claim_provenance(session=session, claim_id=claim_id)
    if claim_id not in cache:
        cache[claim_id] = claim_provenance(session=session, claim_id=claim_id)
    return cache[claim_id]
