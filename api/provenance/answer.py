"""Answers for the public contract: a highlight in, matched claims with provenance out.

Shared by ``POST /v1/match``, ``claimscope match`` and the benchmarks. Plain Python.
"""

from __future__ import annotations

import time
from typing import Any

from sqlmodel import Session, col, select

from api.provenance.outlets import outlet_json
from api.provenance.timeline import claim_provenance
from db.models import Claim, Document, Outlet, Passage


def document_json(doc: Document, outlet: Outlet | None) -> dict[str, Any]:
    return {
        "id": doc.id, "title": doc.title, "url": doc.url, "published_at": doc.published_at,
        "date_precision": doc.date_precision, "not_after": doc.published_not_after,
        "outlet": outlet_json(outlet),
    }


def claim_json(claim: Claim, base_url: str = "") -> dict[str, Any]:
    return {"id": claim.id, "text": claim.text, "url": f"{base_url}/claims/{claim.id}"}


def _page_document(session: Session, page_url: str | None) -> Document | None:
    if not page_url:
        return None
    url = page_url.strip().split("#", 1)[0]
    return session.exec(
        select(Document).where(col(Document.url).in_([url, url.rstrip("/"), url + "/"]))
    ).first()


def _claims_of_document(session: Session, doc_id: int) -> set[int]:
    rows = session.exec(
        select(Passage.claim_id).where(Passage.document_id == doc_id, col(Passage.claim_id).is_not(None))
    ).all()
    return {r for r in rows if r is not None}


def match_text(
    *,
    session: Session,
    index: Any,
    text: str,
    prefix: str | None = None,
    suffix: str | None = None,
    page_url: str | None = None,
    limit: int = 5,
    threshold: float | None = None,
    base_url: str = "",
    provenance_cache: dict[int, dict[str, Any]] | None = None,
    refresh_index: bool = True,
) -> dict[str, Any]:
    """``provenance_cache`` (claim id -> provenance), when given, is read and filled, so a batch
    of highlights computes each claim's provenance once. ``refresh_index=False`` tells a
    ``LiveIndex`` it need not check the database for changes (the caller just did:
    ``ProvenanceCache.sync``)."""
    started = time.perf_counter()
    extra = {} if refresh_index else {"refresh": False}
    hits = index.search(text, prefix=prefix, suffix=suffix, limit=max(limit * 3, 10),
                        threshold=threshold, **extra)
    page_doc = _page_document(session, page_url)
    page_claims = _claims_of_document(session, page_doc.id) if page_doc and page_doc.id else set()
    matches: list[dict[str, Any]] = []
    seen_claims: set[int] = set()
    rows = _hit_rows(session, hits)
    # a hit's claim (None for headings and boilerplate: _hit_rows keeps only passages of claims)
    claim_of: dict[int, int | None] = {pid: row[0].claim_id for pid, row in rows.items()}
    for hit in hits:
        row = rows.get(hit.passage_id)
        if row is None or row[0].claim_id in seen_claims:
            continue
        passage, claim, doc, outlet = row
        seen_claims.add(claim.id)  # type: ignore[arg-type]
        matches.append({
            "score": round(hit.score, 4),
            "confidence": _confidence(hit, hits, claim_of),
            "components": {k: round(v, 4) for k, v in hit.components.items()},
            "is_current_page": claim.id in page_claims,
            "claim": claim_json(claim, base_url),
            "passage": {
                "id": passage.id, "document_id": passage.document_id, "text": passage.text,
                "start": passage.start, "end": passage.end,
                "match_start": hit.passage_start, "match_end": hit.passage_end,
                "query_start": hit.query_start, "query_end": hit.query_end,
            },
            "document": document_json(doc, outlet),
            "provenance": _provenance(session, claim.id, provenance_cache),  # type: ignore[arg-type]
        })
        if len(matches) >= limit:
            break
    return {
        "matches": matches,
        "page": page_json(session, page_doc),
        "took_ms": round((time.perf_counter() - started) * 1000, 2),
    }


def _hit_rows(session: Session, hits: list[Any]) -> dict[int, tuple[Passage, Claim, Document, Outlet | None]]:
    """Passage, claim, document and outlet of every hit that belongs to a claim: one query."""
    ids = [h.passage_id for h in hits]
    if not ids:
        return {}
    rows = session.exec(
        select(Passage, Claim, Document, Outlet)
        .join(Claim, col(Claim.id) == Passage.claim_id)
        .join(Document, col(Document.id) == Passage.document_id)
        .join(Outlet, col(Outlet.id) == Document.outlet_id, isouter=True)
        .where(col(Passage.id).in_(ids))
    ).all()
    return {p.id: (p, c, d, o) for p, c, d, o in rows}  # type: ignore[misc]


# Hits this close to the best one match "about equally" (the engine's own tie margin).
NEAR_TIE = 0.03


def _confidence(hit: Any, hits: list[Any], claim_of: dict[int, int | None]) -> str:
    """The engine calls a short highlight a suggestion when several passages match it about
    equally; when all of them are copies of one claim, the answer is not ambiguous."""
    if hit.confidence != "suggestion":
        return hit.confidence
    rivals = {claim_of.get(h.passage_id) for h in hits if h.score >= hit.score - NEAR_TIE}
    rivals.discard(None)  # headings and boilerplate are not claims: they compete with nothing
    return "high" if len(rivals) == 1 and hit.score >= 0.9 else "suggestion"


def _provenance(session: Session, claim_id: int, cache: dict[int, dict[str, Any]] | None) -> dict[str, Any]:
    if cache is None:
        return claim_provenance(session=session, claim_id=claim_id)
    if claim_id not in cache:
        cache[claim_id] = claim_provenance(session=session, claim_id=claim_id)
    return cache[claim_id]


def page_json(session: Session, doc: Document | None) -> dict[str, Any] | None:
    """When the reader's page is itself indexed: what it is a republication of."""
    if doc is None or doc.id is None:
        return None
    outlet = session.get(Outlet, doc.outlet_id) if doc.outlet_id else None
    from api.provenance.documents import document_sources

    sources = document_sources(session=session, document_id=doc.id)
    return {
        "in_index": True, "document_id": doc.id, "title": doc.title,
        "outlet": outlet_json(outlet),
        "republication_of": sources[0] if sources else None,
    }
