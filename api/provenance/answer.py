"""Answers for the public contract: a highlight in, matched claims with provenance out.

Shared by ``POST /v1/match``, ``claimscope match`` and the benchmarks. Plain Python.
"""

from __future__ import annotations

import time
from typing import Any, NamedTuple

from sqlmodel import Session, col, select

from api.linking.outlets import outlet_json
from api.matching.engine import NEAR_TIE  # the engine's own tie margin: one definition
from api.matching.protocol import MatchIndex
from api.provenance.documents import document_sources
from api.provenance.timeline import claim_provenance
from db.models import Claim, Document, Outlet, Passage


def document_json(doc: Document, outlet: Outlet | None) -> dict[str, Any]:
    return {
        "id": doc.id,
        "title": doc.title,
        "url": doc.url,
        "published_at": doc.published_at,
        "date_precision": doc.date_precision,
        "not_after": doc.published_not_after,
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
    index: MatchIndex,
    text: str,
    prefix: str | None = None,
    suffix: str | None = None,
    page_url: str | None = None,
    limit: int = 5,
    threshold: float | None = None,
    base_url: str = "",
    provenance_cache: dict[int, dict[str, Any]] | None = None,
    refresh_index: bool = True,
    hit_cache: dict[int, HitRow | None] | None = None,
) -> dict[str, Any]:
    """``provenance_cache`` (claim id -> provenance), when given, is read and filled, so a batch
    of highlights computes each claim's provenance once; ``hit_cache`` (passage id -> what a
    match shows of it) likewise saves the hits' query. Both must belong to one generation of the
    database (``ProvenanceCache.sync``). ``refresh_index=False`` tells a ``LiveIndex`` it need
    not check the database for changes (the caller just did)."""
    started = time.perf_counter()
    extra = {} if refresh_index else {"refresh": False}
    hits = index.search(
        text, prefix=prefix, suffix=suffix, limit=max(limit * 3, 10), threshold=threshold, **extra
    )
    page_doc = _page_document(session, page_url)
    page_claims = _claims_of_document(session, page_doc.id) if page_doc and page_doc.id else set()
    matches: list[dict[str, Any]] = []
    seen_claims: set[int] = set()
    rows = _hit_rows(session, hits, hit_cache)
    # a hit's claim (None for headings and boilerplate: _hit_rows keeps only passages of claims)
    claim_of: dict[int, int | None] = {pid: row.claim_id for pid, row in rows.items()}
    for hit in hits:
        row = rows.get(hit.passage_id)
        if row is None or row.claim_id in seen_claims:
            continue
        seen_claims.add(row.claim_id)
        matches.append(
            {
                "score": round(hit.score, 4),
                "confidence": _confidence(hit, hits, claim_of),
                "components": {k: round(v, 4) for k, v in hit.components.items()},
                "is_current_page": row.claim_id in page_claims,
                "claim": {
                    "id": row.claim_id,
                    "text": row.claim_text,
                    "url": f"{base_url}/claims/{row.claim_id}",
                },  # claim_json
                "passage": {
                    **row.passage,
                    "match_start": hit.passage_start,
                    "match_end": hit.passage_end,
                    "query_start": hit.query_start,
                    "query_end": hit.query_end,
                },
                "document": row.document,
                "provenance": _provenance(session, row.claim_id, provenance_cache),
            }
        )
        if len(matches) >= limit:
            break
    return {
        "matches": matches,
        "page": page_json(session, page_doc, index),
        "took_ms": round((time.perf_counter() - started) * 1000, 2),
    }


class HitRow(NamedTuple):
    """What a match shows of a passage that belongs to a claim (plain JSON parts, cacheable)."""

    claim_id: int
    claim_text: str
    passage: dict[str, Any]  # id, document_id, text, start, end
    document: dict[str, Any]  # document_json


def _hit_rows(
    session: Session, hits: list[Any], cache: dict[int, HitRow | None] | None = None
) -> dict[int, HitRow]:
    """Passage, claim, document and outlet of every hit that belongs to a claim: one query for
    those not in ``cache`` (which remembers passages without a claim as None)."""
    out: dict[int, HitRow] = {}
    missing: list[int] = []
    for hit in hits:
        pid = hit.passage_id
        if cache is not None and pid in cache:
            cached = cache[pid]
            if cached is not None:
                out[pid] = cached
        else:
            missing.append(pid)
    if not missing:
        return out
    rows = session.exec(
        select(Passage, Claim, Document, Outlet)
        .join(Claim, col(Claim.id) == Passage.claim_id)
        .join(Document, col(Document.id) == Passage.document_id)
        .join(Outlet, col(Outlet.id) == Document.outlet_id, isouter=True)
        .where(col(Passage.id).in_(missing))
    ).all()
    for p, c, d, o in rows:
        assert c.id is not None  # joined from a stored row
        out[p.id] = HitRow(  # type: ignore[index]
            c.id,
            c.text,  # type: ignore[arg-type]
            {"id": p.id, "document_id": p.document_id, "text": p.text, "start": p.start, "end": p.end},
            document_json(d, o),
        )
    if cache is not None:
        for pid in missing:
            cache[pid] = out.get(pid)
    return out


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


def page_json(session: Session, doc: Document | None, index: Any = None) -> dict[str, Any] | None:
    """When the reader's page is itself indexed: what it is a republication of."""
    if doc is None or doc.id is None:
        return None
    outlet = session.get(Outlet, doc.outlet_id) if doc.outlet_id else None
    sources = document_sources(session=session, document_id=doc.id, index=index)
    return {
        "in_index": True,
        "document_id": doc.id,
        "title": doc.title,
        "outlet": outlet_json(outlet),
        "republication_of": sources[0] if sources else None,
    }
